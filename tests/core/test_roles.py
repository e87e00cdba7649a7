"""Each role against each kind of change, through the services: allowed exactly where the
role matrix says, refused otherwise with nothing changed; read-only roles can't write even
through a service that forgot its check; personal data masked; approvals by the right
person."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.accounts_helpers import ROLE_NAMES, as_role
from tests.role_office import CHANGES, Office, build_office, copy_office, state
from tests.support_helpers import case_input, kind_uuid
from unionapp import accounts, members
from unionapp.db import Database, open_database
from unionapp.errors import UserError
from unionapp.members import MemberInput, MemberQuery, member_list
from unionapp.models import AuditLog, Member, SupportStatus
from unionapp.permissions import ROLES, Permission, allows
from unionapp.support import UnusualAmount, case_detail, create_case, transition_case


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Office:
    return build_office(tmp_path_factory.mktemp("office"))


@pytest.fixture
def office_db(office: Office, tmp_path: Path) -> Iterator[Database]:
    database = open_database(copy_office(office, tmp_path), user="os-user")
    yield database
    database.close()


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_each_role_against_each_kind_of_change(office: Office, tmp_path: Path,
                                               role: str) -> None:
    wrong = []
    for name, (permission, change) in CHANGES.items():
        with open_database(copy_office(office, tmp_path), user="os-user") as db:
            as_role(db, role)
            expected = permission in ROLES[role].permissions
            before = state(db)
            try:
                change(db, office.ids, tmp_path)
                done = True
            except UserError as error:
                done = False
                assert error.message, name
                assert state(db) == before, f"{role} / {name}: refused but changed"
                if permission == Permission.PERSONAL_DATA_EXPORT:
                    assert not (tmp_path / "ds.xlsx").exists()
            if done != expected:
                wrong.append(f"{name}: {'done' if done else 'refused'}")
    assert wrong == [], f"{role}: {wrong}"


def test_the_chair_may_do_everything_and_the_reading_roles_nothing() -> None:
    assert ROLES["chair"].permissions == frozenset(Permission)
    for role in ("inspector", "viewer"):
        assert not ROLES[role].writes
        assert not any(p in ROLES[role].permissions for p, _change in CHANGES.values()
                       if p not in (Permission.AUDIT_READ,))


@pytest.mark.parametrize("role", ["inspector", "viewer"])
def test_a_reading_role_writes_nothing_even_where_a_service_forgot_its_check(
        office_db: Database, role: str) -> None:
    as_role(office_db, role)
    before = state(office_db)
    with pytest.raises(UserError, match="chỉ được xem"), office_db.transaction() as s:
        s.scalar(select(Member).where(Member.uuid.is_not(None))).phone = "0900000000"
    assert state(office_db) == before


def test_without_signing_in_nothing_is_allowed_once_accounts_exist(office_db: Database) -> None:
    assert office_db.account is None
    before = state(office_db)
    with pytest.raises(UserError, match="đăng nhập"):
        members.create_member(office_db, MemberInput(full_name="Ai Đó"))
    with pytest.raises(UserError, match="đăng nhập"), office_db.transaction():
        pass
    assert not allows(office_db, Permission.MEMBERS_EDIT)
    assert state(office_db) == before


def test_a_viewer_sees_cccd_and_phone_masked(office_db: Database, office: Office) -> None:
    as_role(office_db, "viewer")
    row = members.get_member(office_db, office.ids["member"])
    assert row.national_id == "*********345" and row.phone == "*******678"
    listed = next(r for r in member_list(office_db, MemberQuery()).all()
                  if r.uuid == office.ids["member"])
    assert (listed.national_id, listed.phone) == ("*********345", "*******678")
    data = members.member_input(office_db, office.ids["member"])
    assert data.national_id == "*********345"
    as_role(office_db, "inspector")  # reads everything
    assert members.get_member(office_db, office.ids["member"]).national_id == "001190012345"


def test_a_case_saved_by_a_clerk_waits_for_the_chair(office_db: Database,
                                                     office: Office) -> None:
    as_role(office_db, "clerk")
    sick = create_case(office_db, case_input(office_db, office.ids["other"], kind="OM-DAU",
                                             amount=500_000))
    assert sick.status == SupportStatus.PROPOSED  # no approval by rules for a clerk
    as_role(office_db, "chair")
    again = create_case(office_db, case_input(office_db, office.ids["other"], kind="OM-DAU",
                                              amount=500_000))
    assert again.status == SupportStatus.APPROVED
    assert [(e.by_user, e.by_role) for e in again.events] == [("chair", "chair")] * 2
    approved = transition_case(office_db, sick.uuid, SupportStatus.APPROVED)
    assert [(e.to_status, e.by_user, e.by_role) for e in approved.events] == [
        ("proposed", "clerk", "clerk"), ("approved", "chair", "chair")]


def test_nobody_approves_a_case_they_proposed(office_db: Database, office: Office) -> None:
    as_role(office_db, "chair")
    own = create_case(office_db, case_input(office_db, office.ids["other"]))  # needs approval
    assert own.status == SupportStatus.PROPOSED
    with pytest.raises(UserError, match="tự duyệt"):
        transition_case(office_db, own.uuid, SupportStatus.APPROVED)
    assert case_detail(office_db, own.uuid).status == SupportStatus.PROPOSED
    accounts.add_user(office_db, "pho.ct", "chair", "mat-khau-pho-ct")
    accounts.sign_in(office_db, "pho.ct", "mat-khau-pho-ct")  # another chair may
    assert transition_case(office_db, own.uuid, SupportStatus.APPROVED).status == "approved"


def test_an_unusual_amount_is_confirmed_and_the_history_says_so(office_db: Database,
                                                                office: Office) -> None:
    as_role(office_db, "chair")
    data = case_input(office_db, office.ids["other"], kind="OM-DAU", amount=2_000_000)
    with pytest.raises(UnusualAmount) as asked:
        create_case(office_db, data)
    assert "500.000 đ" in asked.value.message and "2.000.000 đ" in asked.value.message
    saved = create_case(office_db, data, override=True)
    assert saved.status == SupportStatus.APPROVED
    assert "Đã xác nhận khi lưu" in saved.events[0].note
    assert "500.000 đ" in saved.events[0].note


def test_more_than_the_fund_has_left_is_confirmed_when_proposed(office_db: Database,
                                                                office: Office) -> None:
    as_role(office_db, "clerk")
    data = case_input(office_db, office.ids["other"], amount=1_000_000, fund_uuid=office.ids[
        "fund"])
    data = type(data)(**{**data.__dict__, "kind": kind_uuid(office_db, "MAI-AM"),
                         "amount": 99_000_000})
    with pytest.raises(UnusualAmount, match="còn lại"):
        create_case(office_db, data)
    saved = create_case(office_db, data, override=True)
    assert saved.status == SupportStatus.PROPOSED
    assert "còn lại" in saved.events[0].note
    with office_db.read() as s:
        assert s.scalar(select(AuditLog.role).where(
            AuditLog.entity == "support_case", AuditLog.entity_uuid == saved.uuid)) == "clerk"
