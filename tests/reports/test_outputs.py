"""The two files of a report: an .xlsx that LibreOffice opens and prints on one A4 width, with
numbers as numbers and the letterhead in merged cells, and a PDF with the same content in
embedded fonts (read back with poppler)."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import update

from tests.conftest import need_tool
from tests.exchange.conftest import Pair
from tests.pdfcheck import assert_fonts_embedded, page_size_mm, pdf_pages, pdf_text
from unionapp.db import Database
from unionapp.errors import UserError
from unionapp.models import OrgUnit
from unionapp.reports import ReportRequest, make_report
from unionapp.reports.definitions import Period, definitions
from unionapp.text import format_vnd, place_date

TODAY = date.today()
YEAR = Period(date(TODAY.year, 1, 1), date(TODAY.year, 12, 31))


def libreoffice(path: Path, tmp_path: Path, to: str) -> Path:
    """Open ``path`` in LibreOffice headless and save it as ``to`` (csv or pdf)."""
    soffice = need_tool("soffice")
    out = tmp_path / f"lo-{path.stem}"
    filters = {"csv": "csv:Text - txt - csv (StarCalc):44,34,76", "pdf": "pdf"}
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", filters[to], "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)
    result = out / f"{path.stem}.{to}"
    assert result.exists(), f"LibreOffice did not convert {path.name}"
    return result


def _cells(path: Path) -> list[list[object]]:
    ws = openpyxl.load_workbook(path).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def _row_of(rows: list[list[object]], label: str) -> list[object]:
    return next(r for r in rows if any(isinstance(v, str) and v.startswith(label) for v in r))


def test_every_report_as_xlsx_and_pdf(demo_db: Database, tmp_path: Path) -> None:
    for spec in definitions():
        for suffix in (".xlsx", ".pdf"):
            path = tmp_path / f"{spec.kind}{suffix}"
            result = make_report(demo_db, ReportRequest(spec.kind, path, start=YEAR.start,
                                                        end=YEAR.end))
            assert result.path == path and path.stat().st_size > 2000
        assert not list(tmp_path.glob(".*.part"))  # nothing left half-written
        text = " ".join(pdf_text(tmp_path / f"{spec.kind}.pdf").split())
        assert spec.heading in text, spec.kind
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert place_date("Hà Nội", TODAY) in text
        assert f"đến ngày 31/12/{TODAY.year}" in text
        assert_fonts_embedded(tmp_path / f"{spec.kind}.pdf")
        assert tuple(round(v) for v in page_size_mm(tmp_path / f"{spec.kind}.pdf")) == (210, 297)


def test_the_xlsx_layout(demo_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "statistics.xlsx"
    result = make_report(demo_db, ReportRequest("statistics", path, start=YEAR.start,
                                                end=YEAR.end))
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:B1", "A2:B2", "C1:D1", "C2:D2", "C4:D4"} <= merged
    # The demo branch moved to the city's labour federation on 1/7/2025.
    assert ws["A1"].value == "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HÀ NỘI"
    assert ws["A2"].value == "CÔNG ĐOÀN CƠ SỞ VIỆN NGHIÊN CỨU PHÁT TRIỂN BỀN VỮNG"
    assert ws["C1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert ws["C4"].value == place_date("Hà Nội", TODAY)
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"
    # One page wide (1 is the default, left out of the file), as many long as needed.
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
    assert ws.page_setup.fitToHeight == 0
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    total = _row_of(rows, "Tổng số đoàn viên")
    assert total[3] == result.figures["members.total"] and isinstance(total[3], int)
    money = _row_of(rows, "Tổng số tiền đã chi")
    assert money[3] == result.figures["support.amount"] > 1_000_000
    assert ws.cell(row=rows.index(money) + 1, column=4).number_format == "#,##0"
    assert any(v == "NGƯỜI LẬP BIỂU" for r in rows for v in r)
    assert any(v == "Ngô Thành Hải" for r in rows for v in r)  # the demo's chair signs
    # LibreOffice opens it, reads the numbers, and lays it on one A4 page width.
    csv = libreoffice(path, tmp_path, "csv").read_text(encoding="utf-8")
    assert "BÁO CÁO THỐNG KÊ TÌNH HÌNH TỔ CHỨC VÀ HOẠT ĐỘNG CÔNG ĐOÀN" in csv
    assert f"{result.figures['support.amount']:,}" in csv  # a number, shown with separators
    pdf = libreoffice(path, tmp_path, "pdf")
    assert tuple(round(v) for v in page_size_mm(pdf)) == (210, 297)
    printed = pdf_text(pdf)
    assert "Số liệu" in printed and "Đơn vị tính" in printed  # the last columns fit
    assert format_vnd(result.figures["support.amount"], unit=False).replace(".", ",") in \
        printed or f"{result.figures['support.amount']:,}" in printed


def test_text_from_the_database_stays_text(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.transaction() as s:
        s.execute(update(OrgUnit).where(OrgUnit.kind == "group", OrgUnit.code == "VNCPT-T01")
                  .values(name='=HYPERLINK("http://x","Bấm")'))
    path = tmp_path / "members.xlsx"
    make_report(demo_db, ReportRequest("members", path))
    ws = openpyxl.load_workbook(path).active
    cells = [c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("http://x","Bấm")']
    assert cells and all(c.data_type == "s" for c in cells)
    csv = libreoffice(path, tmp_path, "csv").read_text(encoding="utf-8")
    assert 'HYPERLINK(""http://x"",""Bấm"")' in csv  # shown as written, never run
    pdf = tmp_path / "members.pdf"
    make_report(demo_db, ReportRequest("members", pdf))
    assert '=HYPERLINK("http://x","Bấm")' in pdf_text(pdf)


def test_a_parent_report_has_a_row_per_branch(pair: Pair, tmp_path: Path) -> None:
    pair.send_up(full=True)
    pdf, xlsx = tmp_path / "parent.pdf", tmp_path / "parent.xlsx"
    for path in (pdf, xlsx):
        result = make_report(pair.parent.db, ReportRequest("statistics", path,
                                                           start=date(2024, 1, 1),
                                                           end=date(2025, 5, 31)))
    assert tuple(round(v) for v in page_size_mm(pdf)) == (297, 210)  # landscape A4
    text = " ".join(pdf_text(pdf).split())
    assert "I. SỐ LIỆU THEO CÔNG ĐOÀN CƠ SỞ" in text and "Tổng cộng" in text
    assert "Công đoàn cơ sở Trường Khác (*)" in text  # sent nothing
    assert "ĐƠN VỊ CHƯA GỬI SỐ LIỆU ĐẾN NGÀY 31/05/2025" in text and "Chưa gửi lần nào" in text
    assert "TM. BAN THƯỜNG VỤ" in text
    rows = _cells(xlsx)
    total = _row_of(rows, "Tổng cộng")
    assert total[2] == result.figures["members.total"] > 30
    ws = openpyxl.load_workbook(xlsx).active
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToHeight == 0
    libre = libreoffice(xlsx, tmp_path, "pdf")
    assert tuple(round(v) for v in page_size_mm(libre)) == (297, 210)
    assert pdf_pages(libre) >= 1 and "Sáng kiến" in pdf_text(libre)


def test_what_is_refused(demo_db: Database, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    cases = [
        (ReportRequest("nope", tmp_path / "a.xlsx"), "Không có báo cáo “nope”"),
        (ReportRequest("members", tmp_path / "a.docx"), "đuôi .xlsx hoặc .pdf"),
        (ReportRequest("members", tmp_path / "missing" / "a.xlsx"), "không tồn tại"),
        (ReportRequest("members", tmp_path / "a.xlsx", start=date(2026, 2, 1),
                       end=date(2026, 1, 1)), "bắt đầu (01/02/2026) sau"),
        (ReportRequest("members", tmp_path / "a.xlsx", branch="KHONG-CO"), "mã KHONG-CO"),
    ]
    for request, message in cases:
        with pytest.raises(UserError, match=re.escape(message)):
            make_report(demo_db, request)
    assert not list(tmp_path.iterdir())


def test_a_report_dated_before_the_move_names_the_parent_of_its_date(
        demo_db: Database, tmp_path: Path) -> None:
    """The letterhead names the parent union in charge on the report's own date."""
    for dated, superior in ((date(2025, 5, 31), "CÔNG ĐOÀN VIÊN CHỨC THÀNH PHỐ HÀ NỘI"),
                            (date(2025, 11, 30), "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HÀ NỘI")):
        path = tmp_path / f"members-{dated}.xlsx"
        make_report(demo_db, ReportRequest("members", path, end=dated, dated=dated))
        assert openpyxl.load_workbook(path).active["A1"].value == superior
