"""Showing a PDF we made (certificates, signature lists, slips) and printing it.

``preview_pdf(parent, path, title)`` is the one entry point the tabs call. The dialog shows
the real pages, rendered by PDFium (pypdfium2), one at a time at the window's zoom; it prints
through the system's print dialog, each page rendered at the printer's resolution (in bands,
so memory stays small), off the GUI thread with progress and Cancel; and it saves a copy.

PDFium is not thread-safe: every call into it holds ``PDFIUM_LOCK``.
"""

from __future__ import annotations

import shutil
import threading
from collections import OrderedDict
from pathlib import Path

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
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.tasks import run_task, show_error
from ui.widgets.pause import after_pause
from unionapp.errors import UserError
from unionapp.i18n import _
from unionapp.progress import Progress

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


class PdfPreviewDialog(QDialog):
    """The pages of one PDF, with page navigation, zoom, Print and Save."""

    def __init__(self, parent: QWidget | None, path: Path, title: str = "", *,
                 printer_name: str = ""):
        super().__init__(parent)
        self.path = Path(path)
        self.printer_name = printer_name
        self.setWindowTitle(title or self.path.name)
        with PDFIUM_LOCK:
            self.document = pdfium.PdfDocument(str(self.path))
            self.pages = len(self.document)
        self._cache: OrderedDict[tuple[int, float], QPixmap] = OrderedDict()

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
        self.save_button.clicked.connect(self.save_copy)
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
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)
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

    # -- saving and printing -----------------------------------------------------------------

    def save_copy(self) -> Path | None:
        target, _filter = QFileDialog.getSaveFileName(
            self, _("Save PDF"), str(Path.home() / self.path.name), _("PDF files (*.pdf)"))
        if not target:
            return None
        dest = Path(target if target.lower().endswith(".pdf") else target + ".pdf")
        try:
            shutil.copyfile(self.path, dest)
        except OSError as error:
            show_error(self, UserError(_("Can't save {path}: {error}").format(
                path=dest, error=error.strerror or error)))
            return None
        return dest

    def make_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if self.printer_name:
            printer.setPrinterName(self.printer_name)
        printer.setDocName(self.windowTitle())
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
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        first, last = printer.fromPage(), printer.toPage()
        if printer.printRange() != QPrinter.PrintRange.PageRange or first == 0:
            first, last = 1, self.pages
        self.print_pages(printer, first, last)

    def print_pages(self, printer: QPrinter, first: int, last: int) -> None:
        """Print pages ``first``…``last`` (1-based) off the GUI thread."""
        document = self.document

        def work(progress: Progress) -> int:
            return print_document(document, printer, first, last, progress)

        def done(count: int) -> None:
            self.printed = count

        def cancelled() -> None:
            self.printed = 0

        self.printed = -1
        run_task(self, work, on_done=done, on_cancelled=cancelled, label=_("Printing…"),
                 cancellable=True)

    def done(self, result: int) -> None:
        with PDFIUM_LOCK:
            self.document.close()
        super().done(result)


def print_document(document: pdfium.PdfDocument, printer: QPrinter, first: int, last: int,
                   progress: Progress) -> int:
    """Paint pages onto ``printer`` at its resolution (capped), band by band. QPainter may
    paint on a QPrinter outside the GUI thread; no widget is touched here."""
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError(_("The printer could not be started. Check that it is on and "
                          "connected."))
    printed = 0
    try:
        device = printer.resolution() / 72  # points → device pixels
        total = last - first + 1
        for number in range(first, last + 1):
            progress(printed, total, _("Printing page {page} of {total}…").format(
                page=printed + 1, total=total))
            if printed:
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
            printed += 1
        progress(total, total, "")
    except BaseException:
        printer.abort()
        raise
    finally:
        painter.end()
    return printed


def preview_pdf(parent: QWidget | None, path: Path, title: str = "", *,
                printer_name: str = "") -> None:
    """Show ``path`` in the preview dialog (``printer_name``: the printer offered first)."""
    try:
        dialog = PdfPreviewDialog(parent, path, title, printer_name=printer_name)
    except pdfium.PdfiumError as error:
        QMessageBox.warning(parent, _("Preview"), _("The PDF {path} can't be opened: "
                                                    "{error}").format(path=path, error=error))
        return
    dialog.exec()
