"""Batches (the same support for many members at once) and the year's summary."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.support_helpers import YEAR, case_input, fund, kind_uuid, member
from unionapp import org
from unionapp.db import Database
from unionapp.errors import NotFound, ValidationError
from unionapp.members import MemberInput, create_member, record_movement
from unionapp.models import (
    AuditLog,
    Gender,
    MovementKind,
    Relation,
    SupportBatch,
    SupportCase,
    SupportCaseEvent,
    SupportStatus,
)
from unionapp.progress import Cancelled, Progress
from unionapp.relatives import RelativeInput, add_relative
from unionapp.support import (
    CaseQuery,
    FundOverspent,
    batches,
    case_list,
    create_case,
    fund_balance,
    transition_case,
)
from unionapp.support.batches import (
    BatchCandidate,
    BatchInput,
    BatchSelection,
    batch_candidates,
    batch_list,
    create_batch,
)
from unionapp.support.summary import support_summary

TET = date(YEAR, 1, 20)


def _counts(db: Database) -> tuple[int, int, int]:
    with db.read() as s:
        return (s.scalar(select(func.count(SupportBatch.id))) or 0,
                s.scalar(select(func.count(SupportCase.id))) or 0,
                s.scalar(select(func.count(SupportCaseEvent.id))) or 0)


@pytest.fixture
def office(db: Database) -> dict[str, uuid.UUID]:
    """Two groups; a mother of a 3-year-old, a father of a 7-year-old, a retired member."""
    t1 = org.add_group(db, code="T1", name="Tổ công đoàn Văn phòng").uuid
    t2 = org.add_group(db, code="T2", name="Tổ công đoàn Kế toán").uuid
    people = {}
    for key, name, group, gender in (("ha", "Đặng Thu Hà", t1, Gender.FEMALE),
                                     ("nam", "Phạm Văn Nam", t1, Gender.MALE),
                                     ("lan", "Lê Thị Lan", t2, Gender.FEMALE),
                                     ("tu", "Ngô Văn Tư", t2, Gender.MALE)):
        people[key] = create_member(db, MemberInput(full_name=name, org_unit=group,
                                                    gender=gender,
                                                    joined_on=date(2010, 1, 1))).uuid
    add_relative(db, people["ha"], RelativeInput(full_name="Nguyễn Minh An",
                                                 relation=Relation.CHILD,
                                                 date_of_birth=date(YEAR - 3, 4, 1)))
    add_relative(db, people["nam"], RelativeInput(full_name="Phạm Minh Khôi",
                                                  relation=Relation.CHILD,
                                                  date_of_birth=date(YEAR - 7, 4, 1)))
    add_relative(db, people["lan"], RelativeInput(full_name="Lê Văn Cả",
                                                  relation=Relation.FATHER, birth_year=1950))
    record_movement(db, people["tu"], MovementKind.RETIREMENT, date(YEAR - 1, 6, 1))
    return {"t1": t1, "t2": t2, **people}


def _names(rows: list[BatchCandidate]) -> list[str]:
    return [r.full_name for r in rows]


def test_candidates_by_group_gender_and_young_children(db: Database,
                                                       office: dict[str, uuid.UUID]) -> None:
    on = date(YEAR, 6, 1)
    assert _names(batch_candidates(db, BatchSelection(on=on))) == [
        "Đặng Thu Hà", "Lê Thị Lan", "Phạm Văn Nam"]  # active members, Vietnamese order
    assert _names(batch_candidates(db, BatchSelection(group=office["t1"], on=on))) == [
        "Đặng Thu Hà", "Phạm Văn Nam"]
    assert _names(batch_candidates(db, BatchSelection(gender=Gender.FEMALE, on=on))) == [
        "Đặng Thu Hà", "Lê Thị Lan"]
    [mother] = batch_candidates(db, BatchSelection(child_under=6, on=on))
    assert mother.full_name == "Đặng Thu Hà"
    assert mother.children == (f"Nguyễn Minh An ({YEAR - 3})",)
    assert len(batch_candidates(db, BatchSelection(child_under=8, on=on))) == 2
    everyone = batch_candidates(db, BatchSelection(statuses=(), on=on))
    assert "Ngô Văn Tư" in _names(everyone)


def test_a_batch_is_written_in_one_transaction(db: Database,
                                               office: dict[str, uuid.UUID]) -> None:
    budget = fund(db, 10_000_000, code="KPCD")
    chosen = [c.member_uuid for c in batch_candidates(db, BatchSelection(on=TET))]
    result = create_batch(db, BatchInput(title=f"Quà Tết Nguyên đán {YEAR}",
                                         kind=kind_uuid(db, "TET"), fund=budget.uuid,
                                         occurred_on=TET, amount=500_000),
                          chosen, on=TET)
    assert (result.count, result.total, result.status) == (3, 1_500_000, SupportStatus.APPROVED)
    rows = case_list(db, CaseQuery(batch=result.uuid)).all()
    assert len(rows) == 3 and {r.batch for r in rows} == {f"Quà Tết Nguyên đán {YEAR}"}
    assert {r.status for r in rows} == {SupportStatus.APPROVED}
    assert fund_balance(db, budget.uuid).committed == 1_500_000
    with db.read() as s:
        steps = s.execute(select(SupportCaseEvent.from_status, SupportCaseEvent.to_status,
                                 SupportCaseEvent.effective_on, SupportCaseEvent.by_user)).all()
        assert sorted(set(steps), key=str) == sorted(
            {(None, "proposed", TET, "tester"), ("proposed", "approved", TET, "tester")}, key=str)
        assert len(steps) == 6
        log = s.scalar(select(AuditLog).where(AuditLog.action == "batch"))
        assert log is not None and log.after is not None and log.after["count"] == 3
    # Already given this year: flagged, so nobody gets Tết gifts twice.
    again = batch_candidates(db, BatchSelection(on=TET), kind=kind_uuid(db, "TET"))
    assert all(c.already for c in again)
    [listed] = batch_list(db, YEAR)
    assert (listed.count, listed.total) == (3, 1_500_000)


def test_a_batch_of_a_kind_needing_approval_is_proposed(db: Database,
                                                        office: dict[str, uuid.UUID]) -> None:
    chosen = [office["ha"], office["lan"]]
    result = create_batch(db, BatchInput(title="Hỗ trợ sau bão", kind=kind_uuid(db, "THIEN-TAI"),
                                         occurred_on=date(YEAR, 9, 8), amount=2_000_000), chosen)
    assert result.status == SupportStatus.PROPOSED


def test_a_failed_batch_leaves_nothing(db: Database, office: dict[str, uuid.UUID],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    before = _counts(db)
    data = BatchInput(title="Quà Tết", kind=kind_uuid(db, "TET"), occurred_on=TET,
                      amount=500_000)
    with pytest.raises(NotFound):  # one chosen member is unknown
        create_batch(db, data, [office["ha"], uuid.uuid4()], on=TET)
    assert _counts(db) == before
    small = fund(db, 1_000_000, code="KPCD")
    with pytest.raises(FundOverspent):
        create_batch(db, replace(data, fund=small.uuid),
                     [office["ha"], office["nam"], office["lan"]], on=TET)
    assert _counts(db) == before

    calls = []

    def stop_half_way(done: int, total: int, message: str) -> None:
        calls.append(done)
        if done:
            raise Cancelled()

    many = [office["ha"], office["nam"], office["lan"]]
    monkeypatch.setattr(batches, "CHUNK", 1)  # report after every case
    with pytest.raises(Cancelled):
        create_batch(db, data, many, on=TET, progress=Progress(report=stop_half_way))
    assert calls and _counts(db) == before
    with pytest.raises(ValidationError):
        create_batch(db, data, [], on=TET)


def test_the_summary_counts_help_given(db: Database, office: dict[str, uuid.UUID]) -> None:
    given = [office["ha"], office["nam"]]
    result = create_batch(db, BatchInput(title="Quà Tết", kind=kind_uuid(db, "TET"),
                                         occurred_on=TET, amount=500_000), given, on=TET)
    for row in case_list(db, CaseQuery(batch=result.uuid)).all():
        transition_case(db, row.uuid, SupportStatus.PAID, on=TET)
    sick = create_case(db, case_input(db, office["ha"], kind="OM-DAU", amount=700_000,
                                      on=date(YEAR, 3, 3)), override=True)
    transition_case(db, sick.uuid, SupportStatus.PAID)
    transition_case(db, sick.uuid, SupportStatus.CLOSED)
    create_case(db, case_input(db, office["lan"], amount=1_000_000, on=date(YEAR, 4, 4)))
    refused = create_case(db, case_input(db, office["lan"], on=date(YEAR, 4, 5)))
    transition_case(db, refused.uuid, SupportStatus.REJECTED, note="trùng")
    create_case(db, case_input(db, member(db, "Vũ Văn Xa"), kind="OM-DAU",
                               on=date(YEAR - 1, 12, 31)), override=True)  # last year

    summary = support_summary(db, YEAR).as_json()
    assert summary["year"] == YEAR
    assert summary["total"] == {"count": 3, "amount": 1_700_000}
    assert summary["members_helped"] == 2
    kinds = {k["code"]: k for k in summary["by_kind"]}
    assert kinds["TET"]["count"] == 2 and kinds["TET"]["amount"] == 1_000_000
    assert kinds["OM-DAU"] == {"code": "OM-DAU", "name": "Thăm hỏi ốm đau", "count": 1,
                               "amount": 700_000}
    assert kinds["MAI-AM"]["count"] == 0  # every kind of the catalogue is listed
    statuses = {s["status"]: (s["count"], s["amount"]) for s in summary["by_status"]}
    assert statuses == {"proposed": (1, 1_000_000), "approved": (0, 0), "paid": (2, 1_000_000),
                        "closed": (1, 700_000), "rejected": (1, 1_000_000)}
    cross = {(c["code"], c["status"]): c["count"] for c in summary["by_kind_status"]}
    assert cross == {("TET", "paid"): 2, ("OM-DAU", "closed"): 1, ("KHO-KHAN", "proposed"): 1,
                     ("KHO-KHAN", "rejected"): 1}


@pytest.mark.parametrize("today", [date(2026, 1, 1), date(2026, 1, 21), date(2026, 5, 29),
                                   date(2026, 12, 31)])
def test_the_demo_holds_on_any_day(tmp_path: Path, today: date) -> None:
    """The demo's dates follow the day it is made: no step may land in the future."""
    from unionapp.db import open_database
    from unionapp.demo import fill_demo

    with open_database(tmp_path / "demo.db", create=True, user="tester") as db:
        fill_demo(db, members=40, today=today)
        rows = case_list(db, CaseQuery()).all()
        assert rows and max(r.occurred_on for r in rows) <= today
        with db.read() as s:
            assert s.scalar(select(func.max(SupportCaseEvent.effective_on))) <= today

