"""A member's awards, activities and initiatives, for the member's page (the member dialog
embeds this widget). Short lists of frozen rows from the core; read-only."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from unionapp.activities import member_activities
from unionapp.awards import member_awards
from unionapp.db import Database
from unionapp.i18n import _
from unionapp.initiatives import member_initiatives
from unionapp.labels import ACTIVITY_KIND, label
from unionapp.text import format_date, format_vnd


def _table(headers: list[str], widths: list[int]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    for i, width in enumerate(widths):
        table.setColumnWidth(i, width)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(value))


class MemberAwardsWidget(QWidget):
    """Call ``show_member(uuid)`` to fill it."""

    def __init__(self, db: Database, member_uuid: uuid.UUID | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.awards = _table([_("Decision no."), _("Date"), _("Award kind"), _("Reason"),
                              _("Prize money"), _("Register no.")],
                             [110, 85, 220, 300, 100, 90])
        self.activities = _table([_("Date"), _("Kind"), _("Activity"), _("Role"), _("Result")],
                                 [85, 130, 320, 140, 200])
        self.initiatives = _table([_("Year"), _("Initiative"), _("Estimated benefit"),
                                   _("Share (%)"), _("Recognised at")],
                                  [60, 340, 130, 80, 140])
        layout = QVBoxLayout(self)
        self.boxes = []
        for title, table in ((_("Awards"), self.awards), (_("Activities"), self.activities),
                             (_("Initiatives"), self.initiatives)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(table)
            layout.addWidget(box)
            self.boxes.append(box)
        if member_uuid is not None:
            self.show_member(member_uuid)

    def show_member(self, member_uuid: uuid.UUID) -> None:
        awards = member_awards(self.db, member_uuid)
        _fill(self.awards, [[a.decision_number, format_date(a.decided_on), a.award_kind,
                             a.reason, format_vnd(a.amount) if a.amount else "", a.serial]
                            for a in awards])
        activities = member_activities(self.db, member_uuid)
        _fill(self.activities, [[format_date(a.starts_on), label(ACTIVITY_KIND, a.kind),
                                 a.title, a.role, a.result] for a in activities])
        initiatives = member_initiatives(self.db, member_uuid)
        _fill(self.initiatives, [[str(i.year), i.title, format_vnd(i.estimated_benefit),
                                  str(i.share) if i.share is not None else "",
                                  i.recognition_level] for i in initiatives])
        for box, count, title in zip(self.boxes, (len(awards), len(activities),
                                                  len(initiatives)),
                                     (_("Awards"), _("Activities"), _("Initiatives")),
                                     strict=True):
            box.setTitle(_("{title} ({count})").format(title=title, count=count))
