"""A parent union may run on PostgreSQL: the same migrations and services work there."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from unionapp import members
from unionapp.db import head_revision, open_database, schema_differences, schema_revision
from unionapp.demo import fill_demo
from unionapp.members import MemberInput
from unionapp.models import Member
from unionapp.org import init_database

pytestmark = pytest.mark.postgres


def test_migrations_and_services_on_postgresql(pg_url: str) -> None:
    with open_database(pg_url, user="tester") as db:
        assert db.path is None
        assert schema_revision(db.engine) == head_revision()
        assert schema_differences(db.engine) == []
        init_database(db, code="CDVC-HN", name="Công đoàn Viên chức thành phố Hà Nội",
                      parent_mode=True)
        for name in ["Nguyễn Văn Bình", "Trần Thị An", "Đặng Văn An", "Trần Đăng Khoa"]:
            members.create_member(db, MemberInput(full_name=name, joined_on=date(2020, 1, 1)))
        # Vietnamese order needs byte order of the sort key, whatever the server's locale.
        assert [r.full_name for r in members.find_members(db)] == [
            "Đặng Văn An", "Trần Thị An", "Nguyễn Văn Bình", "Trần Đăng Khoa"]
        assert [r.full_name for r in members.find_members(db, "dang")] == [
            "Đặng Văn An", "Trần Đăng Khoa"]


def test_demo_on_postgresql_and_stale_writes_refused(pg_url: str) -> None:
    with open_database(pg_url, user="tester") as db:
        summary = fill_demo(db, members=120)
        assert summary.members == 120
        assert members.member_list(db).count() == 120
        row = members.find_members(db)[0]
        first = db.read()
        stale = first.scalar(select(Member).where(Member.uuid == row.uuid))
        assert stale is not None
        first.commit()
        with db.transaction() as s:
            fresh = s.scalar(select(Member).where(Member.uuid == row.uuid))
            assert fresh is not None
            fresh.phone = "0911111111"
        stale.phone = "0922222222"
        with pytest.raises(StaleDataError):
            first.commit()
        first.close()
