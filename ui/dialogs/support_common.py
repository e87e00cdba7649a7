"""What the support dialogs share: asking before a fund is overspent, showing problems."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QMessageBox, QWidget

from unionapp.errors import ValidationError
from unionapp.i18n import _
from unionapp.support import FundOverspent

T = TypeVar("T")


def confirm_overspend(parent: QWidget | None, error: FundOverspent) -> bool:
    """Show the figures and ask whether to spend past the budget anyway (then logged)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Over the budget"))
    box.setText(error.message)
    box.setInformativeText(_("Spend past the budget anyway? The decision is recorded with your "
                             "name."))
    go = box.addButton(_("Spend past the budget"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(box.buttons()[-1])
    box.exec()
    return box.clickedButton() is go


def with_overspend_check(parent: QWidget | None, action: Callable[[bool], T]) -> T | None:
    """Run ``action(override=False)``; if it would overspend a fund, ask, and run it again
    with ``override=True`` when the user confirms. None: the user declined."""
    try:
        return action(False)
    except FundOverspent as error:
        if not confirm_overspend(parent, error):
            return None
        return action(True)


def problems_text(error: ValidationError) -> str:
    return "\n".join(f"• {p.message}" for p in error.problems)
