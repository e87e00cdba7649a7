"""Support cases: finding them, recording them, and their workflow.

A case goes proposed (đề xuất) → approved (đã duyệt) → paid (đã chi) → closed, or is
rejected (không duyệt) before it is paid; every step is dated (the date on paper), with who
recorded it, and no step is skipped. A kind whose cases need no approval (the branch's
spending rules approve them, e.g. sickness visits) still passes through both first steps: a
new case of it is recorded as proposed and approved at once, the approval noted as given by
the rules, so every case's history reads the same way.

Money: approving commits the amount against the case's fund (see :mod:`.funds`). Once paid,
the amount can change only through a correction, which keeps the old and new amounts, the
reason, who and when.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from ..audit import write_entries
from ..backups import backup_before_bulk_delete
from ..db import Database
from ..errors import Conflict, NeedsConfirmation, NotFound, Problem, UserError, ValidationError
from ..i18n import N_, _
from ..labels import RELATION, SUPPORT_STATUS, label
from ..members import name_matches
from ..models import (
    AuditLog,
    Member,
    MemberRelative,
    OrgUnit,
    SupportBatch,
    SupportCase,
    SupportCaseEvent,
    SupportCorrection,
    SupportFund,
    SupportKind,
    SupportStatus,
    utcnow,
)
from ..org import subtree_select
from ..paging import ListQuery
from ..permissions import Permission, allows, require, role_label
from ..relatives import RelativeInput, add_relative_in, validate_relative
from ..text import clean, format_date, format_vnd
from .funds import FundBusy, charge, committed_amount, load_fund
from .kinds import MAX_AMOUNT, load_kind

T = TypeVar("T")
RETRIES = 3

# --- what callers get back -------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    """One case as lists show it (a frozen value, safe to pass between threads)."""

    uuid: uuid.UUID
    occurred_on: date
    member_name: str
    beneficiary_name: str
    relation: str
    kind: str
    amount: int
    status: str
    reason: str
    member_uuid: uuid.UUID
    group: str
    kind_code: str
    paper_ref: str
    fund: str  # "name (year)", or "" when the case draws on no fund
    batch: str  # the batch's title, or ""
    version: int

    @property
    def beneficiary(self) -> str:
        """Who is helped, as papers write it: the member, or "Name (relation)"."""
        if not self.beneficiary_name:
            return self.member_name
        return f"{self.beneficiary_name} ({self.relation})" if self.relation else \
            self.beneficiary_name


@dataclass(frozen=True)
class EventRow:
    from_status: str | None
    to_status: str
    effective_on: date
    at: datetime
    by_user: str
    note: str
    over_budget: bool
    by_role: str = ""  # the role the user signed in with (from the audit trail), if any

    @property
    def by(self) -> str:
        """``hang.nt (Cán bộ công đoàn)``, or the name alone."""
        return f"{self.by_user} ({role_label(self.by_role)})" if self.by_role else self.by_user


@dataclass(frozen=True)
class CorrectionRow:
    old_amount: int
    new_amount: int
    reason: str
    at: datetime
    by_user: str
    over_budget: bool


@dataclass(frozen=True)
class CaseDetail:
    """Everything the case dialog shows, with the case's history."""

    uuid: uuid.UUID
    version: int
    status: str
    kind_uuid: uuid.UUID
    kind_code: str
    kind_name: str
    needs_approval: bool
    member_uuid: uuid.UUID
    member_name: str
    group: str
    relative_uuid: uuid.UUID | None
    beneficiary_name: str
    relation: str
    occurred_on: date
    amount: int
    reason: str
    paper_ref: str
    fund_uuid: uuid.UUID | None
    fund: str
    batch_uuid: uuid.UUID | None
    batch: str
    events: tuple[EventRow, ...]
    corrections: tuple[CorrectionRow, ...]

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return SupportStatus.NEXT[self.status]

    @property
    def amount_locked(self) -> bool:
        """Paid money changes only through a correction."""
        return self.status in SupportStatus.GIVEN

    @property
    def read_only(self) -> bool:
        return self.status == SupportStatus.REJECTED

    def as_input(self) -> CaseInput:
        return CaseInput(
            kind=self.kind_uuid,
            member=self.member_uuid,
            occurred_on=self.occurred_on,
            amount=self.amount,
            reason=self.reason,
            paper_ref=self.paper_ref,
            fund=self.fund_uuid,
            relative=self.relative_uuid,
            beneficiary_name=self.beneficiary_name,
            relation=self.relation,
        )


@dataclass(frozen=True)
class CaseInput:
    """The editable facts of a case. The beneficiary is the member, or a relative: a
    recorded one (``relative``), one named here (``beneficiary_name`` and ``relation``), or
    a new one to record with the member (``new_relative``)."""

    kind: uuid.UUID | None = None
    member: uuid.UUID | None = None
    occurred_on: date | None = None
    amount: int | None = None
    reason: str = ""
    paper_ref: str = ""
    fund: uuid.UUID | None = None
    relative: uuid.UUID | None = None
    beneficiary_name: str = ""
    relation: str = ""
    new_relative: RelativeInput | None = None

    def cleaned(self) -> CaseInput:
        return replace(
            self,
            reason=clean(self.reason),
            paper_ref=clean(self.paper_ref),
            beneficiary_name=clean(self.beneficiary_name),
            relation=clean(self.relation),
            new_relative=self.new_relative.cleaned() if self.new_relative else None,
        )


@dataclass(frozen=True)
class CaseQuery:
    """Which cases a list shows. Empty means every live case. The period is the case's date;
    the group is the member's group today."""

    text: str = ""
    kind_code: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    group: uuid.UUID | None = None
    fund: uuid.UUID | None = None
    batch: uuid.UUID | None = None
    member: uuid.UUID | None = None
    branch: uuid.UUID | None = None  # a parent union's view: only this unit's subtree


@dataclass(frozen=True)
class CaseTotals:
    count: int
    amount: int
    # status → (count, amount)
    by_status: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def given(self) -> int:
        """The amount handed over (paid or closed)."""
        return sum(self.by_status.get(s, (0, 0))[1] for s in SupportStatus.GIVEN)


# --- finding cases -----------------------------------------------------------------------------

_Group = aliased(OrgUnit)


def _statement(query: CaseQuery) -> Select[Any]:
    fund_label = func.coalesce(
        SupportFund.name + " (" + cast(SupportFund.year, String) + ")", ""
    )
    stmt = (
        select(
            SupportCase.uuid,
            SupportCase.occurred_on,
            Member.full_name,
            SupportCase.beneficiary_name,
            SupportCase.relation,
            SupportKind.name,
            SupportCase.amount,
            SupportCase.status,
            SupportCase.reason,
            Member.uuid,
            _Group.name,
            SupportKind.code,
            SupportCase.paper_ref,
            fund_label,
            func.coalesce(SupportBatch.title, ""),
            SupportCase.version,
        )
        .join(Member, SupportCase.member_id == Member.id)
        .join(_Group, Member.org_unit_id == _Group.id)
        .join(SupportKind, SupportCase.kind_id == SupportKind.id)
        .outerjoin(SupportFund, SupportCase.fund_id == SupportFund.id)
        .outerjoin(SupportBatch, SupportCase.batch_id == SupportBatch.id)
        .where(SupportCase.deleted_at.is_(None))
    )
    if query.text.strip():
        stmt = stmt.where(name_matches(Member.name_folded, query.text))
    if query.kind_code:
        stmt = stmt.where(SupportKind.code == query.kind_code)
    if query.status:
        stmt = stmt.where(SupportCase.status == query.status)
    if query.date_from:
        stmt = stmt.where(SupportCase.occurred_on >= query.date_from)
    if query.date_to:
        stmt = stmt.where(SupportCase.occurred_on <= query.date_to)
    if query.group:
        stmt = stmt.where(_Group.uuid == query.group)
    if query.branch is not None:
        stmt = stmt.where(Member.org_unit_id.in_(subtree_select(query.branch)))
    if query.fund:
        stmt = stmt.where(SupportFund.uuid == query.fund)
    if query.batch:
        stmt = stmt.where(SupportBatch.uuid == query.batch)
    if query.member:
        stmt = stmt.where(Member.uuid == query.member)
    return stmt


def _row(values: Any) -> CaseRow:
    return CaseRow(*values)


def case_list(db: Database, query: CaseQuery = CaseQuery()) -> ListQuery[CaseRow]:
    """Cases, newest first, as a window onto the query."""
    return ListQuery(
        db, _statement(query), (SupportCase.occurred_on.desc(), SupportCase.id.desc()), _row
    )


def case_rows_in_order(db: Database, query: CaseQuery) -> list[CaseRow]:
    """Every case ``query`` selects by group, then name, then date (for printed lists,
    which group leaders take round)."""
    return ListQuery(
        db, _statement(query),
        (_Group.sort_order, _Group.name, Member.sort_key, SupportCase.occurred_on,
         SupportCase.id),
        _row,
    ).all()


def case_totals(db: Database, query: CaseQuery = CaseQuery()) -> CaseTotals:
    """Count and amount (VND) of the cases ``query`` selects, also by status."""
    sub = _statement(query).subquery()
    status, amount = sub.c.status, sub.c.amount
    with db.read() as s:
        rows = s.execute(
            select(status, func.count(), func.coalesce(func.sum(amount), 0)).group_by(status)
        ).all()
    by_status = {r[0]: (int(r[1]), int(r[2])) for r in rows}
    return CaseTotals(
        count=sum(c for c, _a in by_status.values()),
        amount=sum(a for _c, a in by_status.values()),
        by_status=by_status,
    )


def case_total(db: Database, query: CaseQuery = CaseQuery()) -> int:
    """The total amount (VND) of the cases ``query`` selects."""
    return case_totals(db, query).amount


def member_cases(db: Database, member_uuid: uuid.UUID) -> list[CaseRow]:
    """A member's support history (the member's own cases and their relatives'), newest
    first: what a chair looks at before approving another."""
    return case_list(db, CaseQuery(member=member_uuid)).all()


def _load(s: Session, case_uuid: uuid.UUID) -> SupportCase:
    found = s.scalar(select(SupportCase).where(SupportCase.uuid == case_uuid))
    if found is None or found.deleted_at is not None:
        raise NotFound(_("No such support case."))
    return found


IN_CHUNK = 500  # ids per IN (...) list: SQLite allows a few hundred variables at least


def _load_many(s: Session, case_uuids: list[uuid.UUID]) -> list[SupportCase]:
    """The cases, in the order asked, read a chunk at a time (a batch may hold thousands)."""
    found: dict[uuid.UUID, SupportCase] = {}
    for start in range(0, len(case_uuids), IN_CHUNK):
        chunk = case_uuids[start:start + IN_CHUNK]
        found.update((c.uuid, c) for c in s.scalars(
            select(SupportCase).where(SupportCase.uuid.in_(chunk))))
    missing = [u for u in case_uuids if u not in found or found[u].deleted_at is not None]
    if missing:
        raise NotFound(_("No such support case."))
    return [found[u] for u in case_uuids]


def case_detail(db: Database, case_uuid: uuid.UUID) -> CaseDetail:
    with db.read() as s:
        c = _load(s, case_uuid)
        kind = s.get_one(SupportKind, c.kind_id)
        member = s.get_one(Member, c.member_id)
        fund = s.get(SupportFund, c.fund_id) if c.fund_id else None
        batch = s.get(SupportBatch, c.batch_id) if c.batch_id else None
        relative = s.get(MemberRelative, c.relative_id) if c.relative_id else None
        events = s.scalars(
            select(SupportCaseEvent)
            .where(SupportCaseEvent.case_id == c.id, SupportCaseEvent.deleted_at.is_(None))
            .order_by(SupportCaseEvent.id)
        ).all()
        corrections = s.scalars(
            select(SupportCorrection)
            .where(SupportCorrection.case_id == c.id, SupportCorrection.deleted_at.is_(None))
            .order_by(SupportCorrection.id)
        ).all()
        roles = dict(s.execute(
            select(AuditLog.entity_uuid, AuditLog.role)
            .where(AuditLog.entity == SupportCaseEvent.__tablename__,
                   AuditLog.action == "create",
                   AuditLog.entity_uuid.in_([e.uuid for e in events]))).all()) \
            if events else {}
        return CaseDetail(
            uuid=c.uuid,
            version=c.version,
            status=c.status,
            kind_uuid=kind.uuid,
            kind_code=kind.code,
            kind_name=kind.name,
            needs_approval=kind.needs_approval,
            member_uuid=member.uuid,
            member_name=member.full_name,
            group=member.org_unit.name,
            relative_uuid=relative.uuid if relative else None,
            beneficiary_name=c.beneficiary_name,
            relation=c.relation,
            occurred_on=c.occurred_on,
            amount=c.amount,
            reason=c.reason,
            paper_ref=c.paper_ref,
            fund_uuid=fund.uuid if fund else None,
            fund=f"{fund.name} ({fund.year})" if fund else "",
            batch_uuid=batch.uuid if batch else None,
            batch=batch.title if batch else "",
            events=tuple(
                EventRow(e.from_status, e.to_status, e.effective_on, e.at, e.by_user, e.note,
                         e.over_budget, roles.get(e.uuid) or "")
                for e in events
            ),
            corrections=tuple(
                CorrectionRow(k.old_amount, k.new_amount, k.reason, k.at, k.by_user,
                              k.over_budget)
                for k in corrections
            ),
        )


# --- recording cases ---------------------------------------------------------------------------


def retrying(work: Callable[[], T]) -> T:
    """Run one action again on fresh data when a concurrent one got in first (the fund
    changed under us, or the case did): the second attempt sees its effect, and either
    succeeds or fails with the reason a user can read (overspent, already approved…)."""
    for attempt in range(RETRIES):
        try:
            return work()
        except (FundBusy, StaleDataError):
            if attempt == RETRIES - 1:
                raise Conflict(
                    _("Someone else is changing the same support cases. Try again.")
                ) from None
    raise AssertionError("unreachable")


def _user(s: Session) -> str:
    return str(s.info.get("user") or "")


def add_event(
    s: Session,
    c: SupportCase,
    to_status: str,
    on: date,
    *,
    note: str = "",
    over_budget: bool = False,
) -> None:
    """Record one step of ``c`` (the caller has checked it is allowed) and apply it."""
    s.add(
        SupportCaseEvent(
            case=c,
            from_status=c.status or None,
            to_status=to_status,
            at=utcnow(),
            effective_on=on,
            by_user=_user(s),
            note=clean(note)[:500],
            over_budget=over_budget,
        )
    )
    c.status = to_status


def rules_note() -> str:
    return _("Approved by the spending rules (this kind needs no approval).")


def saved_approved_note() -> str:
    return _("Approved when saved, by someone who may approve (the amount was confirmed).")


class UnusualAmount(NeedsConfirmation):
    """The amount is above the kind's usual amount or what is left in the fund: the user
    confirms, and the case's history says so."""

    question = N_("Save it anyway? Your confirmation is written in the case's history.")
    confirm = N_("Save anyway")

    def __init__(self, warnings: list[str]):
        self.warnings = warnings
        super().__init__(" ".join(warnings))


def amount_warnings(s: Session, kind: SupportKind, fund: SupportFund | None, amount: int,
                    *, count: int = 1) -> list[str]:
    """What is unusual about giving ``amount`` (to each of ``count`` people): more than the
    kind's usual amount, or more than what is left in the fund."""
    warnings = []
    if kind.default_amount > 0 and amount > kind.default_amount:
        warnings.append(_("{amount} is more than the usual {usual} for “{kind}”.").format(
            amount=format_vnd(amount), usual=format_vnd(kind.default_amount), kind=kind.name))
    if fund is not None and amount > 0:
        left = fund.budget - committed_amount(s, fund.id)
        if amount * count > left:
            warnings.append(_("{amount} is more than what is left in “{fund}” for {year} "
                              "({left}).").format(amount=format_vnd(amount * count),
                                                  fund=fund.name, year=fund.year,
                                                  left=format_vnd(left)))
    return warnings


def confirmed_note(warnings: list[str]) -> str:
    return _("Confirmed when saved: {warnings}").format(warnings=" ".join(warnings))


def check_step_date(on: date, last: date | None, today: date) -> None:
    if on > today:
        raise UserError(_("The date of a step can't be in the future."))
    if last is not None and on < last:
        raise UserError(
            _("The date is before the case's previous step ({date}).").format(
                date=format_date(last)
            )
        )


@dataclass
class _Resolved:
    kind: SupportKind
    member: Member
    fund: SupportFund | None
    relative: MemberRelative | None


def _resolve(s: Session, data: CaseInput, *, new: bool) -> _Resolved:
    """Check ``data`` and find what it names; every problem at once, in the user's words."""
    problems: list[Problem] = []
    kind = member = fund = relative = None
    if data.kind is None:
        problems.append(Problem(_("Choose the kind of support."), "kind"))
    else:
        kind = load_kind(s, data.kind)
        if new and not kind.active:
            problems.append(Problem(_("This kind of support is no longer used."), "kind"))
    if data.member is None:
        problems.append(Problem(_("Choose the member."), "member"))
    else:
        member = s.scalar(select(Member).where(Member.uuid == data.member))
        if member is None or member.deleted_at is not None:
            raise NotFound(_("No such member."))
    if data.occurred_on is None:
        problems.append(Problem(_("The date is required."), "occurred_on"))
    elif not 2000 <= data.occurred_on.year <= date.today().year + 1:
        problems.append(
            Problem(
                _("The date {date} is not plausible.").format(date=format_date(data.occurred_on)),
                "occurred_on",
            )
        )
    if data.amount is None:
        problems.append(Problem(_("The amount is required."), "amount"))
    elif not 0 <= data.amount <= MAX_AMOUNT:
        problems.append(
            Problem(
                _("The amount must be between 0 and {max}.").format(max=format_vnd(MAX_AMOUNT)),
                "amount",
            )
        )
    if data.fund is not None:
        fund = load_fund(s, data.fund)
    if data.relative is not None:
        relative = s.scalar(select(MemberRelative).where(MemberRelative.uuid == data.relative))
        if relative is None or relative.deleted_at is not None:
            raise NotFound(_("No such relative."))
        if member is not None and relative.member_id != member.id:
            problems.append(
                Problem(_("This relative is not the chosen member's."), "beneficiary_name")
            )
    elif data.new_relative is not None:
        problems += validate_relative(data.new_relative)
    elif data.beneficiary_name and not data.relation:
        problems.append(
            Problem(_("Say how the beneficiary is related to the member."), "relation")
        )
    if problems:
        raise ValidationError(problems)
    assert kind is not None and member is not None
    return _Resolved(kind, member, fund, relative)


def _apply(s: Session, c: SupportCase, data: CaseInput, r: _Resolved) -> None:
    c.kind_id = r.kind.id
    c.member_id = r.member.id
    assert data.occurred_on is not None and data.amount is not None
    c.occurred_on = data.occurred_on
    c.amount = data.amount
    c.reason = data.reason
    c.paper_ref = data.paper_ref
    c.fund_id = r.fund.id if r.fund else None
    relative = r.relative
    if relative is None and data.new_relative is not None:
        relative = add_relative_in(s, r.member, data.new_relative)
        s.flush()
    if relative is not None:
        c.relative_id = relative.id
        c.beneficiary_name = relative.full_name
        c.relation = label(RELATION, relative.relation)
    else:
        c.relative_id = None
        c.beneficiary_name = data.beneficiary_name
        c.relation = data.relation if data.beneficiary_name else ""


def create_case(
    db: Database,
    data: CaseInput,
    *,
    on: date | None = None,
    override: bool = False,
) -> CaseDetail:
    """Record a case, proposed on ``on`` (today by default). A case of a kind that needs no
    approval is approved at once when the person saving it may approve (see the module
    docstring), committing its fund. An amount above the kind's usual amount or above
    what is left in the fund raises :class:`UnusualAmount` (and past the budget
    :class:`FundOverspent`) unless ``override``; the confirmation goes in the history."""
    require(db, Permission.SUPPORT_PROPOSE)
    may_approve = allows(db, Permission.SUPPORT_APPROVE)
    data = data.cleaned()
    today = date.today()
    on = on or today
    check_step_date(on, None, today)

    def work() -> uuid.UUID:
        with db.transaction() as s:
            r = _resolve(s, data, new=True)
            assert data.amount is not None
            approve_now = not r.kind.needs_approval and may_approve
            # Approved now, the fund is charged (and checked) below; proposed, it is warned of.
            warnings = amount_warnings(s, r.kind, None if approve_now else r.fund, data.amount)
            over = False
            if approve_now and r.fund is not None:
                over = charge(s, r.fund.id, data.amount, override=override, also=warnings)
            if warnings and not override:
                raise UnusualAmount(warnings)
            c = SupportCase(status="")
            _apply(s, c, data, r)
            s.add(c)
            add_event(s, c, SupportStatus.PROPOSED, on,
                      note=confirmed_note(warnings) if warnings else "")
            if approve_now:
                add_event(s, c, SupportStatus.APPROVED, on,
                          note=saved_approved_note() if warnings else rules_note(),
                          over_budget=over)
            s.flush()
            return c.uuid

    return case_detail(db, retrying(work))


# Fields of a paid case that no longer change (its amount: only through a correction).
_FROZEN_WHEN_PAID = ("kind_id", "member_id", "occurred_on", "amount", "fund_id",
                     "beneficiary_name", "relation", "relative_id")


def update_case(
    db: Database,
    case_uuid: uuid.UUID,
    data: CaseInput,
    *,
    expected_version: int | None = None,
    override: bool = False,
) -> CaseDetail:
    """Change a case. ``expected_version`` is the version the user saw: a change made
    meanwhile is refused. A paid or closed case keeps its money and beneficiary (its amount
    changes by :func:`correct_amount`); a rejected one is final. Changing an approved
    case's amount or fund re-checks the funds concerned, and needs someone who may approve.
    A new amount above the usual or the fund's balance asks first (:class:`UnusualAmount`,
    ``override``); the confirmation is recorded in the audit trail."""
    require(db, Permission.SUPPORT_PROPOSE)
    may_approve = allows(db, Permission.SUPPORT_APPROVE)
    data = data.cleaned()

    def work() -> uuid.UUID:
        with db.transaction() as s:
            c = _load(s, case_uuid)
            if expected_version is not None and c.version != expected_version:
                raise Conflict(_("Someone else changed this case meanwhile. Look again."))
            if c.status == SupportStatus.REJECTED:
                raise UserError(_("A rejected case can't be changed."))
            r = _resolve(s, data, new=False)
            before = {k: getattr(c, k) for k in _FROZEN_WHEN_PAID}
            old_fund, old_amount = c.fund_id, c.amount
            money_changed = (c.kind_id, c.fund_id, c.amount) != (
                r.kind.id, r.fund.id if r.fund else None, data.amount)
            if money_changed and c.status in SupportStatus.COMMITTED and not may_approve:
                require(db, Permission.SUPPORT_APPROVE)
            warnings: list[str] = []
            if money_changed and c.status not in SupportStatus.GIVEN:
                assert data.amount is not None
                committed = c.status in SupportStatus.COMMITTED  # the fund is charged below
                warnings = amount_warnings(s, r.kind, None if committed else r.fund,
                                           data.amount)
            _apply(s, c, data, r)
            after = {k: getattr(c, k) for k in _FROZEN_WHEN_PAID}
            if c.status in SupportStatus.GIVEN and before != after:
                if before["amount"] != after["amount"]:
                    raise UserError(
                        _("This case has been paid: its amount changes only by a correction, "
                          "with its reason.")
                    )
                raise UserError(
                    _("This case has been paid: only its reason and paper reference can "
                      "still change.")
                )
            if c.status in SupportStatus.COMMITTED and (old_fund, old_amount) != (
                c.fund_id,
                c.amount,
            ):
                deltas: dict[int, int] = defaultdict(int)
                if old_fund is not None:
                    deltas[old_fund] -= old_amount
                if c.fund_id is not None:
                    deltas[c.fund_id] += c.amount
                for fund_id in sorted(deltas):  # always the same order: no deadlocks
                    charge(s, fund_id, deltas[fund_id], override=override, also=warnings)
            if warnings:
                if not override:
                    raise UnusualAmount(warnings)
                write_entries(s, [{"action": "confirmed", "entity": SupportCase.__tablename__,
                                   "entity_uuid": c.uuid,
                                   "summary": confirmed_note(warnings)}])
            s.flush()
            return c.uuid

    return case_detail(db, retrying(work))


def transition_cases(
    db: Database,
    case_uuids: Sequence[uuid.UUID],
    to_status: str,
    *,
    on: date | None = None,
    note: str = "",
    override: bool = False,
    expected_versions: dict[uuid.UUID, int] | None = None,
) -> int:
    """Take each case one step to ``to_status`` on ``on`` (today by default), all in one
    transaction: every case must allow the step, or nothing changes. Approving commits the
    cases' amounts against their funds (:class:`FundOverspent` past a budget unless
    ``override``, which is then logged). Rejecting needs a reason in ``note``."""
    if to_status not in SupportStatus.ALL:
        raise UserError(_("Unknown status: {status}").format(status=to_status))
    require(db, STEP_PERMISSION.get(to_status, Permission.SUPPORT_APPROVE))
    me = db.account.username if db.account is not None else None
    note = clean(note)
    if to_status == SupportStatus.REJECTED and not note:
        raise ValidationError([Problem(_("Give the reason for rejecting."), "note")])
    today = date.today()
    on = on or today
    uuids = list(dict.fromkeys(case_uuids))
    if to_status == SupportStatus.REJECTED:  # rejecting a batch takes it all back
        backup_before_bulk_delete(db, len(uuids))

    def work() -> int:
        with db.transaction() as s:
            cases = _load_many(s, uuids)
            last_steps: dict[int, date] = {}
            for start in range(0, len(cases), IN_CHUNK):  # SQLite caps the variables
                chunk = [c.id for c in cases[start:start + IN_CHUNK]]
                last_steps.update(s.execute(
                    select(SupportCaseEvent.case_id, func.max(SupportCaseEvent.effective_on))
                    .where(SupportCaseEvent.case_id.in_(chunk))
                    .group_by(SupportCaseEvent.case_id)
                ).all())
            for c in cases:
                if expected_versions and expected_versions.get(c.uuid, c.version) != c.version:
                    raise Conflict(_("Someone else changed this case meanwhile. Look again."))
                _check_move(c, to_status)
                check_step_date(on, last_steps.get(c.id), today)
            if me is not None and to_status == SupportStatus.APPROVED:
                _refuse_own_proposals(s, cases, me)
            over_funds: set[int] = set()
            if to_status == SupportStatus.APPROVED:
                per_fund: dict[int, int] = defaultdict(int)
                for c in cases:
                    if c.fund_id is not None:
                        per_fund[c.fund_id] += c.amount
                for fund_id in sorted(per_fund):
                    if charge(s, fund_id, per_fund[fund_id], override=override):
                        over_funds.add(fund_id)
            for c in cases:
                add_event(s, c, to_status, on, note=note, over_budget=c.fund_id in over_funds)
            return len(cases)

    return retrying(work)


def transition_case(
    db: Database,
    case_uuid: uuid.UUID,
    to_status: str,
    *,
    on: date | None = None,
    note: str = "",
    override: bool = False,
    expected_version: int | None = None,
) -> CaseDetail:
    """One case one step on (see :func:`transition_cases`)."""
    transition_cases(db, [case_uuid], to_status, on=on, note=note, override=override,
                     expected_versions=None if expected_version is None
                     else {case_uuid: expected_version})
    return case_detail(db, case_uuid)


# Who takes which step (see unionapp.permissions).
STEP_PERMISSION = {
    SupportStatus.APPROVED: Permission.SUPPORT_APPROVE,
    SupportStatus.REJECTED: Permission.SUPPORT_APPROVE,
    SupportStatus.PAID: Permission.SUPPORT_PAY,
    SupportStatus.CLOSED: Permission.SUPPORT_PAY,
}


def _refuse_own_proposals(s: Session, cases: list[SupportCase], me: str) -> None:
    """Nobody approves a case they proposed (once there are accounts: before that every
    step is recorded under the same name)."""
    own = 0
    for start in range(0, len(cases), IN_CHUNK):
        chunk = [c.id for c in cases[start:start + IN_CHUNK]]
        own += s.scalar(select(func.count()).select_from(SupportCaseEvent).where(
            SupportCaseEvent.case_id.in_(chunk),
            SupportCaseEvent.to_status == SupportStatus.PROPOSED,
            SupportCaseEvent.by_user == me)) or 0
    if own:
        raise UserError(_("You proposed {count} of these cases: someone else who may approve "
                          "must approve them (nobody approves their own proposal).").format(
            count=own) if len(cases) > 1 else _(
            "You proposed this case: someone else who may approve must approve it (nobody "
            "approves their own proposal)."))


def _check_move(c: SupportCase, to_status: str) -> None:
    allowed = SupportStatus.NEXT[c.status]
    if to_status in allowed:
        return
    if not allowed:
        raise UserError(
            _("The case is “{status}”: it can't change any more.").format(
                status=label(SUPPORT_STATUS, c.status)
            )
        )
    raise UserError(
        _("A case that is “{status}” can't become “{target}”; next it can be: {allowed}.").format(
            status=label(SUPPORT_STATUS, c.status),
            target=label(SUPPORT_STATUS, to_status),
            allowed=", ".join(f"“{label(SUPPORT_STATUS, a)}”" for a in allowed),
        )
    )


def correct_amount(
    db: Database,
    case_uuid: uuid.UUID,
    new_amount: int,
    reason: str,
    *,
    override: bool = False,
    expected_version: int | None = None,
) -> CaseDetail:
    """Change the amount of a paid (or closed) case, with its reason: the old and new
    amounts, who and when are kept. A rise re-checks the fund."""
    require(db, Permission.SUPPORT_CORRECT)
    reason = clean(reason)
    problems = []
    if not reason:
        problems.append(Problem(_("Give the reason for the correction."), "reason"))
    if not 0 <= new_amount <= MAX_AMOUNT:
        problems.append(
            Problem(
                _("The amount must be between 0 and {max}.").format(max=format_vnd(MAX_AMOUNT)),
                "amount",
            )
        )
    if problems:
        raise ValidationError(problems)

    def work() -> None:
        with db.transaction() as s:
            c = _load(s, case_uuid)
            if expected_version is not None and c.version != expected_version:
                raise Conflict(_("Someone else changed this case meanwhile. Look again."))
            if c.status not in SupportStatus.GIVEN:
                raise UserError(
                    _("Only a paid case needs a correction; change this one's amount directly.")
                )
            if new_amount == c.amount:
                raise UserError(_("The new amount is the same as the old one."))
            over = False
            if c.fund_id is not None:
                over = charge(s, c.fund_id, new_amount - c.amount, override=override)
            s.add(
                SupportCorrection(
                    case_id=c.id,
                    old_amount=c.amount,
                    new_amount=new_amount,
                    reason=reason[:500],
                    at=utcnow(),
                    by_user=_user(s),
                    over_budget=over,
                )
            )
            c.amount = new_amount

    retrying(work)
    return case_detail(db, case_uuid)


def delete_case(db: Database, case_uuid: uuid.UUID) -> None:
    """Remove a case entered by mistake (a tombstone). Only a proposed case can go; one
    that was approved is rejected instead, so its history stays readable."""
    require(db, Permission.SUPPORT_PROPOSE)
    with db.transaction() as s:
        c = _load(s, case_uuid)
        if c.status != SupportStatus.PROPOSED:
            raise UserError(
                _("Only a case that is still proposed can be deleted; reject it instead.")
            )
        c.deleted_at = utcnow()
