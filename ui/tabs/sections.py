"""What the inner tabs of Hoạt động & Khen thưởng share: a list with a row of buttons above
it, finding the row under the cursor, and a master list with a detail list beside it."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QSplitter, QWidget

from ui.roles import needs
from ui.tables.windowed import Column, RowSource
from ui.tabs.list_tab import ListTab
from unionapp.activities import AddSummary
from unionapp.db import Database
from unionapp.i18n import _


def add_buttons(tab: ListTab, buttons: list[tuple[Any, ...]]) -> dict[str, QPushButton]:
    """A row of buttons above the tab's list: (text, slot) or (text, slot, permission the
    action needs, see ui.roles); returns them by their text."""
    row = QHBoxLayout()
    made = {}
    for text, slot, *permission in buttons:
        if not text:
            row.addSpacing(12)
            continue
        button = needs(QPushButton(text), *permission)
        button.clicked.connect(lambda _checked=False, slot=slot: slot())
        row.addWidget(button)
        made[text] = button
    row.addStretch(1)
    layout = tab.layout()
    assert layout is not None
    layout.insertLayout(0, row)  # type: ignore[attr-defined]
    return made


def current_row(tab: ListTab) -> Any:
    return tab.current_record()


def selected_rows(tab: ListTab) -> list[Any]:
    rows = sorted({i.row() for i in tab.view.selectionModel().selectedRows()})
    if not rows and tab.view.currentIndex().isValid():
        rows = [tab.view.currentIndex().row()]
    return [r for i in rows if (r := tab.model.row_at(i)) is not None]


def reselect(tab: ListTab, key: uuid.UUID | None) -> None:
    """Put the cursor back on the record ``key`` (if shown)."""
    tab.select_record(key)


def added_text(summary: AddSummary) -> str:
    """``3 added. 2 were already on the list.``"""
    text = _("{added} added.").format(added=summary.added)
    if summary.already:
        text += " " + _("{already} were already on the list.").format(already=summary.already)
    return text


def confirm(parent: QWidget, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.button(QMessageBox.StandardButton.Yes).setText(_("Yes"))
    box.button(QMessageBox.StandardButton.No).setText(_("No"))
    return box.exec() == QMessageBox.StandardButton.Yes


def tell(parent: QWidget, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


class DetailPane(ListTab):
    """The records of the one chosen in the list above (an activity's participants, a
    decision's recipients): a hint until one is chosen, and buttons that work only then.
    Subclasses say how the rows are found and counted (``rows_of``, ``count_text``)."""

    def __init__(self, db: Database, columns: list[Column[Any]], parent: QWidget | None = None):
        self.master: Any = None  # the row chosen above
        super().__init__(db, columns, parent)
        self.buttons: dict[str, QPushButton] = {}

    def set_buttons(self, buttons: list[tuple[Any, ...]]) -> None:
        self.buttons = add_buttons(self, buttons)
        self.view.doubleClicked.connect(lambda _i: self.open_selected())
        self.show_master(None)  # the hint, and buttons off

    def show_master(self, master: Any) -> None:
        self.master = master
        self.reload()
        self._enable()

    def _enable(self) -> None:
        for button in self.buttons.values():
            button.setEnabled(self.master is not None)

    def source(self, text: str) -> RowSource[Any]:
        if self.master is None:
            return None  # type: ignore[return-value]
        return self.rows_of(self.master, text)

    def footer_text(self, count: int) -> str:
        return self.hint() if self.master is None else self.count_text(count, self.master)

    def tell(self, text: str) -> None:
        """A word on what the last action did, after the count."""
        if text:
            self.footer.setText(self.footer.text() + " — " + text)

    # -- for subclasses ------------------------------------------------------------------

    def rows_of(self, master: Any, text: str) -> RowSource[Any]:
        raise NotImplementedError

    def hint(self) -> str:
        raise NotImplementedError

    def count_text(self, count: int, master: Any) -> str:
        raise NotImplementedError

    def open_selected(self) -> None:
        """A double-click on a row."""


class MasterDetail(QSplitter):
    """A list of records above (``master``), the chosen record's own list below."""

    def __init__(self, master: ListTab, detail: DetailPane):
        super().__init__(Qt.Orientation.Vertical)
        self.master = master
        self.detail = detail
        self.addWidget(master)
        self.addWidget(detail)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)
        master.view.selectionModel().currentRowChanged.connect(self._changed)
        # A list read again has no current row (Qt says nothing): the detail follows, then
        # follows the cursor put back on its record (or shows the hint: the record is gone).
        master.model.modelReset.connect(self._changed)

    def _changed(self, *_args: object) -> None:
        self.detail.show_master(current_row(self.master))

    @property
    def model(self) -> Any:
        return self.master.model

    def reload(self) -> None:
        self.master.reload()
