"""Opening databases: migrations, SQLite settings, the one-writer lock, backups."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from unionapp.backups import list_backups
from unionapp.db import Database, head_revision, open_database, schema_differences, schema_revision
from unionapp.errors import DatabaseLocked, UserError


def test_migrations_from_empty_build_exactly_the_models(tmp_path: Path) -> None:
    with open_database(tmp_path / "new.db", create=True) as db:
        assert schema_revision(db.engine) == head_revision()
        assert schema_differences(db.engine) == []
        assert {"member", "movement", "org_unit", "audit_log"} <= set(
            inspect(db.engine).get_table_names())


def test_sqlite_runs_in_wal_with_foreign_keys_and_full_sync(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="Không có cơ sở dữ liệu"):
        open_database(tmp_path / "nothing.db")


def test_second_writer_in_the_same_process_is_refused(db: Database) -> None:
    assert db.path is not None
    with pytest.raises(DatabaseLocked, match="đang được mở"):
        open_database(db.path)
    # a reader may still look (WAL lets readers in while one writes)
    with open_database(db.path, readonly=True) as reader:
        assert reader.is_initialised


def test_second_copy_of_the_program_is_refused(db: Database) -> None:
    assert db.path is not None
    script = textwrap.dedent(f"""
        import sys
        from unionapp.db import open_database
        from unionapp.errors import DatabaseLocked
        try:
            open_database({str(db.path)!r})
        except DatabaseLocked as e:
            print(e.message)
            sys.exit(3)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            encoding="utf-8", timeout=60)
    assert result.returncode == 3, result.stderr
    assert "đang được mở" in result.stdout


def test_lock_is_released_on_close(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    open_database(path, create=True).close()
    open_database(path).close()


def test_backup_uses_sqlite_backup_api_and_is_consistent(demo_db: Database,
                                                          tmp_path: Path) -> None:
    copy = demo_db.backup(tmp_path / "backup" / "copy.db")
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("select count(*) from member").fetchone()[0] == 300


def test_upgrade_from_the_first_revision_keeps_data_and_backs_up(tmp_path: Path) -> None:
    """A database made by the first release, with data, opened by this one."""
    from alembic import command

    from unionapp.db import _alembic_config, backups_dir

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(text(
            "insert into org_unit (id, uuid, owner_uuid, code, name, kind, place, address, "
            "budget_funded, sort_order, created_at, updated_at, version) values (1, :u, :u, "
            "'B1', 'Công đoàn cơ sở Cũ', 'branch', '', '', 0, 0, :t, :t, 1)"),
            {"u": "0" * 32, "t": "2024-01-01 00:00:00"})
        conn.execute(text(
            "insert into member (id, uuid, owner_uuid, org_unit_id, full_name, name_folded, "
            "sort_key, ethnicity, religion, card_number, phone, email, hometown, address, "
            "job_title, union_role, education, political_theory, status, notes, created_at, "
            "updated_at, version) values (1, :m, :u, 1, 'Nguyễn Văn Cũ', 'nguyen van cu', '', "
            "'', '', '', '', '', '', '', '', '', '', '', 'active', '', :t, :t, 1)"),
            {"m": "1" * 32, "u": "0" * 32, "t": "2024-01-01 00:00:00"})
        conn.execute(text("insert into database_info values ('home_unit_uuid', "
                          "'00000000-0000-0000-0000-000000000000')"))
    engine.dispose()
    with open_database(path) as db:
        assert schema_revision(db.engine) == head_revision()
        with db.engine.connect() as conn:
            assert conn.execute(text("select full_name from member")).scalar() == "Nguyễn Văn Cũ"
        made = list_backups(db)
    if head_revision() != "0001":  # the copy of the old data, checked, in the catalogue
        assert [(b.reason, b.schema_revision, b.members, b.verified) for b in made] == [
            ("before-migration", "0001", 1, True)]
        assert made[0].path.parent.parent == backups_dir()


def test_a_database_from_a_newer_program_is_refused(demo_path: Path) -> None:
    with sqlite3.connect(demo_path) as conn:
        conn.execute("update alembic_version set version_num = 'from_the_future'")
    conn.close()
    with pytest.raises(UserError, match="phiên bản mới hơn"):
        open_database(demo_path)  # an unknown revision is refused, never overwritten
    with sqlite3.connect(demo_path) as conn:
        assert conn.execute("select count(*) from member").fetchone()[0] == 300
    conn.close()
