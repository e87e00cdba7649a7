"""Batches: the same support for many members at once (Tết gifts for everyone in a group,
for every member with a child under 6…), written in one transaction: all of it or nothing.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from ..bulk import audit_summary, insert_records
from ..db import Database
from ..errors import NotFound, Problem, ValidationError
from ..i18n import _
from ..models import (
    Member,
    MemberRelative,
    MemberStatus,
    OrgUnit,
    Relation,
    SupportBatch,
    SupportCase,
    SupportCaseEvent,
    SupportKind,
    SupportStatus,
    utcnow,
)
from ..permissions import Permission, allows, require
from ..progress import NO_PROGRESS, Progress
from ..text import clean, format_vnd
from .cases import (
    UnusualAmount,
    amount_warnings,
    check_step_date,
    confirmed_note,
    retrying,
    rules_note,
    saved_approved_note,
)
from .funds import charge, load_fund
from .kinds import MAX_AMOUNT, load_kind

CHUNK = 500


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class BatchSelection:
    """Whom a batch is for: members of a group (or all), of a gender, with a child younger
    than ``child_under`` years on ``on``; by default only active members."""

    group: uuid.UUID | None = None
    gender: str | None = None
    child_under: int | None = None
    on: date | None = None
    statuses: tuple[str, ...] = (MemberStatus.ACTIVE,)


@dataclass(frozen=True)
class BatchCandidate:
    member_uuid: uuid.UUID
    full_name: str
    group: str
    date_of_birth: date | None
    birth_year: int | None
    gender: str | None
    children: tuple[str, ...]  # the young children who qualify, "Name (year of birth)"
    already: bool  # already has a live case of this kind this year


def _young_child(on: date, under: int) -> ColumnElement[bool]:
    earliest = _years_before(on, under)  # born after this day: not yet ``under`` years old
    return and_(
        MemberRelative.relation == Relation.CHILD,
        MemberRelative.deleted_at.is_(None),
        or_(
            MemberRelative.date_of_birth > earliest,
            and_(
                MemberRelative.date_of_birth.is_(None),
                MemberRelative.birth_year > on.year - under,
            ),
        ),
    )


def batch_candidates(
    db: Database,
    selection: BatchSelection,
    *,
    kind: uuid.UUID | None = None,
    year: int | None = None,
) -> list[BatchCandidate]:
    """The members ``selection`` picks, in Vietnamese name order, each flagged when it
    already had a case of ``kind`` in ``year`` (so Tết gifts aren't given twice)."""
    on = selection.on or date.today()
    stmt = (
        select(Member.id, Member.uuid, Member.full_name, OrgUnit.name, Member.date_of_birth,
               Member.birth_year, Member.gender)
        .join(OrgUnit, Member.org_unit_id == OrgUnit.id)
        .where(Member.deleted_at.is_(None))
    )
    if selection.statuses:
        stmt = stmt.where(Member.status.in_(selection.statuses))
    if selection.group is not None:
        stmt = stmt.where(OrgUnit.uuid == selection.group)
    if selection.gender:
        stmt = stmt.where(Member.gender == selection.gender)
    if selection.child_under is not None:
        stmt = stmt.where(
            exists().where(
                MemberRelative.member_id == Member.id,
                _young_child(on, selection.child_under),
            )
        )
    with db.read() as s:
        rows = s.execute(stmt.order_by(Member.sort_key, Member.id)).all()
        ids = [r[0] for r in rows]
        children: dict[int, list[str]] = defaultdict(list)
        if selection.child_under is not None and ids:
            for start in range(0, len(ids), CHUNK):
                for member_id, name, born, year_born in s.execute(
                    select(MemberRelative.member_id, MemberRelative.full_name,
                           MemberRelative.date_of_birth, MemberRelative.birth_year)
                    .where(MemberRelative.member_id.in_(ids[start:start + CHUNK]),
                           _young_child(on, selection.child_under))
                    .order_by(MemberRelative.birth_year)
                ):
                    children[member_id].append(f"{name} ({born.year if born else year_born})")
        already: set[int] = set()
        if kind is not None and ids:
            year = year or on.year
            kind_id = load_kind(s, kind).id
            for start in range(0, len(ids), CHUNK):
                already.update(
                    s.scalars(
                        select(SupportCase.member_id).where(
                            SupportCase.member_id.in_(ids[start:start + CHUNK]),
                            SupportCase.kind_id == kind_id,
                            SupportCase.status != SupportStatus.REJECTED,
                            SupportCase.deleted_at.is_(None),
                            SupportCase.occurred_on >= date(year, 1, 1),
                            SupportCase.occurred_on <= date(year, 12, 31),
                        )
                    )
                )
    return [
        BatchCandidate(r[1], r[2], r[3], r[4], r[5], r[6], tuple(children.get(r[0], ())),
                       r[0] in already)
        for r in rows
    ]


@dataclass(frozen=True)
class BatchInput:
    title: str = ""
    kind: uuid.UUID | None = None
    fund: uuid.UUID | None = None
    occurred_on: date | None = None
    amount: int | None = None  # per person
    reason: str = ""
    paper_ref: str = ""
    criteria: str = ""

    def cleaned(self) -> BatchInput:
        return replace(self, title=clean(self.title), reason=clean(self.reason),
                       paper_ref=clean(self.paper_ref), criteria=clean(self.criteria))


@dataclass(frozen=True)
class BatchResult:
    uuid: uuid.UUID
    title: str
    count: int
    total: int
    status: str  # the status its cases start in
    over_budget: bool


def _validate(data: BatchInput, members: Sequence[uuid.UUID]) -> None:
    problems = []
    if not data.title:
        problems.append(Problem(_("The title is required."), "title"))
    if data.kind is None:
        problems.append(Problem(_("Choose the kind of support."), "kind"))
    if data.occurred_on is None:
        problems.append(Problem(_("The date is required."), "occurred_on"))
    if data.amount is None or not 0 <= data.amount <= MAX_AMOUNT:
        problems.append(
            Problem(
                _("The amount must be between 0 and {max}.").format(max=format_vnd(MAX_AMOUNT)),
                "amount",
            )
        )
    if not members:
        problems.append(Problem(_("Choose at least one member."), "members"))
    if problems:
        raise ValidationError(problems)


def create_batch(
    db: Database,
    data: BatchInput,
    members: Sequence[uuid.UUID],
    *,
    on: date | None = None,
    override: bool = False,
    progress: Progress = NO_PROGRESS,
) -> BatchResult:
    """One case for each of ``members``, all in one transaction: if anything fails (an
    unknown member, the fund overspent, the user cancels) nothing is written. Cases of a
    kind that needs no approval start approved when the person recording them may approve
    (see :mod:`.cases`). An amount above the kind's usual amount or what is left in the
    fund raises :class:`.cases.UnusualAmount` unless ``override``."""
    require(db, Permission.SUPPORT_PROPOSE)
    may_approve = allows(db, Permission.SUPPORT_APPROVE)
    data = data.cleaned()
    members = list(dict.fromkeys(members))
    _validate(data, members)
    assert data.kind is not None and data.occurred_on is not None and data.amount is not None
    on = on or date.today()
    check_step_date(on, None, date.today())
    home = db.home_unit_uuid
    assert home is not None

    def work() -> BatchResult:
        total_steps = 2 * len(members)
        with db.transaction() as s:
            kind = load_kind(s, data.kind)  # type: ignore[arg-type]
            fund = load_fund(s, data.fund) if data.fund else None
            ids: dict[uuid.UUID, int] = {}
            for start in range(0, len(members), CHUNK):
                part = members[start:start + CHUNK]
                ids.update(
                    (u, i)
                    for u, i in s.execute(
                        select(Member.uuid, Member.id).where(
                            Member.uuid.in_(part), Member.deleted_at.is_(None)
                        )
                    )
                )
            missing = len(members) - len(ids)
            if missing:
                raise NotFound(
                    _("{count} of the chosen members no longer exist.").format(count=missing)
                )
            total = data.amount * len(members)  # type: ignore[operator]
            approved = not kind.needs_approval and may_approve
            # Approved now, the fund is charged (and checked) below; proposed, it is warned of.
            warnings = amount_warnings(s, kind, None if approved else fund,
                                       data.amount, count=len(members))  # type: ignore[arg-type]
            over = False
            if approved and fund is not None:
                over = charge(s, fund.id, total, override=override, also=warnings)
            if warnings and not override:
                raise UnusualAmount(warnings)
            batch = SupportBatch(
                title=data.title, kind_id=kind.id, fund_id=fund.id if fund else None,
                occurred_on=data.occurred_on, amount=data.amount, reason=data.reason,
                paper_ref=data.paper_ref, criteria=data.criteria,
            )
            s.add(batch)
            s.flush()
            status = SupportStatus.APPROVED if approved else SupportStatus.PROPOSED
            case_ids: list[int] = []
            done = 0
            for start in range(0, len(members), CHUNK):
                progress(done, total_steps, _("Recording the cases…"))
                case_ids += insert_records(
                    s,
                    SupportCase,
                    [
                        {
                            "kind_id": kind.id,
                            "member_id": ids[m],
                            "beneficiary_name": "",
                            "relation": "",
                            "occurred_on": data.occurred_on,
                            "amount": data.amount,
                            "reason": data.reason,
                            "paper_ref": data.paper_ref,
                            "status": status,
                            "fund_id": fund.id if fund else None,
                            "batch_id": batch.id,
                            "relative_id": None,
                        }
                        for m in members[start:start + CHUNK]
                    ],
                    owner=home,
                )
                done += len(members[start:start + CHUNK])
            now, user = utcnow(), str(s.info.get("user") or db.user)
            steps = [(None, SupportStatus.PROPOSED,
                      confirmed_note(warnings)[:500] if warnings else "", False)]
            if approved:
                steps.append((SupportStatus.PROPOSED, SupportStatus.APPROVED,
                              saved_approved_note() if warnings else rules_note(), over))
            for before, after, note, flagged in steps:
                for start in range(0, len(case_ids), CHUNK):
                    progress(done, total_steps, _("Recording the cases…"))
                    insert_records(
                        s,
                        SupportCaseEvent,
                        [
                            {
                                "case_id": case_id,
                                "from_status": before,
                                "to_status": after,
                                "at": now,
                                "by_user": user,
                                "note": note,
                                "effective_on": on,
                                "over_budget": flagged,
                            }
                            for case_id in case_ids[start:start + CHUNK]
                        ],
                        owner=home,
                    )
                    done += len(case_ids[start:start + CHUNK]) // len(steps)
            progress(done, total_steps, _("Recording the cases…"))
            audit_summary(
                s,
                user=user,
                action="batch",
                entity=SupportCase.__tablename__,
                summary=f"{data.title}: {len(members)} × {format_vnd(data.amount)}",
                details={"batch": str(batch.uuid), "count": len(members),
                         "amount": data.amount, "total": total, "status": status,
                         "over_budget": over},
            )
            return BatchResult(batch.uuid, batch.title, len(members), total, status, over)

    return retrying(work)


@dataclass(frozen=True)
class BatchRow:
    uuid: uuid.UUID
    title: str
    kind: str
    occurred_on: date
    amount: int
    count: int
    total: int
    criteria: str


def batch_list(db: Database, year: int | None = None) -> list[BatchRow]:
    """Batches (of ``year``), newest first, with how many live cases they hold."""
    live = and_(SupportCase.deleted_at.is_(None), SupportCase.status != SupportStatus.REJECTED)
    stmt = (
        select(SupportBatch.uuid, SupportBatch.title, SupportKind.name, SupportBatch.occurred_on,
               SupportBatch.amount, func.count(SupportCase.id),
               func.coalesce(func.sum(SupportCase.amount), 0), SupportBatch.criteria)
        .join(SupportKind, SupportBatch.kind_id == SupportKind.id)
        .outerjoin(SupportCase, and_(SupportCase.batch_id == SupportBatch.id, live))
        .where(SupportBatch.deleted_at.is_(None))
        .group_by(SupportBatch.id, SupportKind.name)
        .order_by(SupportBatch.occurred_on.desc(), SupportBatch.id.desc())
    )
    if year is not None:
        stmt = stmt.where(SupportBatch.occurred_on >= date(year, 1, 1),
                          SupportBatch.occurred_on <= date(year, 12, 31))
    with db.read() as s:
        return [BatchRow(r[0], r[1], r[2], r[3], r[4], int(r[5]), int(r[6]), r[7])
                for r in s.execute(stmt)]
