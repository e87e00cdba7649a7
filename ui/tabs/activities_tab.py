"""The Hoạt động & Khen thưởng tab: three inner tabs — activities with their participants,
award decisions with their recipients and certificates, and initiatives."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QInputDialog, QTabWidget, QVBoxLayout, QWidget

from ui.operations import Changes, run_op
from ui.tables.windowed import CENTER, RIGHT, Column, RowSource
from ui.tabs.decisions_tab import DecisionsSection
from ui.tabs.initiatives_tab import InitiativesTab
from ui.tabs.list_tab import ListTab, combo
from ui.tabs.sections import (
    DetailPane,
    MasterDetail,
    add_buttons,
    added_text,
    confirm,
    current_row,
    selected_rows,
)
from ui.widgets.empty_state import for_list
from unionapp import activities
from unionapp.activities import ActivityQuery, ActivityRow, AddSummary, ParticipantRow
from unionapp.db import Database
from unionapp.i18n import N_, _
from unionapp.labels import ACTIVITY_KIND, GENDER, label
from unionapp.models import ActivityKind, OrgKind
from unionapp.org import list_units
from unionapp.permissions import Permission
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

PARTICIPANT_COLUMNS: list[Column[ParticipantRow]] = [
    Column("full_name", N_("Full name"), lambda r: r.full_name, width=210),
    Column("gender", N_("Gender"), lambda r: label(GENDER, r.gender), CENTER, 60),
    Column("org_unit", N_("Union group"), lambda r: r.org_unit, width=250),
    Column("role", N_("Role"), lambda r: r.role, width=150),
    Column("result", N_("Result"), lambda r: r.result, width=220),
    Column("note", N_("Note"), lambda r: r.note, width=150),
]


class ActivityListTab(ListTab):
    settings_key = "activities"
    shows = Changes.ACTIVITIES  # the participants' count too

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(db, COLUMNS, parent)
        self.kind = combo([(_("All kinds"), None)]
                          + [(label(ACTIVITY_KIND, k), k) for k in ActivityKind.ALL])
        self.add_branch_filter()
        self.add_filter(self.kind)
        self.buttons = add_buttons(self, [
            (_("New activity…"), self.new_activity, Permission.ACTIVITIES_EDIT),
            (_("New emulation movement…"), self.new_movement, Permission.ACTIVITIES_EDIT),
            (_("Edit…"), self.edit_activity),
            (_("Delete"), self.delete_activity, Permission.ACTIVITIES_EDIT),
        ])
        self.view.doubleClicked.connect(lambda _i: self.edit_activity())
        self.empty = for_list(self, _("No activities yet"), _(
            "Record what the union organises (meetings, training, visits, blood drives…) and "
            "its emulation movements; then add who took part."), [
            (_("New activity…"), self.new_activity, Permission.ACTIVITIES_EDIT),
            (_("New emulation movement…"), self.new_movement, Permission.ACTIVITIES_EDIT)],
            lambda: bool(activities.activity_list(db, ActivityQuery()).page(0, 1)))

    def search_hint(self) -> str:
        return _("Search activities by name")

    def source(self, text: str) -> RowSource[ActivityRow]:
        return activities.activity_list(self.db, ActivityQuery(
            text=text, kind=self.kind.currentData(), branch=self.branch()))

    def footer_text(self, count: int) -> str:
        return _("{count} activities").format(count=count)

    def new_activity(self, kind: str | None = None) -> None:
        from ui.dialogs.activity_dialogs import ActivityDialog

        dialog = ActivityDialog(self.db, None, self, kind=kind)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self.select_record(dialog.saved.uuid)

    def new_movement(self) -> None:
        self.new_activity(ActivityKind.EMULATION_MOVEMENT)

    def edit_activity(self) -> None:
        from ui.dialogs.activity_dialogs import ActivityDialog

        row = current_row(self)
        if row is not None:
            ActivityDialog(self.db, row.uuid, self).exec()

    def delete_activity(self) -> None:
        row = current_row(self)
        if row is None or not confirm(self, _("Delete activity"), _(
                "Delete “{title}” and its list of participants? (It stays in the history of "
                "changes.)").format(title=row.title)):
            return
        db, activity = self.db, row.uuid
        run_op(self, lambda _a: activities.delete_activity(db, activity), db=db,
               changes=Changes.ACTIVITIES,
               said=_("Deleted “{title}”.").format(title=row.title))


class ParticipantsTab(DetailPane):
    """Who took part in the activity selected above."""

    settings_key = "participants"
    shows = Changes.ACTIVITIES | Changes.MEMBERS | Changes.UNITS

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(db, PARTICIPANT_COLUMNS, parent)
        self.set_buttons([
            (_("Add members…"), self.add_members, Permission.ACTIVITIES_EDIT),
            (_("Add a whole group…"), self.add_group, Permission.ACTIVITIES_EDIT),
            (_("Result…"), self.edit_result, Permission.ACTIVITIES_EDIT),
            (_("Remove from the list"), self.remove, Permission.ACTIVITIES_EDIT),
        ])

    @property
    def activity(self) -> ActivityRow | None:
        return self.master  # type: ignore[no-any-return]

    def search_hint(self) -> str:
        return _("Search participants by name")

    def rows_of(self, master: ActivityRow, text: str) -> RowSource[ParticipantRow]:
        return activities.participant_list(self.db, master.uuid, text)

    def hint(self) -> str:
        return _("Choose an activity above to see who took part.")

    def count_text(self, count: int, master: ActivityRow) -> str:
        return _("{count} participants in “{title}”").format(count=count, title=master.title)

    def open_selected(self) -> None:
        self.edit_result()

    def add_members(self) -> None:
        from ui.dialogs.member_picker import pick_members

        if self.activity is None:
            return
        chosen = pick_members(self.db, _("Add participants to “{title}”").format(
            title=self.activity.title), self)
        if chosen:
            self._add(chosen)

    def _add(self, member_uuids: list[uuid.UUID]) -> None:
        assert self.activity is not None
        activity_uuid, db = self.activity.uuid, self.db
        self._run_add(lambda: activities.add_participants(db, activity_uuid, member_uuids))

    def _run_add(self, add: Callable[[], AddSummary]) -> None:
        run_op(self, lambda _a: add(), db=self.db, changes=Changes.ACTIVITIES,
               said=added_text, on_done=lambda s: self.tell(added_text(s)),
               label=_("Adding participants…"))

    def add_group(self) -> None:
        from ui.dialogs.member_picker import choose_one

        if self.activity is None:
            return
        group = choose_one(self, _("Add a whole group"), _("Every active member of:"),
                           [(g.name, g.uuid) for g in list_units(self.db, OrgKind.GROUP)])
        if group is None:
            return
        activity_uuid, db = self.activity.uuid, self.db
        self._run_add(lambda: activities.add_group_participants(db, activity_uuid, group))

    def edit_result(self) -> None:
        from ui.dialogs.activity_dialogs import ParticipantDialog

        rows = selected_rows(self)
        if not rows:
            return
        if len(rows) == 1:
            ParticipantDialog(self.db, rows[0], self).exec()
            return
        result, ok = QInputDialog.getText(
            self, _("Result"), _("The same result for the {count} selected participants:")
            .format(count=len(rows)))
        if ok:
            db, chosen = self.db, [r.uuid for r in rows]
            run_op(self, lambda _a: activities.set_results(db, chosen, result), db=db,
                   changes=Changes.ACTIVITIES, label=_("Saving…"))

    def remove(self) -> None:
        rows = selected_rows(self)
        if rows and confirm(self, _("Remove participants"), _(
                "Take the {count} selected off the list?").format(count=len(rows))):
            db, chosen = self.db, [r.uuid for r in rows]  # many: backed up first, off the GUI
            run_op(self, lambda _a: activities.remove_participants(db, chosen), db=db,
                   changes=Changes.ACTIVITIES, label=_("Deleting…"))


class ActivitiesSection(MasterDetail):
    def __init__(self, db: Database):
        self.list = ActivityListTab(db)
        self.participants = ParticipantsTab(db)
        super().__init__(self.list, self.participants)


class ActivitiesTab(QWidget):
    """The tab itself. ``model`` and ``reload`` are the inner tab's (the main window asks)."""

    counts_changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.inner = QTabWidget()
        self.inner.setDocumentMode(True)
        self.activities = ActivitiesSection(db)
        self.decisions = DecisionsSection(db)
        self.initiatives = InitiativesTab(db)
        self.inner.addTab(self.activities, _("Activities"))
        self.inner.addTab(self.decisions, _("Award decisions"))
        self.inner.addTab(self.initiatives, _("Initiatives"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.inner)

    @property
    def model(self) -> Any:
        return self.inner.currentWidget().model  # type: ignore[attr-defined]

    def reload(self) -> None:
        for section in (self.activities, self.decisions, self.initiatives):
            section.reload()
        self.counts_changed.emit()
