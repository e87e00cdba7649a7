"""What the support dialogs share: showing the problems a service found."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from unionapp.errors import UserError, ValidationError


def problems_text(error: ValidationError) -> str:
    return "\n".join(f"• {p.message}" for p in error.problems)


def warn_problems(dialog: QWidget, error: UserError) -> bool:
    """A form's problems as a list in a warning (for ``run_op``'s ``on_refused``)."""
    if not isinstance(error, ValidationError):
        return False
    QMessageBox.warning(dialog, dialog.windowTitle(), problems_text(error))
    return True
