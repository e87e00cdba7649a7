"""The roster import's rules from issues 14, 16 and 17: legacy text everywhere in the sheet,
CSV code pages, CCCD numbers Excel stored as numbers, groups within the home unit's subtree,
"job, unit" columns, duplicate reasons, the one date rule, and writing what the preview
showed when the register did not change."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter

from tests.conftest import run_cli
from unionapp import members, org
from unionapp.db import Database, backups_dir
from unionapp.demo import FAMILY, GIVEN, MIDDLE
from unionapp.members import MemberInput
from unionapp.models import Gender
from unionapp.rosters import importing, legacy
from unionapp.rosters.importing import ImportOptions, apply, import_roster, preview
from unionapp.text import DateError, fold, parse_birth


def _xlsx(path: Path, rows: list[list[object]], *, start: int = 0) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for r, values in enumerate(rows, start=start):
        for c, value in enumerate(values):
            if isinstance(value, date):
                ws.write_datetime(r, c, value, wb.add_format({"num_format": "dd/mm/yyyy"}))
            elif value is not None:
                ws.write(r, c, value)
    wb.close()
    return path


def _names(count: int, seed: int = 0) -> list[str]:
    """Realistic, distinct Vietnamese women's names (the demo's families, middle and given
    names: every kind of letter and tone)."""
    families = sorted(set(FAMILY))
    middle, given = MIDDLE[Gender.FEMALE], GIVEN[Gender.FEMALE]
    names: list[str] = []
    i = seed
    while len(names) < count:
        name = f"{families[i % len(families)]} {middle[(i // 3) % len(middle)]} " \
               f"{given[(i * 7) % len(given)]}"
        if name not in names:
            names.append(name)
        i += 1
    return names


# --- issue 14.6: legacy text everywhere in the sheet ------------------------------------------


@pytest.mark.parametrize("encoding", [legacy.TCVN3, legacy.VNI])
def test_a_roster_typed_in_old_fonts_from_the_first_row_imports_completely(
        db: Database, tmp_path: Path, encoding: str) -> None:
    names = _names(12, seed=5)

    def old(text: str) -> str:
        return legacy.to_legacy(text, encoding)

    rows: list[list[object]] = [
        [old("CÔNG ĐOÀN VIÊN CHỨC THÀNH PHỐ HÀ NỘI")],
        [old("DANH SÁCH ĐOÀN VIÊN CÔNG ĐOÀN NĂM 2025")],
        [],
        [old(h) for h in ("STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc",
                          "Chức vụ", "Ghi chú")],
    ]
    for number, name in enumerate(names, start=1):
        rows.append([number, old(name), f"0{number % 9 + 1}/03/198{number % 10}",
                     old("Nữ" if number % 2 else "Nam"), old("Kinh"), old("Giáo viên"),
                     old("Đã chuyển đến từ trường khác") if number == 3 else None])
    rows += [[], [None, old("Người lập biểu")]]
    path = _xlsx(tmp_path / f"{encoding}.xlsx", rows)

    plan, summary = preview(db, path)
    assert summary.legacy_encoding == encoding  # shown in the preview
    assert summary.header_row == 4 and summary.error_rows == 0
    assert plan.layout.headers[:4] == ["STT", "Họ và tên", "Ngày sinh", "Giới tính"]
    assert any("TCVN3" in line or "VNI" in line for line in importing.summary_lines(summary))
    done = import_roster(db, path)
    assert done.created == len(names)
    found = {m.full_name: m for m in members.find_members(db)}
    assert set(found) == set(names)
    first = found[names[0]]
    assert (first.gender, first.ethnicity, first.job_title) == ("female", "Kinh", "Giáo viên")


def _tcvn3_bytes(text: str) -> bytes:
    return legacy.to_legacy(text, legacy.TCVN3).encode("cp1252")


def _vni_bytes(text: str) -> bytes:
    return legacy.to_legacy(text, legacy.VNI).encode("cp1252")


@pytest.mark.parametrize("encode", [_tcvn3_bytes, _vni_bytes], ids=["tcvn3", "vni"])
def test_8_bit_csv_is_decided_by_scoring_the_text(db: Database, tmp_path: Path,
                                                   encode: object) -> None:
    """Issue 17.13: code page 1258 accepts every byte of the old fonts, so it must not win
    by being tried first (before: 8 of 20 TCVN3 and 6 of 20 VNI names came out right)."""
    names = [*_names(20, seed=40), "Nguyễn Thị Hằng", "Trương Thị Ngọc Ữ"]
    lines = ["Họ và tên;Năm sinh;Giới tính"] + [f"{n};1980;Nữ" for n in names]
    path = tmp_path / "old.csv"
    path.write_bytes(encode("\r\n".join(lines) + "\r\n"))  # type: ignore[operator]
    summary = import_roster(db, path)
    assert summary.created == len(names) and summary.error_rows == 0
    assert sorted(m.full_name for m in members.find_members(db)) == sorted(names)


def test_csv_saved_by_old_excel_for_mac_with_cr_line_ends(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes("Họ và tên,Năm sinh\rLê Văn Tám,1979\rĐỗ Thị Lan,1982\r".encode())
    assert import_roster(db, path).created == 2


# --- issue 14.6: a CCCD Excel stored as a number ---------------------------------------------


def test_a_numeric_cccd_gets_its_zero_back_only_when_the_result_is_valid(
        db: Database, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "cccd.xlsx", [
        ["Họ và tên", "Năm sinh", "Giới tính", "Số CCCD"],
        ["Lê Thị Hằng", 1985, "Nữ", 12185345678],  # Lai Châu, woman of the 1900s, '85
        ["Phạm Văn Nam", 1990, "Nam", 1090123456],  # Hà Nội: two zeros lost
        ["Trần Văn Sai", 1990, "Nam", 12185345679],  # says born in '85: not this member's
        ["Vũ Thị Chữ", 1991, "Nữ", "12191345678"],  # typed as text: never guessed
    ])
    _plan, summary = preview(db, path)
    rows = {r.candidate.data.full_name: r for r in summary.rows}
    assert rows["Lê Thị Hằng"].candidate.data.national_id == "012185345678"
    assert rows["Phạm Văn Nam"].candidate.data.national_id == "001090123456"
    assert rows["Trần Văn Sai"].candidate.data.national_id is None
    assert rows["Vũ Thị Chữ"].candidate.data.national_id is None
    assert summary.national_ids_restored == 2
    note = rows["Lê Thị Hằng"].problems[0]
    assert "mất số 0" in note.message and note.row == 2 and note.field == "Số CCCD"
    assert "không phải số CCCD hợp lệ" in rows["Trần Văn Sai"].problems[0].message
    assert any("2 số CCCD" in line for line in importing.summary_lines(summary))


# --- issue 17.7 and 16.4: groups --------------------------------------------------------------


def test_groups_are_matched_only_within_the_home_subtree(db: Database, tmp_path: Path) -> None:
    home = org.home_unit(db)
    parent = next(u for u in org.list_units(db) if u.uuid != home.uuid)
    org.add_group(db, code="KHAC-VP", name="Tổ công đoàn Văn phòng", parent=parent.uuid)
    ours = org.add_group(db, code="T-KT", name="Tổ công đoàn Kế toán")
    org.add_group(db, code="T-HC1", name="Tổ Hành chính")
    org.add_group(db, code="T-HC2", name="Phòng Hành chính")
    path = _xlsx(tmp_path / "to.xlsx", [
        ["Họ và tên", "Năm sinh", "Tổ công đoàn"],
        ["Lê Văn A", 1980, "Văn phòng"],  # another branch's group: not ours
        ["Lê Văn B", 1981, "Kế toán"],
        ["Lê Văn C", 1982, "Hành chính"],  # two of ours fit: reported, not guessed
    ])
    _plan, summary = preview(db, path)
    assert summary.groups_missing == {"Văn phòng": 1}
    assert summary.groups_matched == {"Kế toán": "Tổ công đoàn Kế toán"}
    assert summary.groups_ambiguous == {"Hành chính": ["Phòng Hành chính", "Tổ Hành chính"]}
    c = next(r for r in summary.rows if r.candidate.data.full_name == "Lê Văn C")
    assert any("Hành chính" in p.message for p in c.problems)
    import_roster(db, path)
    placed = {m.full_name: m.org_unit for m in members.find_members(db)}
    assert placed == {"Lê Văn A": home.name, "Lê Văn B": ours.name, "Lê Văn C": home.name}
    assert len(org.list_units(db)) == 6  # nothing created without the clerk's word


def test_a_job_and_unit_column_is_split_and_groups_made_only_when_agreed(
        db: Database, tmp_path: Path) -> None:
    org.add_group(db, code="T-VP", name="Tổ công đoàn Văn phòng")
    path = _xlsx(tmp_path / "ds.xlsx", [
        ["STT", "Họ và tên", "Năm sinh", "Chức vụ, đơn vị công tác"],
        [1, "Nguyễn Văn Tài", 1980, "Lái xe, Văn phòng"],
        [2, "Trần Thị Mai", 1985, "Kế toán viên, Phòng Tài chính, Kế toán"],
        [3, "Lê Văn Bảo", 1979, "Bảo vệ"],
    ])
    _plan, summary = preview(db, path)
    assert summary.split is not None and summary.split.split and summary.split.suggested
    assert summary.split.examples[0] == ("Lái xe, Văn phòng", "Lái xe", "Văn phòng")
    assert summary.groups_matched == {"Văn phòng": "Tổ công đoàn Văn phòng"}
    assert summary.groups_missing == {"Phòng Tài chính, Kế toán": 1}
    kept_whole = import_roster(db, path, dry_run=True,
                               options=ImportOptions(split_job_unit=False))
    assert {r.candidate.data.job_title for r in kept_whole.rows} == {
        "Lái xe, Văn phòng", "Kế toán viên, Phòng Tài chính, Kế toán", "Bảo vệ"}
    assert kept_whole.groups_matched == {} and kept_whole.groups_missing == {}
    done = import_roster(db, path, options=ImportOptions(create_groups=True))
    assert done.groups_created == ["Phòng Tài chính, Kế toán"]
    found = {m.full_name: m for m in members.find_members(db)}
    assert (found["Nguyễn Văn Tài"].job_title, found["Nguyễn Văn Tài"].org_unit) == (
        "Lái xe", "Tổ công đoàn Văn phòng")
    assert (found["Trần Thị Mai"].job_title, found["Trần Thị Mai"].org_unit) == (
        "Kế toán viên", "Phòng Tài chính, Kế toán")
    assert found["Lê Văn Bảo"].job_title == "Bảo vệ"


# --- issue 16.5: duplicates say by what ---------------------------------------------------


def test_duplicates_say_by_what(db: Database, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "dup.xlsx", [
        ["Họ và tên", "Ngày sinh", "Số CCCD"],
        ["Đỗ Thị Lan", date(1982, 2, 2), "001182000001"],
        ["Đỗ Thị Lan Anh", date(1983, 3, 3), "001182000001"],  # the same CCCD
        ["Bùi Văn Nam", date(1975, 3, 3), ""],
        ["Bùi Văn Nam", date(1975, 3, 3), ""],  # the same name and birth date
    ])
    summary = import_roster(db, path, dry_run=True)
    messages = {p.row: p.message for p in summary.warnings}
    assert messages[3] == "Trùng số CCCD với dòng 2: bỏ qua dòng này."
    assert messages[5] == "Trùng họ tên và ngày sinh với dòng 4: bỏ qua dòng này."
    data = summary.as_json()
    assert [(d["row"], [(m["by"], m["reason"]) for m in d["matches"]])
            for d in data["duplicates"]] == [
        (3, [("national_id", "trùng số CCCD với dòng 2")]),
        (5, [("name_birth", "trùng họ tên và ngày sinh với dòng 4")])]
    import_roster(db, path)
    again = import_roster(db, path, dry_run=True)
    reasons = [m.reason for r in again.rows for m in r.matches if m.source == "database"]
    assert "trùng số CCCD với Đỗ Thị Lan trong danh sách đoàn viên" in reasons


# --- issue 17.9: one date rule ---------------------------------------------------------------


def test_the_import_and_the_forms_read_dates_by_one_rule(db: Database, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "d.xlsx", [
        ["Họ và tên", "Ngày sinh"],
        ["Vũ Văn Hải", "31/02/1980"],
        ["Vũ Văn Hà", "12/3/85"],
        ["Vũ Văn Hòa", "3/1985"],
    ])
    summary = import_roster(db, path, dry_run=True)
    problems = {p.row: p.message for p in summary.errors}
    with pytest.raises(DateError) as refused:
        parse_birth("31/02/1980")  # what the member dialog reads its date of birth with
    assert problems == {2: refused.value.message} == {2: "“31/02/1980” không phải ngày có thật."}
    born = {r.candidate.data.full_name: (r.candidate.data.date_of_birth,
                                         r.candidate.data.birth_year) for r in summary.rows}
    assert born["Vũ Văn Hà"] == (date(1985, 3, 12), 1985)
    assert born["Vũ Văn Hòa"] == (None, 1985)


# --- issue 14.2: the preview's answer is written when nothing changed ---------------------


def test_the_rows_are_not_checked_twice_when_the_register_did_not_change(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _xlsx(tmp_path / "a.xlsx", [["Họ và tên", "Năm sinh", "Số CCCD"],
                                       ["Lê Văn Tám", 1979, "001079000008"]])
    checks = []
    real_check = importing.check
    monkeypatch.setattr(importing, "check", lambda *a, **k: checks.append(1) or real_check(
        *a, **k))
    plan, summary = preview(db, path)
    assert len(checks) == 1
    done = apply(db, plan, summary)
    assert len(checks) == 1 and done.created == 1 and not done.dry_run
    assert list(backups_dir().rglob("*before-import*"))  # a backup before writing


def test_a_register_changed_after_the_preview_is_checked_again(
        db: Database, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "a.xlsx", [["Họ và tên", "Năm sinh", "Số CCCD"],
                                       ["Lê Văn Tám", 1979, "001079000008"]])
    plan, summary = preview(db, path)
    assert summary.created == 1
    members.create_member(db, MemberInput(full_name="Lê Văn Tám", birth_year=1979,
                                          national_id="001079000008"))
    done = apply(db, plan, summary)
    assert (done.created, done.unchanged) == (0, 1)  # no second Lê Văn Tám
    assert members.member_list(db).count() == 1


def test_cli_options_and_json(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    run_cli("--db", db, "init", "--branch-code", "B", "--branch-name", "CĐCS B", check=True)
    path = _xlsx(tmp_path / "ds.xlsx", [
        ["Họ và tên", "Năm sinh", "Chức vụ, đơn vị công tác"],
        ["Nguyễn Văn Tài", 1980, "Lái xe, Văn phòng"],
    ])
    dry = json.loads(run_cli("--db", db, "members", "import", str(path), "--dry-run",
                             "--json", check=True).stdout)
    assert dry["groups_missing"] == {"Văn phòng": 1} and dry["groups_created"] == []
    assert dry["split_job_unit"]["split"] is True and dry["error_rows"] == 0
    text = run_cli("--db", db, "members", "import", str(path), "--dry-run",
                   "--no-split-job-unit", check=True).stdout
    assert "có thể tách" in text
    done = json.loads(run_cli("--db", db, "members", "import", str(path), "--json",
                              "--create-groups", check=True).stdout)
    assert done["groups_created"] == ["Văn phòng"]
    found = json.loads(run_cli("--db", db, "members", "find", "--json", check=True).stdout)
    assert [(m["job_title"], m["org_unit"]) for m in found] == [("Lái xe", "Văn phòng")]
    assert fold(found[0]["full_name"]) == "nguyen van tai"
