"""Activities and emulation movements: listing them, and who took part."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from .db import Database
from .members import name_matches
from .models import Activity, OrgUnit, Participation
from .paging import ListQuery


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


def activity_list(db: Database, query: ActivityQuery = ActivityQuery()) -> ListQuery[ActivityRow]:
    """Activities, newest first."""
    participants = (
        select(func.count(Participation.id))
        .where(Participation.activity_id == Activity.id, Participation.deleted_at.is_(None))
        .correlate(Activity)
        .scalar_subquery()
    )
    stmt = (
        select(
            Activity.uuid,
            Activity.kind,
            Activity.title,
            Activity.starts_on,
            Activity.ends_on,
            Activity.location,
            OrgUnit.name,
            participants,
        )
        .join(OrgUnit, Activity.org_unit_id == OrgUnit.id)
        .where(Activity.deleted_at.is_(None))
    )
    if query.text.strip():
        stmt = stmt.where(name_matches(Activity.title_folded, query.text))
    if query.kind:
        stmt = stmt.where(Activity.kind == query.kind)
    if query.year:
        stmt = stmt.where(
            Activity.starts_on >= date(query.year, 1, 1),
            Activity.starts_on <= date(query.year, 12, 31),
        )

    def to_row(r: Any) -> ActivityRow:
        return ActivityRow(*r)

    return ListQuery(db, stmt, (Activity.starts_on.desc(), Activity.id.desc()), to_row)
