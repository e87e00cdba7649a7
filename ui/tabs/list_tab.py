"""What every tab's list shares: a search box, filters, a windowed table and a footer."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.operations import Changes, Outcome, listen
from ui.state import window_state
from ui.tables.windowed import Column, RowSource, WindowedModel
from ui.widgets.pause import after_pause
from unionapp.db import Database
from unionapp.i18n import _
from unionapp.org import branches

MAX_SCAN = 5000  # rows searched to put the cursor back on a record after a refresh


class ListTab(QWidget):
    """Subclasses give the columns, build the filters, say which rows to show and which
    kinds of records they show (``shows``: after an operation changing those, the list
    shows them again, the cursor staying on its record)."""

    counts_changed = Signal()
    settings_key = "list"
    shows = Changes.NONE

    def __init__(self, db: Database, columns: list[Column[Any]], parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.search_hint())
        self.filters = QHBoxLayout()
        self.actions = QHBoxLayout()  # buttons of the tab (add, open, import…)
        self.model: WindowedModel[Any] = WindowedModel(columns)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(26)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.horizontalHeader().customContextMenuRequested.connect(self._choose_columns)
        for i, column in enumerate(columns):
            self.view.setColumnWidth(i, self._fitted_width(i, column))
        self._restore_hidden_columns()
        self.footer = QLabel()

        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addLayout(self.filters)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self.actions)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.footer)

        self._timer = after_pause(self, self.reload)
        self.search.textChanged.connect(self._timer.start)
        listen(self.on_outcome)

    # -- for subclasses ------------------------------------------------------------------

    def search_hint(self) -> str:
        return _("Search…")

    def source(self, text: str) -> RowSource[Any]:
        raise NotImplementedError

    def footer_text(self, count: int) -> str:
        return _("{count} rows").format(count=count)

    def add_branch_filter(self) -> None:
        """In a parent union's database: a choice of branch (its whole subtree)."""
        self.branch_filter: QComboBox | None = None
        if self.db.mode == "parent":
            self.branch_filter = combo([(_("All branches"), None)])
            self.fill_branches()
            self.add_filter(self.branch_filter)

    def fill_branches(self) -> None:
        box = getattr(self, "branch_filter", None)
        if box is None:
            return
        current = box.currentData()
        box.blockSignals(True)
        while box.count() > 1:
            box.removeItem(1)
        for unit in branches(self.db):  # as text: Qt compares item data by value then
            box.addItem(f"{unit.code} — {unit.name}", str(unit.uuid))
        box.setCurrentIndex(max(0, box.findData(current)))
        box.blockSignals(False)

    def branch(self) -> uuid.UUID | None:
        box = getattr(self, "branch_filter", None)
        data = box.currentData() if box is not None else None
        return uuid.UUID(data) if data else None

    def add_filter(self, combo: QComboBox, label: str = "") -> None:
        if label:
            self.filters.addWidget(QLabel(label))
        self.filters.addWidget(combo)
        combo.currentIndexChanged.connect(self.reload)

    def _fitted_width(self, index: int, column: Column[Any]) -> int:
        """The column's width, widened so that neither its title nor any of its fixed words
        is cut in the font on screen."""
        metrics = self.view.fontMetrics()
        # a cell's text margins and focus frame, as the view draws them
        padding = 2 * (self.view.style().pixelMetric(
            QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.view) + 1) + 6
        words = max((metrics.horizontalAdvance(_(word)) + padding for word in column.fits),
                    default=0)
        return max(column.width, words, self.view.horizontalHeader().sectionSizeHint(index))

    # -- behaviour -------------------------------------------------------------------------

    def reload(self) -> None:
        self._timer.stop()
        self.model.set_source(self.source(self.search.text()))
        self.footer.setText(self.footer_text(self.model.rowCount()))
        self.counts_changed.emit()

    def on_outcome(self, outcome: Outcome) -> None:
        """After an operation: branches again if units changed, the rows if they show
        what changed."""
        if outcome.touches(self.db, Changes.UNITS):
            self.fill_branches()
        if outcome.touches(self.db, self.shows):
            self.refresh()

    def refresh(self) -> None:
        """The rows again, the cursor on the same record (if still shown)."""
        self.select_record(getattr(self.current_record(), "uuid", None), reload=True)

    def current_record(self) -> Any:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select_record(self, key: uuid.UUID | None, *, reload: bool = False) -> None:
        """Put the cursor on the record ``key`` (after reloading the rows, if asked)."""
        if reload:
            self.reload()
        if key is None:
            return
        for i in range(min(self.model.rowCount(), MAX_SCAN)):
            row = self.model.row_at(i)
            if row is not None and getattr(row, "uuid", None) == key:
                self.view.selectRow(i)
                return

    def _restore_hidden_columns(self) -> None:
        saved = window_state().value(f"{self.settings_key}/hidden_columns")
        hidden = set(saved) if isinstance(saved, list) else None
        for i, column in enumerate(self.model.columns):
            self.view.setColumnHidden(i, column.key in hidden if hidden is not None
                                      else column.hidden)

    def _choose_columns(self, pos: QPoint) -> None:
        """Right-click on the header: show or hide columns (remembered)."""
        menu = QMenu(self)
        for i, column in enumerate(self.model.columns):
            action = menu.addAction(_(column.title))
            action.setCheckable(True)
            action.setChecked(not self.view.isColumnHidden(i))
            action.toggled.connect(lambda on, i=i: self._set_column_shown(i, on))
        menu.exec(self.view.horizontalHeader().mapToGlobal(pos))

    def _set_column_shown(self, index: int, shown: bool) -> None:
        self.view.setColumnHidden(index, not shown)
        hidden = [c.key for i, c in enumerate(self.model.columns) if self.view.isColumnHidden(i)]
        window_state().setValue(f"{self.settings_key}/hidden_columns", hidden)


def combo(items: list[tuple[str, Any]]) -> QComboBox:
    """A combo box of (label, value) pairs; the value is the item's data."""
    box = QComboBox()
    for text, value in items:
        box.addItem(text, value)
    return box
