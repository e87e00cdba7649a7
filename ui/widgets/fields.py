"""Input fields the way clerks type: dates as dd/mm/yyyy (or empty), money as 1.500.000.

Values are read with the core's parsers (``unionapp.text``), so the dialog and an importer
accept the same things. A field that can't be read says so next to it and in a tooltip.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from unionapp.errors import Problem
from unionapp.i18n import _
from unionapp.text import DateError, format_date, format_vnd, parse_date, parse_vnd


def fit_placeholder(edit: QLineEdit, sample: str = "00/00/0000") -> QLineEdit:
    """A short field (a date) as wide as its hint or ``sample``, whichever is longer, so the
    hint is never cut ("dd/mm/yyyy hoặc c…")."""
    metrics = edit.fontMetrics()
    text = max(edit.placeholderText(), sample, key=metrics.horizontalAdvance)
    width = metrics.horizontalAdvance(text) + PLACEHOLDER_ROOM
    edit.setMinimumWidth(width)
    edit.setMaximumWidth(max(width, 130))
    return edit


PLACEHOLDER_ROOM = 20  # the frame and the text margins either side, with a little to spare


class DateField(QLineEdit):
    def __init__(self, value: date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText(_("dd/mm/yyyy"))
        fit_placeholder(self)
        self.set_value(value)

    def set_value(self, value: date | None) -> None:
        self.setText(format_date(value))

    def value(self) -> date | None:
        """The date typed (None when empty); ValueError when it is not a date."""
        return parse_date(self.text())


class MoneyField(QLineEdit):
    def __init__(self, value: int = 0, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText("0")
        self.setMaximumWidth(170)
        self.set_value(value)
        self.editingFinished.connect(self._tidy)

    def set_value(self, value: int | None) -> None:
        self.setText(format_vnd(value or 0, unit=False))

    def value(self) -> int:
        """The amount in đồng (0 when empty); ValueError when it is not a whole amount."""
        return parse_vnd(self.text()) or 0

    def _tidy(self) -> None:
        with contextlib.suppress(ValueError):  # left as typed: saving will say what is wrong
            self.set_value(self.value())


class ProblemLabel(QLabel):
    """The problems of the last attempt to save, in red, above the buttons."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet("color: #b00020;")
        self.hide()

    def show_problems(self, problems: list[Problem]) -> None:
        self.setText("\n".join(f"• {p.message}" for p in problems))
        self.setVisible(bool(problems))


def read_date(field: DateField, name: str, label: str, problems: list[Problem]) -> date | None:
    """``field``'s date, or a problem naming ``label`` when it can't be read."""
    try:
        return field.value()
    except DateError as error:  # the one date rule's words (text.parse_date)
        problems.append(Problem(_("{field}: {problem}").format(field=label,
                                                               problem=error.message), name))
        return None


def read_money(field: MoneyField, name: str, label: str, problems: list[Problem]) -> int:
    try:
        return field.value()
    except ValueError:
        problems.append(Problem(_("{field}: “{text}” is not an amount in đồng.").format(
            field=label, text=field.text()), name))
        return 0


def merged(read: list[Problem], checked: list[Problem]) -> list[Problem]:
    """Problems of reading the fields, then the core's about the other fields."""
    fields = {p.field for p in read}
    return read + [p for p in checked if p.field not in fields]


MARK_STYLE = "border: 1px solid #b00020;"
MARKED = "unionapp_marked"


def mark_fields(fields: dict[str, QWidget], problems: list[Problem], *,
                check: Callable[[], list[Problem]] | None = None,
                label: ProblemLabel | None = None) -> None:
    """Outline the fields with a problem and focus the first of them. With ``check`` (the
    form's problems now, without saving), a mark clears as soon as its field is corrected,
    and ``label`` then lists only what is still wrong."""
    wrong = {p.field for p in problems}
    first = None
    for name, widget in fields.items():
        bad = name in wrong
        mark(widget, bad, [p.message for p in problems if p.field == name])
        if bad and first is None:
            first = widget
        if bad and check is not None:
            when_changed(widget, lambda: recheck(fields, check, label))
    if first is not None:
        first.setFocus()


def mark(widget: QWidget, bad: bool, messages: Sequence[str] = (),
         style: str = MARK_STYLE) -> None:
    widget.setStyleSheet(style if bad else "")
    widget.setToolTip("\n".join(messages))
    widget.setProperty(MARKED, bad)


def recheck(fields: dict[str, QWidget], check: Callable[[], list[Problem]],
            label: QLabel | None = None) -> None:
    """Clear the marks of fields that are no longer wrong (marks are only added by
    saving: a field being typed is not told it is wrong half-way)."""
    problems = check()
    still = {p.field for p in problems}
    for name, widget in fields.items():
        if widget.property(MARKED) and name not in still:
            mark(widget, False)
    marked = {name for name, widget in fields.items() if widget.property(MARKED)}
    if label is not None:
        remaining = [p for p in problems if p.field in marked]
        if isinstance(label, ProblemLabel):
            label.show_problems(remaining)
        else:
            label.setText("\n".join(f"• {p.message}" for p in remaining))


def when_changed(widget: QWidget, react: Callable[[], None]) -> None:
    """Call ``react`` whenever the value of ``widget`` changes (connected once)."""
    if widget.property("unionapp_watched"):
        return
    widget.setProperty("unionapp_watched", True)
    signal: Any = None
    if isinstance(widget, (QLineEdit, QPlainTextEdit)):
        signal = widget.textChanged
    elif isinstance(widget, QComboBox):
        signal = widget.currentIndexChanged
    elif isinstance(widget, QDateTimeEdit):
        signal = widget.dateTimeChanged
    elif isinstance(widget, QAbstractSpinBox):
        signal = getattr(widget, "textChanged", None)
    if signal is not None:
        signal.connect(lambda *_args: react())
