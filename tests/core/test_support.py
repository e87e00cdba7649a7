"""Support cases: the workflow, funds, corrections, filters and totals, the member's view."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.support_helpers import YEAR, case_input, fund, kind_uuid, member, race_two_approvals
from unionapp import org
from unionapp.db import Database
from unionapp.errors import Conflict, NotFound, UserError, ValidationError
from unionapp.members import MemberInput, create_member
from unionapp.models import (
    AuditLog,
    MemberRelative,
    Relation,
    SupportCase,
    SupportCorrection,
    SupportStatus,
)
from unionapp.relatives import RelativeInput, add_relative, relatives_of
from unionapp.support import (
    CaseDetail,
    CaseQuery,
    FundInput,
    FundOverspent,
    KindInput,
    case_detail,
    case_list,
    case_totals,
    copy_funds,
    correct_amount,
    create_case,
    delete_case,
    delete_fund,
    fund_balance,
    kind_list,
    member_cases,
    save_fund,
    save_kind,
    transition_case,
    transition_cases,
    update_case,
)

P, A, PD, C, R = (SupportStatus.PROPOSED, SupportStatus.APPROVED, SupportStatus.PAID,
                  SupportStatus.CLOSED, SupportStatus.REJECTED)


# --- the workflow ---------------------------------------------------------------------------


def test_a_case_needing_approval_starts_proposed_and_goes_step_by_step(db: Database) -> None:
    who = member(db)
    today = date.today()
    case = create_case(db, case_input(db, who), on=today - timedelta(days=3))
    assert case.status == P and case.next_statuses == (A, R)
    case = transition_case(db, case.uuid, A, on=today - timedelta(days=2))
    case = transition_case(db, case.uuid, PD, on=today - timedelta(days=1), note="Phiếu chi 12")
    case = transition_case(db, case.uuid, C)
    steps = [(e.from_status, e.to_status) for e in case.events]
    assert steps == [(None, P), (P, A), (A, PD), (PD, C)]
    assert [e.effective_on for e in case.events][1:] == [
        today - timedelta(days=2), today - timedelta(days=1), today]
    assert {e.by_user for e in case.events} == {"tester"}
    assert case.events[2].note == "Phiếu chi 12"


def test_no_state_is_skipped(db: Database) -> None:
    case = create_case(db, case_input(db, member(db)))
    with pytest.raises(UserError, match="Đã chi"):
        transition_case(db, case.uuid, PD)  # proposed → paid skips the approval
    with pytest.raises(UserError):
        transition_case(db, case.uuid, C)
    transition_case(db, case.uuid, A)
    transition_case(db, case.uuid, PD)
    with pytest.raises(UserError):
        transition_case(db, case.uuid, R, note="muộn")  # paid money can't be refused
    transition_case(db, case.uuid, C)
    with pytest.raises(UserError, match="không thể thay đổi"):
        transition_case(db, case.uuid, P)
    assert [e.to_status for e in case_detail(db, case.uuid).events] == [P, A, PD, C]


def test_a_rejection_is_final_and_needs_a_reason(db: Database) -> None:
    case = create_case(db, case_input(db, member(db)))
    with pytest.raises(ValidationError, match="lý do"):
        transition_case(db, case.uuid, R)
    case = transition_case(db, case.uuid, R, note="Không thuộc đối tượng")
    assert case.status == R and case.read_only
    with pytest.raises(UserError):
        transition_case(db, case.uuid, A)
    with pytest.raises(UserError):
        update_case(db, case.uuid, case.as_input())


def test_a_kind_without_approval_is_approved_by_the_rules_at_once(db: Database) -> None:
    case = create_case(db, case_input(db, member(db), kind="OM-DAU", amount=500_000))
    assert case.status == A
    assert [(e.from_status, e.to_status) for e in case.events] == [(None, P), (P, A)]
    assert "quy chế" in case.events[1].note


def test_step_dates_are_checked(db: Database) -> None:
    case = create_case(db, case_input(db, member(db)), on=date.today() - timedelta(days=5))
    with pytest.raises(UserError, match="tương lai"):
        transition_case(db, case.uuid, A, on=date.today() + timedelta(days=1))
    with pytest.raises(UserError, match="bước xử lý trước"):
        transition_case(db, case.uuid, A, on=date.today() - timedelta(days=6))
    transition_case(db, case.uuid, A, on=date.today() - timedelta(days=5))


def test_many_cases_move_together_or_not_at_all(db: Database) -> None:
    who = member(db)
    a = create_case(db, case_input(db, who))
    b = create_case(db, case_input(db, who))
    transition_case(db, b.uuid, R, note="trùng")
    with pytest.raises(UserError):
        transition_cases(db, [a.uuid, b.uuid], A)
    assert case_detail(db, a.uuid).status == P  # nothing changed
    c = create_case(db, case_input(db, who))
    assert transition_cases(db, [a.uuid, c.uuid], A) == 2


def test_a_stale_edit_is_refused(db: Database) -> None:
    case = create_case(db, case_input(db, member(db)))
    seen = case.version
    update_case(db, case.uuid, replace(case.as_input(), reason="Sửa lần 1"))
    with pytest.raises(Conflict):
        update_case(db, case.uuid, case.as_input(), expected_version=seen)
    with pytest.raises(Conflict):
        transition_case(db, case.uuid, A, expected_version=seen)


def test_only_a_proposed_case_can_be_deleted(db: Database) -> None:
    case = create_case(db, case_input(db, member(db)))
    transition_case(db, case.uuid, A)
    with pytest.raises(UserError):
        delete_case(db, case.uuid)
    other = create_case(db, case_input(db, member(db, "Trần Văn An")))
    delete_case(db, other.uuid)
    with pytest.raises(NotFound):
        case_detail(db, other.uuid)
    with db.read() as s:  # a tombstone: the row stays
        assert s.scalar(select(func.count(SupportCase.id))) == 2


# --- paid money -------------------------------------------------------------------------------


def _paid(db: Database, amount: int = 1_000_000,
          fund_uuid: uuid.UUID | None = None) -> CaseDetail:
    case = create_case(db, case_input(db, member(db), amount=amount, fund_uuid=fund_uuid))
    transition_case(db, case.uuid, A)
    return transition_case(db, case.uuid, PD)


def test_a_paid_amount_changes_only_by_a_logged_correction(db: Database) -> None:
    case = _paid(db)
    edited = replace(case.as_input(), amount=1_200_000)
    with pytest.raises(UserError, match="điều chỉnh"):
        update_case(db, case.uuid, edited)
    assert case_detail(db, case.uuid).amount == 1_000_000
    with pytest.raises(ValidationError):
        correct_amount(db, case.uuid, 1_200_000, "  ")  # a reason is required
    case = correct_amount(db, case.uuid, 1_200_000, "Bổ sung theo nghị quyết BCH")
    assert case.amount == 1_200_000
    [fix] = case.corrections
    assert (fix.old_amount, fix.new_amount, fix.by_user) == (1_000_000, 1_200_000, "tester")
    assert fix.reason == "Bổ sung theo nghị quyết BCH" and fix.at is not None
    # Its reason and paper reference may still be put right.
    notes = replace(case.as_input(), paper_ref="PC-07")
    assert update_case(db, case.uuid, notes).paper_ref == "PC-07"


def test_a_correction_is_for_paid_cases_only(db: Database) -> None:
    case = create_case(db, case_input(db, member(db)))
    with pytest.raises(UserError):
        correct_amount(db, case.uuid, 2_000_000, "nhầm")
    edited = replace(case.as_input(), amount=2_000_000)
    assert update_case(db, case.uuid, edited,  # above the usual: confirmed
                       override=True).amount == 2_000_000  # not paid: just edited


# --- funds --------------------------------------------------------------------------------------


def test_the_balance_is_live(db: Database) -> None:
    budget = fund(db, 5_000_000)
    who = member(db)
    a = create_case(db, case_input(db, who, fund_uuid=budget.uuid))
    b = create_case(db, case_input(db, who, amount=2_000_000, fund_uuid=budget.uuid),
                    override=True)  # above the usual amount: confirmed
    balance = fund_balance(db, budget.uuid)
    assert (balance.committed, balance.pending, balance.remaining) == (0, 3_000_000, 5_000_000)
    transition_case(db, a.uuid, A)
    transition_case(db, b.uuid, A)
    assert fund_balance(db, budget.uuid).remaining == 2_000_000
    transition_case(db, b.uuid, R, note="Hủy")
    assert fund_balance(db, budget.uuid).remaining == 4_000_000
    transition_case(db, a.uuid, PD)
    balance = fund_balance(db, budget.uuid)
    assert (balance.committed, balance.paid) == (1_000_000, 1_000_000)


def test_overspending_asks_and_an_override_is_logged(db: Database) -> None:
    budget = fund(db, 1_500_000)
    who = member(db)
    first = create_case(db, case_input(db, who, fund_uuid=budget.uuid))
    transition_case(db, first.uuid, A)
    second = create_case(db, case_input(db, who, fund_uuid=budget.uuid),
                         override=True)  # more than is left: confirmed when proposed
    with pytest.raises(FundOverspent) as raised:
        transition_case(db, second.uuid, A)
    error = raised.value
    assert (error.budget, error.committed, error.amount) == (1_500_000, 1_000_000, 1_000_000)
    assert (error.remaining, error.shortfall) == (500_000, 500_000)
    assert "1.500.000 đ" in error.message and "Quỹ xã hội" in error.message
    assert case_detail(db, second.uuid).status == P
    case = transition_case(db, second.uuid, A, override=True)
    assert case.events[-1].over_budget
    assert fund_balance(db, budget.uuid).remaining == -500_000
    with db.read() as s:
        [log] = s.scalars(select(AuditLog).where(AuditLog.action == "over_budget")).all()
        assert log.user == "tester" and log.entity_uuid == budget.uuid
        assert log.after == {"budget": 1_500_000, "committed": 1_000_000, "amount": 1_000_000,
                             "shortfall": 500_000}


def test_a_kind_without_approval_checks_the_fund_when_recorded(db: Database) -> None:
    budget = fund(db, 300_000)
    with pytest.raises(FundOverspent):
        create_case(db, case_input(db, member(db), kind="OM-DAU", amount=500_000,
                                   fund_uuid=budget.uuid))
    with db.read() as s:
        assert s.scalar(select(func.count(SupportCase.id))) == 0


def test_changing_an_approved_amount_or_fund_rechecks_the_funds(db: Database) -> None:
    small = fund(db, 1_000_000)
    big = fund(db, 10_000_000, code="KPCD")
    case = create_case(db, case_input(db, member(db), fund_uuid=small.uuid))
    transition_case(db, case.uuid, A)
    more = replace(case.as_input(), amount=1_500_000)
    with pytest.raises(FundOverspent):
        update_case(db, case.uuid, more)
    moved = replace(more, fund=big.uuid)
    update_case(db, case.uuid, moved, override=True)  # above the usual amount: confirmed
    assert fund_balance(db, small.uuid).committed == 0
    assert fund_balance(db, big.uuid).committed == 1_500_000


def test_a_correction_upwards_rechecks_the_fund(db: Database) -> None:
    budget = fund(db, 1_000_000)
    case = _paid(db, fund_uuid=budget.uuid)
    with pytest.raises(FundOverspent):
        correct_amount(db, case.uuid, 1_200_000, "Bổ sung")
    case = correct_amount(db, case.uuid, 1_200_000, "Bổ sung", override=True)
    assert case.corrections[0].over_budget
    assert fund_balance(db, budget.uuid).remaining == -200_000


def test_concurrent_approvals_never_overspend_a_fund(db: Database,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    assert race_two_approvals(db, monkeypatch) == ["ok", "overspent"]


def test_funds_are_set_up_per_year(db: Database) -> None:
    budget = fund(db, 1_000_000)
    with pytest.raises(ValidationError, match="đã có dự toán"):
        save_fund(db, FundInput(code="qxh", name="Khác", year=YEAR, budget=1))
    raised = save_fund(db, FundInput(code="QXH", name="Quỹ xã hội", year=YEAR,
                                     budget=2_000_000), budget.uuid,
                       expected_version=budget.version)
    assert raised.budget == 2_000_000
    with pytest.raises(Conflict):
        save_fund(db, FundInput(code="QXH", name="Quỹ xã hội", year=YEAR, budget=3),
                  budget.uuid, expected_version=budget.version)
    assert copy_funds(db, YEAR, YEAR + 1) == 1
    assert copy_funds(db, YEAR, YEAR + 1) == 0
    _paid(db, fund_uuid=budget.uuid)
    with pytest.raises(UserError):
        delete_fund(db, budget.uuid)


# --- the beneficiary ------------------------------------------------------------------------


def test_a_bereavement_names_a_relative(db: Database) -> None:
    who = member(db)
    mother = add_relative(db, who, RelativeInput(full_name="Trần Thị  Lựu",
                                                 relation=Relation.MOTHER, birth_year=1950))
    data = case_input(db, who, kind="HIEU")
    case = create_case(db, replace(data, relative=mother.uuid))
    assert (case.beneficiary_name, case.relation, case.relative_uuid) == (
        "Trần Thị Lựu", "Mẹ đẻ", mother.uuid)
    # A relative not yet on record is recorded with the case, in the same transaction.
    father = RelativeInput(full_name="Nguyễn Văn Tư", relation=Relation.FATHER_IN_LAW)
    case = create_case(db, replace(data, new_relative=father))
    assert case.relation == "Bố vợ / bố chồng" and case.relative_uuid is not None
    assert [r.full_name for r in relatives_of(db, who)] == ["Trần Thị Lựu", "Nguyễn Văn Tư"]
    # Someone else's relative is refused.
    other = member(db, "Lê Văn Bình")
    theirs = add_relative(db, other, RelativeInput(full_name="Lê Văn Cả",
                                                   relation=Relation.FATHER))
    with pytest.raises(ValidationError):
        create_case(db, replace(data, relative=theirs.uuid))
    # A named beneficiary needs the relation.
    with pytest.raises(ValidationError, match="quan hệ"):
        create_case(db, replace(data, beneficiary_name="Ai đó"))


def test_bad_input_is_refused_with_every_problem(db: Database) -> None:
    from unionapp.support import CaseInput

    with pytest.raises(ValidationError) as raised:
        create_case(db, CaseInput())
    fields = {p.field for p in raised.value.problems}
    assert {"kind", "member", "occurred_on", "amount"} <= fields
    with pytest.raises(ValidationError, match="Số tiền"):
        create_case(db, case_input(db, member(db), amount=5_000_000_000))


# --- lists, totals, the member's history ----------------------------------------------------


def test_filters_and_totals(db: Database) -> None:
    group = org.add_group(db, code="T1", name="Tổ công đoàn Văn phòng")
    a = create_member(db, MemberInput(full_name="Đặng Thu Hà", org_unit=group.uuid)).uuid
    b = member(db, "Phạm Văn Nam")
    create_case(db, case_input(db, a, kind="OM-DAU", amount=500_000, on=date(YEAR, 3, 1)))
    sick = create_case(db, case_input(db, b, kind="OM-DAU", amount=700_000,
                                      on=date(YEAR, 5, 1)), override=True)
    transition_case(db, sick.uuid, PD)
    create_case(db, case_input(db, b, amount=1_000_000, on=date(YEAR, 5, 2)))
    create_case(db, case_input(db, b, amount=9_000_000, on=date(YEAR - 1, 12, 1)),
                override=True)

    def names(query: CaseQuery) -> list[str]:
        return [r.member_name for r in case_list(db, query).all()]

    assert names(CaseQuery(group=group.uuid)) == ["Đặng Thu Hà"]
    assert len(names(CaseQuery(kind_code="OM-DAU"))) == 2
    assert len(names(CaseQuery(status=P))) == 2
    year = CaseQuery(date_from=date(YEAR, 1, 1), date_to=date(YEAR, 12, 31))
    totals = case_totals(db, year)
    assert (totals.count, totals.amount, totals.given) == (3, 2_200_000, 700_000)
    assert totals.by_status == {A: (1, 500_000), PD: (1, 700_000), P: (1, 1_000_000)}
    assert names(CaseQuery(text="dang ha")) == ["Đặng Thu Hà"]
    rows = case_list(db, year).all()
    assert [r.occurred_on for r in rows] == sorted((r.occurred_on for r in rows), reverse=True)


def test_member_cases_are_the_members_history(db: Database) -> None:
    who = member(db)
    create_case(db, case_input(db, who, on=date(YEAR, 1, 5)))
    create_case(db, case_input(db, who, kind="OM-DAU", amount=500_000, on=date(YEAR, 2, 5)))
    create_case(db, case_input(db, member(db, "Lê Văn Bình")))
    rows = member_cases(db, who)
    assert [r.kind_code for r in rows] == ["OM-DAU", "KHO-KHAN"]
    assert all(r.member_uuid == who for r in rows)


# --- the catalogue ------------------------------------------------------------------------------


def test_the_branch_edits_its_catalogue(db: Database) -> None:
    om = next(k for k in kind_list(db) if k.code == "OM-DAU")
    changed = save_kind(db, KindInput(code="OM-DAU", name=om.name, default_amount=700_000,
                                      needs_approval=True, fund_code="kpcd"), om.uuid)
    assert (changed.default_amount, changed.needs_approval, changed.fund_code) == (
        700_000, True, "KPCD")
    assert create_case(db, case_input(db, member(db), kind="OM-DAU"),
                       override=True).status == P  # above the new usual amount
    with pytest.raises(ValidationError):
        save_kind(db, KindInput(code="HIEU", name="Trùng mã"))
    save_kind(db, KindInput(code="OM-DAU", name=om.name, active=False), om.uuid)
    assert "OM-DAU" not in {k.code for k in kind_list(db)}
    with pytest.raises(ValidationError, match="không còn dùng"):
        create_case(db, case_input(db, member(db, "Lê Văn Bình"), kind="OM-DAU"))
    assert kind_uuid(db, "OM-DAU") == om.uuid


def test_relatives_are_kept_with_the_member(db: Database) -> None:
    who = member(db)
    add_relative(db, who, RelativeInput(full_name="Nguyễn Minh An", relation=Relation.CHILD,
                                        date_of_birth=date(2021, 6, 1)))
    add_relative(db, who, RelativeInput(full_name="Nguyễn Văn Hùng", relation=Relation.SPOUSE,
                                        date_of_birth=date(1984, 2, 2)))
    rows = relatives_of(db, who)
    assert [r.relation for r in rows] == [Relation.SPOUSE, Relation.CHILD]
    assert rows[1].age_on(date(2027, 5, 31)) == 5 and rows[1].age_on(date(2027, 6, 1)) == 6
    with pytest.raises(ValidationError):
        add_relative(db, who, RelativeInput(full_name="", relation="cousin"))
    with db.read() as s:
        assert s.scalar(select(func.count(MemberRelative.id))) == 2
        assert s.scalar(select(func.count(SupportCorrection.id))) == 0


def test_upgrade_keeps_old_cases_and_dates_their_steps(tmp_path: Path) -> None:
    """A database of the first release with a support case, opened by this one."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from unionapp.db import _alembic_config, open_database

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    config = _alembic_config()
    stamps = "created_at, updated_at, version"
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        values = {"u": "0" * 32, "t": "2024-01-01 00:00:00"}
        conn.execute(text(
            f"insert into org_unit (id, uuid, owner_uuid, code, name, kind, place, address, "
            f"budget_funded, sort_order, {stamps}) values (1, :u, :u, 'B1', 'CĐCS Cũ', "
            "'branch', '', '', 0, 0, :t, :t, 1)"), values)
        conn.execute(text(
            "insert into member (id, uuid, owner_uuid, org_unit_id, full_name, name_folded, "
            "sort_key, ethnicity, religion, card_number, phone, email, hometown, address, "
            "job_title, union_role, education, political_theory, status, notes, "
            f"{stamps}) values (1, '{'1' * 32}', :u, 1, 'Nguyễn Văn Cũ', 'nguyen van cu', '', "
            "'', '', '', '', '', '', '', '', '', '', '', 'active', '', :t, :t, 1)"), values)
        conn.execute(text(
            "insert into support_kind (id, uuid, owner_uuid, code, name, default_amount, "
            f"needs_approval, sort_order, active, {stamps}) values (1, '{'2' * 32}', :u, "
            "'OM-DAU', 'Thăm hỏi ốm đau', 500000, 0, 0, 1, :t, :t, 1)"), values)
        conn.execute(text(
            "insert into support_case (id, uuid, owner_uuid, kind_id, member_id, "
            "beneficiary_name, relation, occurred_on, amount, reason, paper_ref, status, "
            f"{stamps}) values (1, '{'3' * 32}', :u, 1, 1, '', '', '2024-03-01', 500000, "
            "'Ốm', '', 'paid', :t, :t, 1)"), values)
        conn.execute(text(
            "insert into support_case_event (id, uuid, owner_uuid, case_id, from_status, "
            f"to_status, at, by_user, note, {stamps}) values (1, '{'4' * 32}', :u, 1, "
            "'approved', 'paid', '2024-03-05 08:30:00.000000', 'clerk', '', :t, :t, 1)"), values)
    engine.dispose()
    with open_database(path) as db:
        [step] = case_detail(db, uuid.UUID("3" * 32)).events
        assert step.effective_on == date(2024, 3, 5) and not step.over_budget
        assert kind_list(db)[0].fund_code == ""
