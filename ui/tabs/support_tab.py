"""The Chăm lo – Hỗ trợ tab: support cases with their total."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.tables.windowed import CENTER, RIGHT, Column, RowSource
from ui.tabs.list_tab import ListTab, combo
from unionapp.db import Database
from unionapp.i18n import N_, _
from unionapp.labels import SUPPORT_STATUS, label
from unionapp.models import SupportStatus
from unionapp.support import CaseQuery, CaseRow, case_list, case_total
from unionapp.text import format_date, format_vnd


def _beneficiary(r: CaseRow) -> str:
    return f"{r.beneficiary_name} ({r.relation})" if r.beneficiary_name else ""


COLUMNS: list[Column[CaseRow]] = [
    Column("occurred_on", N_("Date"), lambda r: format_date(r.occurred_on), CENTER, 100),
    Column("member", N_("Member"), lambda r: r.member_name, width=200),
    Column("beneficiary", N_("Beneficiary (relative)"), _beneficiary, width=200),
    Column("kind", N_("Kind of support"), lambda r: r.kind, width=170),
    Column("amount", N_("Amount"), lambda r: format_vnd(r.amount), RIGHT, 120),
    Column("status", N_("Status"), lambda r: label(SUPPORT_STATUS, r.status), width=100),
    Column("reason", N_("Reason"), lambda r: r.reason, width=300),
]


class SupportTab(ListTab):
    settings_key = "support"

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(db, COLUMNS, parent)
        self.status = combo([(_("All statuses"), None)]
                            + [(label(SUPPORT_STATUS, s), s) for s in SupportStatus.ALL])
        self.add_filter(self.status)

    def search_hint(self) -> str:
        return _("Search by member's name")

    def query(self, text: str) -> CaseQuery:
        return CaseQuery(text=text, status=self.status.currentData())

    def source(self, text: str) -> RowSource[CaseRow]:
        return case_list(self.db, self.query(text))

    def footer_text(self, count: int) -> str:
        total = case_total(self.db, self.query(self.search.text()))
        return _("{count} cases — total {amount}").format(count=count, amount=format_vnd(total))
