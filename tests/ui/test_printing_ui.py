"""Printing from the preview (issue 16, points 1 and 2; issue 12, point 5): print to a file
writes our vector PDF under a valid name in Documents; a printer queue gets the vector PDF;
elsewhere pages go at the printer's resolution; only what is delivered is numbered."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from tests.pdfcheck import assert_fonts_embedded, pdf_fonts, pdf_pages, pdf_text
from ui import operations
from ui.dialogs import pdf_preview
from ui.dialogs.certificate_dialogs import CertificateOutput
from unionapp import awards
from unionapp.certificates import register_list
from unionapp.certificates.printing import DraftRequest, draft_certificates
from unionapp.db import Database
from unionapp.models import AuditLog
from unionapp.progress import NO_PROGRESS


@pytest.fixture
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "Tài liệu"
    folder.mkdir()
    monkeypatch.setenv("UNIONAPP_DOCUMENTS_DIR", str(folder))
    return folder


def _preview(qtbot: QtBot, db: Database, number: str = "15/QĐ-CĐCS",
             ) -> pdf_preview.PdfPreviewDialog:
    decision = awards.find_decision(db, number)
    draft = draft_certificates(db, DraftRequest(decision.uuid))
    output = CertificateOutput(db, draft)
    dialog = pdf_preview.PdfPreviewDialog(None, output.path, "Giấy khen — " + number,
                                          output=output)
    qtbot.addWidget(dialog)
    return dialog


def _wait(qtbot: QtBot, dialog: pdf_preview.PdfPreviewDialog, pages: int) -> None:
    qtbot.waitUntil(lambda: dialog.printed != -1, timeout=60000)
    assert dialog.printed == pages


def test_print_to_file_is_our_vector_pdf_and_numbers_the_certificates(
        qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    """On main this rendered every page as a picture: 108 MB for 27 certificates."""
    dialog = _preview(qtbot, demo_db)
    assert "dự kiến" in dialog.note.text()
    printer = dialog.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "in ra tệp.pdf"))
    dialog.print_pages(printer, 1, dialog.pages)
    _wait(qtbot, dialog, 27)
    out = tmp_path / "in ra tệp.pdf"
    assert pdf_pages(out) == 27
    assert out.stat().st_size < 1_000_000, out.stat().st_size
    assert_fonts_embedded(out)  # text, not pictures of text
    assert "Số vào sổ khen thưởng: 27/" in pdf_text(out, page=27)
    assert len(register_list(demo_db).all()) == 27
    assert "Đã ghi vào sổ khen thưởng" in dialog.note.text()
    dialog.reject()


def test_pages_chosen_in_the_print_dialog_are_the_only_ones_numbered(
        qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    dialog = _preview(qtbot, demo_db)
    printer = dialog.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "two.pdf"))
    dialog.print_pages(printer, 2, 3)
    _wait(qtbot, dialog, 2)
    out = tmp_path / "two.pdf"
    assert pdf_pages(out) == 2
    serials = sorted(e.serial for e in register_list(demo_db).all())
    year = serials[0].split("/")[1]
    assert serials == [f"1/{year}", f"2/{year}"]
    assert f"Số vào sổ khen thưởng: 1/{year}" in pdf_text(out, page=1)
    assert f"Số vào sổ khen thưởng: 2/{year}" in pdf_text(out, page=2)
    dialog.reject()


def test_the_print_dialog_proposes_a_valid_name_in_documents(
        qtbot: QtBot, demo_db: Database, documents: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """On main the name came from the decision number: "…15/QĐ-CĐCS.pdf", a folder path, and
    Qt answered in English that the file is not writable."""
    dialog = _preview(qtbot, demo_db)
    printer = dialog.make_printer()
    assert "/" not in printer.docName() and printer.docName() == "Giấy khen — 15-QĐ-CĐCS"
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:  # no printer here
        assert Path(printer.outputFileName()) == documents / "Giấy khen — 15-QĐ-CĐCS.pdf"
    seen: list[str] = []

    def look(self: QPrintDialog) -> int:
        field = self.findChild(QLineEdit, "filename")
        seen.append(field.text() if field is not None else "")
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(QPrintDialog, "exec", look)
    dialog.choose_printer_and_print()
    assert seen and (seen[0] == "" or Path(seen[0]).parent == documents)
    proposed: list[str] = []
    monkeypatch.setattr(pdf_preview.QFileDialog, "getSaveFileName",
                        lambda parent, title, start, filters: proposed.append(start) or ("", ""))
    dialog.save_copy()
    assert proposed == [str(documents / "Giấy khen — 15-QĐ-CĐCS.pdf")]
    assert register_list(demo_db).all() == []  # nothing printed, nothing numbered
    dialog.reject()


def _fake_lp(tmp_path: Path, exit_code: int = 0) -> tuple[Path, Path]:
    """A stand-in for CUPS' ``lp`` that keeps the job's file and arguments."""
    spool = tmp_path / "spool"
    spool.mkdir()
    script = tmp_path / "lp"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{spool}/args"\n'
        'for last; do :; done\n'
        f'cp "$last" "{spool}/job.pdf"\n'
        + (f'echo "lp: printer is stopped" >&2\nexit {exit_code}\n' if exit_code else
           'echo "request id is Phong-Van-thu-17 (1 file(s))"\n'),
        encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script, spool


def test_a_printer_queue_gets_the_vector_pdf(qtbot: QtBot, demo_db: Database, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    lp, spool = _fake_lp(tmp_path)
    monkeypatch.setattr(pdf_preview, "system_spooler", lambda: str(lp))
    dialog = _preview(qtbot, demo_db)
    printer = dialog.make_printer()
    printer.setOutputFileName("")  # a printer, not a file
    printer.setCopyCount(2)
    dialog.print_pages(printer, 1, dialog.pages)
    _wait(qtbot, dialog, 27)
    job = spool / "job.pdf"
    assert pdf_pages(job) == 27 and job.stat().st_size < 1_000_000
    assert all(f.embedded for f in pdf_fonts(job))
    args = (spool / "args").read_text(encoding="utf-8").split("\n")
    assert args[args.index("-n") + 1] == "2" and "print-scaling=none" in args
    assert "-P" not in args  # chosen pages are drawn again on their own, numbered alone
    assert len(register_list(demo_db).all()) == 27
    dialog.reject()


def test_a_refused_print_job_leaves_only_an_audit_entry(
        qtbot: QtBot, demo_db: Database, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    lp, _spool = _fake_lp(tmp_path, exit_code=1)
    monkeypatch.setattr(pdf_preview, "system_spooler", lambda: str(lp))
    errors: list[str] = []
    monkeypatch.setattr(operations, "show_error",  # the operation says it
                        lambda parent, error: errors.append(str(error)))
    dialog = _preview(qtbot, demo_db)
    printer = dialog.make_printer()
    printer.setOutputFileName("")
    dialog.print_pages(printer, 1, dialog.pages)
    _wait(qtbot, dialog, 0)
    assert errors and "Máy in không nhận lệnh in" in errors[0] and "stopped" in errors[0]
    assert register_list(demo_db).all() == []
    with demo_db.read() as s:
        assert "print-failed" in s.scalars(select(AuditLog.action)).all()
    dialog.reject()


def test_without_a_print_queue_pages_go_at_the_printer_resolution(
        qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    """Windows: pages rendered for the printer, band by band; the job is released only in
    the register's transaction."""
    source = tmp_path / "sample.pdf"
    from unionapp.certificates import print_sample

    print_sample("giay_khen", source)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "raster.pdf"))
    printer.setResolution(150)
    job = pdf_preview.PrinterDelivery(source, printer, [2, 3], spooler=None)
    job.prepare(None, NO_PROGRESS)  # painted, the job still open…
    assert job.painter is not None and job.painter.isActive()
    job.finish()  # …and released
    assert pdf_pages(tmp_path / "raster.pdf") == 2
    assert pdf_fonts(tmp_path / "raster.pdf") == []  # pictures of the pages
    aborted = pdf_preview.PrinterDelivery(source, printer, [1], spooler=None)
    printer.setOutputFileName(str(tmp_path / "aborted.pdf"))
    aborted.prepare(None, NO_PROGRESS)
    aborted.undo()  # the register's transaction failed: the job is aborted
    assert aborted.painter is None and printer.printerState() != QPrinter.PrinterState.Active


def test_the_queue_gets_what_the_print_dialog_chose(tmp_path: Path) -> None:
    class Chosen:  # a QPrinter on a real queue (a PDF-format QPrinter has no duplex)
        def copyCount(self) -> int: return 3
        def printerName(self) -> str: return "Máy in phòng Văn thư"
        def duplex(self) -> QPrinter.DuplexMode: return QPrinter.DuplexMode.DuplexShortSide
        def colorMode(self) -> QPrinter.ColorMode: return QPrinter.ColorMode.GrayScale
        def collateCopies(self) -> bool: return True

    command = pdf_preview.spooler_command("/usr/bin/lp", Chosen(),  # type: ignore[arg-type]
                                          tmp_path / "a b.pdf", [2, 3, 4], "Phiếu chi")
    assert command == ["/usr/bin/lp", "-t", "Phiếu chi", "-n", "3", "-o", "print-scaling=none",
                       "-d", "Máy in phòng Văn thư", "-P", "2,3,4",
                       "-o", "sides=two-sided-short-edge", "-o", "print-color-mode=monochrome",
                       "-o", "collate=true", "--", str(tmp_path / "a b.pdf")]
