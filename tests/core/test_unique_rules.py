"""Rules of uniqueness held by the database itself (migration 0720): a unit's live members
never share a CCCD number; a source's packages are numbered once each way. Upgrading keeps
every row, even in a database that already breaks a rule."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from unionapp.db import head_revision, open_database, schema_revision

NOW = "2024-01-01 00:00:00"
UNIT = uuid.UUID(int=1)


def _at_0600(path: Path) -> None:
    from alembic import command

    from unionapp.db import _alembic_config

    engine = create_engine(f"sqlite:///{path}")
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0600")
        conn.execute(text(
            "insert into org_unit (id, uuid, owner_uuid, code, name, kind, place, address, "
            "budget_funded, sort_order, created_at, updated_at, version) values (1, :u, :u, "
            "'B1', 'Công đoàn cơ sở Cũ', 'branch', '', '', 0, 0, :t, :t, 1)"),
            {"u": UNIT.hex, "t": NOW})
        conn.execute(text("insert into database_info values ('home_unit_uuid', :u)"),
                     {"u": str(UNIT)})
    engine.dispose()


def _member(conn, number: int, cccd: str | None, *, deleted: bool = False) -> None:
    conn.execute(text(
        "insert into member (id, uuid, owner_uuid, org_unit_id, full_name, name_folded, "
        "sort_key, ethnicity, religion, national_id, card_number, phone, email, hometown, "
        "address, job_title, union_role, education, political_theory, status, notes, "
        "created_at, updated_at, version, deleted_at) values (:id, :m, :u, 1, :n, '', '', '', "
        "'', :c, '', '', '', '', '', '', '', '', '', 'active', '', :t, :t, 1, :d)"),
        {"id": number, "m": uuid.UUID(int=1000 + number).hex, "u": UNIT.hex,
         "n": f"Người {number}", "c": cccd, "t": NOW, "d": NOW if deleted else None})


def _indexes(path: Path, table: str) -> set[str]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        return {i["name"] for i in inspect(engine).get_indexes(table)}
    finally:
        engine.dispose()


def test_upgrade_keeps_members_and_adds_the_rule(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _at_0600(path)
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        _member(conn, 1, "001090000001")
        _member(conn, 2, "001090000001", deleted=True)  # a deleted member may share it
        _member(conn, 3, None)
        _member(conn, 4, None)
    engine.dispose()
    with open_database(path) as db:
        assert schema_revision(db.engine) == head_revision()
        with db.engine.connect() as conn:
            assert conn.execute(text("select count(*) from member")).scalar() == 4
    assert "ux_member_owner_national_id" in _indexes(path, "member")
    assert "ux_exchange_log_direction_source_sequence" in _indexes(path, "exchange_log")
    engine = create_engine(f"sqlite:///{path}")
    with pytest.raises(IntegrityError), engine.begin() as conn:
        _member(conn, 5, "001090000001")
    with engine.begin() as conn:
        _member(conn, 6, "001090000002")
        _member(conn, 7, "001090000001", deleted=True)
    engine.dispose()


def test_a_database_already_breaking_the_rule_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "twice.db"
    _at_0600(path)
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        _member(conn, 1, "001090000001")
        _member(conn, 2, "001090000001")
    engine.dispose()
    with open_database(path) as db, db.engine.connect() as conn:
        assert schema_revision(db.engine) == head_revision()
        rows = conn.execute(text("select id, national_id from member order by id")).all()
        assert [tuple(r) for r in rows] == [(1, "001090000001"), (2, "001090000001")]
    assert "ux_member_owner_national_id" not in _indexes(path, "member")
    assert "ux_exchange_log_direction_source_sequence" in _indexes(path, "exchange_log")


def test_upgrade_keys_the_exchange_bookkeeping_by_local_id(tmp_path: Path) -> None:
    path = tmp_path / "exchanged.db"
    _at_0600(path)
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        _member(conn, 7, "001090000007")
        conn.execute(text(
            "insert into exchange_record (record_uuid, entity, base_version, pending_version, "
            "pending_sequence) values (:m, 'member', 3, 4, 2), (:u, 'org_unit', 1, null, null)"),
            {"m": uuid.UUID(int=1007).hex, "u": UNIT.hex})
    engine.dispose()
    with open_database(path) as db, db.engine.connect() as conn:
        rows = conn.execute(text("select entity, record_id, base_version, pending_version, "
                                 "pending_sequence from exchange_record order by entity"))
        assert [tuple(r) for r in rows] == [("member", 7, 3, 4, 2), ("org_unit", 1, 1, None,
                                                                     None)]
