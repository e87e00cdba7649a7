"""Printing a decision's certificates (full design or onto blanks, all or some recipients,
preview or files) and calibrating a printer for pre-printed blanks.

A preview shows the certificates with provisional register numbers and writes nothing; the
numbers are taken, and the print logged, only when the clerk prints or saves from it
(:class:`CertificateOutput`), in the same transaction as the delivery."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs import pdf_preview
from ui.dialogs.activity_dialogs import ok_cancel
from ui.dialogs.pdf_preview import MakeDelivery, PreviewOutput
from ui.operations import Attempt, Changes, run_op
from ui.tabs.sections import tell
from ui.tasks import Task, run_task
from unionapp.awards import DecisionRow
from unionapp.certificates import (
    PrintSummary,
    calibration_page,
    print_certificates,
    printer_offset,
    save_printer_offset,
)
from unionapp.certificates.calibration import MAX_OFFSET
from unionapp.certificates.printing import (
    CertificateDraft,
    DraftRequest,
    draft_certificates,
    issue_certificates,
)
from unionapp.db import Database
from unionapp.filenames import documents_dir, proposed_path
from unionapp.i18n import _
from unionapp.models import CertificateDesign
from unionapp.progress import NO_PROGRESS, Progress
from unionapp.settings import Settings

LAST_CHOICES = "certificate_last"  # Settings.extra: {"design": …, "printer": …}


def print_folder() -> Path:
    """Where PDFs made for previewing go (overwritten by the next one of the same name)."""
    folder = Path(tempfile.gettempdir()) / "unionapp"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def printers() -> list[str]:
    """The printers of this PC, the default one first."""
    names = list(QPrinterInfo.availablePrinterNames())
    default = QPrinterInfo.defaultPrinterName()
    if default in names:
        names.remove(default)
        names.insert(0, default)
    return names


def offset_text(offset: tuple[float, float]) -> str:
    x, y = (f"{v:+.1f}".replace(".", ",") for v in offset)
    return _("offset {x} mm across, {y} mm down").format(x=x, y=y)


def printer_combo(selected: str = "") -> QComboBox:
    box = QComboBox()
    box.setEditable(True)  # a printer not installed yet can still be calibrated by name
    for name in printers():
        box.addItem(name)
    if selected:
        index = box.findText(selected)
        if index < 0:
            box.addItem(selected)
            index = box.count() - 1
        box.setCurrentIndex(index)
    return box


class CertificateOutput(PreviewOutput):
    """Printing or saving previewed certificates: only then are they numbered in the award
    register and the print logged, in the transaction that hands over the pages. Pages
    chosen in the print dialog are drawn again for just those recipients, so that each
    carries the number it gets."""

    changes = Changes.AWARDS  # the award register

    def __init__(self, db: Database, draft: CertificateDraft,
                 on_issued: Callable[[PrintSummary], None] = lambda summary: None):
        assert draft.pdf is not None
        super().__init__(draft.pdf, save_name=f"{draft.title.capitalize()} — "
                                              f"{draft.decision_number}")
        self.db, self.draft, self.on_issued = db, draft, on_issued
        self.drafts = [draft]  # every draft drawn, removed when the preview closes
        self.note = draft.provisional_note()
        self.summaries: list[PrintSummary] = []

    def deliver(self, make: MakeDelivery, pages: list[int] | None,
                progress: Progress = NO_PROGRESS) -> str:
        draft = self.draft
        if pages is not None:
            chosen = tuple(draft.award_uuids[p - 1] for p in pages)
            draft = draft_certificates(self.db, replace(draft.request, award_uuids=chosen),
                                       progress=progress)
            self.drafts.append(draft)
        assert draft.pdf is not None
        summary, used = issue_certificates(self.db, draft, make(draft.pdf, None),
                                           progress=progress)
        if used is not draft:
            self.drafts.append(used)
        if pages is None and used.pdf is not None:
            self.draft, self.path = used, used.pdf  # the preview shows the numbers given
        self.summaries.append(summary)
        span = summary.first_serial if summary.pages == 1 else \
            f"{summary.first_serial} – {summary.last_serial}"
        self.note = _("Written into the award register: {span} ({numbered} newly numbered, "
                      "{reprinted} reprints).").format(span=span, numbered=summary.numbered,
                                                       reprinted=summary.reprinted)
        if used.serials != draft.serials:
            self.note += " " + _("Someone printed other certificates meanwhile, so these "
                                 "got the next free numbers.")
        return self.note

    def delivered(self) -> None:
        self.on_issued(self.summaries[-1])

    def close(self) -> None:
        for draft in self.drafts:
            draft.discard()


class PrintCertificatesDialog(QDialog):
    """Options, then the work runs off the GUI thread; ``printed`` when the register changed."""

    printed = Signal()

    def __init__(self, db: Database, decision: DecisionRow, selected: list[uuid.UUID],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.decision = decision
        self.selected = selected
        self.settings = Settings.load()
        self.task: Task | None = None
        self.summary: PrintSummary | None = None
        last = self.settings.extra.get(LAST_CHOICES)
        last = last if isinstance(last, dict) else {}
        self.setWindowTitle(_("Print certificates — {number}").format(number=decision.number))

        about = QLabel(_("<b>{number}</b> of {date}: {kind}<br>{count} recipients, {printed} "
                         "already in the award register.").format(
            number=decision.number, date=decision.decided_on.strftime("%d/%m/%Y"),
            kind=decision.award_kind, count=decision.recipients, printed=decision.printed))
        about.setWordWrap(True)

        self.all = QRadioButton(_("The whole decision ({count})").format(
            count=decision.recipients))
        self.some = QRadioButton(_("Only the selected ({count})").format(count=len(selected)))
        self.some.setEnabled(bool(selected))
        (self.some if selected else self.all).setChecked(True)
        scope = self._group(_("Print for"), [self.all, self.some])

        self.full = QRadioButton(_("Full design, with its border, on plain paper"))
        self.blank = QRadioButton(_("Onto pre-printed blanks (phôi): only the text"))
        on_blanks = last.get("design") == CertificateDesign.BLANK
        (self.blank if on_blanks else self.full).setChecked(True)
        self.printer = printer_combo(str(last.get("printer", "")))
        self.offset = QLabel()
        calibrate = QPushButton(_("Calibrate…"))
        calibrate.clicked.connect(self.calibrate)
        printer_row = QHBoxLayout()
        printer_row.addWidget(QLabel(_("Printer:")))
        printer_row.addWidget(self.printer, 1)
        printer_row.addWidget(calibrate)
        design = self._group(_("Paper"), [self.full, self.blank])
        design_layout = design.layout()
        assert isinstance(design_layout, QVBoxLayout)
        design_layout.addLayout(printer_row)
        design_layout.addWidget(self.offset)

        self.preview = QRadioButton(_("Preview, then print"))
        self.one_file = QRadioButton(_("Save as one PDF file…"))
        self.per_recipient = QRadioButton(_("Save one PDF file per recipient, in a folder…"))
        self.preview.setChecked(True)
        output = self._group(_("Output"), [self.preview, self.one_file, self.per_recipient])

        note = QLabel(_("A certificate gets its number in the award register the first time "
                        "it is printed; a reprint keeps its number and is logged."))
        note.setWordWrap(True)
        buttons = ok_cancel(self, _("Print"))
        buttons.accepted.connect(self.start)
        layout = QVBoxLayout(self)
        for widget in (about, scope, design, output, note, buttons):
            layout.addWidget(widget)
        self.printer.currentTextChanged.connect(self._show_offset)
        self.blank.toggled.connect(self._show_offset)
        self._show_offset()
        self.resize(600, 520)

    @staticmethod
    def _group(title: str, radios: list[QRadioButton]) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        group = QButtonGroup(box)
        for radio in radios:
            group.addButton(radio)
            layout.addWidget(radio)
        return box

    def design(self) -> str:
        return CertificateDesign.BLANK if self.blank.isChecked() else CertificateDesign.FULL

    def current_offset(self) -> tuple[float, float]:
        return printer_offset(self.settings, self.printer.currentText())

    def _show_offset(self, *_args: object) -> None:
        blank = self.blank.isChecked()
        self.offset.setVisible(blank)
        if blank:
            self.offset.setText(_("Calibration of this printer: {offset}").format(
                offset=offset_text(self.current_offset())))

    def calibrate(self) -> None:
        CalibrationDialog(self, printer=self.printer.currentText()).exec()
        self.settings = Settings.load()
        self._show_offset()

    def save_name(self) -> str:
        return _("Certificates — {number}").format(number=self.decision.number)

    def start(self, target: Path | None = None) -> Task | None:
        """Ask where (unless ``target`` is given), then draw (and, for files, print) off
        the GUI thread."""
        out: Path | None = None
        folder: Path | None = None
        if self.one_file.isChecked():
            if target is None:
                chosen, _filter = QFileDialog.getSaveFileName(
                    self, _("Save certificates"), str(proposed_path(self.save_name(), ".pdf")),
                    _("PDF files (*.pdf)"))
                if not chosen:
                    return None
                target = Path(chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf")
            out = target
        elif self.per_recipient.isChecked():
            if target is None:
                chosen = QFileDialog.getExistingDirectory(self, _("Folder for the certificates"),
                                                          str(documents_dir()))
                if not chosen:
                    return None
                target = Path(chosen)
            folder = target
        design, printer = self.design(), self.printer.currentText()
        self.settings.extra[LAST_CHOICES] = {"design": design, "printer": printer}
        self.settings.save()
        db, decision = self.db, self.decision.uuid
        awards = list(self.selected) if self.some.isChecked() else None
        offset = self.current_offset() if design == CertificateDesign.BLANK else (0.0, 0.0)
        label = _("Printing the certificates of {number}…").format(number=self.decision.number)
        if self.preview.isChecked():
            request = DraftRequest(decision, design, tuple(awards) if awards is not None
                                   else None, offset)

            def draw(progress: Progress) -> CertificateDraft:
                return draft_certificates(db, request, progress=progress)

            self.task = run_task(self, draw, on_done=self._preview, label=label)
            return self.task

        def work(attempt: Attempt) -> PrintSummary:
            return print_certificates(db, decision, out=out, design=design, award_uuids=awards,
                                      per_recipient_dir=folder, offset=offset,
                                      progress=attempt.progress)

        self.task = run_op(self, work, db=db, changes=Changes.AWARDS, on_done=self._done,
                           label=label, cancellable=True, file=out or folder,
                           said=lambda summary: _("{pages} certificates written to {path}.")
                           .format(pages=summary.pages, path=(out or folder or Path()).name))
        return self.task

    def _issued(self, summary: PrintSummary) -> None:
        self.summary = summary
        self.printed.emit()

    def _preview(self, draft: CertificateDraft) -> None:
        self.accept()
        output = CertificateOutput(self.db, draft, on_issued=self._issued)
        pdf_preview.preview_pdf(self.parentWidget(), output.path, self.save_name(),
                                printer_name=self.printer.currentText(), output=output)

    def _done(self, summary: PrintSummary) -> None:
        self._issued(summary)
        self.accept()
        parent = self.parentWidget()
        where = summary.files[0].parent if self.per_recipient.isChecked() else summary.files[0]
        tell(parent or self, _("Certificates"), _(
            "{pages} certificates written ({numbered} newly numbered, {reprinted} reprints) "
            "to {path}.").format(pages=summary.pages, numbered=summary.numbered,
                                 reprinted=summary.reprinted, path=where))


class CalibrationDialog(QDialog):
    """The offset of a printer for pre-printed blanks, with its test page."""

    def __init__(self, parent: QWidget | None = None, *, printer: str = ""):
        super().__init__(parent)
        self.setWindowTitle(_("Printer calibration for pre-printed blanks"))
        self.settings = Settings.load()
        self.printer = printer_combo(printer)
        self.x = self._spin()
        self.y = self._spin()
        explain = QLabel(_(
            "Every printer feeds paper a little off. Print the test page, measure from the left "
            "and top edges of the paper to the centre of the top-left cross (it should be "
            "20 mm), and enter the difference: a positive value moves the text right or down. "
            "The values are kept on this computer, one pair per printer."))
        explain.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Printer:"), self.printer)
        form.addRow(_("Across (right +):"), self.x)
        form.addRow(_("Down (down +):"), self.y)
        test = QPushButton(_("Print the test page…"))
        test.clicked.connect(self.test_page)
        buttons = ok_cancel(self, _("Save"))
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(test)
        layout.addWidget(buttons)
        self.printer.currentTextChanged.connect(self._load)
        self._load()
        self.resize(560, 320)

    @staticmethod
    def _spin() -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(-MAX_OFFSET, MAX_OFFSET)
        spin.setDecimals(1)
        spin.setSingleStep(0.5)
        spin.setSuffix(" mm")
        return spin

    def _load(self, *_args: object) -> None:
        x, y = printer_offset(self.settings, self.printer.currentText())
        self.x.setValue(x)
        self.y.setValue(y)

    def offset(self) -> tuple[float, float]:
        return self.x.value(), self.y.value()

    def test_page(self) -> Path:
        path = calibration_page(print_folder() / "trang-thu-can-chinh.pdf",
                                printer=self.printer.currentText(), offset=self.offset())
        pdf_preview.preview_pdf(self, path, _("Printer calibration page"),
                                printer_name=self.printer.currentText())
        return path

    def save(self) -> None:
        save_printer_offset(self.settings, self.printer.currentText(), self.offset())
        self.accept()
