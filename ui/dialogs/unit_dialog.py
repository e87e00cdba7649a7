"""Đơn vị: this union, its parent unions over time, moving to a new parent, moving one of a
parent union's branches, ending the union's activity, and copies of certificates once it
has ended. The work itself is done by unionapp.reorg and unionapp.closing, off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.operations import Attempt, Changes, run_op
from ui.widgets.editing import EditDialog
from ui.widgets.inputs import DateEdit
from unionapp import awards, closing, reorg
from unionapp.db import Database
from unionapp.errors import UserError
from unionapp.i18n import _
from unionapp.org import branches, home_unit
from unionapp.text import format_date


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                           | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
    box.rejected.connect(dialog.reject)
    return box


class UnitDialog(QDialog):
    """The home unit, its parents with their dates, and what can be done about them."""

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(_("Union and parent unions"))
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.history = QTableWidget(0, 4)
        self.history.setHorizontalHeaderLabels([_("From"), _("To"), _("Parent union"),
                                                _("Header line of documents")])
        self.history.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().hide()
        self.move_button = QPushButton(_("Move to a new parent union…"))
        self.move_button.clicked.connect(self.move_parent)
        self.branch_button = QPushButton(_("Move one of the branches…"))
        self.branch_button.clicked.connect(self.move_branch)
        self.close_button = QPushButton(_("End the union's activity…"))
        self.close_button.clicked.connect(self.close_union)
        self.copies_button = QPushButton(_("Print certificate copies…"))
        self.copies_button.clicked.connect(self.print_copies)
        actions = QHBoxLayout()
        for button in (self.move_button, self.branch_button, self.close_button,
                       self.copies_button):
            actions.addWidget(button)
        actions.addStretch()
        done = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        done.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        done.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(QLabel(_("Parent unions over time (documents name the one in charge "
                                  "on their own date):")))
        layout.addWidget(self.history, 1)
        layout.addLayout(actions)
        layout.addWidget(done)
        self.resize(860, 420)
        self.reload()

    def reload(self) -> None:
        unit = home_unit(self.db)
        closed = self.db.closed_on
        parent_mode = self.db.mode == "parent"
        state = (_("Ended its activity on {date}: read-only.").format(date=closed) if closed
                 else _("Active."))
        self.headline.setText(f"<b>{unit.code} — {unit.name}</b><br>{state}")
        history = reorg.parent_history(self.db)
        self.history.setRowCount(len(history))
        for row, period in enumerate(history):
            values = [format_date(period.starts_on) if period.starts_on else "…",
                      format_date(period.ends_on) if period.ends_on else _("now"),
                      f"{period.parent_code} — {period.parent_name}" if period.parent_code
                      else _("(none)"), period.superior_line]
            for column, text in enumerate(values):
                self.history.setItem(row, column, QTableWidgetItem(text))
        self.history.resizeColumnsToContents()
        self.move_button.setEnabled(not closed)
        self.branch_button.setVisible(parent_mode)
        self.close_button.setVisible(not parent_mode)
        self.close_button.setEnabled(not closed)
        self.copies_button.setVisible(bool(closed))

    def _done(self, message: str) -> None:
        self.reload()  # (the window and its tabs hear it from ui.operations)
        QMessageBox.information(self, self.windowTitle(), message)

    def move_parent(self) -> MoveDialog:
        dialog = MoveDialog(self.db, self)
        dialog.moved.connect(lambda result: self._done(result.text()))
        dialog.open()
        return dialog

    def move_branch(self) -> MoveDialog:
        dialog = MoveDialog(self.db, self, branch_choice=True)
        dialog.moved.connect(lambda result: self._done(result.text()))
        dialog.open()
        return dialog

    def close_union(self) -> CloseDialog:
        dialog = CloseDialog(self.db, self)
        dialog.closed.connect(lambda result: self._done(result.text()))
        dialog.open()
        return dialog

    def print_copies(self) -> CopiesDialog:
        dialog = CopiesDialog(self.db, self)
        dialog.open()
        return dialog


class MoveDialog(EditDialog):
    """The new parent union from a date: its code and name, the header line documents print
    from then on, and (for a branch) the new parent's public key, to enrol at once."""

    moved = Signal(object)  # reorg.MoveResult

    def __init__(self, db: Database, parent: QWidget | None = None, *,
                 branch_choice: bool = False):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(_("Move one of the branches") if branch_choice
                            else _("Move to a new parent union"))
        self.branch = QComboBox()
        for unit in branches(db) if branch_choice else []:
            self.branch.addItem(f"{unit.code} — {unit.name}", unit.code)
        self.code = QLineEdit()
        self.code.setPlaceholderText(_("e.g. LDLD-HN"))
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("e.g. Liên đoàn Lao động thành phố Hà Nội"))
        self.effective_on = DateEdit()
        self.superior_line = QLineEdit()
        self.superior_line.setPlaceholderText(_("(the name in capitals)"))
        self.issuer_line = QLineEdit()
        self.issuer_line.setPlaceholderText(_("(unchanged)"))
        self.note = QLineEdit()
        self.note.setPlaceholderText(_("e.g. the decision that ordered the move"))
        self.key_file = QLineEdit()
        self.key_file.setPlaceholderText(_("(optional) the new parent union's public key file"))
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._choose_key)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_file, 1)
        key_row.addWidget(browse)
        self.name.textEdited.connect(self._suggest_line)
        form = QFormLayout()
        if branch_choice:
            form.addRow(_("Branch:"), self.branch)
        form.addRow(_("Code of the new parent union:"), self.code)
        form.addRow(_("Name of the new parent union:"), self.name)
        form.addRow(_("In charge from:"), self.effective_on)
        form.addRow(_("First header line of documents:"), self.superior_line)
        form.addRow(_("The union's own name on documents:"), self.issuer_line)
        form.addRow(_("Note:"), self.note)
        if not branch_choice:
            form.addRow(_("Public key:"), key_row)
        explain = QLabel(_("Documents dated before this day keep the header of their own date. "
                           "The next data package will be a full one, for the new parent "
                           "union."))
        explain.setWordWrap(True)
        self.buttons = _buttons(self, _("Record the move"))
        self.buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(explain)
        layout.addWidget(self.buttons)
        self.resize(620, 360)
        self.branch_choice = branch_choice

    def _suggest_line(self, name: str) -> None:
        self.superior_line.setPlaceholderText(name.upper() or _("(the name in capitals)"))

    def _choose_key(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("The new parent union's public key"), "",
            _("Public key files (*.key *.json);;All files (*)"))
        if path:
            self.key_file.setText(path)

    def save(self) -> None:
        db = self.db
        code, name = self.code.text(), self.name.text()
        day = self.effective_on.date_value()
        line, issuer, note = (self.superior_line.text(), self.issuer_line.text(),
                              self.note.text())
        key = Path(self.key_file.text()) if self.key_file.text().strip() else None
        branch = self.branch.currentData() if self.branch_choice else None
        self.buttons.setEnabled(False)

        def work(_attempt: Attempt) -> reorg.MoveResult:
            if branch is not None:
                return reorg.move_branch(db, branch, code=code, name=name, effective_on=day,
                                         superior_line=line, issuer_line=issuer, note=note)
            return reorg.move_parent(db, code=code, name=name, effective_on=day,
                                     superior_line=line, issuer_line=issuer, note=note,
                                     key_file=key)

        def done(result: reorg.MoveResult) -> None:
            self.accept()
            self.moved.emit(result)

        # The next package is a full one for the new parent union.
        run_op(self, work, db=db, changes=Changes.UNITS | Changes.EXCHANGE, on_done=done,
               on_failed=lambda _error: self.buttons.setEnabled(True),
               label=_("Recording the move…"))


class CloseDialog(QDialog):
    """Ending the union's activity: the date, the archive folder, what will happen; the
    button only works once the union's code has been typed (there is no way back)."""

    closed = Signal(object)  # closing.CloseResult

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.unit = home_unit(db)
        self.setWindowTitle(_("End the union's activity"))
        self.on = DateEdit()
        self.folder = QLineEdit()
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.package = QCheckBox(_("Write the final data package for the parent union"))
        self.package.setChecked(True)
        self.plan = QPlainTextEdit()
        self.plan.setReadOnly(True)
        self.confirm = QLineEdit()
        self.confirm.setPlaceholderText(self.unit.code)
        warning = QLabel(_("<b>This cannot be undone.</b> Afterwards the data can be read, "
                           "searched and printed, but never changed. To confirm, type the "
                           "union's code ({code}):").format(code=self.unit.code))
        warning.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Ends its activity on:"), self.on)
        form.addRow(_("Archive folder (empty or new):"), folder_row)
        form.addRow("", self.package)
        self.buttons = _buttons(self, _("End the activity"))
        self.buttons.accepted.connect(self.run)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("What will happen:")))
        layout.addWidget(self.plan, 1)
        layout.addWidget(warning)
        layout.addWidget(self.confirm)
        layout.addWidget(self.buttons)
        for signal in (self.folder.textChanged, self.confirm.textChanged):
            signal.connect(self.review)
        self.on.dateChanged.connect(self.review)
        self.package.toggled.connect(self.review)
        self.resize(720, 560)
        self.review()

    def _choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, _("Archive folder"))
        if path:
            self.folder.setText(path)

    def review(self) -> None:
        """Say what will happen (or why it can't), and allow the button only when it can and
        the code has been typed."""
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        if not self.folder.text().strip():
            self.plan.setPlainText(_("Choose the archive folder."))
            return
        try:
            plan = closing.close_plan(self.db, on=self.on.date_value(),
                                      archive_dir=Path(self.folder.text()),
                                      final_package=self.package.isChecked())
        except UserError as error:
            self.plan.setPlainText(error.message)
            return
        facts = _("{members} members ({active} active), {decisions} award decisions, {cases} "
                  "support cases are kept.").format(members=plan.members,
                                                    active=plan.active_members,
                                                    decisions=plan.decisions,
                                                    cases=plan.support_cases)
        self.plan.setPlainText("\n".join([facts, ""] + [f"• {s}" for s in plan.steps()]))
        ok.setEnabled(self.confirm.text().strip() == self.unit.code)

    def run(self) -> None:
        db, on, folder = self.db, self.on.date_value(), Path(self.folder.text())
        package = self.package.isChecked()
        self.buttons.setEnabled(False)

        def work(attempt: Attempt) -> closing.CloseResult:
            return closing.close_branch(db, on=on, archive_dir=folder, final_package=package,
                                        progress=attempt.progress)

        def done(result: closing.CloseResult) -> None:
            self.accept()
            self.closed.emit(result)

        def failed(_error: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.review()

        run_op(self, work, db=db, changes=Changes.UNITS | Changes.EXCHANGE, on_done=done,
               on_failed=failed, label=_("Ending the union's activity…"), file=folder,
               said=_("The archive is in {folder}.").format(folder=folder))


class CopiesDialog(QDialog):
    """Copies of a decision's certificates already in the award register (a closed union
    prints copies; its register takes no new number)."""

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(_("Print certificate copies"))
        self.decision = QComboBox()
        for d in awards.decision_list(db).all():
            if d.printed:
                self.decision.addItem(f"{d.number} — {format_date(d.decided_on)} — "
                                      f"{d.award_kind}", d.uuid)
        self.blank = QCheckBox(_("On pre-printed blanks (the text only)"))
        form = QFormLayout()
        form.addRow(_("Decision:"), self.decision)
        form.addRow("", self.blank)
        self.buttons = _buttons(self, _("Print copies"))
        self.buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.result: closing.CopiesResult | None = None

    def save(self, path: Path | None = None) -> None:
        decision = self.decision.currentData()
        if decision is None:
            QMessageBox.information(self, self.windowTitle(), _(
                "No certificate is in the award register yet: there is nothing to copy."))
            return
        if path is None:
            name, _filter = QFileDialog.getSaveFileName(self, self.windowTitle(),
                                                        "ban-sao-giay-khen.pdf",
                                                        _("PDF files (*.pdf)"))
            if not name:
                return
            path = Path(name)
        db, design = self.db, "blank" if self.blank.isChecked() else "full"

        def work(_attempt: Attempt) -> closing.CopiesResult:
            return closing.print_copies(db, decision, path, design=design)

        def done(result: closing.CopiesResult) -> None:
            self.result = result
            self.accept()
            QMessageBox.information(self.parentWidget(), self.windowTitle(), _(
                "Wrote {pages} copies to {file}.").format(pages=result.pages, file=result.path))

        run_op(self, work, db=db, on_done=done, label=_("Printing certificates…"),
               file=lambda result: result.path,
               said=lambda result: _("Wrote {pages} copies to {file}.").format(
                   pages=result.pages, file=result.path.name))
