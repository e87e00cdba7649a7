"""Support cases (chăm lo – hỗ trợ): listing them with totals."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from .db import Database
from .members import name_matches
from .models import Member, SupportCase, SupportKind
from .paging import ListQuery


@dataclass(frozen=True)
class CaseRow:
    uuid: uuid.UUID
    occurred_on: date
    member_name: str
    beneficiary_name: str
    relation: str
    kind: str
    amount: int
    status: str
    reason: str


@dataclass(frozen=True)
class CaseQuery:
    text: str = ""
    kind_code: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def _statement(query: CaseQuery) -> Any:
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
        )
        .join(Member, SupportCase.member_id == Member.id)
        .join(SupportKind, SupportCase.kind_id == SupportKind.id)
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
    return stmt


def case_list(db: Database, query: CaseQuery = CaseQuery()) -> ListQuery[CaseRow]:
    """Cases, newest first."""

    def to_row(r: Any) -> CaseRow:
        return CaseRow(*r)

    return ListQuery(
        db, _statement(query), (SupportCase.occurred_on.desc(), SupportCase.id.desc()), to_row
    )


def case_total(db: Database, query: CaseQuery = CaseQuery()) -> int:
    """The total amount (VND) of the cases ``query`` selects."""
    sub = _statement(query).subquery()
    with db.read() as s:
        return int(s.scalar(select(func.coalesce(func.sum(sub.c.amount), 0))) or 0)
