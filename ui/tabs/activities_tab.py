"""The Hoạt động & Khen thưởng tab: three inner tabs — activities with their participants,
award decisions with their recipients and certificates, and initiatives."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QInputDialog, QTabWidget, QVBoxLayout, QWidget

from ui.dialogs.activity_dialogs import ActivityDialog, ParticipantDialog
from ui.dialogs.member_picker import choose_one, pick_members
from ui.tables.windowed import CENTER, RIGHT, Column, RowSource
from ui.tabs.decisions_tab import DecisionsSection
from ui.tabs.initiatives_tab import InitiativesTab
from ui.tabs.list_tab import ListTab, combo
from ui.tabs.sections import (
    MasterDetail,
    add_buttons,
    added_text,
    confirm,
    current_row,
    reselect,
    selected_rows,
)
from ui.tasks import run_task
from ui.widgets.empty_state import for_list
from unionapp import activities
from unionapp.activities import ActivityQuery, ActivityRow, AddSummary, ParticipantRow
from unionapp.db import Database
from unionapp.i18n import N_, _
from unionapp.labels import ACTIVITY_KIND, GENDER, label
from unionapp.models import ActivityKind, OrgKind
from unionapp.org import list_units
from unionapp.permissions import Permission
from unionapp.progress import Progress
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
        dialog = ActivityDialog(self.db, None, self, kind=kind)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self.reload()
            reselect(self, dialog.saved.uuid)

    def new_movement(self) -> None:
        self.new_activity(ActivityKind.EMULATION_MOVEMENT)

    def edit_activity(self) -> None:
        row = current_row(self)
        if row is None:
            return
        dialog = ActivityDialog(self.db, row.uuid, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()
            reselect(self, row.uuid)

    def delete_activity(self) -> None:
        row = current_row(self)
        if row is None or not confirm(self, _("Delete activity"), _(
                "Delete “{title}” and its list of participants? (It stays in the history of "
                "changes.)").format(title=row.title)):
            return
        activities.delete_activity(self.db, row.uuid)
        self.reload()


class ParticipantsTab(ListTab):
    """Who took part in the activity selected above."""

    settings_key = "participants"

    def __init__(self, db: Database, parent: QWidget | None = None):
        self.activity: ActivityRow | None = None
        super().__init__(db, PARTICIPANT_COLUMNS, parent)
        self.changed: list[Any] = []  # callbacks after the list changed (counts above)
        self.buttons = add_buttons(self, [
            (_("Add members…"), self.add_members, Permission.ACTIVITIES_EDIT),
            (_("Add a whole group…"), self.add_group, Permission.ACTIVITIES_EDIT),
            (_("Result…"), self.edit_result, Permission.ACTIVITIES_EDIT),
            (_("Remove from the list"), self.remove, Permission.ACTIVITIES_EDIT),
        ])
        self.view.doubleClicked.connect(lambda _i: self.edit_result())
        self._enable()

    def search_hint(self) -> str:
        return _("Search participants by name")

    def show_activity(self, activity: ActivityRow | None) -> None:
        self.activity = activity
        self.reload()
        self._enable()

    def _enable(self) -> None:
        for button in self.buttons.values():
            button.setEnabled(self.activity is not None)

    def source(self, text: str) -> RowSource[ParticipantRow]:
        if self.activity is None:
            return None  # type: ignore[return-value]
        return activities.participant_list(self.db, self.activity.uuid, text)

    def footer_text(self, count: int) -> str:
        if self.activity is None:
            return _("Choose an activity above to see who took part.")
        return _("{count} participants in “{title}”").format(count=count,
                                                              title=self.activity.title)

    def _after_change(self, summary_text: str = "") -> None:
        self.reload()
        for callback in self.changed:
            callback()
        if summary_text:
            self.footer.setText(self.footer.text() + " — " + summary_text)

    def add_members(self) -> None:
        if self.activity is None:
            return
        chosen = pick_members(self.db, _("Add participants to “{title}”").format(
            title=self.activity.title), self)
        if chosen:
            self._add(chosen)

    def _add(self, member_uuids: list[uuid.UUID]) -> None:
        assert self.activity is not None
        activity_uuid, db = self.activity.uuid, self.db

        def work(_progress: Progress) -> AddSummary:
            return activities.add_participants(db, activity_uuid, member_uuids)

        run_task(self, work, on_done=lambda s: self._after_change(added_text(s)),
                 label=_("Adding participants…"))

    def add_group(self) -> None:
        if self.activity is None:
            return
        group = choose_one(self, _("Add a whole group"), _("Every active member of:"),
                           [(g.name, g.uuid) for g in list_units(self.db, OrgKind.GROUP)])
        if group is None:
            return
        activity_uuid, db = self.activity.uuid, self.db

        def work(_progress: Progress) -> AddSummary:
            return activities.add_group_participants(db, activity_uuid, group)  # type: ignore[arg-type]

        run_task(self, work, on_done=lambda s: self._after_change(added_text(s)),
                 label=_("Adding participants…"))

    def edit_result(self) -> None:
        rows = selected_rows(self)
        if not rows:
            return
        if len(rows) == 1:
            if ParticipantDialog(self.db, rows[0], self).exec() == QDialog.DialogCode.Accepted:
                self._after_change()
            return
        result, ok = QInputDialog.getText(
            self, _("Result"), _("The same result for the {count} selected participants:")
            .format(count=len(rows)))
        if ok:
            activities.set_results(self.db, [r.uuid for r in rows], result)
            self._after_change()

    def remove(self) -> None:
        rows = selected_rows(self)
        if rows and confirm(self, _("Remove participants"), _(
                "Take the {count} selected off the list?").format(count=len(rows))):
            db, chosen = self.db, [r.uuid for r in rows]  # many: backed up first, off the GUI
            run_task(self, lambda _progress: activities.remove_participants(db, chosen),
                     on_done=lambda _count: self._after_change(), label=_("Deleting…"),
                     cancellable=False)


class ActivitiesSection(MasterDetail):
    def __init__(self, db: Database):
        self.list = ActivityListTab(db)
        self.participants = ParticipantsTab(db)
        super().__init__(self.list, self.participants, self.participants.show_activity)
        self.participants.changed.append(self._refresh_counts)

    def _refresh_counts(self) -> None:
        row = current_row(self.list)
        self.list.reload()
        reselect(self.list, row.uuid if row else None)

    @property
    def model(self) -> Any:
        return self.list.model

    def reload(self) -> None:
        self.list.reload()


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
