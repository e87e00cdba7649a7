"""A parent union's PostgreSQL database is backed up with pg_dump when it is installed, and
plainly said not to be when it is not."""

from __future__ import annotations

import pytest

from tests.conftest import need_tool
from unionapp import backups
from unionapp.backups import making
from unionapp.db import open_database
from unionapp.demo import PARENT_CODE, PARENT_NAME
from unionapp.errors import UserError
from unionapp.org import init_database

pytestmark = pytest.mark.postgres


def test_pg_dump_backup_is_read_back_and_catalogued(pg_url: str) -> None:
    need_tool("pg_dump")
    with open_database(pg_url, user="tester") as db:
        init_database(db, code=PARENT_CODE, name=PARENT_NAME, parent_mode=True)
        made = backups.create_backup(db)
        b = made.backup
        assert b.kind == "pg_dump" and b.verified and b.path.suffix == ".dump"
        assert b.members == 0 and b.schema_revision and "***" not in b.file
        assert backups.verify_backup(b.path).ok
        assert backups.list_backups(db) == [b]
        assert backups.backup_before(db, "before-import") is not None
        with pytest.raises(UserError, match="pg_restore"):
            backups.restore_backup(db, b.path)


def test_without_pg_dump_the_server_is_not_backed_up_and_it_is_said(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(making, "pg_dump_path", lambda: None)
    with open_database(pg_url, user="tester") as db:
        init_database(db, code=PARENT_CODE, name=PARENT_NAME, parent_mode=True)
        assert backups.backup_before(db, "before-import") is None  # the import goes ahead
        assert not backups.daily_due(db)
        with pytest.raises(UserError, match="pg_dump"):
            backups.create_backup(db)
