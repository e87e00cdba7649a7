"""What a list says while it shows no rows, laid over its table (the headers stay):

- nothing recorded yet: what to do first, with the buttons that do it ("Chưa có đoàn viên
  nào" — Nhập danh sách từ Excel…, Thêm đoàn viên…);
- records exist but the search or the filters hide them all: say so, with a button that
  shows everything again.

A tab adds one with a line or two (see :func:`for_list`); the buttons are marked with the
permissions they need like the tab's own (``ui.roles``), so a role that may not act sees the
sentence without them, and a union that ended its activity sees only the first line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.roles import PROPERTY, needs
from unionapp.db import Database
from unionapp.i18n import _
from unionapp.permissions import Permission, granted

# (button text, what it does, the permissions it needs…)
Action = tuple[Any, ...]
TEXT_WIDTH = 620


class EmptyState(QFrame):
    """Laid over ``view``'s rows while its model has none."""

    def __init__(self, view: QAbstractItemView, title: str, text: str = "",
                 actions: Sequence[Action] = (), *, db: Database | None = None,
                 anything: Callable[[], bool] | None = None,
                 show_all: Callable[[], None] | None = None):
        super().__init__(view.viewport())
        self.setObjectName("emptyState")
        self.setAutoFillBackground(True)
        self.view = view
        self.db = db
        self._anything = anything  # whether any record exists, whatever the filters
        self._show_all = show_all
        self.first_title, self.first_text = title, text

        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.first_buttons: list[QPushButton] = []
        row = QHBoxLayout()
        row.addStretch(1)
        for text_, slot, *permissions in actions:
            button = needs(QPushButton(text_), *permissions)
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
            row.addWidget(button)
            self.first_buttons.append(button)
        self.show_all_button = QPushButton(_("Clear the search and filters"))
        self.show_all_button.clicked.connect(self._clear)
        row.addWidget(self.show_all_button)
        row.addStretch(1)
        # The message and its buttons as one block, centred in the list.
        self.block = QWidget()
        inner = QVBoxLayout(self.block)
        inner.addWidget(self.title)
        inner.addWidget(self.text, 0, Qt.AlignmentFlag.AlignHCenter)
        inner.addSpacing(8)
        inner.addLayout(row)
        column = QVBoxLayout(self)
        column.addWidget(self.block, 0, Qt.AlignmentFlag.AlignCenter)

        view.viewport().installEventFilter(self)
        self._watch(view.model())
        self.hide()
        self.update_state()

    def _fit_text(self) -> None:
        """The sentence in lines of a readable length, given the height they need (a layout
        would squeeze a wrapped label in a short list)."""
        width = max(120, min(TEXT_WIDTH, self.view.viewport().width() - 40))
        self.title.setFixedWidth(width)
        self.text.setFixedWidth(width)
        lines = self.text.fontMetrics().boundingRect(
            QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), self.text.text())
        self.text.setFixedHeight(lines.height() + 2)
        self.block.layout().activate()  # laid out now, not at the next turn of the loop
        self.layout().activate()

    def _watch(self, model: Any) -> None:
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved,
                       model.layoutChanged):
            signal.connect(self.update_state)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.view.viewport().rect())
            self._fit_text()
        return False

    def is_showing_first_steps(self) -> bool:
        return self.isVisible() and not self.show_all_button.isVisible()

    def update_state(self) -> None:
        """Shown while the list has no row; which message depends on why."""
        if self.view.model().rowCount() > 0:
            self.hide()
            return
        closed = self.db is not None and self.db.closed_on is not None
        hidden_by_filters = self._anything is not None and self._anything()
        if hidden_by_filters:
            self.title.setText(_("Nothing matches the search and the filters."))
            self.text.setText(_("The list has records, but none of them is shown with these "
                                "choices."))
        else:
            self.title.setText(self.first_title)
            self.text.setText("" if closed else self.first_text)
        self.text.setVisible(bool(self.text.text()))
        allowed = granted(self.db) if self.db is not None else frozenset(Permission)
        for button in self.first_buttons:
            wanted = str(button.property(PROPERTY) or "")  # as ui.roles marked it
            button.setVisible(not hidden_by_filters and not closed
                              and all(p in allowed for p in wanted.split(",") if p))
        self.show_all_button.setVisible(hidden_by_filters and self._show_all is not None)
        self.setGeometry(self.view.viewport().rect())
        self._fit_text()
        self.show()
        self.raise_()

    def _clear(self) -> None:
        if self._show_all is not None:
            self._show_all()


def clear_filters(tab: Any, keep: Sequence[QComboBox] = ()) -> None:
    """A list tab shows everything: its search emptied, each filter (but those to ``keep``)
    on its first choice ("All …")."""
    boxes = [tab.filters.itemAt(i).widget() for i in range(tab.filters.count())]
    for box in boxes:
        if isinstance(box, QComboBox) and box not in keep:
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
    tab.search.blockSignals(True)
    tab.search.clear()
    tab.search.blockSignals(False)
    year, period = getattr(tab, "year", None), getattr(tab, "period", None)
    if isinstance(year, QComboBox) and isinstance(period, QComboBox):
        period.setEnabled(year.currentData() is not None)  # the support tab's: within a year
    tab.reload()


def for_list(tab: Any, title: str, text: str, actions: Sequence[Action],
             anything: Callable[[], bool]) -> EmptyState:
    """The empty state of a ``ListTab``: ``anything()`` says whether it has any record at
    all (a cheap query without the tab's filters)."""
    return EmptyState(tab.view, title, text, actions, db=tab.db, anything=anything,
                      show_all=lambda: clear_filters(tab))
