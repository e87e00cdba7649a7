"""What the support dialogs share: asking before a fund is overspent or an unusual amount is
saved, showing problems."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QMessageBox, QWidget

from unionapp.errors import NeedsConfirmation, ValidationError
from unionapp.i18n import _
from unionapp.support import FundOverspent

T = TypeVar("T")


def confirm_overspend(parent: QWidget | None, error: NeedsConfirmation) -> bool:
    """Show the warning (a fund overspent, an amount above the usual) and ask whether to go
    on anyway (the confirmation is then recorded)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Over the budget") if isinstance(error, FundOverspent)
                       else _("An unusual amount"))
    box.setText(error.message)
    box.setInformativeText(_(error.question))
    go = box.addButton(_(error.confirm), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(box.buttons()[-1])
    box.exec()
    return box.clickedButton() is go


def with_overspend_check(parent: QWidget | None, action: Callable[[bool], T]) -> T | None:
    """Run ``action(override=False)``; if it would overspend a fund or save an unusual
    amount, ask, and run it again with ``override=True`` when the user confirms. None: the
    user declined."""
    try:
        return action(False)
    except NeedsConfirmation as error:
        if not confirm_overspend(parent, error):
            return None
        return action(True)


def problems_text(error: ValidationError) -> str:
    return "\n".join(f"• {p.message}" for p in error.problems)
