"""The award register records what was issued, not what was looked at (issue 12.5); serials
are committed only once the files are in place (17.4); drawing happens outside the write
lock (17.10); long runs are joined in constant memory (14.4)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.awardsdata import NAMES, make_decision
from tests.pdfcheck import assert_fonts_embedded, pdf_pages, pdf_text
from unionapp import awards
from unionapp.certificates import print_certificates, register_list, render
from unionapp.certificates import printing as printing_module
from unionapp.certificates.printing import (
    DraftRequest,
    FileDelivery,
    draft_certificates,
    issue_certificates,
)
from unionapp.db import Database
from unionapp.errors import StorageError, UserError
from unionapp.models import AuditLog, Certificate, CertificatePrint
from unionapp.progress import Cancelled, Progress


def _register(db: Database) -> tuple[int, int, list[str]]:
    with db.read() as s:
        return (s.scalar(select(func.count(Certificate.id))) or 0,
                s.scalar(select(func.count(CertificatePrint.id))) or 0,
                [a for (a,) in s.execute(select(AuditLog.action).where(
                    AuditLog.entity == "certificate"))])


def test_a_preview_takes_no_serial_and_logs_no_print(db: Database, tmp_path: Path) -> None:
    """Reproduced on main: previewing then closing marked everything printed."""
    first = make_decision(db, groups=0, names=NAMES[:2])
    print_certificates(db, first.decision, out=tmp_path / "before.pdf")  # serials 1–2
    made = make_decision(db, number="16/QĐ-CĐCS", groups=1, names=NAMES[2:])
    before = _register(db)
    draft = draft_certificates(db, DraftRequest(made.decision))
    try:
        assert draft.pdf is not None and pdf_pages(draft.pdf) == 5
        assert draft.serials == ("3/2024", "4/2024", "5/2024", "6/2024", "7/2024")
        assert "3/2024 – 7/2024" in draft.provisional_note()
        assert "Số vào sổ khen thưởng: 3/2024" in pdf_text(draft.pdf, page=1)
    finally:
        draft.discard()  # the clerk closes the preview: "Đóng"
    assert _register(db) == before
    assert not draft.folder.exists()
    row = awards.find_decision(db, "16/QĐ-CĐCS")
    assert row.printed == 0
    # Printing for real now takes exactly the numbers the preview showed.
    again = draft_certificates(db, DraftRequest(made.decision))
    try:
        summary, used = issue_certificates(db, again, FileDelivery(out=tmp_path / "b.pdf"))
    finally:
        again.discard()
    assert used is again and (summary.first_serial, summary.last_serial) == ("3/2024", "7/2024")
    assert _register(db)[:2] == (7, 7)
    assert pdf_text(tmp_path / "b.pdf", page=5).count("Số vào sổ khen thưởng: 7/2024") == 1


def test_numbers_taken_meanwhile_are_drawn_again(db: Database, tmp_path: Path) -> None:
    mine = make_decision(db, groups=0, names=NAMES[:3])
    theirs = make_decision(db, number="16/QĐ-CĐCS", groups=0, names=NAMES[3:5])
    draft = draft_certificates(db, DraftRequest(mine.decision))
    assert draft.serials == ("1/2024", "2/2024", "3/2024")
    print_certificates(db, theirs.decision, out=tmp_path / "theirs.pdf")  # takes 1–2
    try:
        summary, used = issue_certificates(db, draft, FileDelivery(out=tmp_path / "mine.pdf"))
    finally:
        draft.discard()
    used.discard()
    assert used is not draft and (summary.first_serial, summary.last_serial) == \
        ("3/2024", "5/2024")
    text = pdf_text(tmp_path / "mine.pdf")
    assert "Số vào sổ khen thưởng: 3/2024" in text and "Số vào sổ khen thưởng: 1/2024" not in text
    assert sorted(e.number for e in register_list(db).all()) == [1, 2, 3, 4, 5]


def test_a_target_open_in_a_viewer_leaves_neither_serials_nor_files(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows refuses to rename a file another program holds open; on main the register was
    committed first and said "printed" with no file."""
    made = make_decision(db, groups=0, names=NAMES[:3])
    out, each = tmp_path / "gk.pdf", tmp_path / "each"
    out.write_bytes(b"%PDF old copy the clerk has open")
    real = printing_module._replace

    def windows_rename(source: Path, target: Path) -> None:
        if Path(source) == out:  # moving the open file aside
            raise PermissionError(13, "The process cannot access the file because it is "
                                      "being used by another process", str(source))
        real(source, target)

    monkeypatch.setattr(printing_module, "_replace", windows_rename)
    with pytest.raises(UserError, match="đang mở trong một chương trình khác") as caught:
        print_certificates(db, made.decision, out=out, per_recipient_dir=each)
    assert "gk.pdf" in str(caught.value)
    assert out.read_bytes() == b"%PDF old copy the clerk has open"
    assert list(each.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    count, prints, actions = _register(db)
    assert (count, prints) == (0, 0) and actions == ["print-failed"]
    # Closed in the viewer: the same print goes through and replaces it.
    monkeypatch.setattr(printing_module, "_replace", real)
    summary = print_certificates(db, made.decision, out=out, per_recipient_dir=each)
    assert summary.first_serial == "1/2024" and pdf_pages(out) == 3
    assert len(list(each.iterdir())) == 3
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_failed_commit_puts_the_old_files_back(db: Database, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    made = make_decision(db, groups=0, names=NAMES[:2])
    out = tmp_path / "gk.pdf"
    out.write_bytes(b"old")

    def broken_issue(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    draft = draft_certificates(db, DraftRequest(made.decision))
    delivery = FileDelivery(out=out)
    real_finish = delivery.finish

    def finish_then_fail() -> None:
        real_finish()
        assert out.read_bytes().startswith(b"%PDF")  # in place inside the transaction…
        raise sqlite3.OperationalError("disk I/O error")  # …and then the commit fails

    monkeypatch.setattr(delivery, "finish", finish_then_fail)
    with pytest.raises(StorageError):  # the transaction turns it into a plain message
        issue_certificates(db, draft, delivery)
    draft.discard()
    assert out.read_bytes() == b"old"
    assert _register(db) == (0, 0, ["print-failed"])
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".pdf" or
                  ".part" in p.name or ".old" in p.name) == ["gk.pdf"]


def test_a_cancelled_print_leaves_only_the_audit_entry(db: Database, tmp_path: Path) -> None:
    made = make_decision(db, groups=0, names=NAMES[:4])
    draft = draft_certificates(db, DraftRequest(made.decision, one_per_recipient=True))
    cancel = Progress(is_cancelled=lambda: True)
    with pytest.raises(Cancelled):
        issue_certificates(db, draft, FileDelivery(folder=tmp_path / "each"), progress=cancel)
    draft.discard()
    assert _register(db) == (0, 0, ["print-cancelled"])
    assert not (tmp_path / "each").exists() or list((tmp_path / "each").iterdir()) == []


def test_drawing_does_not_hold_the_write_lock(db: Database, tmp_path: Path) -> None:
    """Another writer (the GUI saving a member, a second program) must not wait for pages to
    be drawn: on main the pages were drawn inside the register's transaction."""
    made = make_decision(db, groups=0, names=NAMES)
    assert db.path is not None
    writes: list[bool] = []

    def another_writer(done: int, total: int, message: str) -> None:
        if done == 3:
            other = sqlite3.connect(db.path, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")  # raises "database is locked" if held
                other.execute("ROLLBACK")
                writes.append(True)
            finally:
                other.close()

    summary = print_certificates(db, made.decision, out=tmp_path / "gk.pdf",
                                 progress=Progress(report=another_writer))
    assert writes == [True] and summary.pages == len(NAMES)


def test_a_long_run_is_joined_from_parts(db: Database, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "CHUNK_PAGES", 2)
    made = make_decision(db, groups=1, names=NAMES)
    out = tmp_path / "gk.pdf"
    summary = print_certificates(db, made.decision, out=out)
    assert summary.pages == pdf_pages(out) == len(NAMES) + 1
    assert_fonts_embedded(out)
    for page in range(1, summary.pages + 1):
        assert f"Số vào sổ khen thưởng: {page}/2024" in pdf_text(out, page=page)
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []
