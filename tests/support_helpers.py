"""Shared set-up for the support tests (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import sys
import threading
import time
import uuid
from collections.abc import Callable
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


def _until(condition: Callable[[], bool], timeout: float = 20) -> bool:
    """Wait for ``condition`` (polled), up to ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.01)
    return True


def _someone_waits(db: Database) -> bool:
    """Whether a transaction of ``db`` waits for a lock (PostgreSQL: the writers' advisory
    lock or a row lock)."""
    from tests.postgres.race_worker import someone_waits

    return someone_waits(db.engine)


def _beginning_a_write(thread_id: int) -> bool:
    """Whether the thread is inside SQLite's BEGIN IMMEDIATE right now (unionapp.db's
    ``on_begin``, for a write transaction), which waits while another holds the write lock."""
    frame = sys._current_frames().get(thread_id)
    while frame is not None:
        if frame.f_code.co_name == "on_begin" and frame.f_locals.get("immediate"):
            return True
        frame = frame.f_back
    return False


def race_two_approvals(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Two clerks approve two 1.000.000 đ cases against a fund with 1.500.000 đ, at the same
    moment: the first one's transaction, having read the balance, is held open until the
    second has read it too or is seen waiting to begin (SQLite: inside its BEGIN IMMEDIATE;
    PostgreSQL: waiting for a lock) — no sleep decides the order. Returns what each got
    ("ok" or "overspent"), and checks the fund never went past its budget."""
    budget = fund(db, 1_500_000)
    who = member(db)
    a = create_case(db, case_input(db, who, fund_uuid=budget.uuid))
    b = create_case(db, case_input(db, who, fund_uuid=budget.uuid))
    real = funds_module.committed_amount
    a_read, b_read = threading.Event(), threading.Event()
    held: list[bool] = []

    def b_waits() -> bool:
        if b_read.is_set():
            return True
        if db.is_sqlite:  # inside its BEGIN IMMEDIATE, which waits for a's write lock
            return tb.ident is not None and _beginning_a_write(tb.ident)
        return _someone_waits(db)

    def hooked(s, fund_id):  # type: ignore[no-untyped-def]
        value = real(s, fund_id)
        me = threading.current_thread().name
        if me == "approve-b":
            b_read.set()
        elif not a_read.is_set():
            a_read.set()
            held.append(_until(b_waits))  # the other approval is under way meanwhile
        return value

    monkeypatch.setattr(funds_module, "committed_amount", hooked)
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

    ta = threading.Thread(target=approve, args=("a", a.uuid), name="approve-a")
    tb = threading.Thread(target=approve, args=("b", b.uuid), name="approve-b")
    ta.start()
    assert a_read.wait(20)
    tb.start()
    ta.join(60)
    tb.join(60)
    assert held == [True], "the second approval never overlapped the first"
    assert not errors, errors
    after = fund_balance(db, budget.uuid)
    assert after.committed <= after.budget, after
    return [results["a"], results["b"]]
