"""Showing a PDF we made (certificates, signature lists, slips) and printing or saving it.

``preview_pdf(parent, path, title)`` is the one entry point the tabs call. The dialog shows
the real pages, rendered by PDFium (pypdfium2), one at a time at the window's zoom. What
printing or saving does is a :class:`PreviewOutput`: for papers, the file as it is; for
certificates (``ui.dialogs.certificate_dialogs``), also the award register, written only
then, in the same transaction.

Printing goes through the system's print dialog (issue 16, point 2):
- to a file ("Print to File (PDF)"): our own vector PDF (the chosen pages of it), never
  pages rendered as pictures;
- to a printer where the system spools PDF (CUPS, on Linux and macOS): the vector PDF goes
  to the print queue as it is, and the printer draws it at its own resolution;
- elsewhere (Windows): each page is rendered at the printer's resolution (capped), in bands
  so memory stays small, off the GUI thread with progress and Cancel.

PDFium is not thread-safe: every call into it holds ``PDFIUM_LOCK``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QImage, QKeySequence, QPageLayout, QPageSize, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.operations import Attempt, Changes, run_op
from ui.widgets.pause import after_pause
from ui.widgets.status_note import StatusNote
from unionapp.certificates.printing import Delivery, FileDelivery
from unionapp.db import Database
from unionapp.errors import UserError
from unionapp.filenames import proposed_path, safe_file_name
from unionapp.i18n import _
from unionapp.progress import NO_PROGRESS, Progress

PDFIUM_LOCK = threading.Lock()
MAX_PRINT_DPI = 600
BAND_PIXELS = 4_000_000  # pixels per band when printing: ~16 MB of RGBX at a time
ZOOMS = [("fit_page", 0.0), ("fit_width", -1.0), ("50", 0.5), ("75", 0.75), ("100", 1.0),
         ("150", 1.5), ("200", 2.0)]


def render_page(document: pdfium.PdfDocument, index: int, scale: float,
                crop: tuple[float, float, float, float] = (0, 0, 0, 0)) -> QImage:
    """One page (or a band of it, ``crop`` = left, bottom, right, top in points) as an
    image that owns its pixels."""
    with PDFIUM_LOCK:
        page = document[index]
        try:
            bitmap = page.render(scale=scale, crop=crop, rev_byteorder=True, prefer_bgrx=True)
            try:
                image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                               QImage.Format.Format_RGBX8888).copy()
            finally:
                bitmap.close()
        finally:
            page.close()
    return image


def page_size(document: pdfium.PdfDocument, index: int) -> tuple[float, float]:
    with PDFIUM_LOCK:
        page = document[index]
        try:
            return page.get_size()
        finally:
            page.close()


# --- where a previewed PDF goes ---------------------------------------------------------------

MakeDelivery = Callable[[Path, "list[int] | None"], Delivery]


def page_subset(source: Path, pages: list[int] | None, folder: Path) -> Path:
    """The chosen pages (1-based) of ``source`` as a PDF of their own: the same vector
    pages, copied by PDFium, never rendered."""
    if pages is None:
        return source
    target = folder / f"pages-{pages[0]}-{pages[-1]}.pdf"
    with PDFIUM_LOCK:
        whole = pdfium.PdfDocument(str(source))
        subset = pdfium.PdfDocument.new()
        try:
            subset.import_pages(whole, [p - 1 for p in pages])
            subset.save(str(target))
        finally:
            subset.close()
            whole.close()
    return target


class PdfFileDelivery(FileDelivery):
    """"Print to file" and "Save PDF…": our vector PDF (or its chosen pages) at ``target``,
    replacing an old file only once everything else has worked."""

    def __init__(self, source: Path, target: Path, pages: list[int] | None = None):
        super().__init__(out=target)
        self.source, self.target, self.pages = source, target, pages
        self._scratch = Path(tempfile.mkdtemp(prefix="unionapp-pages-"))

    def prepare(self, draft: Any, progress: Progress) -> None:
        source = draft.pdf if draft is not None else self.source
        self.pairs = [(page_subset(source, self.pages, self._scratch), self.target)]
        super().prepare(None, progress)

    def done(self) -> None:
        super().done()
        shutil.rmtree(self._scratch, ignore_errors=True)

    def undo(self) -> None:
        super().undo()
        shutil.rmtree(self._scratch, ignore_errors=True)


def system_spooler() -> str | None:
    """The command that queues a PDF for a printer as it is (CUPS ``lp``, on Linux and
    macOS), or None where printing goes through the printer driver (Windows)."""
    if sys.platform == "win32":
        return None
    return shutil.which("lp")


def spooler_command(lp: str, printer: QPrinter, pdf: Path, pages: list[int] | None,
                    title: str) -> list[str]:
    """``lp`` with what the print dialog chose: printer, copies, pages, sides, colour. No
    scaling: certificates on pre-printed blanks must land where they were calibrated."""
    command = [lp, "-t", title or pdf.stem, "-n", str(max(printer.copyCount(), 1)),
               "-o", "print-scaling=none"]
    if printer.printerName():
        command += ["-d", printer.printerName()]
    if pages is not None:
        command += ["-P", ",".join(str(p) for p in pages)]
    sides = {QPrinter.DuplexMode.DuplexLongSide: "two-sided-long-edge",
             QPrinter.DuplexMode.DuplexShortSide: "two-sided-short-edge",
             QPrinter.DuplexMode.DuplexAuto: "two-sided-long-edge"}.get(printer.duplex())
    if sides:
        command += ["-o", f"sides={sides}"]
    if printer.colorMode() == QPrinter.ColorMode.GrayScale:
        command += ["-o", "print-color-mode=monochrome"]
    if printer.collateCopies():
        command += ["-o", "collate=true"]
    return [*command, "--", str(pdf)]


class PrinterDelivery:
    """Pages to a printer. Where the system queues PDF (CUPS), the vector file is handed to
    the queue at ``finish`` (the spool is the PDF itself, a few kB a page). Otherwise pages
    are painted at the printer's resolution in ``prepare`` (the slow part, outside the
    register's transaction) and the job is released at ``finish``; ``undo`` aborts it."""

    def __init__(self, source: Path, printer: QPrinter, pages: list[int] | None = None, *,
                 spooler: str | None = None, title: str = ""):
        self.source, self.printer, self.pages = source, printer, pages
        self.spooler, self.title = spooler, title
        self.painter: QPainter | None = None
        self.pdf = source

    def prepare(self, draft: Any, progress: Progress) -> None:
        self.pdf = draft.pdf if draft is not None else self.source
        if self.spooler is not None:
            return
        with PDFIUM_LOCK:
            document = pdfium.PdfDocument(str(self.pdf))
            count = len(document)
        try:
            wanted = self.pages or list(range(1, count + 1))
            self.painter = paint_pages(document, self.printer, wanted, progress)
        finally:
            with PDFIUM_LOCK:
                document.close()

    def finish(self) -> None:
        if self.spooler is not None:
            done = subprocess.run(
                spooler_command(self.spooler, self.printer, self.pdf, self.pages, self.title),
                capture_output=True, text=True, timeout=60)
            if done.returncode != 0:
                raise UserError(_("The printer did not take the job: {error}").format(
                    error=(done.stderr or done.stdout).strip() or done.returncode))
            return
        painter, self.painter = self.painter, None
        if painter is not None and not painter.end():
            raise UserError(_("The printer could not finish the job. Check that it is on "
                              "and connected."))

    def undo(self) -> None:
        if self.painter is not None:
            self.printer.abort()
            self.painter.end()
            self.painter = None

    def done(self) -> None:
        pass


class PreviewOutput:
    """What printing or saving the previewed PDF does: for a paper, deliver the file as it
    is. Runs off the GUI thread; returns what to tell the clerk."""

    note = ""
    db: Database | None = None  # the database a delivery writes to (certificates: theirs)
    changes = Changes.NONE  # what a delivery changes there

    def __init__(self, path: Path, save_name: str = ""):
        self.path = Path(path)
        self.save_name = save_name or self.path.stem

    def deliver(self, make: MakeDelivery, pages: list[int] | None,
                progress: Progress = NO_PROGRESS) -> str:
        delivery = make(self.path, pages)
        try:
            delivery.prepare(None, progress)
            delivery.finish()
        except BaseException:
            delivery.undo()
            raise
        delivery.done()
        return ""

    def delivered(self) -> None:
        """Back on the GUI thread after a delivery."""

    def close(self) -> None:
        """The preview is closing."""


class PdfPreviewDialog(QDialog):
    """The pages of one PDF, with page navigation, zoom, Print and Save."""

    def __init__(self, parent: QWidget | None, path: Path, title: str = "", *,
                 printer_name: str = "", output: PreviewOutput | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.output = output or PreviewOutput(self.path, title or self.path.stem)
        self.printer_name = printer_name
        self.printed = 0  # pages printed or saved by the last action (-1: running)
        self.told = ""
        self.setWindowTitle(title or self.path.stem)
        with PDFIUM_LOCK:
            self.document = pdfium.PdfDocument(str(self.path))
            self.pages = len(self.document)
        self._cache: OrderedDict[tuple[int, float], QPixmap] = OrderedDict()
        self.note = QLabel(self.output.note)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(self.output.note))
        self.note.setStyleSheet("QLabel { background: #fff4ce; padding: 4px; }")
        self.page_box = QSpinBox()
        self.page_box.setRange(1, max(self.pages, 1))
        self.page_box.valueChanged.connect(self._show)
        self.page_count = QLabel(_("of {count}").format(count=self.pages))
        self.previous = QPushButton("◀")
        self.previous.setToolTip(_("Previous page (Page Up)"))
        self.previous.setShortcut(QKeySequence(Qt.Key.Key_PageUp))
        self.previous.clicked.connect(lambda: self.page_box.setValue(self.page_box.value() - 1))
        self.next = QPushButton("▶")
        self.next.setToolTip(_("Next page (Page Down)"))
        self.next.setShortcut(QKeySequence(Qt.Key.Key_PageDown))
        self.next.clicked.connect(lambda: self.page_box.setValue(self.page_box.value() + 1))
        self.zoom = QComboBox()
        labels = {"fit_page": _("Whole page"), "fit_width": _("Page width")}
        for key, value in ZOOMS:
            self.zoom.addItem(labels.get(key, f"{key} %"), value)
        self.zoom.currentIndexChanged.connect(lambda _i: self._show())
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.clicked.connect(self.choose_printer_and_print)
        self.save_button = QPushButton(_("Save PDF…"))
        self.save_button.clicked.connect(lambda: self.save_copy())
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)

        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Page")))
        for widget in (self.page_box, self.page_count, self.previous, self.next):
            bar.addWidget(widget)
        bar.addSpacing(16)
        bar.addWidget(QLabel(_("Zoom")))
        bar.addWidget(self.zoom)
        bar.addStretch(1)
        for widget in (self.print_button, self.save_button, close):
            bar.addWidget(widget)

        self.canvas = QLabel()
        self.canvas.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.canvas)
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll.setStyleSheet("QScrollArea { background: #7f7f7f; }")
        self.word = StatusNote()  # what the last print or save did
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.note)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.word)
        self.resize(1100, 800)
        self._resize_timer = after_pause(self, self._show, 120)
        self._show()

    # -- showing ----------------------------------------------------------------------------

    def current_scale(self) -> float:
        """Points → screen pixels for the current zoom."""
        if not self.pages:
            return 1.0
        width, height = page_size(self.document, self.page_box.value() - 1)
        view = self.scroll.viewport().size()
        zoom = self.zoom.currentData()
        screen = self.logicalDpiX() / 72
        if zoom == 0.0:  # whole page
            return max(0.05, min((view.width() - 24) / width, (view.height() - 24) / height))
        if zoom == -1.0:  # page width
            return max(0.05, (view.width() - 24) / width)
        return zoom * screen

    def _show(self) -> None:
        if not self.pages:
            self.canvas.setText(_("This document has no pages."))
            return
        index = self.page_box.value() - 1
        scale = round(self.current_scale(), 3)
        ratio = self.devicePixelRatioF()
        key = (index, scale * ratio)
        pixmap = self._cache.get(key)
        if pixmap is None:
            pixmap = QPixmap.fromImage(render_page(self.document, index, scale * ratio))
            pixmap.setDevicePixelRatio(ratio)
            self._cache[key] = pixmap
            while len(self._cache) > 6:
                self._cache.popitem(last=False)
        self.canvas.setPixmap(pixmap)
        self.previous.setEnabled(index > 0)
        self.next.setEnabled(index < self.pages - 1)

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self.zoom.currentData() in (0.0, -1.0):
            self._resize_timer.start()

    def show_document(self, path: Path) -> None:
        """Show another PDF in place of this one (the certificates drawn again)."""
        with PDFIUM_LOCK:
            self.document.close()
            self.document = pdfium.PdfDocument(str(path))
            self.pages = len(self.document)
        self.path = Path(path)
        self._cache.clear()
        self.page_box.setRange(1, max(self.pages, 1))
        self.page_count.setText(_("of {count}").format(count=self.pages))
        self._show()

    def show_note(self) -> None:
        self.note.setText(self.output.note)
        self.note.setVisible(bool(self.output.note))

    # -- saving and printing -----------------------------------------------------------------

    def save_copy(self, target: Path | None = None) -> Path | None:
        """Save the PDF (for certificates: and write them into the register)."""
        if target is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Save PDF"), str(proposed_path(self.output.save_name, ".pdf")),
                _("PDF files (*.pdf)"))
            if not chosen:
                return None
            target = Path(chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf")
        dest = target

        def make(source: Path, pages: list[int] | None) -> Delivery:
            return PdfFileDelivery(source, dest, pages)

        self._deliver(make, None, _("Saving the PDF…"),
                      _("Saved to {path}.").format(path=dest.name), dest)
        return dest

    def make_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if self.printer_name:
            printer.setPrinterName(self.printer_name)
        # The print queue shows it, and Qt's dialog builds its "print to file" name from it.
        printer.setDocName(safe_file_name(self.output.save_name))
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:  # no printer installed
            printer.setOutputFileName(str(proposed_path(self.output.save_name, ".pdf")))
        if self.pages:
            width, height = page_size(self.document, 0)
            printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4) if self._is_a4(width, height)
                                else QPageSize(QPageSize(QRectF(0, 0, width, height).size(),
                                                         QPageSize.Unit.Point)))
            printer.setPageOrientation(QPageLayout.Orientation.Landscape if width > height
                                       else QPageLayout.Orientation.Portrait)
        printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
        printer.setFullPage(True)  # positions from the paper's edge, as the PDF has them
        printer.setFromTo(1, self.pages)
        return printer

    @staticmethod
    def _is_a4(width: float, height: float) -> bool:
        return {round(width), round(height)} == {842, 595}

    def choose_printer_and_print(self) -> None:
        printer = self.make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, max(self.pages, 1))
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        field = dialog.findChild(QLineEdit, "filename")  # Qt's own dialog (Linux)
        if field is not None:
            field.setText(str(proposed_path(self.output.save_name, ".pdf")))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        first, last = printer.fromPage(), printer.toPage()
        if printer.printRange() != QPrinter.PrintRange.PageRange or first == 0:
            first, last = 1, self.pages
        self.print_pages(printer, first, last)

    def print_pages(self, printer: QPrinter, first: int, last: int) -> None:
        """Print pages ``first``…``last`` (1-based) as the print dialog set ``printer``:
        to a file, our vector PDF; to a printer, see :class:`PrinterDelivery`."""
        pages = None if (first, last) == (1, self.pages) else list(range(first, last + 1))
        to_file = (printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
                   and bool(printer.outputFileName()))
        if to_file:
            target = Path(printer.outputFileName())
            if target.suffix.lower() != ".pdf":
                target = target.with_name(target.name + ".pdf")

            def make(source: Path, chosen: list[int] | None) -> Delivery:
                return PdfFileDelivery(source, target, chosen)

            self._deliver(make, pages, _("Saving the PDF…"),
                          _("Saved to {path}.").format(path=target.name), target)
            return
        spooler = system_spooler()
        title = printer.docName()

        def make_job(source: Path, chosen: list[int] | None) -> Delivery:
            return PrinterDelivery(source, printer, chosen, spooler=spooler, title=title)

        self._deliver(make_job, pages, _("Printing…"), _("Sent to the printer."))

    def _deliver(self, make: MakeDelivery, pages: list[int] | None, label: str,
                 told: str, file: Path | None = None) -> None:
        output = self.output
        count = len(pages) if pages is not None else self.pages

        def work(attempt: Attempt) -> str:
            return output.deliver(make, pages, attempt.progress)

        def said(message: str) -> str:
            return " ".join(text for text in (told, message) if text)

        def done(message: str) -> None:
            self.printed = count
            self.told = said(message)
            self.word.say(self.told, file)  # said here too: the preview covers the window
            self.show_note()
            output.delivered()
            if output.path != self.path:
                self.show_document(output.path)

        def stopped(*_error: object) -> None:
            self.printed = 0

        self.printed = -1
        run_op(self, work, db=output.db, changes=output.changes, said=said, file=file,
               on_done=done, on_cancelled=stopped, on_failed=stopped, label=label,
               cancellable=True)

    def done(self, result: int) -> None:
        # A resize may still be waiting to redraw: once the document is closed, nothing may.
        self._resize_timer.stop()
        self.pages = 0
        with PDFIUM_LOCK:
            self.document.close()
        self.output.close()
        super().done(result)


def paint_pages(document: pdfium.PdfDocument, printer: QPrinter, pages: list[int],
                progress: Progress) -> QPainter:
    """Paint ``pages`` (1-based) onto ``printer`` at its resolution (capped), band by band,
    and return the painter still open: ending it releases the job. QPainter may paint on a
    QPrinter outside the GUI thread; no widget is touched here."""
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError(_("The printer could not be started. Check that it is on and "
                          "connected."))
    try:
        device = printer.resolution() / 72  # points → device pixels
        total = len(pages)
        for done, number in enumerate(pages):
            progress(done, total, _("Printing page {page} of {total}…").format(
                page=done + 1, total=total))
            if done:
                printer.newPage()
            width, height = page_size(document, number - 1)
            scale = dpi / 72
            band = max(1.0, BAND_PIXELS / (width * scale) / scale)  # band height in points
            top = 0.0
            while top < height:
                bottom = min(height, top + band)
                image = render_page(document, number - 1, scale,
                                    crop=(0, height - bottom, 0, top))
                target = QRectF(0, top * device, width * device, (bottom - top) * device)
                painter.drawImage(target, image)
                top = bottom
        progress(total, total, "")
    except BaseException:
        printer.abort()
        painter.end()
        raise
    return painter


def preview_pdf(parent: QWidget | None, path: Path, title: str = "", *,
                printer_name: str = "", output: PreviewOutput | None = None) -> None:
    """Show ``path`` in the preview dialog (``printer_name``: the printer offered first;
    ``output``: what printing or saving does, the file as it is by default)."""
    try:
        dialog = PdfPreviewDialog(parent, path, title, printer_name=printer_name,
                                  output=output)
    except pdfium.PdfiumError as error:
        if output is not None:
            output.close()
        QMessageBox.warning(parent, _("Preview"), _("The PDF {path} can't be opened: "
                                                    "{error}").format(path=path, error=error))
        return
    dialog.exec()
