"""The Hoạt động & Khen thưởng tab: activities and emulation movements."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.tables.windowed import CENTER, RIGHT, Column, RowSource
from ui.tabs.list_tab import ListTab, combo
from unionapp.activities import ActivityQuery, ActivityRow, activity_list
from unionapp.db import Database
from unionapp.i18n import N_, _
from unionapp.labels import ACTIVITY_KIND, label
from unionapp.models import ActivityKind
from unionapp.text import format_date


def _period(r: ActivityRow) -> str:
    if r.ends_on and r.ends_on != r.starts_on:
        return f"{format_date(r.starts_on)} – {format_date(r.ends_on)}"
    return format_date(r.starts_on)


COLUMNS: list[Column[ActivityRow]] = [
    Column("period", N_("Date"), _period, CENTER, 190),
    Column("kind", N_("Kind"), lambda r: label(ACTIVITY_KIND, r.kind), width=150),
    Column("title", N_("Activity"), lambda r: r.title, width=420),
    Column("location", N_("Place"), lambda r: r.location, width=150),
    Column("participants", N_("Participants"), lambda r: r.participants, RIGHT, 90),
]


class ActivitiesTab(ListTab):
    settings_key = "activities"

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(db, COLUMNS, parent)
        self.kind = combo([(_("All kinds"), None)]
                          + [(label(ACTIVITY_KIND, k), k) for k in ActivityKind.ALL])
        self.add_filter(self.kind)

    def search_hint(self) -> str:
        return _("Search activities by name")

    def source(self, text: str) -> RowSource[ActivityRow]:
        return activity_list(self.db, ActivityQuery(text=text, kind=self.kind.currentData()))

    def footer_text(self, count: int) -> str:
        return _("{count} activities").format(count=count)
