"""Báo cáo ▸ Lập báo cáo…: pick the report, its period (the reporting periods offered first),
where to write it and, if the parent union sent one, its own form; the report is made in the
background, then the dialog says where the file went and offers to open it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import tasks
from ui.operations import Attempt, run_op
from ui.state import window_state
from ui.widgets.inputs import DateEdit
from unionapp.db import Database
from unionapp.errors import UserError
from unionapp.filenames import documents_dir
from unionapp.i18n import _
from unionapp.org import branches
from unionapp.reports import (
    Period,
    ReportRequest,
    ReportResult,
    make_report,
    presets,
    report_kinds,
    suggested_name,
)
from unionapp.text import format_date

FOLDER_KEY = "reports/folder"
CUSTOM = -1


def default_folder() -> Path:
    """Where reports go unless the clerk chose elsewhere before: the Documents folder."""
    saved = window_state().value(FOLDER_KEY)
    if isinstance(saved, str) and Path(saved).is_dir():
        return Path(saved)
    return documents_dir()


class ReportDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None, *,
                 today: date | None = None):
        super().__init__(parent)
        self.db = db
        self.today = today or date.today()
        self.task: tasks.Task | None = None
        self.result_message: QMessageBox | None = None
        self.last_result: ReportResult | None = None
        self.chosen_path = False  # the clerk picked the file: don't rename it
        self.setWindowTitle(_("Make a report"))

        self.kind = QComboBox()
        for kind, title in report_kinds():
            self.kind.addItem(title, kind)
        self.period = QComboBox()
        self.presets = presets(self.today)
        for index, preset in enumerate(self.presets):
            self.period.addItem(preset.label, index)
        self.period.addItem(_("Other dates"), CUSTOM)
        self.start = DateEdit(self.presets[0].period.start)
        self.end = DateEdit(self.presets[0].period.end)
        dates = QHBoxLayout()
        dates.addWidget(QLabel(_("From")))
        dates.addWidget(self.start)
        dates.addWidget(QLabel(_("to")))
        dates.addWidget(self.end)
        dates.addStretch(1)
        self.dated = DateEdit(self.today)

        self.branch = QComboBox()
        self.branch.addItem(_("All grassroots unions"), "")
        if db.mode == "parent":
            for unit in branches(db):
                self.branch.addItem(f"{unit.code} — {unit.name}", unit.code)

        self.out = QLineEdit()
        self.out.setPlaceholderText(_("the file to write (.xlsx or .pdf)"))
        self.out.textEdited.connect(self._typed_path)
        choose_out = QPushButton(_("Choose…"))
        choose_out.clicked.connect(self.choose_out)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out, 1)
        out_row.addWidget(choose_out)
        self.format = QComboBox()
        self.format.addItem(_("Excel workbook (.xlsx)"), ".xlsx")
        self.format.addItem(_("PDF, ready to print"), ".pdf")

        self.form = QLineEdit()
        self.form.setPlaceholderText(_("(none: the program's own layout)"))
        self.form.setReadOnly(True)
        choose_form = QPushButton(_("Choose…"))
        choose_form.clicked.connect(self.choose_form)
        clear_form = QPushButton(_("Clear"))
        clear_form.clicked.connect(lambda: self.set_form(None))
        form_row = QHBoxLayout()
        form_row.addWidget(self.form, 1)
        form_row.addWidget(choose_form)
        form_row.addWidget(clear_form)

        layout_form = QFormLayout()
        layout_form.addRow(_("Report:"), self.kind)
        layout_form.addRow(_("Period:"), self.period)
        layout_form.addRow("", dates)
        if db.mode == "parent":
            layout_form.addRow(_("Units:"), self.branch)
        layout_form.addRow(_("Dated:"), self.dated)
        layout_form.addRow(_("File type:"), self.format)
        layout_form.addRow(_("Save as:"), out_row)
        layout_form.addRow(_("Parent union's form:"), form_row)
        hint = QLabel(_("A parent union's own Excel form with placeholders such as "
                        "{{members.women}} is filled in as a copy; the form itself is not "
                        "changed."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Close)
        self.make_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.make_button.setText(_("Make the report"))
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.accepted.connect(self.make)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(layout_form)
        layout.addWidget(hint)
        layout.addStretch(1)
        layout.addWidget(buttons)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.period.currentIndexChanged.connect(self._preset_chosen)
        self.start.dateChanged.connect(self._dates_edited)
        self.end.dateChanged.connect(self._dates_edited)
        self.format.currentIndexChanged.connect(self._format_changed)
        self._kind_changed()
        self.resize(640, 380)

    # -- choices ----------------------------------------------------------------------------

    def chosen_period(self) -> Period:
        return Period(self.start.date_value(), self.end.date_value())

    def _kind_changed(self) -> None:
        """The statistics form is made for the reporting dates: the last that has passed is
        offered; the other reports start with the year so far."""
        if self.period.currentData() != CUSTOM:
            if self.kind.currentData() == "statistics":
                passed = [i for i, p in enumerate(self.presets) if p.period.end <= self.today]
                self.period.setCurrentIndex(passed[0] if passed else 0)
            else:
                self.period.setCurrentIndex(len(self.presets) - 1)
            self._preset_chosen()
        self._suggest_path()

    def _preset_chosen(self) -> None:
        index = self.period.currentData()
        if index is None or index == CUSTOM:
            return
        period = self.presets[index].period
        for edit, day in ((self.start, period.start), (self.end, period.end)):
            edit.blockSignals(True)
            edit.set_date(day)
            edit.blockSignals(False)
        self._suggest_path()

    def _dates_edited(self) -> None:
        self.period.blockSignals(True)
        self.period.setCurrentIndex(self.period.count() - 1)  # "Other dates"
        self.period.blockSignals(False)
        self._suggest_path()

    def _format_changed(self) -> None:
        suffix = self.format.currentData()
        text = self.out.text().strip()
        if text:
            self.out.setText(str(Path(text).with_suffix(suffix)))

    def _typed_path(self) -> None:
        self.chosen_path = True

    def _suggest_path(self) -> None:
        if self.chosen_path:
            return
        folder = Path(self.out.text()).parent if self.out.text().strip() else default_folder()
        self.out.setText(str(folder / suggested_name(self.kind.currentData(),
                                                     self.chosen_period(),
                                                     self.format.currentData())))

    def choose_out(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save the report as"), self.out.text(),
            _("Excel workbook (*.xlsx);;PDF (*.pdf)"))
        if chosen:
            path = Path(chosen)
            if path.suffix.lower() not in (".xlsx", ".pdf"):
                path = path.with_name(path.name + self.format.currentData())
            self.format.setCurrentIndex(0 if path.suffix.lower() == ".xlsx" else 1)
            self.out.setText(str(path))
            self.chosen_path = True

    def choose_form(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("The parent union's form"), str(default_folder()),
            _("Excel workbook (*.xlsx)"))
        if chosen:
            self.set_form(Path(chosen))

    def set_form(self, path: Path | None) -> None:
        self.form.setText(str(path) if path else "")
        if path is not None:
            self.format.setCurrentIndex(0)  # a filled form is a workbook
        self.format.setEnabled(path is None)

    def request(self) -> ReportRequest:
        text = self.out.text().strip()
        if not text:
            raise UserError(_("Choose where to save the report."))
        out = Path(text)
        if out.suffix.lower() not in (".xlsx", ".pdf"):
            out = out.with_name(out.name + self.format.currentData())
        return ReportRequest(kind=self.kind.currentData(), out=out,
                             start=self.start.date_value(), end=self.end.date_value(),
                             form=Path(self.form.text()) if self.form.text() else None,
                             branch=self.branch.currentData() or "",
                             dated=self.dated.date_value())

    # -- making --------------------------------------------------------------------------------

    def make(self) -> None:
        try:
            request = self.request()
        except UserError as error:
            QMessageBox.warning(self, _("Make a report"), error.message)
            return
        if request.out.exists() and QMessageBox.question(
                self, _("Make a report"),
                _("{name} already exists. Replace it?").format(name=request.out.name)
        ) != QMessageBox.StandardButton.Yes:
            return
        db = self.db

        def work(attempt: Attempt) -> ReportResult:
            return make_report(db, request, progress=attempt.progress)

        self.make_button.setEnabled(False)
        self.task = run_op(self, work, db=db, on_done=self._done, label=_("Making the report…"),
                           cancellable=True, on_failed=self._failed,
                           on_cancelled=self._cancelled, file=request.out,
                           said=lambda result: _("Saved the report {file}.").format(
                               file=result.path.name))

    def _failed(self, _error: BaseException) -> None:
        self.make_button.setEnabled(True)

    def _cancelled(self) -> None:
        self.make_button.setEnabled(True)

    def _done(self, result: ReportResult) -> None:
        self.make_button.setEnabled(True)
        window_state().setValue(FOLDER_KEY, str(result.path.parent))
        lines = [_("{title} ({start} – {end}) was saved as:").format(
            title=result.title, start=format_date(result.period.start),
            end=format_date(result.period.end)), str(result.path)]
        if result.parent:
            late = result.not_sent
            lines.append(_("{count} grassroots unions; not sent up to {end}: {late}.").format(
                count=len(result.branches), end=format_date(result.period.end),
                late=", ".join(b.code for b in late) if late else _("none")))
        if result.unknown:
            lines.append(_("The form has placeholders the program does not know; they were "
                           "left as they are: {names}").format(
                names=", ".join(u.text() for u in result.unknown[:10])))
        box = QMessageBox(QMessageBox.Icon.Warning if result.unknown else
                          QMessageBox.Icon.Information, _("Make a report"), "\n".join(lines),
                          QMessageBox.StandardButton.Close, self)
        open_file = box.addButton(_("Open the file"), QMessageBox.ButtonRole.AcceptRole)
        open_folder = box.addButton(_("Open the folder"), QMessageBox.ButtonRole.ActionRole)
        open_file.clicked.connect(lambda: QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(result.path))))
        open_folder.clicked.connect(lambda: QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(result.path.parent))))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.result_message = box
        self.last_result = result
        box.open()


def open_report_dialog(db: Database, parent: QWidget | None = None) -> ReportDialog:
    dialog = ReportDialog(db, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
