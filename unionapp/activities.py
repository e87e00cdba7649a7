"""Activities and emulation movements: listing, editing, who took part and their results."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .backups import backup_before_bulk_delete
from .db import Database
from .errors import NotFound, Problem, UserError, ValidationError
from .i18n import _
from .members import MemberQuery, member_list, name_matches
from .models import Activity, ActivityKind, Member, MemberStatus, OrgUnit, Participation, utcnow
from .org import subtree_select
from .paging import ListQuery
from .permissions import Permission, require
from .text import clean

# --- what callers get back -----------------------------------------------------------------


@dataclass(frozen=True)
class ActivityRow:
    uuid: uuid.UUID
    kind: str
    title: str
    starts_on: date | None
    ends_on: date | None
    location: str
    org_unit: str
    participants: int


@dataclass(frozen=True)
class ActivityQuery:
    text: str = ""
    kind: str | None = None
    year: int | None = None
    branch: uuid.UUID | None = None  # a parent union's view: only this unit's subtree


@dataclass(frozen=True)
class AddSummary:
    """What adding people to a list did: how many were added, how many were there already."""

    added: int
    already: int


@dataclass(frozen=True)
class ParticipantRow:
    uuid: uuid.UUID  # the participation's
    member_uuid: uuid.UUID
    full_name: str
    gender: str | None
    org_unit: str
    role: str
    result: str
    note: str


@dataclass(frozen=True)
class MemberActivityRow:
    """One activity a member took part in, for the member's page."""

    activity_uuid: uuid.UUID
    kind: str
    title: str
    starts_on: date | None
    ends_on: date | None
    role: str
    result: str


# --- listing ---------------------------------------------------------------------------------


def _participants_count() -> Any:
    return (
        select(func.count(Participation.id))
        .where(Participation.activity_id == Activity.id, Participation.deleted_at.is_(None))
        .correlate(Activity)
        .scalar_subquery()
    )


_ROW_COLUMNS = (
    Activity.uuid,
    Activity.kind,
    Activity.title,
    Activity.starts_on,
    Activity.ends_on,
    Activity.location,
    OrgUnit.name,
)


def activity_list(db: Database, query: ActivityQuery = ActivityQuery()) -> ListQuery[ActivityRow]:
    """Activities, newest first."""
    stmt = (
        select(*_ROW_COLUMNS, _participants_count())
        .join(OrgUnit, Activity.org_unit_id == OrgUnit.id)
        .where(Activity.deleted_at.is_(None))
    )
    if query.text.strip():
        stmt = stmt.where(name_matches(Activity.title_folded, query.text))
    if query.kind:
        stmt = stmt.where(Activity.kind == query.kind)
    if query.branch is not None:
        stmt = stmt.where(Activity.org_unit_id.in_(subtree_select(query.branch)))
    if query.year:
        stmt = stmt.where(
            Activity.starts_on >= date(query.year, 1, 1),
            Activity.starts_on <= date(query.year, 12, 31),
        )

    def to_row(r: Any) -> ActivityRow:
        return ActivityRow(*r)

    return ListQuery(db, stmt, (Activity.starts_on.desc(), Activity.id.desc()), to_row)


def emulation_movements(db: Database) -> list[ActivityRow]:
    """The emulation movements (phong trào thi đua), newest first: what decisions reward."""
    return activity_list(db, ActivityQuery(kind=ActivityKind.EMULATION_MOVEMENT)).all()


def get_activity(db: Database, activity_uuid: uuid.UUID) -> ActivityRow:
    with db.read() as s:
        row = s.execute(
            select(*_ROW_COLUMNS, _participants_count())
            .join(OrgUnit, Activity.org_unit_id == OrgUnit.id)
            .where(Activity.uuid == activity_uuid)
        ).one_or_none()
    if row is None:
        raise NotFound(_("No such activity."))
    return ActivityRow(*row)


# --- editing ---------------------------------------------------------------------------------


@dataclass
class ActivityInput:
    """The editable facts of an activity or emulation movement."""

    kind: str = ActivityKind.MEETING
    title: str = ""
    org_unit: uuid.UUID | None = None  # the organising unit; the home branch by default
    starts_on: date | None = None
    ends_on: date | None = None
    location: str = ""
    description: str = ""

    def cleaned(self) -> ActivityInput:
        return replace(self, title=clean(self.title), location=clean(self.location),
                       description=(self.description or "").strip())


_EDITABLE = [f.name for f in fields(ActivityInput) if f.name != "org_unit"]


def validate_activity(data: ActivityInput) -> list[Problem]:
    """Everything wrong with ``data`` (shared by the dialog and any importer)."""
    problems: list[Problem] = []
    if not data.title:
        problems.append(Problem(_("The name of the activity is required."), "title"))
    if data.kind not in ActivityKind.ALL:
        problems.append(Problem(_("Unknown kind of activity: {kind}").format(kind=data.kind),
                                "kind"))
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        problems.append(Problem(_("The activity ends before it starts."), "ends_on"))
    if data.ends_on and not data.starts_on:
        problems.append(Problem(_("Give the start date too."), "starts_on"))
    return problems


def _unit(s: Session, unit_uuid: uuid.UUID | None, db: Database) -> OrgUnit:
    unit = s.scalar(select(OrgUnit).where(OrgUnit.uuid == (unit_uuid or db.home_unit_uuid)))
    if unit is None or unit.deleted_at is not None:
        raise NotFound(_("No such unit."))
    return unit


def load_activity(s: Session, activity_uuid: uuid.UUID) -> Activity:
    activity = s.scalar(select(Activity).where(Activity.uuid == activity_uuid))
    if activity is None or activity.deleted_at is not None:
        raise NotFound(_("No such activity."))
    return activity


def create_activity(db: Database, data: ActivityInput) -> ActivityRow:
    require(db, Permission.ACTIVITIES_EDIT)
    data = data.cleaned()
    if problems := validate_activity(data):
        raise ValidationError(problems)
    with db.transaction() as s:
        activity = Activity(org_unit_id=_unit(s, data.org_unit, db).id,
                            **{k: getattr(data, k) for k in _EDITABLE})
        s.add(activity)
        s.flush()
        activity_uuid = activity.uuid
    return get_activity(db, activity_uuid)


def update_activity(db: Database, activity_uuid: uuid.UUID, data: ActivityInput) -> ActivityRow:
    require(db, Permission.ACTIVITIES_EDIT)
    data = data.cleaned()
    if problems := validate_activity(data):
        raise ValidationError(problems)
    with db.transaction() as s:
        activity = load_activity(s, activity_uuid)
        activity.org_unit_id = _unit(s, data.org_unit, db).id
        for key in _EDITABLE:
            setattr(activity, key, getattr(data, key))
    return get_activity(db, activity_uuid)


def activity_input(db: Database, activity_uuid: uuid.UUID) -> ActivityInput:
    with db.read() as s:
        activity = load_activity(s, activity_uuid)
        unit_uuid = s.scalar(select(OrgUnit.uuid).where(OrgUnit.id == activity.org_unit_id))
        return ActivityInput(org_unit=unit_uuid, **{k: getattr(activity, k) for k in _EDITABLE})


def delete_activity(db: Database, activity_uuid: uuid.UUID) -> None:
    """Remove an activity entered by mistake (a tombstone; its participations stay with it)."""
    require(db, Permission.ACTIVITIES_EDIT)
    with db.transaction() as s:
        load_activity(s, activity_uuid).deleted_at = utcnow()


# --- participants ----------------------------------------------------------------------------


def participant_list(db: Database, activity_uuid: uuid.UUID, text: str = "",
                     ) -> ListQuery[ParticipantRow]:
    """Who took part, in Vietnamese name order."""
    stmt = (
        select(Participation.uuid, Member.uuid, Member.full_name, Member.gender, OrgUnit.name,
               Participation.role, Participation.result, Participation.note)
        .join(Member, Participation.member_id == Member.id)
        .join(OrgUnit, Member.org_unit_id == OrgUnit.id)
        .join(Activity, Participation.activity_id == Activity.id)
        .where(Activity.uuid == activity_uuid, Participation.deleted_at.is_(None))
    )
    if text.strip():
        stmt = stmt.where(name_matches(Member.name_folded, text))

    def to_row(r: Any) -> ParticipantRow:
        return ParticipantRow(*r)

    return ListQuery(db, stmt, (Member.sort_key, Participation.id), to_row)


def member_ids(s: Session, member_uuids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Local ids of live members, by uuid (unknown or deleted uuids are left out)."""
    wanted = list(dict.fromkeys(member_uuids))
    found: dict[uuid.UUID, int] = {}
    for start in range(0, len(wanted), 500):  # stay under the database's parameter limit
        chunk = wanted[start:start + 500]
        found.update((u, i) for u, i in s.execute(select(Member.uuid, Member.id).where(
            Member.uuid.in_(chunk), Member.deleted_at.is_(None))))
    return found


def matching_members(db: Database, query: MemberQuery) -> list[uuid.UUID]:
    """The members a filter shows (adding "everyone shown" to a list)."""
    return [row.uuid for row in member_list(db, query).all()]


def add_participants(db: Database, activity_uuid: uuid.UUID, member_uuids: Iterable[uuid.UUID],
                     *, role: str = "", result: str = "") -> AddSummary:
    """Add members to an activity; those already there are left as they are. One removed by
    mistake comes back with their old row (nothing is lost)."""
    require(db, Permission.ACTIVITIES_EDIT)
    with db.transaction() as s:
        activity = load_activity(s, activity_uuid)
        ids = member_ids(s, member_uuids)
        existing = {p.member_id: p for p in s.scalars(
            select(Participation).where(Participation.activity_id == activity.id))}
        added = already = 0
        for member_id in ids.values():
            row = existing.get(member_id)
            if row is not None and row.deleted_at is None:
                already += 1
                continue
            if row is not None:
                row.deleted_at = None
            else:
                s.add(Participation(activity_id=activity.id, member_id=member_id,
                                    role=clean(role), result=clean(result)))
            added += 1
    return AddSummary(added, already)


def add_group_participants(db: Database, activity_uuid: uuid.UUID,
                           group_uuid: uuid.UUID) -> AddSummary:
    """Add every active member of a union group."""
    require(db, Permission.ACTIVITIES_EDIT)
    uuids = matching_members(db, MemberQuery(org_unit=group_uuid, status=MemberStatus.ACTIVE))
    if not uuids:
        raise UserError(_("This group has no active members."))
    return add_participants(db, activity_uuid, uuids)


def _participations(s: Session, uuids: Iterable[uuid.UUID]) -> list[Participation]:
    wanted = list(uuids)
    return list(s.scalars(select(Participation).where(
        Participation.uuid.in_(wanted), Participation.deleted_at.is_(None)))) if wanted else []


def set_participation(db: Database, participation_uuid: uuid.UUID, *, role: str, result: str,
                      note: str = "") -> None:
    """Record one participant's role and result (kết quả: đạt, giải Nhất, hoàn thành…)."""
    require(db, Permission.ACTIVITIES_EDIT)
    with db.transaction() as s:
        rows = _participations(s, [participation_uuid])
        if not rows:
            raise NotFound(_("No such participant."))
        rows[0].role, rows[0].result, rows[0].note = clean(role), clean(result), clean(note)


def set_results(db: Database, participation_uuids: Iterable[uuid.UUID], result: str) -> int:
    """Give several participants the same result at once. Returns how many changed."""
    require(db, Permission.ACTIVITIES_EDIT)
    with db.transaction() as s:
        rows = _participations(s, participation_uuids)
        for row in rows:
            row.result = clean(result)
        return len(rows)


def remove_participants(db: Database, participation_uuids: Iterable[uuid.UUID]) -> int:
    require(db, Permission.ACTIVITIES_EDIT)
    participation_uuids = list(participation_uuids)
    backup_before_bulk_delete(db, len(participation_uuids))
    with db.transaction() as s:
        rows = _participations(s, participation_uuids)
        now = utcnow()
        for row in rows:
            row.deleted_at = now
        return len(rows)


def member_activities(db: Database, member_uuid: uuid.UUID) -> list[MemberActivityRow]:
    """The activities a member took part in, newest first (for the member's page)."""
    with db.read() as s:
        rows = s.execute(
            select(Activity.uuid, Activity.kind, Activity.title, Activity.starts_on,
                   Activity.ends_on, Participation.role, Participation.result)
            .join(Participation, Participation.activity_id == Activity.id)
            .join(Member, Participation.member_id == Member.id)
            .where(Member.uuid == member_uuid, Participation.deleted_at.is_(None),
                   Activity.deleted_at.is_(None))
            .order_by(Activity.starts_on.desc(), Activity.id.desc())
        ).all()
    return [MemberActivityRow(*r) for r in rows]
