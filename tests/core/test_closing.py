"""A branch ends its activity: the archive (registers as .xlsx and PDF, the final package, a
copy of the database), then a read-only database — every change refused plainly, reading,
searching and printing copies still working, nothing lost."""

from __future__ import annotations

import subprocess
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import need_tool
from tests.exchange.test_moves import everything
from tests.pdfcheck import assert_fonts_embedded, pdf_text
from unionapp import awards, closing, members, reorg, transfers
from unionapp.db import Database, open_database
from unionapp.errors import ClosedDatabase, UserError
from unionapp.exchange import export_package, keys
from unionapp.members import MemberInput, MemberQuery, find_members, member_list
from unionapp.models import MovementKind
from unionapp.support import CaseQuery, case_list
from unionapp.support.papers import signature_list_pdf

CLOSED_ON = date(2025, 9, 30)


def close(db: Database, folder: Path, **options: object) -> closing.CloseResult:
    return closing.close_branch(db, on=CLOSED_ON, archive_dir=folder, **options)  # type: ignore[arg-type]


def test_closing_leaves_an_archive_and_a_read_only_database(demo_db: Database,
                                                            tmp_path: Path) -> None:
    keys.init_keys(demo_db)
    before = everything(demo_db)
    folder = tmp_path / "luu-tru"
    plan = closing.close_plan(demo_db, on=CLOSED_ON, archive_dir=folder)
    assert plan.members == 300 and len(plan.steps()) == 5
    result = close(demo_db, folder)

    names = {f.path.name for f in result.files}
    for stem in ("so-doan-vien", "bien-dong-doan-vien", "so-khen-thuong",
                 "quyet-dinh-khen-thuong", "so-cham-lo-ho-tro", "nhat-ky-thay-doi"):
        assert {f"{stem}.xlsx", f"{stem}.pdf"} <= names
    assert closing.PACKAGE_NAME in names and "demo-da-ket-thuc.db" in names
    assert (folder / "muc-luc.txt").exists() and (folder / "muc-luc.json").exists()

    # The registers read back: every member in the spreadsheet, names in the PDF.
    sheet = openpyxl.load_workbook(folder / "so-doan-vien.xlsx").active
    assert sheet is not None
    listed = {row[1] for row in sheet.iter_rows(min_row=6, values_only=True) if row[1]}
    assert listed == {m.full_name for m in find_members(demo_db)}
    some = find_members(demo_db)[0].full_name
    assert some in " ".join(pdf_text(folder / "so-doan-vien.pdf", page=1).split())
    assert_fonts_embedded(folder / "so-doan-vien.pdf")
    assert "15/QĐ-CĐCS" in pdf_text(folder / "quyet-dinh-khen-thuong.pdf")

    # The final package is full and carries the closing date.
    with zipfile.ZipFile(folder / closing.PACKAGE_NAME) as z:
        assert b'"full": true' in z.read("manifest.json").replace(b" ", b"").replace(
            b'"full":true', b'"full": true')
        assert CLOSED_ON.isoformat().encode() in z.read("data/org_unit.jsonl")

    # The copy of the database is closed too, and holds every record.
    with open_database(folder / "demo-da-ket-thuc.db", readonly=True) as copy:
        assert copy.closed_on == "30/09/2025"
        assert everything(copy) == everything(demo_db)

    # Nothing lost: every record as it was, but for the home unit's closing date.
    after = everything(demo_db)
    assert set(before) == set(after)
    assert {k for k in before if before[k] != after[k]} == {("org_unit",
                                                               demo_db.home_unit_uuid)}


def test_every_change_is_refused_after_closing(demo_db: Database, tmp_path: Path) -> None:
    close(demo_db, tmp_path / "archive", final_package=False)
    someone = find_members(demo_db)[0]
    decision = awards.decision_list(demo_db).all()[0]
    refused = [
        lambda: members.create_member(demo_db, MemberInput(full_name="Nguyễn Văn Mới")),
        lambda: members.update_member(demo_db, someone.uuid, members.member_input(
            demo_db, someone.uuid)),
        lambda: members.record_movement(demo_db, someone.uuid, MovementKind.EXIT,
                                        date(2025, 10, 1)),
        lambda: members.delete_member(demo_db, someone.uuid),
        lambda: awards.delete_decision(demo_db, decision.uuid),
        lambda: reorg.move_parent(demo_db, code="X", name="X", effective_on=date(2025, 10, 1)),
        lambda: keys.init_keys(demo_db),
        lambda: transfers.transfer_in_by_letter(demo_db, MemberInput(full_name="A B"),
                                                from_branch="CĐCS khác"),
        lambda: close(demo_db, tmp_path / "again"),
    ]
    assert demo_db.path is not None
    before = demo_db.path.read_bytes()
    for action in refused:
        with pytest.raises(UserError) as error:
            action()
        assert "kết thúc hoạt động" in error.value.message, error.value.message
    with pytest.raises(ClosedDatabase):
        members.create_member(demo_db, MemberInput(full_name="Nguyễn Văn Mới"))
    with pytest.raises(UserError):  # no key was made after closing: no package either
        export_package(demo_db, tmp_path / "p.zip")
    assert demo_db.path.read_bytes() == before

    # Reading, searching and printing copies still work.
    assert member_list(demo_db, MemberQuery(text="nguyen")).count() > 0
    assert case_list(demo_db, CaseQuery()).count() > 0
    paper = tmp_path / "list.pdf"
    signature_list_pdf(demo_db, paper, CaseQuery())
    number = next(d for d in awards.decision_list(demo_db).all() if d.printed == 0)
    with pytest.raises(UserError, match="Chưa có giấy khen nào"):
        closing.print_copies(demo_db, number.uuid, tmp_path / "none.pdf")


def test_copies_of_printed_certificates_keep_their_numbers(demo_db: Database,
                                                           tmp_path: Path) -> None:
    from unionapp.certificates.printing import print_certificates

    decision = next(d for d in awards.decision_list(demo_db).all() if d.number == "15/QĐ-CĐCS")
    print_certificates(demo_db, decision.uuid, out=tmp_path / "first.pdf")
    close(demo_db, tmp_path / "archive", final_package=False)
    copies = closing.print_copies(demo_db, decision.uuid, tmp_path / "copies.pdf")
    assert copies.pages == decision.recipients and copies.left_out == 0
    text = " ".join(pdf_text(tmp_path / "copies.pdf", page=1).split())
    assert "Số vào sổ khen thưởng: 1/" in text
    assert_fonts_embedded(tmp_path / "copies.pdf")


def test_closing_refuses_what_it_cannot_do_and_changes_nothing(demo_db: Database,
                                                               tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "someone-elses.txt").write_text("x")
    with pytest.raises(UserError, match="thư mục trống"):
        close(demo_db, busy)
    with pytest.raises(UserError, match="--no-package"):
        close(demo_db, tmp_path / "no-key")  # no signing key yet
    with pytest.raises(UserError, match="sau hôm nay"):
        closing.close_branch(demo_db, on=date(2999, 1, 1), archive_dir=tmp_path / "later")
    assert not closing.is_closed(demo_db)
    assert members.create_member(demo_db, MemberInput(full_name="Vẫn Thêm Được")).uuid


def test_a_closing_that_fails_half_way_is_taken_back(demo_db: Database, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import unionapp.exchange as exchange

    keys.init_keys(demo_db)
    before = everything(demo_db)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise UserError("Ổ đĩa đầy")

    monkeypatch.setattr(exchange, "export_package", broken)
    with pytest.raises(UserError, match="Ổ đĩa đầy"):
        close(demo_db, tmp_path / "archive")
    assert not closing.is_closed(demo_db)
    assert not (tmp_path / "archive").exists()
    after = everything(demo_db)
    changed = {k for k in before if before[k] != after[k]}
    assert changed <= {("org_unit", demo_db.home_unit_uuid)}
    assert after[("org_unit", demo_db.home_unit_uuid)]["closed_on"] is None


def test_the_archive_spreadsheets_open_in_libreoffice(demo_db: Database, tmp_path: Path) -> None:
    soffice = need_tool("soffice")
    close(demo_db, tmp_path / "archive", final_package=False)
    out = tmp_path / "csv"
    for name in ("so-doan-vien.xlsx", "quyet-dinh-khen-thuong.xlsx", "nhat-ky-thay-doi.xlsx"):
        subprocess.run([soffice, "--headless", "--convert-to", "csv", "--outdir", str(out),
                        str(tmp_path / "archive" / name)], check=True, capture_output=True,
                       timeout=180, env={"HOME": str(tmp_path)})
        assert (out / name.replace(".xlsx", ".csv")).stat().st_size > 100
