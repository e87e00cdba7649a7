"""Initiatives (sáng kiến): improvement proposals, their authors and estimated benefit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .activities import load_activity, member_ids
from .db import Database
from .errors import NotFound, Problem, ValidationError
from .i18n import _
from .members import name_matches
from .models import Activity, Initiative, InitiativeAuthor, Member, OrgUnit, utcnow
from .paging import ListQuery
from .permissions import Permission, require
from .text import clean

MAX_BENEFIT = 10**15  # a sanity bound, far above any real figure (VND)


@dataclass(frozen=True)
class InitiativeRow:
    uuid: uuid.UUID
    year: int
    title: str
    authors: str  # names joined by ", " in the authors' order
    estimated_benefit: int
    recognition_level: str
    recognised_on: date | None
    movement: str


@dataclass(frozen=True)
class InitiativeQuery:
    text: str = ""
    year: int | None = None


@dataclass
class InitiativeInput:
    title: str = ""
    year: int = 0
    authors: list[uuid.UUID] = field(default_factory=list)  # members, in order
    shares: dict[uuid.UUID, int] = field(default_factory=dict)  # per cent, optional
    estimated_benefit: int = 0  # VND
    submitted_on: date | None = None
    recognised_on: date | None = None
    recognition_level: str = ""
    movement: uuid.UUID | None = None  # the emulation movement it belongs to
    org_unit: uuid.UUID | None = None
    description: str = ""

    def cleaned(self) -> InitiativeInput:
        return replace(self, title=clean(self.title),
                       recognition_level=clean(self.recognition_level),
                       description=(self.description or "").strip(),
                       authors=list(dict.fromkeys(self.authors)))


def validate_initiative(data: InitiativeInput, *, today: date | None = None) -> list[Problem]:
    today = today or date.today()
    problems: list[Problem] = []
    if not data.title:
        problems.append(Problem(_("The name of the initiative is required."), "title"))
    if not 1950 <= data.year <= today.year + 1:
        problems.append(Problem(_("The year {year} is not plausible.").format(year=data.year),
                                "year"))
    if not data.authors:
        problems.append(Problem(_("An initiative needs at least one author."), "authors"))
    if not 0 <= data.estimated_benefit < MAX_BENEFIT:
        problems.append(Problem(_("The estimated benefit must be a positive amount in đồng."),
                                "estimated_benefit"))
    shares = [v for v in data.shares.values() if v is not None]
    if any(not 0 < v <= 100 for v in shares) or sum(shares) > 100:
        problems.append(Problem(_("The authors' shares must be per cents adding up to at most "
                                  "100."), "shares"))
    if data.submitted_on and data.recognised_on and data.recognised_on < data.submitted_on:
        problems.append(Problem(_("The initiative is recognised before it was submitted."),
                                "recognised_on"))
    return problems


def _authors_text(s: Session, initiative_ids: list[int]) -> dict[int, str]:
    names: dict[int, list[str]] = {}
    if not initiative_ids:
        return {}
    rows = s.execute(
        select(InitiativeAuthor.initiative_id, Member.full_name)
        .join(Member, InitiativeAuthor.member_id == Member.id)
        .where(InitiativeAuthor.initiative_id.in_(initiative_ids),
               InitiativeAuthor.deleted_at.is_(None))
        .order_by(InitiativeAuthor.sort_order, InitiativeAuthor.id))
    for initiative_id, name in rows:
        names.setdefault(initiative_id, []).append(name)
    return {k: ", ".join(v) for k, v in names.items()}


class _InitiativeList(ListQuery[InitiativeRow]):
    """Pages of initiatives with their authors' names (one extra query per page)."""

    def page(self, offset: int, limit: int) -> list[InitiativeRow]:
        with self.db.read() as s:
            rows = s.execute(self.statement.order_by(*self.order_by).offset(offset)
                             .limit(limit)).all()
            return self._rows(s, rows)

    def all(self) -> list[InitiativeRow]:
        with self.db.read() as s:
            return self._rows(s, s.execute(self.statement.order_by(*self.order_by)).all())

    @staticmethod
    def _rows(s: Session, rows: list[Any]) -> list[InitiativeRow]:
        authors = _authors_text(s, [r.id for r in rows])
        return [InitiativeRow(r.uuid, r.year, r.title, authors.get(r.id, ""),
                              r.estimated_benefit, r.recognition_level, r.recognised_on,
                              r.movement or "") for r in rows]


def initiative_list(db: Database, query: InitiativeQuery = InitiativeQuery(),
                    ) -> ListQuery[InitiativeRow]:
    """Initiatives, newest year first."""
    stmt = (
        select(Initiative.id, Initiative.uuid, Initiative.year, Initiative.title,
               Initiative.estimated_benefit, Initiative.recognition_level,
               Initiative.recognised_on, Activity.title.label("movement"))
        .outerjoin(Activity, Initiative.activity_id == Activity.id)
        .where(Initiative.deleted_at.is_(None))
    )
    if query.text.strip():
        stmt = stmt.where(name_matches(Initiative.title_folded, query.text))
    if query.year:
        stmt = stmt.where(Initiative.year == query.year)
    return _InitiativeList(db, stmt, (Initiative.year.desc(), Initiative.id.desc()),
                           lambda r: r)


def total_benefit(db: Database, query: InitiativeQuery = InitiativeQuery()) -> int:
    stmt = initiative_list(db, query).statement.subquery()
    with db.read() as s:
        return int(s.scalar(select(func.coalesce(func.sum(stmt.c.estimated_benefit), 0))) or 0)


def _load(s: Session, initiative_uuid: uuid.UUID) -> Initiative:
    row = s.scalar(select(Initiative).where(Initiative.uuid == initiative_uuid))
    if row is None or row.deleted_at is not None:
        raise NotFound(_("No such initiative."))
    return row


def get_initiative(db: Database, initiative_uuid: uuid.UUID) -> InitiativeRow:
    every = initiative_list(db)
    rows = _InitiativeList(db, every.statement.where(Initiative.uuid == initiative_uuid),
                           every.order_by, every.to_row).all()
    if not rows:
        raise NotFound(_("No such initiative."))
    return rows[0]


def _apply(s: Session, db: Database, initiative: Initiative, data: InitiativeInput) -> None:
    ids = member_ids(s, data.authors)
    missing = [u for u in data.authors if u not in ids]
    if missing:
        raise NotFound(_("No such member."))
    unit = s.scalar(select(OrgUnit.id).where(OrgUnit.uuid == (data.org_unit or db.home_unit_uuid)))
    if unit is None:
        raise NotFound(_("No such unit."))
    initiative.title = data.title
    initiative.year = data.year
    initiative.estimated_benefit = data.estimated_benefit
    initiative.submitted_on = data.submitted_on
    initiative.recognised_on = data.recognised_on
    initiative.recognition_level = data.recognition_level
    initiative.description = data.description
    initiative.org_unit_id = unit
    initiative.activity_id = load_activity(s, data.movement).id if data.movement else None
    s.flush()
    existing = {a.member_id: a for a in s.scalars(select(InitiativeAuthor).where(
        InitiativeAuthor.initiative_id == initiative.id))}
    now = utcnow()
    for order, member_uuid in enumerate(data.authors):
        member_id = ids[member_uuid]
        author = existing.pop(member_id, None)
        if author is None:
            author = InitiativeAuthor(initiative_id=initiative.id, member_id=member_id)
            s.add(author)
        author.deleted_at = None
        author.sort_order = order
        author.share = data.shares.get(member_uuid)
    for gone in existing.values():  # authors taken off the list
        if gone.deleted_at is None:
            gone.deleted_at = now


def create_initiative(db: Database, data: InitiativeInput) -> InitiativeRow:
    require(db, Permission.ACTIVITIES_EDIT)
    data = data.cleaned()
    if problems := validate_initiative(data):
        raise ValidationError(problems)
    with db.transaction() as s:
        initiative = Initiative(title=data.title, year=data.year, org_unit_id=0)
        s.add(initiative)
        _apply(s, db, initiative, data)
        initiative_uuid = initiative.uuid
    return get_initiative(db, initiative_uuid)


def update_initiative(db: Database, initiative_uuid: uuid.UUID,
                      data: InitiativeInput) -> InitiativeRow:
    require(db, Permission.ACTIVITIES_EDIT)
    data = data.cleaned()
    if problems := validate_initiative(data):
        raise ValidationError(problems)
    with db.transaction() as s:
        _apply(s, db, _load(s, initiative_uuid), data)
    return get_initiative(db, initiative_uuid)


def initiative_input(db: Database, initiative_uuid: uuid.UUID) -> InitiativeInput:
    with db.read() as s:
        row = _load(s, initiative_uuid)
        authors = s.execute(
            select(Member.uuid, InitiativeAuthor.share)
            .join(Member, InitiativeAuthor.member_id == Member.id)
            .where(InitiativeAuthor.initiative_id == row.id, InitiativeAuthor.deleted_at.is_(None))
            .order_by(InitiativeAuthor.sort_order, InitiativeAuthor.id)).all()
        unit = s.scalar(select(OrgUnit.uuid).where(OrgUnit.id == row.org_unit_id))
        movement = s.scalar(select(Activity.uuid).where(Activity.id == row.activity_id)) \
            if row.activity_id else None
        return InitiativeInput(
            title=row.title, year=row.year, authors=[a for a, _ in authors],
            shares={a: share for a, share in authors if share is not None},
            estimated_benefit=row.estimated_benefit, submitted_on=row.submitted_on,
            recognised_on=row.recognised_on, recognition_level=row.recognition_level,
            movement=movement, org_unit=unit, description=row.description)


def delete_initiative(db: Database, initiative_uuid: uuid.UUID) -> None:
    require(db, Permission.ACTIVITIES_EDIT)
    with db.transaction() as s:
        _load(s, initiative_uuid).deleted_at = utcnow()


@dataclass(frozen=True)
class MemberInitiativeRow:
    initiative_uuid: uuid.UUID
    year: int
    title: str
    estimated_benefit: int
    share: int | None
    recognition_level: str


def member_initiatives(db: Database, member_uuid: uuid.UUID) -> list[MemberInitiativeRow]:
    """The initiatives a member (co-)authored, newest first."""
    with db.read() as s:
        rows = s.execute(
            select(Initiative.uuid, Initiative.year, Initiative.title,
                   Initiative.estimated_benefit, InitiativeAuthor.share,
                   Initiative.recognition_level)
            .join(InitiativeAuthor, InitiativeAuthor.initiative_id == Initiative.id)
            .join(Member, InitiativeAuthor.member_id == Member.id)
            .where(Member.uuid == member_uuid, InitiativeAuthor.deleted_at.is_(None),
                   Initiative.deleted_at.is_(None))
            .order_by(Initiative.year.desc(), Initiative.id.desc())).all()
    return [MemberInitiativeRow(*r) for r in rows]
