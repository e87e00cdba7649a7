"""Funds (quỹ / dự toán): each year's budget that support cases draw on, and its live balance.

The balance is never stored: it is the budget minus the amounts of the fund's cases whose
money is spoken for (approved, paid, closed), summed when asked. Committing money runs
:func:`charge` inside the caller's transaction; it serialises on the fund's row, so two
clerks approving against the same fund at once can't both spend its last đồng.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, case, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..audit import write_entries
from ..db import Database
from ..errors import Conflict, NeedsConfirmation, NotFound, Problem, UserError, ValidationError
from ..i18n import N_, _
from ..models import SupportBatch, SupportCase, SupportFund, SupportStatus, utcnow
from ..permissions import Permission, require
from ..text import clean, format_vnd

MAX_BUDGET = 10**13  # VND: a sanity bound


class FundBusy(Conflict):
    """Another transaction committed money from the same fund between our read and our
    write. Services retry the whole action on fresh figures."""


class FundOverspent(NeedsConfirmation):
    """Committing ``amount`` would take the fund past its budget. The figures are kept so
    the GUI can show them and ask; the caller may then retry with ``override=True``."""

    question = N_("Spend past the budget anyway? The decision is recorded with your name.")
    confirm = N_("Spend past the budget")

    def __init__(self, *, fund: str, year: int, budget: int, committed: int, amount: int,
                 also: Sequence[str] = ()):
        self.also = tuple(also)  # other warnings the same confirmation accepts
        self.fund = fund
        self.year = year
        self.budget = budget
        self.committed = committed
        self.amount = amount
        self.remaining = budget - committed  # before this commitment
        self.shortfall = committed + amount - budget  # how far past the budget it would go
        super().__init__(
            _(
                "“{fund}” for {year} would be overspent: budget {budget}, already committed "
                "{committed}, remaining {remaining}; this needs {amount}, {shortfall} more "
                "than what is left."
            ).format(
                fund=fund,
                year=year,
                budget=format_vnd(budget),
                committed=format_vnd(committed),
                remaining=format_vnd(self.remaining),
                amount=format_vnd(amount),
                shortfall=format_vnd(self.shortfall),
            ) + "".join(" " + text for text in self.also)
        )


@dataclass(frozen=True)
class FundBalance:
    uuid: uuid.UUID
    code: str
    name: str
    year: int
    budget: int
    committed: int  # approved, paid or closed cases
    paid: int  # of which handed over
    pending: int  # proposed cases, not yet counted
    note: str
    version: int

    @property
    def remaining(self) -> int:
        return self.budget - self.committed

    @property
    def label(self) -> str:
        return f"{self.name} ({self.year})"


@dataclass(frozen=True)
class FundInput:
    code: str = ""
    name: str = ""
    year: int = 0
    budget: int = 0
    note: str = ""

    def cleaned(self) -> FundInput:
        return replace(self, code=clean(self.code).upper(), name=clean(self.name),
                       note=clean(self.note))


# --- reading ----------------------------------------------------------------------------------


LIVE_CASE = SupportCase.deleted_at.is_(None)


def _sums(fund_ids: list[int]) -> Select[Any]:
    amount = SupportCase.amount
    stmt = select(
        SupportCase.fund_id,
        func.coalesce(
            func.sum(case((SupportCase.status.in_(SupportStatus.COMMITTED), amount), else_=0)), 0
        ),
        func.coalesce(
            func.sum(case((SupportCase.status.in_(SupportStatus.GIVEN), amount), else_=0)), 0
        ),
        func.coalesce(
            func.sum(case((SupportCase.status == SupportStatus.PROPOSED, amount), else_=0)), 0
        ),
    ).where(SupportCase.fund_id.in_(fund_ids), LIVE_CASE)
    return stmt.group_by(SupportCase.fund_id)


def _balances(s: Session, funds: list[SupportFund]) -> list[FundBalance]:
    sums = {row[0]: row[1:] for row in s.execute(_sums([f.id for f in funds]))}
    out = []
    for f in funds:
        committed, paid, pending = sums.get(f.id, (0, 0, 0))
        out.append(
            FundBalance(f.uuid, f.code, f.name, f.year, f.budget, int(committed), int(paid),
                        int(pending), f.note, f.version)
        )
    return out


def fund_balances(db: Database, year: int | None = None) -> list[FundBalance]:
    """Live funds (of ``year``, or all, newest year first) with their balances."""
    with db.read() as s:
        stmt = select(SupportFund).where(SupportFund.deleted_at.is_(None))
        if year is not None:
            stmt = stmt.where(SupportFund.year == year)
        funds = s.scalars(
            stmt.order_by(SupportFund.year.desc(), SupportFund.sort_order, SupportFund.code)
        ).all()
        return _balances(s, list(funds))


def fund_balance(db: Database, fund_uuid: uuid.UUID) -> FundBalance:
    with db.read() as s:
        return _balances(s, [load_fund(s, fund_uuid)])[0]


def fund_years(db: Database) -> list[int]:
    """The years that have funds or cases, newest first."""
    with db.read() as s:
        years = set(s.scalars(select(SupportFund.year).where(SupportFund.deleted_at.is_(None))))
        first, last = s.execute(
            select(func.min(SupportCase.occurred_on), func.max(SupportCase.occurred_on)).where(
                LIVE_CASE
            )
        ).one()
        if first is not None and last is not None:
            years.update(range(first.year, last.year + 1))
    return sorted(years, reverse=True)


def load_fund(s: Session, fund_uuid: uuid.UUID) -> SupportFund:
    fund = s.scalar(select(SupportFund).where(SupportFund.uuid == fund_uuid))
    if fund is None or fund.deleted_at is not None:
        raise NotFound(_("No such fund."))
    return fund


# --- committing money --------------------------------------------------------------------------


def lock_fund(s: Session, fund_id: int) -> SupportFund:
    """The fund's row, locked for the rest of the transaction (PostgreSQL: SELECT … FOR
    UPDATE; SQLite's writers already hold the database's write lock), re-read so that it
    and every query after it see what concurrent transactions committed before."""
    fund = s.scalar(
        select(SupportFund)
        .where(SupportFund.id == fund_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert fund is not None
    return fund


def committed_amount(s: Session, fund_id: int) -> int:
    """What the fund's approved, paid and closed cases add up to, as stored now."""
    return int(
        s.scalar(
            select(func.coalesce(func.sum(SupportCase.amount), 0)).where(
                SupportCase.fund_id == fund_id,
                SupportCase.status.in_(SupportStatus.COMMITTED),
                LIVE_CASE,
            )
        )
        or 0
    )


def _bump_version(s: Session, fund: SupportFund) -> None:
    """Compare-and-swap the fund's version: if another transaction changed the fund since
    we read it, nothing is updated and the caller's transaction fails with Conflict."""
    result = s.execute(
        update(SupportFund)
        .where(SupportFund.id == fund.id, SupportFund.version == fund.version)
        .values(version=fund.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise FundBusy(
            _("Someone else committed money from “{fund}” at the same moment. Try again.").format(
                fund=fund.name
            )
        )
    set_committed_value(fund, "version", fund.version + 1)


def charge(s: Session, fund_id: int, amount: int, *, override: bool = False,
           also: Sequence[str] = ()) -> bool:
    """Commit ``amount`` more (or, if negative, less) against a fund, inside the caller's
    transaction and before the cases' own changes are flushed.

    Locks the fund first, so the balance read next already counts any approval that a
    concurrent transaction committed; then bumps the fund's version, so that even where rows
    can't be locked two transactions that read the same balance can't both commit. Raises
    :class:`FundOverspent` when the budget would be exceeded, unless ``override``; returns
    whether it was exceeded (the caller records that on the step it logs). ``also``: other
    warnings to show with it (one confirmation accepts them all).
    """
    fund = lock_fund(s, fund_id)
    used = committed_amount(s, fund.id)
    over = amount > 0 and used + amount > fund.budget
    if over and not override:
        raise FundOverspent(
            fund=fund.name, year=fund.year, budget=fund.budget, committed=used, amount=amount,
            also=also,
        )
    _bump_version(s, fund)
    if over:  # the user confirmed spending past the budget: that decision is kept
        write_entries(s, [{
            "action": "over_budget",
            "entity": SupportFund.__tablename__,
            "entity_uuid": fund.uuid,
            "summary": f"{fund.name} {fund.year}: {format_vnd(used)} + {format_vnd(amount)}"
                       f" > {format_vnd(fund.budget)}",
            "after": {"budget": fund.budget, "committed": used, "amount": amount,
                      "shortfall": used + amount - fund.budget},
        }])
    return over


# --- editing funds -----------------------------------------------------------------------------


def _validate(s: Session, data: FundInput, fund_uuid: uuid.UUID | None) -> list[Problem]:
    problems = []
    if not data.code:
        problems.append(Problem(_("The code is required."), "code"))
    if not data.name:
        problems.append(Problem(_("The name is required."), "name"))
    if not 2000 <= data.year <= 2100:
        problems.append(Problem(_("The year is not plausible."), "year"))
    if not 0 <= data.budget <= MAX_BUDGET:
        problems.append(Problem(_("The budget is not plausible."), "budget"))
    other = s.scalar(
        select(SupportFund.uuid).where(
            SupportFund.code == data.code,
            SupportFund.year == data.year,
            SupportFund.deleted_at.is_(None),
        )
    )
    if other is not None and other != fund_uuid:
        problems.append(
            Problem(
                _("The fund {code} already has a budget for {year}.").format(
                    code=data.code, year=data.year
                ),
                "code",
            )
        )
    return problems


def save_fund(
    db: Database,
    data: FundInput,
    fund_uuid: uuid.UUID | None = None,
    *,
    expected_version: int | None = None,
) -> FundBalance:
    """Add a year's fund, or change one (its budget may be revised during the year).
    ``expected_version`` is the version the user saw: a change made meanwhile is refused."""
    require(db, Permission.SUPPORT_FUNDS)
    data = data.cleaned()
    with db.transaction() as s:
        if problems := _validate(s, data, fund_uuid):
            raise ValidationError(problems)
        if fund_uuid is None:
            last = s.scalar(select(func.max(SupportFund.sort_order))) or 0
            fund = SupportFund(sort_order=last + 1)
            s.add(fund)
        else:
            fund = lock_fund(s, load_fund(s, fund_uuid).id)
            if expected_version is not None and fund.version != expected_version:
                raise Conflict(_("Someone else changed this fund meanwhile. Look again."))
        fund.code, fund.name, fund.year = data.code, data.name, data.year
        fund.budget, fund.note = data.budget, data.note
        s.flush()
        return _balances(s, [fund])[0]


def delete_fund(db: Database, fund_uuid: uuid.UUID) -> None:
    """Remove a fund entered by mistake; one that cases draw on can't go."""
    require(db, Permission.SUPPORT_FUNDS)
    with db.transaction() as s:
        fund = load_fund(s, fund_uuid)
        used = s.scalar(
            select(func.count(SupportCase.id)).where(SupportCase.fund_id == fund.id,
                                                     LIVE_CASE)
        )
        used = (used or 0) + (
            s.scalar(
                select(func.count(SupportBatch.id)).where(
                    SupportBatch.fund_id == fund.id, SupportBatch.deleted_at.is_(None)
                )
            )
            or 0
        )
        if used:
            raise UserError(
                _("“{fund}” can't be removed: support cases draw on it.").format(fund=fund.name)
            )
        fund.deleted_at = utcnow()


def copy_funds(db: Database, from_year: int, to_year: int) -> int:
    """Start a year with last year's funds and budgets (those not set up yet). Returns how
    many were added."""
    require(db, Permission.SUPPORT_FUNDS)
    with db.transaction() as s:
        live = SupportFund.deleted_at.is_(None)
        have = set(s.scalars(select(SupportFund.code).where(SupportFund.year == to_year, live)))
        added = 0
        for old in s.scalars(
            select(SupportFund)
            .where(SupportFund.year == from_year, live)
            .order_by(SupportFund.sort_order)
        ):
            if old.code in have:
                continue
            s.add(SupportFund(code=old.code, name=old.name, year=to_year, budget=old.budget,
                              note="", sort_order=old.sort_order))
            added += 1
        return added

