"""Accounts and signing in.

Accounts are optional until wanted: a database with no account works as before (no sign-in,
every action allowed, the audit log records the OS user or ``--user``). The first account
must be the chair's; a recovery code is shown once when it is made, for the chair who forgets
the password. From then on every start of the program and every command signs in, and the
account's role decides what it may do (:mod:`unionapp.permissions`).

Passwords are hashed with Argon2id (``argon2-cffi``) at OWASP's recommended minimum
(19 MiB, 2 passes, 1 lane): about 20–25 ms per sign-in on the office PCs we measured
(``./dev bench signin``), so signing in shows no delay while a stolen database file still
costs an attacker that much per guess. Five wrong passwords in a row lock the account for
:data:`LOCK_MINUTES`; the chair can reset any password (the owner then picks a new one).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import exc, func, select
from sqlalchemy.orm import Session

from .audit import write_entries
from .db import Database, set_info
from .errors import NotFound, Problem, UserError, ValidationError
from .i18n import _
from .models import DatabaseInfo, User, utcnow
from .permissions import (
    CHAIR,
    ROLES,
    Permission,
    accounts_exist,
    forget_accounts_answer,
    require,
    role_label,
)
from .text import format_moment

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MAX_TRIES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 8
RECOVERY_KEY = "recovery_code_hash"  # database_info: the Argon2 hash of the recovery code
IDLE_KEY = "idle_lock_minutes"  # database_info: lock the window after this many idle minutes
DEFAULT_IDLE_MINUTES = 10
MAX_IDLE_MINUTES = 240
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
_USERNAME = re.compile(r"[^\s/\\:]{1,100}")


@cache
def hasher() -> PasswordHasher:
    """Argon2id with OWASP's minimum (loaded when a password is first checked or set, not
    with the window)."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@cache
def _dummy_hash() -> str:
    """Verified against when a username does not exist, so a wrong name takes as long as a
    wrong password."""
    return hasher().hash("not a password")


@dataclass(frozen=True)
class Account:
    """Who is signed in (``db.account``)."""

    username: str
    full_name: str
    role: str
    must_change_password: bool = False

    @property
    def role_label(self) -> str:
        return role_label(self.role)

    def allows(self, permission: Permission) -> bool:
        role = ROLES.get(self.role)
        return role is not None and permission in role.permissions


@dataclass(frozen=True)
class AccountRow:
    username: str
    full_name: str
    role: str
    active: bool
    locked_until: datetime | None
    last_sign_in_at: datetime | None
    created_at: datetime
    must_change_password: bool

    @property
    def role_label(self) -> str:
        return role_label(self.role)

    def as_json(self) -> dict[str, object]:
        return {
            "username": self.username, "full_name": self.full_name, "role": self.role,
            "active": self.active,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
            "last_sign_in_at": self.last_sign_in_at.isoformat() if self.last_sign_in_at
            else None,
            "created_at": self.created_at.isoformat(),
            "must_change_password": self.must_change_password,
        }


@dataclass(frozen=True)
class NewAccount:
    account: AccountRow
    recovery_code: str | None  # shown once, when the first account (the chair's) is made


def normal_username(name: str) -> str:
    return unicodedata.normalize("NFC", name.strip()).lower()


def password_problems(password: str, username: str = "") -> list[Problem]:
    problems = []
    if len(password) < MIN_PASSWORD:
        problems.append(Problem(_("The password must have at least {count} characters.")
                                .format(count=MIN_PASSWORD), "password"))
    elif username and password.strip().lower() == username.lower():
        problems.append(Problem(_("The password must not be the username."), "password"))
    return problems


def _row(u: User) -> AccountRow:
    return AccountRow(u.username, u.full_name, u.role, u.active, u.locked_until,
                      u.last_sign_in_at, u.created_at, u.must_change_password)


def _audit(s: Session, action: str, username: str, summary: str,
           before: dict[str, object] | None = None, after: dict[str, object] | None = None,
           *, user: str | None = None) -> None:
    entry: dict[str, object] = {"action": action, "entity": "app_user", "summary": summary,
                                "before": before, "after": {"username": username, **(after or {})}}
    if user is not None:
        entry["user"] = user
    write_entries(s, [entry])


def _load(s: Session, username: str) -> User:
    user = s.scalar(select(User).where(User.username == normal_username(username),
                                       User.password_hash.is_not(None)))
    if user is None:
        raise NotFound(_("There is no account “{name}”.").format(name=username))
    return user


def _active_chairs(s: Session) -> int:
    return s.scalar(select(func.count()).select_from(User).where(
        User.role == CHAIR, User.active.is_(True), User.password_hash.is_not(None))) or 0


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def _normal_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).upper()


def _store_recovery(s: Session) -> str:
    code = new_recovery_code()
    set_info(s, RECOVERY_KEY, hasher().hash(_normal_code(code)))
    return code


# --- managing accounts (the chair) ------------------------------------------------------------


def add_user(db: Database, username: str, role: str, password: str, *,
             full_name: str = "") -> NewAccount:
    """Make an account. The first must be the chair's and needs no sign-in (it returns the
    recovery code, to be shown once); later ones need a chair signed in."""
    name = normal_username(username)
    full_name = unicodedata.normalize("NFC", full_name.strip())[:200]
    problems = []
    if not _USERNAME.fullmatch(name):
        problems.append(Problem(_("A username is one word without spaces, e.g. “hang.nt”."),
                                "username"))
    if role not in ROLES:
        problems.append(Problem(_("Unknown role “{role}”; one of: {roles}.").format(
            role=role, roles=", ".join(ROLES)), "role"))
    problems += password_problems(password, name)
    if problems:
        raise ValidationError(problems)
    forget_accounts_answer(db)
    first = not accounts_exist(db)
    if not first:
        require(db, Permission.USERS_MANAGE)
    with db.transaction(accounts_upkeep=first) as s:
        if first and s.scalar(select(User.id).where(User.password_hash.is_not(None))
                              .limit(1)) is not None:
            raise UserError(_("Someone made an account meanwhile: sign in as the chair to "
                              "add more."))
        if first and role != CHAIR:
            raise UserError(_("The first account must be the chair's (--role chair): the "
                              "chair manages the others."))
        user = s.scalar(select(User).where(User.username == name))
        if user is not None and user.password_hash is not None:
            raise UserError(_("The account “{name}” already exists.").format(name=name))
        if user is None:  # otherwise a name seen before accounts existed becomes an account
            user = User(username=name)
            s.add(user)
        user.full_name = full_name or user.full_name
        user.role = role
        user.active = True
        user.password_hash = hasher().hash(password)
        user.password_changed_at = utcnow()
        user.failed_tries = 0
        user.locked_until = None
        code = _store_recovery(s) if first else None
        s.flush()
        _audit(s, "create", name, _("Account {name} made ({role})").format(
            name=name, role=role_label(role)), after={"full_name": user.full_name, "role": role},
            user=name if first else None)
        row = _row(user)
    forget_accounts_answer(db)
    return NewAccount(row, code)


def list_users(db: Database) -> list[AccountRow]:
    """Every account (the chair manages them; the inspection committee may read them)."""
    if not (_allowed(db, Permission.USERS_MANAGE) or _allowed(db, Permission.AUDIT_READ)):
        require(db, Permission.USERS_MANAGE)
    with db.read() as s:
        users = s.scalars(select(User).where(User.password_hash.is_not(None))
                          .order_by(User.active.desc(), User.username))
        return [_row(u) for u in users]


def _allowed(db: Database, permission: Permission) -> bool:
    try:
        require(db, permission)
    except UserError:
        return False
    return True


def reset_password(db: Database, username: str, new_password: str) -> AccountRow:
    """The chair sets a new password for an account (also unlocking it); its owner is asked
    to choose their own at the next sign-in."""
    require(db, Permission.USERS_MANAGE)
    name = normal_username(username)
    problems = password_problems(new_password, name)
    if problems:
        raise ValidationError(problems)
    with db.transaction() as s:
        user = _load(s, name)
        user.password_hash = hasher().hash(new_password)
        user.password_changed_at = utcnow()
        user.failed_tries = 0
        user.locked_until = None
        own = db.account is not None and db.account.username == name
        user.must_change_password = not own
        _audit(s, "reset_password", name, _("Password of {name} reset").format(name=name))
        return _row(user)


def disable_user(db: Database, username: str) -> AccountRow:
    """Stop an account signing in (it stays in the audit trail). The last chair can't be
    disabled: nobody could manage the accounts any more."""
    require(db, Permission.USERS_MANAGE)
    with db.transaction() as s:
        user = _load(s, username)
        if not user.active:
            raise UserError(_("The account “{name}” is already disabled.").format(
                name=user.username))
        if user.role == CHAIR and _active_chairs(s) <= 1:
            raise UserError(_("This is the only chair's account: make another chair's "
                              "account before disabling it."))
        user.active = False
        _audit(s, "disable", user.username, _("Account {name} disabled").format(
            name=user.username), before={"active": True}, after={"active": False})
        return _row(user)


def enable_user(db: Database, username: str) -> AccountRow:
    require(db, Permission.USERS_MANAGE)
    with db.transaction() as s:
        user = _load(s, username)
        user.active = True
        user.failed_tries = 0
        user.locked_until = None
        _audit(s, "enable", user.username, _("Account {name} enabled").format(
            name=user.username), before={"active": False}, after={"active": True})
        return _row(user)


def set_role(db: Database, username: str, role: str) -> AccountRow:
    require(db, Permission.USERS_MANAGE)
    if role not in ROLES:
        raise UserError(_("Unknown role “{role}”; one of: {roles}.").format(
            role=role, roles=", ".join(ROLES)))
    with db.transaction() as s:
        user = _load(s, username)
        if user.role == role:
            return _row(user)
        if user.role == CHAIR and user.active and _active_chairs(s) <= 1:
            raise UserError(_("This is the only chair's account: make another chair's "
                              "account first."))
        old, user.role = user.role, role
        _audit(s, "set_role", user.username, _("Role of {name}: {role}").format(
            name=user.username, role=role_label(role)), before={"role": old},
            after={"role": role})
        return _row(user)


def idle_minutes(db: Database) -> int:
    """After how many minutes without use the window locks (0: never)."""
    value = db.info(IDLE_KEY)
    return int(value) if value and value.isdigit() else DEFAULT_IDLE_MINUTES


def set_idle_minutes(db: Database, minutes: int) -> None:
    require(db, Permission.USERS_MANAGE)
    if not 0 <= minutes <= MAX_IDLE_MINUTES:
        raise UserError(_("Between 0 (never lock) and {max} minutes.").format(
            max=MAX_IDLE_MINUTES))
    with db.transaction() as s:
        old = idle_minutes(db)
        set_info(s, IDLE_KEY, str(minutes))
        write_entries(s, [{"action": "settings", "entity": "database_info",
                           "summary": _("Idle lock: {minutes} minutes").format(minutes=minutes),
                           "before": {IDLE_KEY: old}, "after": {IDLE_KEY: minutes}}])
    db.refresh_info()


def renew_recovery_code(db: Database) -> str:
    """A new recovery code (the old one stops working); shown once."""
    require(db, Permission.USERS_MANAGE)
    with db.transaction() as s:
        code = _store_recovery(s)
        write_entries(s, [{"action": "recovery_code", "entity": "database_info",
                           "summary": _("New recovery code made")}])
    return code


# --- signing in ---------------------------------------------------------------------------------


def _wrong() -> UserError:
    return UserError(_("Wrong username or password."))


def _verify(stored: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    dummy = _dummy_hash()  # made on the first try whether or not the name exists
    try:
        return hasher().verify(stored or dummy, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def sign_in(db: Database, username: str, password: str) -> Account:
    """Check the password and make the account the one acting on ``db`` (``db.account``;
    the audit log records its username and role). Five wrong tries lock it for a while."""
    name = normal_username(username)
    now = utcnow()
    refusal: UserError | None = None
    account: Account | None = None
    try:
        with db.transaction(name, accounts_upkeep=True) as s:
            user = s.scalar(select(User).where(User.username == name))
            stored = user.password_hash if user is not None else None
            if user is None or stored is None:
                _verify(None, password)  # same time as a wrong password
                refusal = _wrong()
            elif not user.active:
                refusal = UserError(_("The account “{name}” has been disabled. Ask the "
                                      "chair.").format(name=name))
            elif user.locked_until is not None and user.locked_until > now:
                refusal = _locked(user.locked_until)
            elif not _verify(stored, password):
                user.failed_tries += 1
                if user.failed_tries >= MAX_TRIES:
                    user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                    user.failed_tries = 0
                    refusal = _locked(user.locked_until)
                    _audit(s, "locked", name, _("Account {name} locked after {count} wrong "
                                                "passwords").format(name=name, count=MAX_TRIES))
                else:
                    refusal = _wrong()
                    _audit(s, "sign_in_failed", name, _("Wrong password for {name}").format(
                        name=name))
            else:
                if hasher().check_needs_rehash(stored):
                    user.password_hash = hasher().hash(password)
                user.failed_tries = 0
                user.locked_until = None
                user.last_sign_in_at = now
                account = Account(user.username, user.full_name, user.role,
                                  user.must_change_password)
    except exc.OperationalError:
        # A database file that can't be written (a closed branch kept read-only): the
        # password is still checked, only the bookkeeping of tries is skipped.
        account, refusal = _check_only(db, name, password)
    if refusal is not None:
        raise refusal
    assert account is not None
    db.account = account
    db.user = account.username
    return account


def _check_only(db: Database, name: str, password: str) -> tuple[Account | None,
                                                                  UserError | None]:
    with db.read() as s:
        user = s.scalar(select(User).where(User.username == name))
        if user is None or not user.active or not _verify(user.password_hash, password):
            return None, _wrong()
        return Account(user.username, user.full_name, user.role), None


def _locked(until: datetime) -> UserError:
    return UserError(_("Too many wrong passwords: the account is locked until {time}. Try "
                       "again then, or ask the chair to reset the password.").format(
        time=format_moment(until)))


def sign_out(db: Database) -> None:
    db.account = None


def change_password(db: Database, old_password: str, new_password: str) -> None:
    """The signed-in account changes its own password (any role, viewers included)."""
    account = db.account
    if account is None:
        raise UserError(_("Sign in first."))
    problems = password_problems(new_password, account.username)
    if problems:
        raise ValidationError(problems)
    if new_password == old_password:
        raise ValidationError([Problem(_("The new password is the same as the old one."),
                                       "password")])
    with db.transaction(accounts_upkeep=True) as s:
        user = _load(s, account.username)
        if not _verify(user.password_hash, old_password):
            raise UserError(_("The current password is wrong."))
        user.password_hash = hasher().hash(new_password)
        user.password_changed_at = utcnow()
        user.must_change_password = False
        _audit(s, "change_password", user.username, _("{name} changed their password").format(
            name=user.username))
    db.account = Account(account.username, account.full_name, account.role, False)


def recover(db: Database, username: str, code: str, new_password: str) -> str:
    """A chair who forgot the password sets a new one with the recovery code. Returns the
    next recovery code (the used one stops working), to be shown once."""
    name = normal_username(username)
    problems = password_problems(new_password, name)
    if problems:
        raise ValidationError(problems)
    stored = db.info(RECOVERY_KEY)
    with db.transaction(name, accounts_upkeep=True) as s:
        stored = s.scalar(select(DatabaseInfo.value).where(DatabaseInfo.key == RECOVERY_KEY))
        user = s.scalar(select(User).where(User.username == name,
                                           User.password_hash.is_not(None)))
        valid = _verify(stored, _normal_code(code))
        if not valid or user is None or user.role != CHAIR or not user.active:
            raise UserError(_("The recovery code or the chair's username is wrong."))
        user.password_hash = hasher().hash(new_password)
        user.password_changed_at = utcnow()
        user.failed_tries = 0
        user.locked_until = None
        user.must_change_password = False
        next_code = _store_recovery(s)
        _audit(s, "recover", name, _("Password of {name} set with the recovery code").format(
            name=name))
    db.refresh_info()
    return next_code
