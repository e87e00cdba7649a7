"""Before printing a signature list: its title, the date and place, and who signs."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.inputs import DateEdit
from unionapp.i18n import _
from unionapp.letterhead import PaperSetup, Signer


class PrintListDialog(QDialog):
    def __init__(self, setup: PaperSetup, *, title: str = "", subtitle: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Print the signature list"))
        self.setup = setup
        self.title = QLineEdit(title)
        self.subtitle = QLineEdit(subtitle)
        self.place = QLineEdit(setup.place)
        self.day = DateEdit(setup.day)
        self.names: list[QLineEdit] = []
        form = QFormLayout()
        form.addRow(_("Title:"), self.title)
        form.addRow(_("Second line:"), self.subtitle)
        form.addRow(_("Place:"), self.place)
        form.addRow(_("Dated:"), self.day)
        for signer in setup.signers:
            edit = QLineEdit(signer.name)
            edit.setPlaceholderText(_("(left blank: written by hand)"))
            self.names.append(edit)
            form.addRow(f"{signer.title}:", edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Print"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, 280)

    def chosen_setup(self) -> PaperSetup:
        signers = tuple(Signer(s.title, s.on_behalf, edit.text().strip())
                        for s, edit in zip(self.setup.signers, self.names, strict=True))
        return replace(self.setup, place=self.place.text().strip(), day=self.day.date_value(),
                       signers=signers)
