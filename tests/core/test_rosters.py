"""Importing the rosters clerks really keep — and refusing the files nobody should open."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter

from tests.conftest import need_tool, run_cli
from tests.core import hostile_sheets
from unionapp import members
from unionapp.db import Database
from unionapp.progress import Cancelled, Progress
from unionapp.rosters import legacy
from unionapp.rosters.export import export_members
from unionapp.rosters.importing import (
    ImportOptions,
    import_roster,
    preview,
    read_roster,
    remember_mapping,
)
from unionapp.rosters.layout import detect_layout
from unionapp.rosters.reading import BadFile, read_sheet


def _count(db: Database) -> int:
    return members.member_list(db).count()


def official_form(path: Path) -> Path:
    """The common form: title lines, a merged two-row header with the birth date split into
    Nam / Nữ, a numbering row, a blank row in the middle, totals and signatures below."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("DS đoàn viên")
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write(0, 0, "CÔNG ĐOÀN VIÊN CHỨC THÀNH PHỐ HÀ NỘI")
    ws.write(1, 0, "CĐCS TRƯỜNG THPT CHU VĂN AN")
    ws.merge_range(3, 0, 3, 8, "DANH SÁCH ĐOÀN VIÊN CÔNG ĐOÀN")
    ws.write(4, 3, "(Tính đến ngày 31/12/2025)")
    ws.merge_range(6, 0, 7, 0, "STT")
    ws.merge_range(6, 1, 7, 1, "Họ và tên")
    ws.merge_range(6, 2, 6, 3, "Ngày, tháng, năm sinh")
    ws.write(7, 2, "Nam")
    ws.write(7, 3, "Nữ")
    ws.merge_range(6, 4, 7, 4, "Dân tộc")
    ws.merge_range(6, 5, 7, 5, "Số CMND/CCCD")
    ws.merge_range(6, 6, 7, 6, "Ngày vào CĐ")
    ws.merge_range(6, 7, 7, 7, "Tổ công đoàn")
    ws.merge_range(6, 8, 7, 8, "Số thẻ ĐV")
    for i in range(9):
        ws.write(8, i, f"({i + 1})")
    rows = [
        (1, "Nguyễn Văn An", date(1980, 5, 1), None, "Kinh", "056652231581", "01/09/2005",
         "Tổ Toán", "HN-0001"),
        (2, "Lê Thị Hằng", None, "1985", "Tày", 12185345678, None, "Tổ Văn", 1234),
        (3, unicodedata.normalize("NFD", "  Trần   Đặng Thu Hường "), None, "12/3/1990", "Kinh",
         "", "15/10/2015", "Tổ Toán", ""),
    ]
    r = 9
    for values in rows:
        for c, v in enumerate(values):
            if isinstance(v, date):
                ws.write_datetime(r, c, v, day)
            elif v is not None:
                ws.write(r, c, v)
        r += 2 if values[0] == 2 else 1  # a blank row in the middle of the table
    ws.write(r + 1, 1, "Tổng cộng: 3 đoàn viên (1 nam, 2 nữ)")
    ws.write(r + 3, 1, "Người lập biểu")
    ws.write(r + 3, 6, "Hà Nội, ngày 31 tháng 12 năm 2025")
    ws.write(r + 4, 6, "TM. BAN CHẤP HÀNH")
    wb.close()
    return path


def test_official_form_lands_row_by_row(db: Database, tmp_path: Path) -> None:
    path = official_form(tmp_path / "danh sách.xlsx")
    # the groups the file names are offered, and made only when the clerk agrees
    assert import_roster(db, path, dry_run=True).groups_missing == {"Tổ Toán": 2, "Tổ Văn": 1}
    summary = import_roster(db, path, options=ImportOptions(create_groups=True))
    assert (summary.created, summary.updated, summary.skipped) == (3, 0, 0)
    assert summary.errors == []
    assert summary.header_row == 7
    assert summary.groups_created == ["Tổ Toán", "Tổ Văn"]
    found = {m.full_name: m for m in members.find_members(db)}
    assert set(found) == {"Nguyễn Văn An", "Lê Thị Hằng", "Trần Đặng Thu Hường"}
    an, hang, huong = (found[n] for n in ("Nguyễn Văn An", "Lê Thị Hằng",
                                          "Trần Đặng Thu Hường"))
    assert (an.gender, an.date_of_birth, an.national_id) == ("male", date(1980, 5, 1),
                                                             "056652231581")
    assert an.joined_on == date(2005, 9, 1) and an.card_number == "HN-0001"
    assert an.org_unit == "Tổ Toán" and huong.org_unit == "Tổ Toán"
    # only the year is known, kept as such; the CCCD Excel stored as a number gets its zero back
    assert (hang.gender, hang.date_of_birth, hang.birth_year) == ("female", None, 1985)
    assert hang.national_id == "012185345678" and hang.ethnicity == "Tày"
    assert any("mất số 0" in w.message and w.row == 11 for w in summary.warnings)
    assert (huong.gender, huong.date_of_birth) == ("female", date(1990, 3, 12))


def test_reimporting_the_same_file_changes_nothing(db: Database, tmp_path: Path) -> None:
    path = official_form(tmp_path / "a.xlsx")
    import_roster(db, path)
    before = [(m.uuid, m) for m in members.find_members(db)]
    again = import_roster(db, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert [(m.uuid, m) for m in members.find_members(db)] == before
    assert len(again.duplicates) == 3 and all(m.source == "database"
                                              for _row, ms in again.duplicates for m in ms)


def test_a_changed_file_updates_and_says_so(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("Họ và tên,Ngày sinh,Giới tính,Số CCCD,Điện thoại\n"
                    "Phạm Văn Đồng,01/01/1970,Nam,001070000001,0912000001\n", encoding="utf-8")
    import_roster(db, path)
    path.write_text("Họ và tên,Ngày sinh,Giới tính,Số CCCD,Điện thoại\n"
                    "Phạm Văn Đồng,01/01/1970,Nam,001070000001,0988000002\n", encoding="utf-8")
    summary = import_roster(db, path)
    assert (summary.created, summary.updated) == (0, 1)
    assert members.find_members(db, "dong")[0].phone == "0988000002"


def test_bad_rows_are_reported_with_their_sheet_row_and_column(db: Database,
                                                                tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["DANH SÁCH ĐOÀN VIÊN"])
    ws.write_row(2, 0, ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD"])
    ws.write_row(3, 0, [1, "Vũ Văn Hải", "31/02/1980", "Nam", "001080000001"])
    ws.write_row(4, 0, [2, "", "01/01/1981", "Nữ", "001181000002"])
    ws.write_row(5, 0, [3, "Đỗ Thị Lan", "02/02/1982", "Nữ", "12345"])
    ws.write_row(6, 0, [4, "Đỗ Thị Lan", "02/02/1982", "Nữ", ""])
    ws.write_row(7, 0, [5, "Bùi Văn Nam", "03/03/1975", "Nam", "001075000005"])
    wb.close()
    summary = import_roster(db, path)
    errors = {(p.row, p.field) for p in summary.errors}
    assert errors == {(4, "Ngày sinh"), (5, "Họ và tên")}
    assert any(p.row == 6 and p.field == "Số CCCD" for p in summary.warnings)
    assert summary.skipped == 1 and summary.duplicates[0][0] == 7
    assert summary.created == 2
    assert {m.full_name for m in members.find_members(db)} == {"Đỗ Thị Lan", "Bùi Văn Nam"}
    data = summary.as_json()
    assert {k: data["errors"][0][k] for k in ("row", "column")} == {"row": 4, "column": "Ngày sinh"}


def test_sections_give_the_group_and_names_split_in_two_columns(db: Database,
                                                                tmp_path: Path) -> None:
    path = tmp_path / "to.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["TT", "Họ và tên đệm", "Tên", "Năm sinh", "Giới tính"])
    ws.write_row(1, 0, ["I. Tổ công đoàn Phòng Hành chính"])
    ws.write_row(2, 0, [1, "Nguyễn Thị", "Mai", 1988, "Nữ"])
    ws.write_row(3, 0, [2, "Lê Văn", "Tám", 1979, "Nam"])
    ws.write_row(4, 0, ["II. Tổ công đoàn Phòng Kế toán"])
    ws.write_row(5, 0, [1, "Hoàng Thị", "Nụ", 1990, "Nữ"])
    wb.close()
    summary = import_roster(db, path, options=ImportOptions(create_groups=True))
    assert summary.created == 3 and summary.errors == []
    by_name = {m.full_name: m for m in members.find_members(db)}
    # the heading's numbering is not part of the group's name
    assert by_name["Nguyễn Thị Mai"].org_unit == "Tổ công đoàn Phòng Hành chính"
    assert by_name["Hoàng Thị Nụ"].org_unit == "Tổ công đoàn Phòng Kế toán"
    assert by_name["Lê Văn Tám"].birth_year == 1979


@pytest.mark.parametrize("encoding", [legacy.TCVN3, legacy.VNI])
def test_legacy_encodings_are_converted_and_said(db: Database, tmp_path: Path,
                                                 encoding: str) -> None:
    names = ["Nguyễn Thị Hằng", "Đặng Văn Lâm", "Trương Thị Ngọc Ữ", "Phạm Quốc Hưng",
             "Lưu Thị Mỗ"]
    path = tmp_path / f"{encoding}.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["STT", "Họ và tên", "Năm sinh"])
    for i, name in enumerate(names, start=1):
        ws.write_row(i, 0, [i, legacy.to_legacy(name, encoding), 1980 + i])
    wb.close()
    summary = import_roster(db, path)
    assert summary.legacy_encoding == encoding
    assert sorted(m.full_name for m in members.find_members(db)) == sorted(names)


def _cp1258(text: str) -> bytes:
    """Windows' Vietnamese code page: letters like ă, ơ precomposed, tones as combining marks."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_csv_in_windows_code_page_with_semicolons(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    text = "Họ và tên;Ngày sinh;Giới tính\nNguyễn Văn Bình;05/06/1977;Nam\n"
    path.write_bytes(_cp1258(text))
    summary = import_roster(db, path)
    assert summary.created == 1
    assert members.find_members(db)[0].full_name == "Nguyễn Văn Bình"


def test_our_own_export_reads_back_unchanged(demo_db: Database, tmp_path: Path) -> None:
    for name in ("roster.xlsx", "roster.csv"):
        export_members(demo_db, tmp_path / name)
        summary = import_roster(demo_db, tmp_path / name, dry_run=True)
        assert summary.errors == [], summary.errors[:3]
        assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 300), name


def test_a_file_saved_by_libreoffice(db: Database, tmp_path: Path) -> None:
    """Real office suites write files differently from our test builder."""
    soffice = need_tool("soffice")
    source = official_form(tmp_path / "form.xlsx")
    for target in ("ods", "xlsx", "xls"):
        out = tmp_path / target
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                        "--convert-to", target, "--outdir", str(out), str(source)],
                       check=True, capture_output=True, timeout=180)
        converted = next(out.iterdir())
        summary = import_roster(db, converted, dry_run=True)
        assert summary.errors == [], (target, summary.errors)
        assert summary.created == 3, target
        names = {r.candidate.data.full_name for r in summary.rows}
        assert names == {"Nguyễn Văn An", "Lê Thị Hằng", "Trần Đặng Thu Hường"}, target


def test_cancelling_leaves_the_database_as_it_was(db: Database, tmp_path: Path) -> None:
    path = official_form(tmp_path / "a.xlsx")

    def stop_when_writing(done: int, total: int, message: str) -> None:
        if message.startswith("Đang ghi"):
            cancel[0] = True

    cancel = [False]
    progress = Progress(report=stop_when_writing, is_cancelled=lambda: cancel[0])
    with pytest.raises(Cancelled):
        import_roster(db, path, progress=progress)
    assert _count(db) == 0


def test_remembered_mapping(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Họ và tên,Mã số riêng,Năm sinh\nLê Văn A,X1,1980\n", encoding="utf-8")
    sheet = read_sheet(path)
    layout = detect_layout(sheet.rows)
    assert layout is not None and 1 not in layout.columns
    layout.columns[1] = "card_number"
    remember_mapping(layout)
    plan = read_roster(path)
    assert plan.layout.remembered and plan.layout.columns[1] == "card_number"
    assert plan.parsed.candidates[0].data.card_number == "X1"


# --- hostile and broken files -------------------------------------------------------------


def _xlsx_with_sheet_xml(path: Path, sheet_xml: str) -> Path:
    base = path.with_suffix(".base.xlsx")
    wb = xlsxwriter.Workbook(str(base))
    wb.add_worksheet().write(0, 0, "Họ và tên")
    wb.close()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode()
            dst.writestr(item, data)
    return path


SHEET = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         '{dimension}<sheetData>{rows}</sheetData></worksheet>')


def _hostile(kind: str, tmp_path: Path) -> Path:
    path = tmp_path / f"{kind}.xlsx"
    if kind == "entity_expansion":
        doctype = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
                   '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>')
        return _xlsx_with_sheet_xml(path, SHEET.format(
            doctype=doctype, dimension="", rows='<row r="1"><c r="A1" t="inlineStr"><is><t>'
            '&lol3;</t></is></c></row>'))
    if kind == "huge_dimension":
        return _xlsx_with_sheet_xml(path, SHEET.format(
            doctype="", dimension='<dimension ref="A1:XFD1048576"/>',
            rows='<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'))
    if kind == "far_cell":
        return _xlsx_with_sheet_xml(path, SHEET.format(
            doctype="", dimension="",
            rows='<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c></row>'
                 '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))
    if kind == "renamed_docx":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", "<w:document/>")
        return path
    if kind == "empty":
        path.write_bytes(b"")
        return path
    if kind == "truncated":
        whole = official_form(tmp_path / "whole.xlsx").read_bytes()
        path.write_bytes(whole[: len(whole) // 2])
        return path
    if kind == "zip_bomb":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("xl/workbook.xml", "<workbook/>")
            z.writestr("xl/worksheets/sheet1.xml", " " * (40 * 1024 * 1024))
        return path
    if kind == "not_a_spreadsheet":
        path.write_bytes(b"%PDF-1.4 hello")
        return path
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["entity_expansion", "huge_dimension", "far_cell",
                                  "renamed_docx", "empty", "truncated", "zip_bomb",
                                  "not_a_spreadsheet"])
def test_hostile_and_broken_files_are_refused_clearly(db: Database, tmp_path: Path,
                                                      kind: str) -> None:
    path = _hostile(kind, tmp_path)
    with pytest.raises(BadFile) as refused:
        import_roster(db, path)
    message = refused.value.message
    assert message.startswith(f"Không đọc được tệp {path.name}:"), message
    assert _count(db) == 0


def test_cli_import_json_contract(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    run_cli("--db", db, "init", "--branch-code", "B", "--branch-name", "CĐCS B", check=True)
    path = official_form(tmp_path / "form.xlsx")
    dry = run_cli("--db", db, "members", "import", str(path), "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    summary = json.loads(dry.stdout)
    assert {"created", "updated", "unchanged", "skipped", "errors", "duplicates",
            "dry_run"} <= set(summary)
    assert summary["dry_run"] is True and summary["created"] == 3
    assert json.loads(run_cli("--db", db, "members", "find", "--json").stdout) == []
    done = json.loads(run_cli("--db", db, "members", "import", str(path), "--json",
                              check=True).stdout)
    assert done["dry_run"] is False and done["created"] == 3
    bad = run_cli("--db", db, "members", "import", str(_hostile("renamed_docx", tmp_path)))
    assert bad.returncode == 2 and "Word" in bad.stderr


def test_cli_export_and_csv_bom(tmp_path: Path, demo_path: Path) -> None:
    out = tmp_path / "ds.csv"
    run_cli("--db", str(demo_path), "members", "export", str(out), "--no-national-id",
            check=True)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0][:2] == ["STT", "Họ và tên"] and "Số CCCD" not in rows[0]
    assert len(rows) == 301
    shutil.rmtree(tmp_path / "lo", ignore_errors=True)


def test_preview_shows_every_row_and_writes_nothing(db: Database, tmp_path: Path) -> None:
    plan, summary = preview(db, official_form(tmp_path / "a.xlsx"))
    assert [r.action for r in summary.rows] == ["create", "create", "create"]
    assert [r.candidate.row for r in summary.rows] == [10, 11, 13]
    assert _count(db) == 0 and plan.layout.numbering_row == 8


# --- crafted and damaged files (issue 17, points 3 and 14) ---------------------------------


@pytest.mark.parametrize("kind", sorted(hostile_sheets.HOSTILE))
def test_crafted_and_damaged_files_are_refused_plainly(db: Database, tmp_path: Path,
                                                        kind: str) -> None:
    path = hostile_sheets.make(kind, tmp_path)
    with pytest.raises(BadFile) as refused:
        import_roster(db, path)
    assert refused.value.message.startswith(f"Không đọc được tệp {path.name}:")
    assert _count(db) == 0


@pytest.mark.parametrize("kind", ["far_cell_single_quotes", "four_billion_shared_texts"])
def test_the_reading_child_takes_the_blow_when_the_checks_miss(
        db: Database, tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the checks, calamine asks for hundreds of gigabytes and aborts: the child
    process, capped in memory, dies — not the program, which says the file can't be read."""
    from unionapp.rosters import reading

    monkeypatch.setattr(reading, "check_file", lambda path, kind: None)
    with pytest.raises(BadFile, match="bị hỏng hoặc quá lớn"):
        read_sheet(hostile_sheets.make(kind, tmp_path))


def test_cli_refuses_crafted_files_with_exit_2_and_no_traceback(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    run_cli("--db", db, "init", "--branch-code", "B", "--branch-name", "CĐCS B", check=True)
    for kind in ("far_cell_single_quotes", "not_a_number", "flipped_bits", "no_sheets"):
        done = run_cli("--db", db, "members", "import", str(hostile_sheets.make(kind, tmp_path)))
        assert done.returncode == 2, (kind, done.stderr)
        assert "Traceback" not in done.stderr and "Không đọc được tệp" in done.stderr, kind


def test_workbooks_with_what_office_files_carry_still_import(db: Database,
                                                            tmp_path: Path) -> None:
    """Several sheets, merged title cells, comments, hyperlinks, validation, styles, frozen
    panes, defined names, formulas without cached values, a datetime with a time: the reading
    child and the checks pass what real office files hold."""
    from datetime import datetime

    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Hướng dẫn"
    notes["A1"] = "Xem trang sau"
    ws = wb.create_sheet("Danh sách")
    ws.merge_cells("A1:E1")
    ws["A1"] = "DANH SÁCH ĐOÀN VIÊN"
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Ghi chú"])
    ws.append([1, "Nguyễn Văn An", datetime(1980, 5, 1, 8, 30), "Nam", "=A4*2"])
    ws.append([2, "Lê Thị Hằng", datetime(1985, 3, 12), "Nữ", "xem"])
    ws["B4"].comment = Comment("đã kiểm tra", "cán bộ")
    ws["E5"].hyperlink = "https://example.invalid/"
    ws["B5"].fill = PatternFill("solid", fgColor="FFFF00")
    rule = DataValidation(type="list", formula1='"Nam,Nữ"')
    ws.add_data_validation(rule)
    rule.add("D4:D100")
    ws.freeze_panes = "A4"
    wb.defined_names["ds"] = DefinedName("ds", attr_text="'Danh sách'!$A$3:$E$5")
    path = tmp_path / "office.xlsx"
    wb.save(path)
    summary = import_roster(db, path, dry_run=True, sheet="Danh sách")
    assert summary.error_rows == 0 and summary.created == 2 and summary.header_row == 3
    born = {r.candidate.data.full_name: r.candidate.data.date_of_birth for r in summary.rows}
    assert born == {"Nguyễn Văn An": date(1980, 5, 1), "Lê Thị Hằng": date(1985, 3, 12)}
