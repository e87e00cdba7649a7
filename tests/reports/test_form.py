"""The parent's own form: a copy filled in, everything else of the file as it was; unknown
placeholders reported; the form itself treated as the untrusted file it is."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import update

from tests.reports.test_outputs import libreoffice
from unionapp.db import Database
from unionapp.errors import UserError
from unionapp.models import OrgUnit
from unionapp.reports import ReportRequest, make_report
from unionapp.reports.definitions import definitions_dir

FORM = definitions_dir() / "mau-bao-cao-thong-ke-cap-tren.xlsx"
TODAY = date.today()
PERIOD = dict(start=date(TODAY.year - 1, 12, 1), end=date(TODAY.year, 11, 30))


def _values(path: Path) -> dict[str, object]:
    ws = openpyxl.load_workbook(path).active
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def test_the_shipped_form_is_filled(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "filled.xlsx"
    before = FORM.read_bytes()
    result = make_report(demo_db, ReportRequest("statistics", out, form=FORM, **PERIOD))
    assert FORM.read_bytes() == before  # the form itself is never written
    assert result.unknown == ()
    template = openpyxl.load_workbook(FORM).active
    filled = openpyxl.load_workbook(out).active
    # Formatting, merged cells, formulas: as the form had them.
    assert {str(r) for r in filled.merged_cells.ranges} == {
        str(r) for r in template.merged_cells.ranges}
    formulas = {c.coordinate: c.value for row in template.iter_rows() for c in row
                if c.data_type == "f"}
    assert formulas and formulas == {c.coordinate: c.value for row in filled.iter_rows()
                                     for c in row if c.data_type == "f"}
    def look(cell: Any) -> tuple[object, ...]:
        return (cell.font.name, cell.font.sz, cell.font.b, cell.font.u, cell.border.left.style,
                cell.border.bottom.style, cell.fill.fgColor.rgb, cell.alignment.horizontal,
                cell.number_format)

    for coordinate in ("A1", "D2", "A9", "B10", "D11", "D16", "D23"):
        assert look(filled[coordinate]) == look(template[coordinate]), coordinate
    assert filled.column_dimensions["B"].width == template.column_dimensions["B"].width
    figures = result.figures
    values = _values(out)
    assert values["D11"] == figures["members.total"] and isinstance(values["D11"], int)
    assert values["E11"] == figures["members.women"]
    assert values["D23"] == figures["support.amount"]
    assert values["D24"] == figures["support.by_kind"]["Quà Tết"]["amount"] > 0
    assert values["D13"] == figures["members.by_age_band"]["Dưới 30 tuổi"]
    assert values["A2"] == "Công đoàn cơ sở Viện Nghiên cứu Phát triển Bền vững"
    assert values["A6"] == (f"(Kỳ báo cáo: từ ngày 01/12/{TODAY.year - 1} đến ngày "
                            f"30/11/{TODAY.year})")
    assert not any(isinstance(v, str) and "{{" in v for v in values.values())
    # LibreOffice opens the copy and computes the form's own formulas from the figures.
    rows = list(csv.reader(io.StringIO(libreoffice(out, tmp_path, "csv").read_text(
        encoding="utf-8"))))
    by_label = {r[1]: r[3] for r in rows if len(r) > 3}
    number = lambda text: int(text.replace(",", ""))  # noqa: E731
    assert number(by_label["Cộng tăng"]) == figures["members.increased"]
    assert number(by_label["Cộng giảm"]) == figures["members.decreased"]
    assert number(by_label["Cộng hoạt động và phong trào"]) == (
        figures["activities.activities"] + figures["activities.movements"])
    assert number(by_label["Tổng số đoàn viên"]) == figures["members.total"]


def _form(path: Path, cells: dict[str, str]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Biểu 2"
    for coordinate, value in cells.items():
        ws[coordinate] = value
    ws.merge_cells("A1:C1")
    wb.save(path)
    return path


def test_unknown_placeholders_are_reported_and_left(demo_db: Database, tmp_path: Path) -> None:
    form = _form(tmp_path / "form.xlsx", {
        "A1": "{{unit.name}}",
        "A3": "{{members.total}}",
        "A4": "Tổng: {{ members.total }} người, trong đó nữ {{members.women}} ({{nobody.knows}})",
        "A5": "{{members.by_group.Tổ công đoàn không có}}",
        "A6": "{{members.by_ethnicity.Chăm}}",  # nobody of that people: zero
        "A7": "{{members.by_group.to cong doan van phong vien}}",  # without accents
        "A8": "{{support.by_kind.Việc hiếu.people}}",
        "A9": "{{support.by_kind.Việc hiếu.colour}}",
        "A10": "{{report.to}}",
        "A11": "=SUM(A3:A3)",
    })
    out = tmp_path / "out.xlsx"
    result = make_report(demo_db, ReportRequest("members", out, form=form, **PERIOD))
    assert [(u.sheet, u.cell, u.name) for u in result.unknown] == [
        ("Biểu 2", "A4", "nobody.knows"),
        ("Biểu 2", "A5", "members.by_group.Tổ công đoàn không có"),
        ("Biểu 2", "A9", "support.by_kind.Việc hiếu.colour")]
    values = _values(out)
    total, women = result.figures["members.total"], result.figures["members.women"]
    assert values["A3"] == total
    assert values["A4"] == f"Tổng: {total} người, trong đó nữ {women} ({{{{nobody.knows}}}})"
    assert values["A5"] == "{{members.by_group.Tổ công đoàn không có}}"
    assert values["A6"] == 0
    assert values["A7"] == result.figures["members.by_group"]["Tổ công đoàn Văn phòng Viện"]
    assert values["A8"] == result.figures["support.by_kind"]["Việc hiếu"]["people"]
    assert values["A10"].date() == PERIOD["end"]
    assert values["A11"] == "=SUM(A3:A3)"
    assert result.as_json()["unknown_placeholders"][0] == {
        "sheet": "Biểu 2", "cell": "A4", "placeholder": "nobody.knows"}


def test_text_put_in_a_form_stays_text(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.transaction() as s:
        s.execute(update(OrgUnit).where(OrgUnit.uuid == demo_db.home_unit_uuid)
                  .values(name="=1+1 Công đoàn"))
    form = _form(tmp_path / "form.xlsx", {"A1": "{{unit.name}}", "A2": "x {{unit.name}}"})
    out = tmp_path / "out.xlsx"
    make_report(demo_db, ReportRequest("members", out, form=form))
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "=1+1 Công đoàn" and ws["A1"].data_type == "s"
    text = libreoffice(out, tmp_path, "csv").read_text(encoding="utf-8")
    assert "=1+1 Công đoàn" in text and not re.search(r"^2", text, re.M)


def test_forms_that_are_refused(demo_db: Database, tmp_path: Path) -> None:
    word = tmp_path / "word.xlsx"
    with zipfile.ZipFile(word, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "<x>" + "0" * 300_000_000 + "</x>")
    text = tmp_path / "form.xlsx"
    text.write_text("STT;Họ và tên\n", encoding="utf-8")
    out = tmp_path / "out.xlsx"
    cases = [(word, "Word"), (bomb, "bom nén"), (text, "phải là tệp Excel"),
             (tmp_path / "none.xlsx", "không mở được")]
    for form, message in cases:
        with pytest.raises(UserError, match=message):
            make_report(demo_db, ReportRequest("members", out, form=form))
    with pytest.raises(UserError, match="biểu mẫu gốc được giữ nguyên"):
        make_report(demo_db, ReportRequest("members", FORM, form=FORM))
    with pytest.raises(UserError, match=r"đuôi \.xlsx"):
        make_report(demo_db, ReportRequest("members", tmp_path / "out.pdf", form=FORM))
    assert not out.exists()
