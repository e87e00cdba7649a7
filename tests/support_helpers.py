"""Shared set-up for the support tests (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from unionapp import members
from unionapp.db import Database
from unionapp.members import MemberInput
from unionapp.models import SupportKind, SupportStatus
from unionapp.support import (
    CaseInput,
    FundBalance,
    FundInput,
    FundOverspent,
    create_case,
    fund_balance,
    save_fund,
    transition_case,
)
from unionapp.support import funds as funds_module

YEAR = date.today().year


def kind_uuid(db: Database, code: str) -> uuid.UUID:
    with db.read() as s:
        found = s.scalar(select(SupportKind.uuid).where(SupportKind.code == code))
        assert found is not None
        return found


def member(db: Database, name: str = "Nguyễn Thị Thu Hằng") -> uuid.UUID:
    return members.create_member(db, MemberInput(full_name=name, joined_on=date(2015, 1, 1))).uuid


def fund(db: Database, budget: int, code: str = "QXH") -> FundBalance:
    return save_fund(db, FundInput(code=code, name="Quỹ xã hội", year=YEAR, budget=budget))


def case_input(db: Database, member_uuid: uuid.UUID, *, kind: str = "KHO-KHAN",
               amount: int = 1_000_000, fund_uuid: uuid.UUID | None = None,
               on: date | None = None) -> CaseInput:
    return CaseInput(kind=kind_uuid(db, kind), member=member_uuid,
                     occurred_on=on or date(YEAR, 1, 2), amount=amount,
                     reason="Hoàn cảnh khó khăn đột xuất", fund=fund_uuid)


def race_two_approvals(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Two clerks approve two 1.000.000 đ cases against a fund with 1.500.000 đ, at the same
    moment: the first one's balance read is held open while the second starts. Returns
    what each got ("ok" or "overspent"), and checks the fund never went past its budget."""
    budget = fund(db, 1_500_000)
    who = member(db)
    a = create_case(db, case_input(db, who, fund_uuid=budget.uuid))
    b = create_case(db, case_input(db, who, fund_uuid=budget.uuid))
    real = funds_module.committed_amount
    first = threading.Event()

    def slow(s, fund_id):  # type: ignore[no-untyped-def]
        value = real(s, fund_id)
        if not first.is_set():
            first.set()
            time.sleep(0.5)  # the other approval starts meanwhile
        return value

    monkeypatch.setattr(funds_module, "committed_amount", slow)
    results: dict[str, str] = {}
    errors: list[BaseException] = []

    def approve(name: str, case_uuid: uuid.UUID) -> None:
        try:
            transition_case(db, case_uuid, SupportStatus.APPROVED)
            results[name] = "ok"
        except FundOverspent:
            results[name] = "overspent"
        except BaseException as error:  # pragma: no cover - shown by the assertion below
            errors.append(error)

    ta = threading.Thread(target=approve, args=("a", a.uuid))
    tb = threading.Thread(target=approve, args=("b", b.uuid))
    ta.start()
    assert first.wait(10)
    tb.start()
    ta.join(30)
    tb.join(30)
    assert not errors, errors
    after = fund_balance(db, budget.uuid)
    assert after.committed <= after.budget, after
    return [results["a"], results["b"]]
