"""Migration 0830: the exchange's record bookkeeping made compact (SQLite: WITHOUT ROWID; the
pending index holds pending records only). Every row is kept, both ways."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from unionapp.db import _alembic_config, head_revision, open_database, schema_differences

ROWS = [("member", 7, 3, 4, 2), ("member", 9, 1, None, None), ("org_unit", 1, 1, None, None),
        ("support_case", 12, 5, 6, 3)]


def _at(path: Path, revision: str, action: str = "upgrade") -> None:
    engine = create_engine(f"sqlite:///{path}")
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        getattr(command, action)(config, revision)
    engine.dispose()


def _state(path: Path) -> tuple[list[tuple[object, ...]], str, str]:
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(
            "select entity, record_id, base_version, pending_version, pending_sequence "
            "from exchange_record order by entity, record_id"))]
        table, index = (conn.execute(text(
            "select sql from sqlite_master where name = :n"), {"n": n}).scalar_one()
            for n in ("exchange_record", "ix_exchange_record_pending_sequence"))
    engine.dispose()
    return rows, table, index


def test_upgrade_and_downgrade_keep_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _at(path, "0720")
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("insert into exchange_record values (:e, :r, :b, :v, :s)"),
                     [dict(zip("erbvs", row, strict=True)) for row in ROWS])
    engine.dispose()
    with open_database(path) as db:  # as the program upgrades a database
        assert schema_differences(db.engine) == []
    rows, table, index = _state(path)
    assert rows == ROWS
    assert "WITHOUT ROWID" in table and "WHERE pending_sequence IS NOT NULL" in index
    _at(path, "0720", "downgrade")
    rows, table, index = _state(path)
    assert rows == ROWS
    assert "WITHOUT ROWID" not in table and "WHERE" not in index
    _at(path, head_revision())
    assert _state(path)[0] == ROWS


def test_pending_records_are_found_through_the_index(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    open_database(path, create=True).close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("insert into exchange_record values ('member', 1, 1, 2, 5), "
                          "('member', 2, 1, null, null)"))
        plan = " ".join(r[-1] for r in conn.execute(text(
            "explain query plan update exchange_record set pending_sequence = null, "
            "pending_version = null where pending_sequence is not null "
            "and pending_sequence <= 5")))
        assert "ix_exchange_record_pending_sequence" in plan
    engine.dispose()
