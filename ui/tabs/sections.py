"""What the inner tabs of Hoạt động & Khen thưởng share: a list with a row of buttons above
it, finding the row under the cursor, and a master list with a detail list beside it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QSplitter, QWidget

from ui.roles import needs
from ui.tabs.list_tab import ListTab
from unionapp.activities import AddSummary
from unionapp.i18n import _

MAX_SCAN = 5000  # rows searched to reselect a record after a refresh


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
    index = tab.view.currentIndex()
    return tab.model.row_at(index.row()) if index.isValid() else None


def selected_rows(tab: ListTab) -> list[Any]:
    rows = sorted({i.row() for i in tab.view.selectionModel().selectedRows()})
    if not rows and tab.view.currentIndex().isValid():
        rows = [tab.view.currentIndex().row()]
    return [r for i in rows if (r := tab.model.row_at(i)) is not None]


def reselect(tab: ListTab, key: uuid.UUID | None) -> None:
    """After a refresh, put the cursor back on the record ``key`` (if still shown)."""
    if key is None:
        return
    for i in range(min(tab.model.rowCount(), MAX_SCAN)):
        row = tab.model.row_at(i)
        if row is not None and row.uuid == key:
            tab.view.selectRow(i)
            return


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


class MasterDetail(QSplitter):
    """A list of records above (``master``), the selected record's list below."""

    def __init__(self, master: ListTab, detail: ListTab, on_current: Callable[[Any], None]):
        super().__init__(Qt.Orientation.Vertical)
        self.master = master
        self.detail = detail
        self.addWidget(master)
        self.addWidget(detail)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)
        self._on_current = on_current
        master.view.selectionModel().currentRowChanged.connect(self._changed)

    def _changed(self, *_args: object) -> None:
        self._on_current(current_row(self.master))
