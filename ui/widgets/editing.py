"""What every dialog that edits a record does the same way (derive from :class:`EditDialog`
instead of ``QDialog``):

- it opens with its first field focused, so that typing at once is not lost (a tab bar or
  a button would otherwise take the keys);
- Escape, Cancel or Close, and the window's ✕ ask before throwing away what was typed;
  a dialog nothing was typed in (or shown read-only) closes at once;
- a record form saves through :meth:`EditDialog.save_record`: one operation, the record
  kept in ``saved`` and the dialog closed, or the core's problems listed and marked on
  their fields.

What counts as typed is the value of every input the dialog holds when it is first shown,
compared with its value when it is about to close; an input marked
``set_not_data(widget)`` (a search box) does not count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from ui.operations import Attempt, Changes, run_op
from unionapp.db import Database
from unionapp.errors import Problem, UserError, ValidationError
from unionapp.i18n import _

if TYPE_CHECKING:
    from ui.widgets.fields import ProblemLabel

T = TypeVar("T")
NOT_DATA = "unionapp_not_data"


def set_not_data(widget: QWidget) -> QWidget:
    """``widget`` holds no data of the record (a search box): typing in it is not asked
    about on closing."""
    widget.setProperty(NOT_DATA, True)
    return widget


def _counts(widget: QWidget, root: QWidget) -> bool:
    if widget.window() is not root:
        return False  # in another window opened from this one (a file dialog)
    current: QWidget | None = widget
    while current is not None and current is not root:
        if current.property(NOT_DATA):
            return False
        current = current.parentWidget()
    return True


def form_state(root: QWidget) -> tuple[Any, ...]:
    """The values of every input under ``root``, in a fixed order."""
    values: list[Any] = []
    for edit in root.findChildren(QLineEdit):
        if not edit.isReadOnly() and _counts(edit, root):
            values.append(edit.text())
    for text in (*root.findChildren(QPlainTextEdit), *root.findChildren(QTextEdit)):
        if not text.isReadOnly() and _counts(text, root):
            values.append(text.toPlainText())
    for box in root.findChildren(QComboBox):
        if box.isEnabled() and _counts(box, root):
            values.append((box.currentIndex(), box.currentText()))
    for button in root.findChildren(QAbstractButton):
        if button.isCheckable() and button.isEnabled() and _counts(button, root):
            values.append(button.isChecked())
    for spin in root.findChildren(QAbstractSpinBox):
        if not spin.isReadOnly() and _counts(spin, root):
            values.append(spin.text())
    return tuple(values)


def ask_discard(parent: QWidget) -> bool:
    """Whether to throw away what was typed in ``parent`` (the safe answer is the default)."""
    box = QMessageBox(QMessageBox.Icon.Question, parent.windowTitle(),
                      _("Close without saving? What you typed here will be lost."),
                      QMessageBox.StandardButton.NoButton, parent)
    discard = box.addButton(_("Close without saving"), QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(_("Go back to the form"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is discard


def first_field(root: QWidget) -> QWidget | None:
    """The first input a clerk types in, in the order Tab walks."""
    start = root.nextInFocusChain()
    widget = start
    seen = 0
    while widget is not None and widget is not root and seen < 500:
        seen += 1
        if (isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox,
                                QComboBox))
                and widget.isVisibleTo(root) and widget.isEnabled()
                and not getattr(widget, "isReadOnly", lambda: False)()):
            return widget
        widget = widget.nextInFocusChain()
        if widget is start:
            break
    return None


class EditDialog(QDialog):
    """A dialog editing a record (see the module's docstring)."""

    _initial: tuple[Any, ...] | None = None
    _asking = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._initial is None:
            self._initial = form_state(self)
            focused = self.focusWidget()
            if not isinstance(focused, (QLineEdit, QPlainTextEdit, QTextEdit,
                                        QAbstractSpinBox, QComboBox)):
                field = first_field(self)
                if field is not None:
                    field.setFocus()

    def has_typed(self) -> bool:
        return self._initial is not None and form_state(self) != self._initial

    def reject(self) -> None:
        """Escape, Cancel/Close and the window's ✕ come here: ask first if something was
        typed."""
        if self._asking:
            return
        if self.has_typed():
            self._asking = True
            try:
                if not ask_discard(self):
                    return
            finally:
                self._asking = False
        super().reject()

    def save_record(self, work: Callable[[Attempt], T], *, db: Database, changes: Changes,
                    fields: dict[str, QWidget], check: Callable[[], list[Problem]],
                    label: ProblemLabel, said: str | Callable[[T], str] = "") -> None:
        """Save through ``work`` as one operation (ui.operations): the record it returns is
        kept in ``self.saved`` and the dialog closes. A ValidationError is listed in
        ``label`` and outlines its ``fields`` (by the core's field names); each mark clears
        as soon as ``check`` finds its field right."""
        def done(saved: T) -> None:
            self.saved = saved
            self.accept()

        def refused(error: UserError) -> bool:
            from ui.widgets.fields import mark_fields  # (loaded with the forms, not at start)

            if not isinstance(error, ValidationError):
                return False  # said by the operation
            label.show_problems(error.problems)
            mark_fields(fields, error.problems, check=check, label=label)
            return True

        run_op(self, work, db=db, changes=changes, on_done=done, said=said, on_refused=refused)
