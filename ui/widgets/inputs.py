"""Inputs for the values clerks type all day: money in đồng and dates, the Vietnamese way."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit, QWidget

from unionapp.text import format_vnd, parse_vnd


class MoneyEdit(QLineEdit):
    """An amount in đồng: accepts ``1.500.000``, ``1500000``, ``1,5tr`` is refused; shows
    thousands with dots once the field is left. ``value()`` is an int, or None if blank or
    unreadable (``is_valid()`` tells which)."""

    value_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText("0")
        self.setMaxLength(20)
        self.textChanged.connect(lambda _t: self.value_changed.emit(self.value()))
        self.editingFinished.connect(self._tidy)

    def value(self) -> int | None:
        try:
            return parse_vnd(self.text())
        except ValueError:
            return None

    def is_valid(self) -> bool:
        return not self.text().strip() or self.value() is not None

    def set_value(self, amount: int | None) -> None:
        self.setText("" if amount is None else format_vnd(amount, unit=False))

    def _tidy(self) -> None:
        amount = self.value()
        if amount is not None:
            self.blockSignals(True)
            self.setText(format_vnd(amount, unit=False))
            self.blockSignals(False)


class DateEdit(QDateEdit):
    """A date shown dd/mm/yyyy with a calendar."""

    def __init__(self, value: date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setDisplayFormat("dd/MM/yyyy")
        self.setCalendarPopup(True)
        self.setMinimumDate(QDate(1900, 1, 1))
        self.set_date(value or date.today())

    def date_value(self) -> date:
        d = self.date()
        return date(d.year(), d.month(), d.day())

    def set_date(self, value: date) -> None:
        self.setDate(QDate(value.year, value.month, value.day))


def index_of(box: QComboBox, value: object) -> int:
    """The index of the item whose data equals ``value`` (-1 if none). Qt's ``findData``
    compares Python objects such as UUIDs by identity, not by value."""
    return next((i for i in range(box.count()) if box.itemData(i) == value), -1)
