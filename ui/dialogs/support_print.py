"""Before printing a signature list: what it will hold (the selected cases, the batch, or the
list as shown — counted, so the clerk knows before printing), its title, the date and place,
and who signs."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.inputs import DateEdit
from unionapp.i18n import _
from unionapp.letterhead import PaperSetup, Signer
from unionapp.support.papers import ListScope
from unionapp.text import format_vnd


def format_count(n: int) -> str:
    return format_vnd(n, unit=False)  # 1.234: counts take the thousands dot too


def scope_text(scope: ListScope) -> str:
    """What will be printed, in a sentence."""
    if not scope.count:
        text = _("Nothing to print: none of these cases has been approved.")
    else:
        text = _("{count} cases will be printed, {total} in all.").format(
            count=format_count(scope.count), total=format_vnd(scope.total))
    if scope.left_out:
        text += " " + _("{count} not approved (or refused) are left out.").format(
            count=format_count(scope.left_out))
    return text


class PrintListDialog(QDialog):
    def __init__(self, setup: PaperSetup, *, title: str = "", subtitle: str = "",
                 scopes: list[ListScope] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Print the signature list"))
        self.setup = setup
        self.scopes = scopes or []
        self.choices: list[QRadioButton] = []
        what = QGroupBox(_("Print"))
        what_layout = QVBoxLayout(what)
        group = QButtonGroup(what)
        for scope in self.scopes:
            radio = QRadioButton(scope.label)
            group.addButton(radio)
            what_layout.addWidget(radio)
            self.choices.append(radio)
            radio.toggled.connect(self._show_scope)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        what_layout.addWidget(self.summary)
        what.setVisible(bool(self.scopes))
        if self.choices:
            self.choices[0].setChecked(True)  # the selection, when there is one
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
        self.print_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._show_scope()
        self.resize(560, 280)

    def chosen_scope(self) -> ListScope | None:
        for radio, scope in zip(self.choices, self.scopes, strict=True):
            if radio.isChecked():
                return scope
        return None

    def _show_scope(self, *_args: object) -> None:
        scope = self.chosen_scope()
        if scope is None:
            return
        self.summary.setText(scope_text(scope))
        if hasattr(self, "print_button"):
            self.print_button.setEnabled(scope.count > 0)

    def chosen_setup(self) -> PaperSetup:
        signers = tuple(Signer(s.title, s.on_behalf, edit.text().strip())
                        for s, edit in zip(self.setup.signers, self.names, strict=True))
        return replace(self.setup, place=self.place.text().strip(), day=self.day.date_value(),
                       signers=signers)
