"""A member's support history: what the chair looks at before approving another case.

Drop ``MemberSupportTable`` into any dialog and call ``set_member(uuid)``; double-clicking a
row emits ``case_activated(case_uuid)``.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from ui.tables.windowed import CENTER, RIGHT, Column, WindowedModel
from unionapp.db import Database
from unionapp.i18n import N_, _
from unionapp.labels import SUPPORT_STATUS, label
from unionapp.models import SupportStatus
from unionapp.support import CaseQuery, CaseRow, case_list, case_totals
from unionapp.text import format_date, format_vnd

COLUMNS: list[Column[CaseRow]] = [
    Column("occurred_on", N_("Date"), lambda r: format_date(r.occurred_on), CENTER, 90),
    Column("kind", N_("Kind of support"), lambda r: r.kind, width=170),
    Column("beneficiary", N_("Beneficiary"), lambda r: r.beneficiary, width=170),
    Column("amount", N_("Amount"), lambda r: format_vnd(r.amount), RIGHT, 110),
    Column("status", N_("Status"), lambda r: label(SUPPORT_STATUS, r.status), width=90),
    Column("reason", N_("Reason"), lambda r: r.reason, width=200),
]


class MemberSupportTable(QWidget):
    case_activated = Signal(object)

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.member: uuid.UUID | None = None
        self.model: WindowedModel[CaseRow] = WindowedModel(COLUMNS)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for i, column in enumerate(COLUMNS):
            self.view.setColumnWidth(i, column.width)
        self.view.doubleClicked.connect(self._activated)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        self.set_member(None)

    def set_member(self, member_uuid: uuid.UUID | None) -> None:
        """Show ``member_uuid``'s cases (None: nothing)."""
        self.member = member_uuid
        if member_uuid is None:
            self.model.set_source(None)
            self.summary.setText(_("Choose a member to see the support they have had."))
            return
        query = CaseQuery(member=member_uuid)
        self.model.set_source(case_list(self.db, query))
        totals = case_totals(self.db, query)
        if not totals.count:
            self.summary.setText(_("No support recorded for this member yet."))
            return
        given = sum(totals.by_status.get(s, (0, 0))[0] for s in SupportStatus.GIVEN)
        self.summary.setText(
            _("{count} cases; received {given} times, {amount} in all.").format(
                count=totals.count, given=given, amount=format_vnd(totals.given)))

    def refresh(self) -> None:
        self.set_member(self.member)

    def _activated(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.case_activated.emit(row.uuid)
