"""Choosing members for a list (participants, award recipients, authors): search as you
type, filter by group and status, pick some rows or take everyone shown."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.tables.windowed import CENTER, Column, WindowedModel
from ui.tabs.list_tab import combo
from ui.widgets.pause import after_pause
from unionapp.activities import matching_members
from unionapp.db import Database
from unionapp.i18n import N_, _
from unionapp.labels import GENDER, MEMBER_STATUS, label
from unionapp.members import MemberQuery, MemberRow, member_list
from unionapp.models import MemberStatus, OrgKind
from unionapp.org import list_units
from unionapp.text import format_birth

COLUMNS: list[Column[MemberRow]] = [
    Column("full_name", N_("Full name"), lambda r: r.full_name, width=210),
    Column("date_of_birth", N_("Date of birth"),
           lambda r: format_birth(r.date_of_birth, r.birth_year), CENTER, 95),
    Column("gender", N_("Gender"), lambda r: label(GENDER, r.gender), CENTER, 60),
    Column("org_unit", N_("Union group"), lambda r: r.org_unit, width=240),
    Column("status", N_("Status"), lambda r: label(MEMBER_STATUS, r.status), width=110),
]


class MemberPickerDialog(QDialog):
    """``chosen`` holds the members picked once the dialog is accepted."""

    def __init__(self, db: Database, title: str, parent: QWidget | None = None, *,
                 single: bool = False):
        super().__init__(parent)
        self.db = db
        self.chosen: list[uuid.UUID] = []
        self.setWindowTitle(title)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(_("Search by name — accents not needed"))
        self.group = combo([(_("All groups"), None)]
                           + [(g.name, g.uuid) for g in list_units(db, OrgKind.GROUP)])
        self.status = combo([(_("All statuses"), None)]
                            + [(label(MEMBER_STATUS, s), s) for s in MemberStatus.ALL])
        self.status.setCurrentIndex(1)  # active members
        self.model: WindowedModel[MemberRow] = WindowedModel(COLUMNS)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection if single
                                   else QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.horizontalHeader().setStretchLastSection(True)
        for i, column in enumerate(COLUMNS):
            self.view.setColumnWidth(i, column.width)
        self.view.doubleClicked.connect(lambda _index: self.take_selected())
        self.take = QPushButton()
        self.take.setDefault(True)
        self.take.clicked.connect(self.take_selected)
        self.take_all = QPushButton()
        self.take_all.clicked.connect(self.take_everyone_shown)
        self.take_all.setVisible(not single)
        cancel = QPushButton(_("Cancel"))
        cancel.clicked.connect(self.reject)
        self.hint = QLabel(_("Select several with Ctrl or Shift; double-click adds one."))
        self.hint.setVisible(not single)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.group, 2)
        filters.addWidget(self.status, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.hint, 1)
        buttons.addWidget(self.take)
        buttons.addWidget(self.take_all)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.resize(820, 560)

        self._timer = after_pause(self, self.reload)
        self.search.textChanged.connect(self._timer.start)
        self.group.currentIndexChanged.connect(self.reload)
        self.status.currentIndexChanged.connect(self.reload)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.reload()

    def query(self) -> MemberQuery:
        return MemberQuery(text=self.search.text(), org_unit=self.group.currentData(),
                           status=self.status.currentData())

    def reload(self) -> None:
        self._timer.stop()
        self.model.set_source(member_list(self.db, self.query()))
        self._update_buttons()

    def selected(self) -> list[uuid.UUID]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [row.uuid for r in rows if (row := self.model.row_at(r)) is not None]

    def _update_buttons(self) -> None:
        count = len(self.view.selectionModel().selectedRows())
        self.take.setText(_("Add the {count} selected").format(count=count))
        self.take.setEnabled(count > 0)
        shown = self.model.rowCount()
        self.take_all.setText(_("Add all {count} shown").format(count=shown))
        self.take_all.setEnabled(shown > 0)

    def take_selected(self) -> None:
        self.chosen = self.selected()
        if self.chosen:
            self.accept()

    def take_everyone_shown(self) -> None:
        self.chosen = matching_members(self.db, self.query())
        if self.chosen:
            self.accept()


def pick_members(db: Database, title: str, parent: QWidget | None = None) -> list[uuid.UUID]:
    dialog = MemberPickerDialog(db, title, parent)
    return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else []


def choose_one(parent: QWidget | None, title: str, text: str, items: list[tuple[str, object]],
               ) -> object | None:
    """A short list to pick one item from (a group, a template…)."""
    from PySide6.QtWidgets import QInputDialog

    labels = [name for name, _value in items]
    picked, ok = QInputDialog.getItem(parent, title, text, labels, 0, False)
    if not ok or picked not in labels:
        return None
    return items[labels.index(picked)][1]


