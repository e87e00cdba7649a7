"""Input fields the way clerks type: dates as dd/mm/yyyy (or empty), money as 1.500.000.

Values are read with the core's parsers (``unionapp.text``), so the dialog and an importer
accept the same things. A field that can't be read says so next to it and in a tooltip.
"""

from __future__ import annotations

import contextlib
from datetime import date

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from unionapp.errors import Problem
from unionapp.i18n import _
from unionapp.text import DateError, format_date, format_vnd, parse_date, parse_vnd


class DateField(QLineEdit):
    def __init__(self, value: date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText(_("dd/mm/yyyy"))
        self.setMaximumWidth(130)
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


def mark_fields(fields: dict[str, QWidget], problems: list[Problem]) -> None:
    """Outline the fields with a problem and focus the first of them."""
    wrong = {p.field for p in problems}
    first = None
    for name, widget in fields.items():
        bad = name in wrong
        widget.setStyleSheet("border: 1px solid #b00020;" if bad else "")
        widget.setToolTip("\n".join(p.message for p in problems if p.field == name))
        if bad and first is None:
            first = widget
    if first is not None:
        first.setFocus()
