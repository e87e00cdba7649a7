"""The year's figures a branch reports upward: "thăm hỏi, trợ cấp N người với số tiền X
đồng", by kind and by status.

What counts: a case belongs to the year of its date. The help given (``by_kind``,
``total``, ``members_helped``) counts the cases whose money was handed over — paid or
closed; ``by_status`` and ``by_kind_status`` count every case of the year, whatever its
status, so pending and rejected ones are visible too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from ..db import Database
from ..models import SupportCase, SupportKind, SupportStatus
from .funds import FundBalance, fund_balances


@dataclass(frozen=True)
class Figure:
    count: int
    amount: int

    def as_json(self) -> dict[str, int]:
        return {"count": self.count, "amount": self.amount}


@dataclass(frozen=True)
class KindFigure:
    code: str
    name: str
    figure: Figure


@dataclass(frozen=True)
class SupportSummary:
    year: int
    by_kind: tuple[KindFigure, ...]  # help given (paid or closed), every kind of the catalogue
    by_status: tuple[tuple[str, Figure], ...]  # every case of the year, every status
    by_kind_status: tuple[tuple[str, str, Figure], ...]  # (kind code, status): non-empty ones
    members_helped: int  # distinct members whose case was paid or closed
    total: Figure  # help given
    funds: tuple[FundBalance, ...]

    def as_json(self) -> dict[str, Any]:
        """The command line's JSON (a contract: keys are kept)."""
        return {
            "year": self.year,
            "counted_statuses": list(SupportStatus.GIVEN),
            "by_kind": [
                {"code": k.code, "name": k.name, **k.figure.as_json()} for k in self.by_kind
            ],
            "by_status": [{"status": st, **f.as_json()} for st, f in self.by_status],
            "by_kind_status": [
                {"code": code, "status": st, **f.as_json()} for code, st, f in self.by_kind_status
            ],
            "members_helped": self.members_helped,
            "total": self.total.as_json(),
            "funds": [
                {"code": f.code, "name": f.name, "budget": f.budget, "committed": f.committed,
                 "paid": f.paid, "remaining": f.remaining}
                for f in self.funds
            ],
        }


def support_summary(db: Database, year: int) -> SupportSummary:
    in_year = (
        SupportCase.deleted_at.is_(None),
        SupportCase.occurred_on >= date(year, 1, 1),
        SupportCase.occurred_on <= date(year, 12, 31),
    )
    given = SupportCase.status.in_(SupportStatus.GIVEN)
    amount = func.coalesce(func.sum(SupportCase.amount), 0)
    with db.read() as s:
        kinds = s.execute(
            select(SupportKind.id, SupportKind.code, SupportKind.name, SupportKind.active)
            .where(SupportKind.deleted_at.is_(None))
            .order_by(SupportKind.sort_order, SupportKind.id)
        ).all()
        cross = {
            (kind_id, status): Figure(int(n), int(a))
            for kind_id, status, n, a in s.execute(
                select(SupportCase.kind_id, SupportCase.status, func.count(), amount)
                .where(*in_year)
                .group_by(SupportCase.kind_id, SupportCase.status)
            )
        }
        helped = s.scalar(
            select(func.count(SupportCase.member_id.distinct())).where(*in_year, given)
        )
    codes = {k.id: k.code for k in kinds}

    def add(figures: list[Figure]) -> Figure:
        return Figure(sum(f.count for f in figures), sum(f.amount for f in figures))

    by_kind = []
    for k in kinds:
        figure = add([f for (kid, st), f in cross.items() if kid == k.id and st in
                      SupportStatus.GIVEN])
        if k.active or figure.count:  # a retired kind shows only where it was used
            by_kind.append(KindFigure(k.code, k.name, figure))
    by_status = tuple(
        (st, add([f for (_kid, s2), f in cross.items() if s2 == st])) for st in SupportStatus.ALL
    )
    by_kind_status = tuple(
        (codes.get(kid, "?"), st, cross[(kid, st)])
        for kid in codes
        for st in SupportStatus.ALL
        if (kid, st) in cross
    )
    return SupportSummary(
        year=year,
        by_kind=tuple(by_kind),
        by_status=by_status,
        by_kind_status=by_kind_status,
        members_helped=int(helped or 0),
        total=add([f for (_kid, st), f in cross.items() if st in SupportStatus.GIVEN]),
        funds=tuple(fund_balances(db, year)),
    )
