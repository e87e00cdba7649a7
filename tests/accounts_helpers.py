"""Accounts for the tests: one per role, and signing in as one of them."""

from __future__ import annotations

from unionapp import accounts
from unionapp.db import Database
from unionapp.permissions import ROLES

ROLE_NAMES = tuple(ROLES)  # chair, treasurer, clerk, inspector, viewer


def password(role: str) -> str:
    return f"matkhau-{role}-2026"


def make_accounts(db: Database) -> str:
    """An account for each role (usernames = role codes; the chair made first, with no
    sign-in). Leaves the chair signed in; returns the recovery code."""
    made = accounts.add_user(db, "chair", "chair", password("chair"),
                             full_name="Ngô Thành Hải")
    accounts.sign_in(db, "chair", password("chair"))
    for role in ROLE_NAMES[1:]:
        accounts.add_user(db, role, role, password(role), full_name=f"Người {role}")
    assert made.recovery_code is not None
    return made.recovery_code


def as_role(db: Database, role: str) -> None:
    accounts.sign_in(db, role, password(role))
