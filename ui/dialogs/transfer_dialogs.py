"""Members moving between branches: transfer out (the letters and the signed file), transfer in
from a file (checked first, then taken in) or typed from a letter. The work is done by
unionapp.transfers, off the GUI thread."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
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
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.operations import Attempt, Changes, run_op
from ui.widgets.editing import EditDialog
from ui.widgets.inputs import DateEdit
from unionapp import transfers
from unionapp.db import Database
from unionapp.errors import UserError
from unionapp.i18n import _
from unionapp.members import MemberInput, MemberRow
from unionapp.models import Gender, OrgKind
from unionapp.org import home_unit, list_units
from unionapp.settings import data_dir
from unionapp.text import DateError, parse_birth


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                           | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
    box.rejected.connect(dialog.reject)
    return box


def _groups(db: Database) -> QComboBox:
    box = QComboBox()
    box.addItem(home_unit(db).name, None)
    for group in list_units(db, OrgKind.GROUP):
        box.addItem(group.name, group.uuid)
    return box


def transfers_dir() -> Path:
    path = data_dir() / "transfers"
    path.mkdir(parents=True, exist_ok=True)
    return path


class TransferOutDialog(EditDialog):
    """The chosen members transfer to another branch: where to, when, why; the letters and
    the signed file are written into a folder."""

    transferred = Signal(object)  # transfers.TransferOutResult

    def __init__(self, db: Database, chosen: list[MemberRow], parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.chosen = chosen
        self.setWindowTitle(_("Transfer members out"))
        names = QLabel(", ".join(m.full_name for m in chosen[:12])
                       + (_(" and {count} more").format(count=len(chosen) - 12)
                          if len(chosen) > 12 else ""))
        names.setWordWrap(True)
        self.to_code = QLineEdit()
        self.to_code.setPlaceholderText(_("e.g. CDCS-BVBM"))
        self.to_name = QLineEdit()
        self.to_name.setPlaceholderText(_("e.g. Công đoàn cơ sở Bệnh viện Bạch Mai"))
        self.on = DateEdit()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("e.g. Chuyển công tác"))
        self.signer = QLineEdit()
        self.signer.setPlaceholderText(_("(the chair)"))
        self.folder = QLineEdit(str(transfers_dir()))
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(_("Members:"), names)
        form.addRow(_("Code of the receiving branch:"), self.to_code)
        form.addRow(_("Name of the receiving branch:"), self.to_name)
        form.addRow(_("Transferred on:"), self.on)
        form.addRow(_("Reason:"), self.reason)
        form.addRow(_("Signed by:"), self.signer)
        form.addRow(_("Folder for the letters and the file:"), folder_row)
        explain = QLabel(_("Their status becomes “Transferred out”. Print and sign the letters; "
                           "give the transfer file to the receiving branch, which takes it in "
                           "with “Transfer in…”."))
        explain.setWordWrap(True)
        self.buttons = _buttons(self, _("Transfer out"))
        self.buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(explain)
        layout.addWidget(self.buttons)
        self.resize(640, 380)
        self.result: transfers.TransferOutResult | None = None

    def _choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, _("Folder for the letters and the file"),
                                                self.folder.text())
        if path:
            self.folder.setText(path)

    def save(self) -> None:
        db, who = self.db, [m.uuid for m in self.chosen]
        code, name = self.to_code.text().strip(), self.to_name.text().strip()
        on, reason, signer = self.on.date_value(), self.reason.text(), self.signer.text()
        folder = Path(self.folder.text())
        stem = f"chuyen-sinh-hoat-{code or 'x'}-{on.isoformat()}"
        out, letter = folder / f"{stem}.zip", folder / f"{stem}-giay-gioi-thieu.pdf"
        self.buttons.setEnabled(False)

        def work(_attempt: Attempt) -> transfers.TransferOutResult:
            return transfers.transfer_out(db, who, to_branch_code=code, to_branch_name=name,
                                          out=out, letter=letter, on=on, reason=reason,
                                          signer_name=signer)

        def done(result: transfers.TransferOutResult) -> None:
            self.result = result
            self.accept()
            self.transferred.emit(result)

        run_op(self, work, db=db, changes=Changes.MEMBERS, on_done=done,
               on_failed=lambda _error: self.buttons.setEnabled(True), file=letter,
               said=_("The letters and the transfer file are in {folder}.").format(
                   folder=folder), label=_("Transferring…"))


class TransferInDialog(EditDialog):
    """A transfer file: checked and shown first (nothing written), then taken in."""

    imported = Signal(object)  # transfers.TransferInSummary

    def __init__(self, db: Database, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.path = path
        self.setWindowTitle(_("Transfer in from a file"))
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.group = _groups(db)
        self.on = DateEdit()
        form = QFormLayout()
        form.addRow(_("File:"), QLabel(str(path)))
        form.addRow(_("Union group they join:"), self.group)
        form.addRow(_("Day of arrival:"), self.on)
        self.buttons = _buttons(self, _("Take them in"))
        self.buttons.accepted.connect(self.commit)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 420)
        self.summary: transfers.TransferInSummary | None = None
        self.check()

    def _run(self, dry_run: bool) -> None:
        db, path = self.db, self.path
        group, on = self.group.currentData(), self.on.date_value()

        def work(_attempt: Attempt) -> transfers.TransferInSummary:
            return transfers.transfer_in(db, path, dry_run=dry_run, group=group, on=on)

        def done(summary: transfers.TransferInSummary) -> None:
            self.summary = summary
            self.details.setPlainText(summary.text())
            ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
            ok.setEnabled(summary.outcome == transfers.Outcome.CHECKED)
            if not dry_run or summary.outcome == transfers.Outcome.ALREADY_IMPORTED:
                ok.hide()
                self.imported.emit(summary)

        def refused(error: UserError) -> bool:
            self.details.setPlainText(error.message)  # said here, beside the file's details
            return True

        def failed(error: BaseException) -> None:
            if not isinstance(error, UserError):
                self.details.setPlainText(_("Something went wrong and the action was not "
                                            "completed. Nothing was changed."))

        run_op(self, work, db=db, on_done=done, on_refused=refused, on_failed=failed,
               changes=Changes.NONE if dry_run else Changes.MEMBERS,
               said="" if dry_run else _("Members taken in from {file}.").format(
                   file=path.name),
               label=_("Checking the file…") if dry_run else _("Taking them in…"))

    def check(self) -> None:
        self._run(dry_run=True)

    def commit(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self._run(dry_run=False)


class LetterInDialog(EditDialog):
    """A member from a branch that does not use the program, typed from the letter."""

    added = Signal(object)  # transfers.TransferredMember

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(_("Transfer in from a letter"))
        self.full_name = QLineEdit()
        self.birth = QLineEdit()
        self.birth.setPlaceholderText(_("dd/mm/yyyy or the year"))
        self.gender = QComboBox()
        for text, value in ((_("(not given)"), None), (_("Male"), Gender.MALE),
                            (_("Female"), Gender.FEMALE)):
            self.gender.addItem(text, value)
        self.national_id = QLineEdit()
        self.joined = QLineEdit()
        self.joined.setPlaceholderText(_("dd/mm/yyyy"))
        self.card = QLineEdit()
        self.from_branch = QLineEdit()
        self.from_branch.setPlaceholderText(_("e.g. Công đoàn cơ sở Công ty May Hồng Hà"))
        self.letter_number = QLineEdit()
        self.letter_date = QLineEdit()
        self.letter_date.setPlaceholderText(_("dd/mm/yyyy"))
        self.on = DateEdit()
        self.group = _groups(db)
        form = QFormLayout()
        for label, widget in ((_("Full name:"), self.full_name),
                              (_("Date of birth:"), self.birth), (_("Gender:"), self.gender),
                              (_("CCCD number:"), self.national_id),
                              (_("Admission date:"), self.joined),
                              (_("Card number:"), self.card),
                              (_("Comes from (as the letter says):"), self.from_branch),
                              (_("Letter number:"), self.letter_number),
                              (_("Letter dated:"), self.letter_date),
                              (_("Day of arrival:"), self.on),
                              (_("Union group they join:"), self.group)):
            form.addRow(label, widget)
        self.buttons = _buttons(self, _("Take in"))
        self.buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(560, 440)
        self.member: transfers.TransferredMember | None = None

    @staticmethod
    def _date(text: str, label: str) -> date | None:
        from unionapp.text import parse_date

        text = text.strip()
        if not text:
            return None
        try:
            value = parse_date(text)
        except ValueError:
            value = None
        if value is None:
            raise UserError(_("{label}: “{text}” is not a date (dd/mm/yyyy).").format(
                label=label, text=text))
        return value

    def save(self) -> None:
        db, birth, gender = self.db, self.birth.text().strip(), self.gender.currentData()
        full_name, national_id = self.full_name.text(), self.national_id.text() or None
        card, group, on = self.card.text(), self.group.currentData(), self.on.date_value()
        from_branch, letter_number = self.from_branch.text(), self.letter_number.text()
        joined_text, letter_text = self.joined.text(), self.letter_date.text()

        def work(_attempt: Attempt) -> transfers.TransferredMember:
            try:
                born, year = parse_birth(birth) if birth else (None, None)
            except DateError as error:  # the date's own words (not a real date…)
                raise UserError(error.message) from error
            data = MemberInput(full_name=full_name, date_of_birth=born, birth_year=year,
                               gender=gender, national_id=national_id,
                               joined_on=self._date(joined_text, _("Admission date")),
                               card_number=card, org_unit=group)
            return transfers.transfer_in_by_letter(
                db, data, from_branch=from_branch, letter_number=letter_number,
                letter_date=self._date(letter_text, _("Letter dated")), on=on)

        def done(member: transfers.TransferredMember) -> None:
            self.member = member
            self.accept()
            self.added.emit(member)

        run_op(self, work, db=db, changes=Changes.MEMBERS, on_done=done)


def transfer_in(parent: QWidget, db: Database) -> QDialog | None:
    """Ask how the member comes (a file, or a letter from a branch without the program) and
    open the matching dialog (the member list hears of the members taken in from
    ui.operations)."""
    box = QMessageBox(parent)
    box.setWindowTitle(_("Transfer in"))
    box.setText(_("How do the members come?"))
    from_file = box.addButton(_("From a transfer file…"), QMessageBox.ButtonRole.AcceptRole)
    from_letter = box.addButton(_("Typed from a letter…"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    dialog: QDialog | None = None
    if box.clickedButton() is from_file:
        name, _filter = QFileDialog.getOpenFileName(parent, _("Transfer file"),
                                                    str(transfers_dir()),
                                                    _("Transfer files (*.zip)"))
        if name:
            dialog = TransferInDialog(db, Path(name), parent)
    elif box.clickedButton() is from_letter:
        dialog = LetterInDialog(db, parent)
    if dialog is not None:
        dialog.open()
    return dialog
