"""The Đoàn viên tab: the member register as a window onto the database."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.tables.windowed import CENTER, Column, RowSource
from ui.tabs.list_tab import ListTab, combo
from unionapp import members as members_service
from unionapp.db import Database
from unionapp.i18n import N_, _
from unionapp.labels import GENDER, MEMBER_STATUS, label
from unionapp.members import MemberQuery, MemberRow
from unionapp.models import MemberStatus, OrgKind
from unionapp.org import list_units
from unionapp.text import format_birth, format_date

COLUMNS: list[Column[MemberRow]] = [
    Column("full_name", N_("Full name"), lambda r: r.full_name, width=220),
    Column("date_of_birth", N_("Date of birth"),
           lambda r: format_birth(r.date_of_birth, r.birth_year), CENTER, 100),
    Column("gender", N_("Gender"), lambda r: label(GENDER, r.gender), CENTER, 70),
    Column("org_unit", N_("Union group"), lambda r: r.org_unit, width=260),
    Column("union_role", N_("Union role"), lambda r: r.union_role, width=150),
    Column("job_title", N_("Job title"), lambda r: r.job_title, width=150),
    Column("status", N_("Status"), lambda r: label(MEMBER_STATUS, r.status), width=120),
    Column("joined_on", N_("Admission date"), lambda r: format_date(r.joined_on), CENTER, 110),
    Column("card_number", N_("Card number"), lambda r: r.card_number, width=110, hidden=True),
    Column("national_id", N_("CCCD number"), lambda r: r.national_id or "", width=120,
           hidden=True),
    Column("phone", N_("Phone"), lambda r: r.phone, width=110, hidden=True),
    Column("ethnicity", N_("Ethnicity"), lambda r: r.ethnicity, width=80, hidden=True),
]


class MembersTab(ListTab):
    settings_key = "members"

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(db, COLUMNS, parent)
        groups = [(g.name, g.uuid) for g in list_units(db, OrgKind.GROUP)]
        self.group = combo([(_("All groups"), None), *groups])
        self.status = combo([(_("All statuses"), None)]
                            + [(label(MEMBER_STATUS, s), s) for s in MemberStatus.ALL])
        self.status.setCurrentIndex(1)  # the register opens on the members who are active
        self.add_filter(self.group)
        self.add_filter(self.status)

    def search_hint(self) -> str:
        return _("Search by name — accents not needed, e.g. “nguyen thi hang”")

    def query(self, text: str) -> MemberQuery:
        return MemberQuery(text=text, org_unit=self.group.currentData(),
                           status=self.status.currentData())

    def source(self, text: str) -> RowSource[MemberRow]:
        return members_service.member_list(self.db, self.query(text))

    def footer_text(self, count: int) -> str:
        return _("{count} members shown").format(count=count)
