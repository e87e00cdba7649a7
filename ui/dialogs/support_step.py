"""Taking cases one step on (approve, pay, close, reject) on a date, and correcting the amount
of a paid case: small dialogs that ask only what the step needs."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.editing import EditDialog
from ui.widgets.inputs import DateEdit, MoneyEdit
from unionapp.i18n import N_, _
from unionapp.models import SupportStatus
from unionapp.support import CaseRow
from unionapp.text import amount_in_words, format_vnd

# What the button that takes a case to each status says.
ACTION = {
    SupportStatus.APPROVED: N_("Approve"),
    SupportStatus.PAID: N_("Mark as paid"),
    SupportStatus.CLOSED: N_("Close the case"),
    SupportStatus.REJECTED: N_("Reject"),
}


def _ok_cancel(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
    buttons.rejected.connect(dialog.reject)
    return buttons


class StepDialog(EditDialog):
    """The date of the step (and its note; a reason is required to reject)."""

    def __init__(self, rows: list[CaseRow], to_status: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.to_status = to_status
        self.setWindowTitle(_(ACTION[to_status]))
        total = sum(r.amount for r in rows)
        if len(rows) == 1:
            what = _("{member}: {kind}, {amount}").format(member=rows[0].member_name,
                                                        kind=rows[0].kind,
                                                        amount=format_vnd(total))
        else:
            what = _("{count} cases, {amount} in all").format(count=len(rows),
                                                             amount=format_vnd(total))
        self.summary = QLabel(what)
        self.summary.setWordWrap(True)
        self.on = DateEdit(date.today())
        self.note = QLineEdit()
        if to_status == SupportStatus.REJECTED:
            self.note.setPlaceholderText(_("Required: why the case is not approved"))
        elif to_status == SupportStatus.PAID:
            self.note.setPlaceholderText(_("e.g. payment slip no. 12, handed over by the group"))
        form = QFormLayout()
        form.addRow(self.summary)
        form.addRow(_("Date:"), self.on)
        form.addRow(_("Reason:") if to_status == SupportStatus.REJECTED else _("Note:"),
                    self.note)
        buttons = _ok_cancel(self, _(ACTION[to_status]))
        buttons.accepted.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(460, 160)

    def _check(self) -> None:
        if self.to_status == SupportStatus.REJECTED and not self.note.text().strip():
            QMessageBox.warning(self, self.windowTitle(), _("Give the reason for rejecting."))
            self.note.setFocus()
            return
        self.accept()


class CorrectionDialog(EditDialog):
    """The new amount of a paid case and why it changes."""

    def __init__(self, row: CaseRow, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Correct the amount"))
        self.old = row.amount
        info = QLabel(_("{member}: {kind}, paid {amount}. The correction is kept with its "
                        "reason, your name and the time.").format(
            member=row.member_name, kind=row.kind, amount=format_vnd(row.amount)))
        info.setWordWrap(True)
        self.amount = MoneyEdit()
        self.amount.set_value(row.amount)
        self.words = QLabel()
        self.words.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("e.g. raised by the committee's resolution of 12/3"))
        self.amount.value_changed.connect(self._show_words)
        form = QFormLayout()
        form.addRow(info)
        form.addRow(_("New amount (đồng):"), self.amount)
        form.addRow("", self.words)
        form.addRow(_("Reason:"), self.reason)
        buttons = _ok_cancel(self, _("Correct"))
        buttons.accepted.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._show_words(row.amount)
        self.resize(480, 200)

    def _show_words(self, amount: int | None) -> None:
        self.words.setText(amount_in_words(amount) if amount is not None else "")

    def _check(self) -> None:
        if self.amount.value() is None:
            QMessageBox.warning(self, self.windowTitle(),
                                _("The amount must be whole đồng, e.g. 1.500.000."))
        elif not self.reason.text().strip():
            QMessageBox.warning(self, self.windowTitle(), _("Give the reason for the correction."))
        else:
            self.accept()
