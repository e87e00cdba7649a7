"""Accounts: optional until the first (the chair's), passwords hashed with Argon2, five wrong
tries lock, the chair resets and disables, the recovery code, one's own password."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.accounts_helpers import as_role, make_accounts, password
from unionapp import accounts, members
from unionapp.db import Database
from unionapp.errors import UserError, ValidationError
from unionapp.members import MemberInput
from unionapp.models import AuditLog, User, utcnow
from unionapp.permissions import accounts_exist


def test_without_accounts_everything_works_as_before(db: Database) -> None:
    assert not accounts_exist(db)
    assert db.account is None
    row = members.create_member(db, MemberInput(full_name="Nguyễn Văn An"))
    with db.read() as s:
        entry = s.scalar(select(AuditLog).where(AuditLog.entity_uuid == row.uuid))
        assert entry is not None and entry.user == "tester" and entry.role == ""


def test_the_first_account_must_be_the_chair_and_gets_a_recovery_code(db: Database) -> None:
    with pytest.raises(UserError, match="Chủ tịch"):
        accounts.add_user(db, "hang.nt", "clerk", "mat-khau-dai")
    assert not accounts_exist(db)
    made = accounts.add_user(db, "Hai.NT", "chair", "mat-khau-dai", full_name="Ngô Thành Hải")
    assert made.account.username == "hai.nt" and made.account.role == "chair"
    assert made.recovery_code is not None and len(made.recovery_code) == 19
    assert accounts_exist(db)
    with db.read() as s:
        user = s.scalar(select(User).where(User.username == "hai.nt"))
        assert user is not None and user.password_hash is not None
        assert user.password_hash.startswith("$argon2id$")
        assert "mat-khau-dai" not in user.password_hash
    # later accounts need a chair signed in
    with pytest.raises(UserError):
        accounts.add_user(db, "hang.nt", "clerk", "mat-khau-dai")
    accounts.sign_in(db, "hai.nt", "mat-khau-dai")
    later = accounts.add_user(db, "hang.nt", "clerk", "mat-khau-khac")
    assert later.recovery_code is None


def test_passwords_and_usernames_are_checked(db: Database) -> None:
    with pytest.raises(ValidationError) as short:
        accounts.add_user(db, "hai", "chair", "ngan")
    assert short.value.problems[0].field == "password"
    with pytest.raises(ValidationError):
        accounts.add_user(db, "hai nt", "chair", "mat-khau-dai")
    with pytest.raises(ValidationError):
        accounts.add_user(db, "hai", "boss", "mat-khau-dai")


def test_signing_in_sets_the_account_and_the_audit_name(db: Database) -> None:
    make_accounts(db)
    as_role(db, "clerk")
    assert db.account is not None and db.account.role == "clerk" and db.user == "clerk"
    row = members.create_member(db, MemberInput(full_name="Trần Thị Bình"))
    with db.read() as s:
        entry = s.scalar(select(AuditLog).where(AuditLog.entity_uuid == row.uuid))
        assert entry is not None and (entry.user, entry.role) == ("clerk", "clerk")


def test_five_wrong_passwords_lock_the_account_until_the_chair_resets(db: Database) -> None:
    make_accounts(db)
    accounts.sign_out(db)
    for _try in range(4):
        with pytest.raises(UserError, match="Sai tên đăng nhập hoặc mật khẩu"):
            accounts.sign_in(db, "clerk", "sai-mat-khau")
    with pytest.raises(UserError, match="khóa"):
        accounts.sign_in(db, "clerk", "sai-mat-khau")
    # even the right password is refused while locked
    with pytest.raises(UserError, match="khóa"):
        accounts.sign_in(db, "clerk", password("clerk"))
    assert db.account is None
    with db.read() as s:
        assert s.scalar(select(AuditLog).where(AuditLog.action == "locked")) is not None
    as_role(db, "chair")
    accounts.reset_password(db, "clerk", "mat-khau-moi-1")
    accounts.sign_out(db)
    account = accounts.sign_in(db, "clerk", "mat-khau-moi-1")
    assert account.must_change_password
    accounts.change_password(db, "mat-khau-moi-1", "cua-rieng-toi-2")
    accounts.sign_out(db)
    assert not accounts.sign_in(db, "clerk", "cua-rieng-toi-2").must_change_password


def test_a_lock_ends_by_itself(db: Database) -> None:
    make_accounts(db)
    with db.transaction(accounts_upkeep=True) as s:
        s.execute(update(User).where(User.username == "viewer")
                  .values(locked_until=utcnow() - timedelta(minutes=1)))
    assert accounts.sign_in(db, "viewer", password("viewer")).role == "viewer"


def test_unknown_names_and_wrong_passwords_get_the_same_answer(db: Database) -> None:
    make_accounts(db)
    with pytest.raises(UserError) as unknown:
        accounts.sign_in(db, "nobody", "whatever-123")
    with pytest.raises(UserError) as wrong:
        accounts.sign_in(db, "clerk", "whatever-123")
    assert unknown.value.message == wrong.value.message


def test_a_disabled_account_cant_sign_in_and_the_last_chair_stays(db: Database) -> None:
    make_accounts(db)
    accounts.disable_user(db, "treasurer")
    with pytest.raises(UserError):
        accounts.sign_in(db, "treasurer", password("treasurer"))
    as_role(db, "chair")
    with pytest.raises(UserError, match="Chủ tịch"):
        accounts.disable_user(db, "chair")
    with pytest.raises(UserError):
        accounts.set_role(db, "chair", "clerk")
    accounts.enable_user(db, "treasurer")
    assert accounts.sign_in(db, "treasurer", password("treasurer")).role == "treasurer"


def test_only_the_chair_manages_accounts(db: Database) -> None:
    make_accounts(db)
    as_role(db, "clerk")
    for action in (lambda: accounts.add_user(db, "x1", "viewer", "mat-khau-dai"),
                   lambda: accounts.reset_password(db, "viewer", "mat-khau-dai"),
                   lambda: accounts.disable_user(db, "viewer"),
                   lambda: accounts.set_idle_minutes(db, 5)):
        with pytest.raises(UserError):
            action()
    as_role(db, "inspector")
    assert {r.username for r in accounts.list_users(db)} == {
        "chair", "treasurer", "clerk", "inspector", "viewer"}


def test_a_read_only_role_still_changes_its_own_password(db: Database) -> None:
    make_accounts(db)
    as_role(db, "viewer")
    accounts.change_password(db, password("viewer"), "xem-thoi-ma-2026")
    accounts.sign_out(db)
    assert accounts.sign_in(db, "viewer", "xem-thoi-ma-2026").role == "viewer"
    with pytest.raises(UserError):
        accounts.change_password(db, "sai-mat-khau", "khac-nua-2026")


def test_the_recovery_code_sets_the_chairs_password_once(db: Database) -> None:
    code = make_accounts(db)
    accounts.sign_out(db)
    with pytest.raises(UserError):
        accounts.recover(db, "clerk", code, "mat-khau-moi-1")  # a chair's only
    with pytest.raises(UserError):
        accounts.recover(db, "chair", "AAAA-BBBB-CCCC-DDDD", "mat-khau-moi-1")
    next_code = accounts.recover(db, "chair", code.lower().replace("-", " "), "mat-khau-moi-1")
    assert next_code != code
    assert accounts.sign_in(db, "chair", "mat-khau-moi-1").role == "chair"
    with pytest.raises(UserError):
        accounts.recover(db, "chair", code, "mat-khau-moi-2")  # used up
    accounts.recover(db, "chair", next_code, "mat-khau-moi-2")


def test_the_idle_lock_is_the_chairs_setting(db: Database) -> None:
    make_accounts(db)
    assert accounts.idle_minutes(db) == accounts.DEFAULT_IDLE_MINUTES
    accounts.set_idle_minutes(db, 3)
    assert accounts.idle_minutes(db) == 3
    with pytest.raises(UserError):
        accounts.set_idle_minutes(db, 10_000)


def test_a_name_seen_before_accounts_becomes_an_account(db: Database) -> None:
    with db.transaction() as s:
        s.add(User(username="tester", role="chair"))
    assert not accounts_exist(db)  # a name without a password is not an account
    made = accounts.add_user(db, "tester", "chair", "mat-khau-dai")
    assert made.recovery_code is not None
    accounts.sign_in(db, "tester", "mat-khau-dai")
    assert [r.username for r in accounts.list_users(db)] == ["tester"]
