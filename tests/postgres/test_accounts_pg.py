"""Accounts and the audit chain on PostgreSQL (a parent union's server)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests.accounts_helpers import as_role, make_accounts
from unionapp import members
from unionapp.audit_trail import verify_audit
from unionapp.db import open_database
from unionapp.demo import fill_demo
from unionapp.errors import UserError
from unionapp.members import MemberInput

pytestmark = pytest.mark.postgres


def test_roles_and_the_audit_chain_on_postgresql(pg_url: str) -> None:
    with open_database(pg_url, user="tester") as db:
        fill_demo(db, members=60)
        make_accounts(db)
        as_role(db, "clerk")
        row = members.create_member(db, MemberInput(full_name="Nguyễn Thị Mới",
                                                    national_id="001190099999"))
        as_role(db, "viewer")
        assert members.get_member(db, row.uuid).national_id == "*********999"
        with pytest.raises(UserError):
            members.delete_member(db, row.uuid)
        as_role(db, "inspector")
        check = verify_audit(db)
        assert check.ok and check.entries > 100, check
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        victim = conn.execute(text("select id from audit_log order by id limit 1 offset 20")
                              ).scalar_one()
        conn.execute(text("update audit_log set summary = 'sửa lén' where id = :i"),
                     {"i": victim})
    engine.dispose()
    with open_database(pg_url, user="tester") as db:
        as_role(db, "chair")
        check = verify_audit(db)
        assert not check.ok and check.first_bad is not None and check.first_bad.id == victim
