"""The printed papers (read back with poppler) and the spreadsheet export (opened in
LibreOffice)."""

from __future__ import annotations

import csv
import re
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import need_tool
from tests.pdfcheck import assert_fonts_embedded, page_size_mm, pdf_pages, pdf_text
from tests.support_helpers import YEAR, case_input, member
from unionapp.db import Database
from unionapp.errors import UserError
from unionapp.models import SupportStatus
from unionapp.support import CaseQuery, case_list, create_case, transition_case
from unionapp.support.batches import BatchInput, BatchSelection, batch_candidates, create_batch
from unionapp.support.export import export_cases
from unionapp.support.papers import paper_setup, payment_slips_pdf, signature_list_pdf
from unionapp.text import amount_in_words


def _tet_batch(db: Database) -> tuple[list[str], object]:
    names = ["Nguyễn Thị Thu Hằng", "Đặng Văn Đức", "Trương Thị Ngọc Ữ"]
    for name in names:
        member(db, name)
    chosen = [c.member_uuid for c in batch_candidates(db, BatchSelection())]
    from tests.support_helpers import kind_uuid

    result = create_batch(db, BatchInput(title=f"Quà Tết Nguyên đán năm {YEAR}",
                                         kind=kind_uuid(db, "TET"), occurred_on=date(YEAR, 1, 20),
                                         amount=500_000, criteria="Toàn thể đoàn viên"), chosen)
    return names, result


def test_the_signature_list_reads_back(db: Database, tmp_path: Path) -> None:
    names, batch = _tet_batch(db)
    setup = replace(paper_setup(db, date(YEAR, 1, 18)), place="Hà Nội")
    path = tmp_path / "ky-nhan.pdf"
    result = signature_list_pdf(db, path, CaseQuery(batch=batch.uuid),  # type: ignore[attr-defined]
                                title=f"Quà Tết Nguyên đán năm {YEAR}",
                                subtitle="Toàn thể đoàn viên", setup=setup)
    assert (result.count, result.total) == (3, 1_500_000)
    assert_fonts_embedded(path)
    text = pdf_text(path)
    flat = re.sub(r"\s+", " ", text)
    # The header's two columns interleave in the text: the issuing body's lines, apart,
    # broken between words ("THÀNH PHỐ HÀ NỘI" whole on its line).
    assert "CÔNG ĐOÀN VIÊN CHỨC" in flat and "THÀNH PHỐ HÀ NỘI" in flat
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", f"Hà Nội, ngày 18 tháng 01 năm {YEAR}",
                     "DANH SÁCH KÝ NHẬN", f"Quà Tết Nguyên đán năm {YEAR}", "STT", "Ký nhận",
                     "Tổng cộng", "1.500.000",
                     "Bằng chữ: Một triệu năm trăm nghìn đồng.", "TM. BAN CHẤP HÀNH", "CHỦ TỊCH",
                     "NGƯỜI LẬP DANH SÁCH", "KẾ TOÁN"):
        assert expected in flat, expected
    assert "CÔNG ĐOÀN CƠ SỞ" in flat and "TRƯỜNG THỬ NGHIỆM" in flat
    rows = [line for line in text.splitlines() if re.match(r"\s*[123]\s+\S", line)]
    assert [r.split()[0] for r in rows] == ["1", "2", "3"]
    assert all(r.rstrip().endswith("500.000") for r in rows)
    # By group, then in Vietnamese name order (given name first: Đức < Hằng < Ữ).
    assert [flat.index(n) for n in ("Đặng Văn Đức", "Nguyễn Thị Thu Hằng",
                                    "Trương Thị Ngọc Ữ")] == sorted(flat.index(n) for n in names)
    assert page_size_mm(path)[0] == pytest.approx(210, abs=1)


def test_a_long_list_runs_over_pages_with_its_header_repeated(db: Database,
                                                               tmp_path: Path) -> None:
    from unionapp.members import MemberInput, create_member

    for i in range(60):
        create_member(db, MemberInput(full_name=f"Nguyễn Văn Thứ {i:02d}"))
    _names, batch = _tet_batch(db)
    path = tmp_path / "long.pdf"
    result = signature_list_pdf(db, path, CaseQuery(batch=batch.uuid))  # type: ignore[attr-defined]
    assert result.count == 63
    pages = pdf_pages(path)
    assert pages >= 3
    for page in range(1, pages + 1):
        text = pdf_text(path, page=page)
        assert f"Trang {page}/{pages}" in text
        if re.search(r"^\s*\d+\s+Nguyễn", text, re.M):  # a page of the table
            assert "Ký nhận" in text and "STT" in text
    assert amount_in_words(63 * 500_000) in re.sub(r"\s+", " ", pdf_text(path))


def test_only_money_spoken_for_is_printed(db: Database, tmp_path: Path) -> None:
    create_case(db, case_input(db, member(db)))  # proposed
    with pytest.raises(UserError):
        signature_list_pdf(db, tmp_path / "x.pdf", CaseQuery())
    with pytest.raises(UserError):
        payment_slips_pdf(db, tmp_path / "x.pdf", [r.uuid for r in case_list(db).all()])


def test_the_payment_slip_reads_back(db: Database, tmp_path: Path) -> None:
    case = create_case(db, case_input(db, member(db), amount=1_005_000), override=True)
    transition_case(db, case.uuid, SupportStatus.APPROVED)
    transition_case(db, case.uuid, SupportStatus.PAID)
    path = tmp_path / "phieu-chi.pdf"
    payment_slips_pdf(db, path, [case.uuid])
    assert_fonts_embedded(path)
    flat = re.sub(r"\s+", " ", pdf_text(path))
    for expected in ("PHIẾU CHI", "Họ và tên người nhận tiền: Nguyễn Thị Thu Hằng",
                     "Số tiền: 1.005.000 đồng",
                     "Bằng chữ: Một triệu không trăm linh năm nghìn đồng.",
                     "Trợ cấp khó khăn", "THỦ QUỸ", "NGƯỜI NHẬN TIỀN"):
        assert expected in flat, expected
    width, height = page_size_mm(path)
    assert (round(width), round(height)) == (210, 148)
    assert pdf_pages(path) == 1


def test_the_export_opens_in_libreoffice(db: Database, tmp_path: Path) -> None:
    soffice = need_tool("soffice")
    _names, _batch = _tet_batch(db)
    hostile = create_case(db, case_input(db, member(db, "Lê Văn Bình"), amount=700_000))
    from unionapp.support import update_case

    update_case(db, hostile.uuid, replace(hostile.as_input(), reason="=HYPERLINK(\"x\")",
                                          paper_ref="+84912"))
    path = tmp_path / "cham-lo.xlsx"
    assert export_cases(db, path, CaseQuery(), title="Chăm lo năm nay") == 4
    ws = openpyxl.load_workbook(path).active
    cells = [c.value for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    assert "=HYPERLINK(\"x\")" in cells and "+84912" in cells
    assert 700_000 in cells and "Nguyễn Thị Thu Hằng" in cells
    total = "Tổng cộng: 4 hồ sơ, 2.200.000 đ"
    assert any(isinstance(c, str) and c.startswith(total) for c in cells)
    out = tmp_path / "out"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir",
                    str(out), str(path)], check=True, capture_output=True, timeout=180)
    text = (out / "cham-lo.csv").read_text(encoding="utf-8")
    assert "Nguyễn Thị Thu Hằng" in text and "Quà Tết" in text and "Đã duyệt" in text
    assert "=HYPERLINK" in text  # shown as typed, never run
    csv_path = tmp_path / "cham-lo.csv"
    export_cases(db, csv_path, CaseQuery(status=SupportStatus.PROPOSED))
    rows = list(csv.reader(csv_path.open(encoding="utf-8-sig")))
    assert rows[0][:3] == ["STT", "Ngày", "Đoàn viên"]
    assert rows[1][2] == "Lê Văn Bình" and rows[1][-2] == "'=HYPERLINK(\"x\")"


def _paid(db: Database, name: str, on: date, amount: int = 500_000, *,
          pay: bool = True) -> object:
    case = create_case(db, case_input(db, member(db, name), amount=amount, on=on))
    transition_case(db, case.uuid, SupportStatus.APPROVED)
    if pay:
        transition_case(db, case.uuid, SupportStatus.PAID)
    return case


def test_the_slip_is_dated_as_decree_30_writes_dates(db: Database, tmp_path: Path) -> None:
    """Issue 17.13: "tháng 03" on main; only days below 10 and months 1–2 take a zero."""
    case = _paid(db, "Nguyễn Thị Hạnh", date(YEAR, 1, 2), pay=False)  # dated by the slip
    for day, expected in ((date(2025, 3, 5), "Ngày 05 tháng 3 năm 2025"),
                          (date(2025, 1, 27), "Ngày 27 tháng 01 năm 2025"),
                          (date(2024, 9, 30), "Ngày 30 tháng 9 năm 2024")):
        path = tmp_path / f"slip-{day}.pdf"
        payment_slips_pdf(db, path, [case.uuid],  # type: ignore[attr-defined]
                          setup=replace(paper_setup(db), day=day))
        text = re.sub(r"\s+", " ", pdf_text(path))
        assert expected in text, text[:400]
        assert not re.search(r"tháng 0[3-9]", text)


def test_the_slip_header_breaks_the_unit_name_between_words(tmp_path: Path) -> None:
    """Issue 16.8: on main the unit's name broke inside a word, "PHÁT / TRIỂN"."""
    from unionapp.db import open_database
    from unionapp.org import init_database

    with open_database(tmp_path / "vien.db", create=True, user="tester") as db:
        init_database(db, code="CDCS-VIEN",
                      name="Công đoàn cơ sở Viện Nghiên cứu Phát triển Kinh tế – Xã hội",
                      parent_code="LDLD-HN", parent_name="Liên đoàn Lao động thành phố Hà Nội",
                      place="Hà Nội")
        case = _paid(db, "Nguyễn Thị Hạnh", date(YEAR, 1, 2))
        path = tmp_path / "slip.pdf"
        payment_slips_pdf(db, path, [case.uuid])  # type: ignore[attr-defined]
    lines = [line.strip() for line in pdf_text(path).splitlines()]
    # The header's left column is the start of each of its lines.
    words_at_ends = {re.split(r"\s{2,}", line)[0].split()[-1] for line in lines[:6] if line}
    words_at_starts = {re.split(r"\s{2,}", line)[0].split()[0] for line in lines[:6] if line}
    assert "PHÁT" not in words_at_ends and "TRIỂN" not in words_at_starts, lines[:6]
    assert "ĐOÀN" not in words_at_starts and "HỘI" not in words_at_starts
    assert any("PHÁT TRIỂN" in line for line in lines[:6]), lines[:6]


def test_the_signature_list_prints_only_the_chosen_cases(db: Database, tmp_path: Path) -> None:
    """Issue 16.7: one case selected printed the whole year on main."""
    cases = [_paid(db, f"Trần Văn Khoa {i:02d}", date(YEAR, 1, 2)) for i in range(12)]
    path = tmp_path / "one.pdf"
    chosen = [cases[4].uuid]  # type: ignore[attr-defined]
    result = signature_list_pdf(db, path, CaseQuery(), case_uuids=chosen)
    assert (result.count, result.total) == (1, 500_000)
    text = re.sub(r"\s+", " ", pdf_text(path))
    assert "Trần Văn Khoa 04" in text and "Trần Văn Khoa 05" not in text
    assert pdf_pages(path) == 1


def test_the_total_and_signatures_never_stand_alone_on_a_page(db: Database,
                                                             tmp_path: Path) -> None:
    """Issue 16.7: a last page carrying only the total in words and the signatures."""
    cases = [_paid(db, f"Phạm Thị Lan {i:02d}", date(YEAR, 1, 2)) for i in range(45)]
    uuids = [c.uuid for c in cases]  # type: ignore[attr-defined]
    for size in range(12, 46):
        path = tmp_path / f"list-{size}.pdf"
        signature_list_pdf(db, path, CaseQuery(), case_uuids=uuids[:size])
        pages = pdf_pages(path)
        last = pdf_text(path, page=pages)
        rows = re.findall(r"^\s*\d+\s+Phạm Thị Lan", last, re.M)
        assert len(rows) >= 2, (size, pages, last[:300])
        assert "Tổng cộng" in last and "Bằng chữ" in last and "CHỦ TỊCH" in last, size
        assert re.findall(r"^\s*(\d+)\s+Phạm", last, re.M)[-1] == str(size)
