"""Before a roster leaves the program: with or without CCCD and phone numbers, and — when it
carries them — what for (kept in the audit trail with the file's name and row count)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from unionapp.db import Database
from unionapp.i18n import _
from unionapp.permissions import Permission, accounts_exist, allows

# The purpose given last in this session, offered again (asked once, not re-typed).
_last_purpose = ""


@dataclass(frozen=True)
class ExportChoice:
    national_id: bool
    phone: bool
    purpose: str


class PersonalExportDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Export the roster"))
        self.choice: ExportChoice | None = None
        may = allows(db, Permission.PERSONAL_DATA_EXPORT)
        self.purpose_needed = accounts_exist(db)
        self.national_id = QCheckBox(_("with CCCD numbers"))
        self.phone = QCheckBox(_("with phone numbers"))
        for box in (self.national_id, self.phone):
            box.setChecked(may)
            box.setEnabled(may)
            box.toggled.connect(self._enable)
        self.purpose = QLineEdit(_last_purpose)
        self.purpose.setPlaceholderText(_("e.g. list for the parent union's health insurance "
                                          "check"))
        note = QLabel(_("CCCD and phone numbers are personal data: a file with them is "
                        "recorded in the audit trail (file, number of rows, purpose).")
                      if may else _("Your role may not export CCCD or phone numbers; the "
                                    "file will be written without them."))
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.national_id)
        form.addRow(self.phone)
        form.addRow(_("Purpose:"), self.purpose)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Choose the file…"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._enable()
        self.setMinimumWidth(480)

    def _enable(self) -> None:
        self.purpose.setEnabled(self.national_id.isChecked() or self.phone.isChecked())

    def _check(self) -> None:
        global _last_purpose
        personal = self.national_id.isChecked() or self.phone.isChecked()
        purpose = self.purpose.text().strip()
        if personal and self.purpose_needed and not purpose:
            QMessageBox.warning(self, self.windowTitle(), _(
                "Say what this file with CCCD or phone numbers is for."))
            self.purpose.setFocus()
            return
        if personal and purpose:
            _last_purpose = purpose
        self.choice = ExportChoice(self.national_id.isChecked(), self.phone.isChecked(),
                                   purpose if personal else "")
        self.accept()
