"""A table model that is a window onto a query: it asks the source for the row count and
fetches pages of rows only when the view paints them, keeping a few pages cached.

The source is any object with ``count()`` and ``page(offset, limit)`` (``unionapp.paging``'s
``ListQuery``); the database filters and sorts. Memory stays flat whatever the row count.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from unionapp.i18n import _

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


class RowSource(Protocol[R]):
    def count(self) -> int: ...
    def page(self, offset: int, limit: int) -> list[R]: ...


@dataclass(frozen=True)
class Column(Generic[R]):
    key: str
    title: str  # an N_() string, translated when shown
    value: Callable[[R], Any]
    align: Qt.AlignmentFlag = LEFT
    width: int = 120
    hidden: bool = False  # hidden unless the user shows it (e.g. personal data)
    # The words a column of fixed words shows (N_() strings): it is made wide enough for the
    # longest in the font on screen, whatever the desktop's font size.
    fits: tuple[str, ...] = ()


class WindowedModel(QAbstractTableModel, Generic[R]):
    ROW_ROLE = Qt.ItemDataRole.UserRole

    def __init__(self, columns: list[Column[R]], *, page_size: int = 200, cached_pages: int = 30):
        super().__init__()
        self.columns = columns
        self._page_size = page_size
        self._cached_pages = cached_pages
        self._source: RowSource[R] | None = None
        self._count = 0
        self._pages: OrderedDict[int, list[R]] = OrderedDict()

    # -- feeding ------------------------------------------------------------------------

    def set_source(self, source: RowSource[R] | None, count: int | None = None) -> None:
        """Show ``source`` (its ``count`` may be given when already known)."""
        self.beginResetModel()
        self._source = source
        self._pages.clear()
        self._count = 0 if source is None else (source.count() if count is None else count)
        self.endResetModel()

    def refresh(self) -> None:
        """Re-read the source (after a change)."""
        self.set_source(self._source)

    def row_at(self, row: int) -> R | None:
        if self._source is None or not 0 <= row < self._count:
            return None
        number = row // self._page_size
        page = self._pages.get(number)
        if page is None:
            page = self._source.page(number * self._page_size, self._page_size)
            self._pages[number] = page
            while len(self._pages) > self._cached_pages:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        offset = row - number * self._page_size
        return page[offset] if offset < len(page) else None

    # -- QAbstractTableModel --------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            row = self.row_at(index.row())
            if row is None:
                return None
            value = column.value(row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        if role == self.ROW_ROLE:
            return self.row_at(index.row())
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return _(self.columns[section].title)
        return str(section + 1)
