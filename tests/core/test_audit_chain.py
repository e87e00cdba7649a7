"""The audit log's hash chain: every writer seals its rows, a row edited, deleted or inserted
with plain sqlite3 is caught by ``audit verify`` (which names the first broken row), a row
inserted behind the program's back is never sealed afterwards, and a database upgraded from
before the chain verifies from the migration on."""

from __future__ import annotations

import ast
import importlib.util
import json
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import ROOT, run_cli
from unionapp import members
from unionapp.audit import check_chain, entry_hash
from unionapp.audit_trail import problem_text, verify_audit
from unionapp.db import Database, open_database
from unionapp.members import MemberInput
from unionapp.resources import migrations_dir


def _verify(db: Database) -> dict[str, object]:
    return verify_audit(db).as_json()


def _raw(path: Path, sql: str, *params: object) -> None:
    """A change made with plain sqlite3, behind the program's back."""
    conn = sqlite3.connect(path)
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def _ids(path: Path) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("select id from audit_log order by id")]
    finally:
        conn.close()


def test_the_demo_verifies_and_every_row_is_sealed(demo_db: Database) -> None:
    result = _verify(demo_db)
    assert result["ok"] is True and result["first_bad"] is None
    assert result["entries"] == len(_ids(demo_db.path))  # type: ignore[arg-type]
    conn = sqlite3.connect(demo_db.path)  # type: ignore[arg-type]
    assert conn.execute("select count(*) from audit_log where hash is null").fetchone() == (0,)
    conn.close()


def test_an_edited_row_is_caught_and_named(demo_db: Database) -> None:
    path = demo_db.path
    assert path is not None
    victim = _ids(path)[40]
    _raw(path, "update audit_log set after = json_set(after, '$.full_name', 'Người Khác') "
               "where id = ?", victim)
    result = _verify(demo_db)
    assert result["ok"] is False
    assert result["first_bad"]["id"] == victim  # type: ignore[index]
    assert result["first_bad"]["problem"] == "changed"  # type: ignore[index]
    assert f"dòng số {victim} đã bị sửa" in problem_text(verify_audit(demo_db))


@pytest.mark.parametrize("column", ["user", "at", "action", "summary", "role"])
def test_any_sealed_field_edited_is_caught(demo_db: Database, column: str) -> None:
    path = demo_db.path
    assert path is not None
    victim = _ids(path)[5]
    value = "2001-01-01 00:00:00.000000" if column == "at" else "khác"
    _raw(path, f'update audit_log set "{column}" = ? where id = ?', value, victim)
    assert _verify(demo_db)["first_bad"]["id"] == victim  # type: ignore[index]


def test_a_deleted_row_is_caught_at_the_next(demo_db: Database) -> None:
    path = demo_db.path
    assert path is not None
    ids = _ids(path)
    _raw(path, "delete from audit_log where id = ?", ids[100])
    bad = _verify(demo_db)["first_bad"]
    assert bad == {**bad, "id": ids[101], "problem": "missing_before"}  # type: ignore[dict-item]


def test_deleting_the_newest_rows_is_caught(demo_db: Database) -> None:
    path = demo_db.path
    assert path is not None
    ids = _ids(path)
    _raw(path, "delete from audit_log where id >= ?", ids[-3])
    bad = _verify(demo_db)["first_bad"]
    assert bad["problem"] == "missing_after" and bad["id"] == ids[-1]  # type: ignore[index]


def test_deleting_the_programs_record_of_the_newest_row_is_caught(demo_db: Database) -> None:
    path = demo_db.path
    assert path is not None
    ids = _ids(path)
    _raw(path, "delete from audit_log where id >= ?", ids[-2])
    _raw(path, "delete from database_info where key = 'audit_head'")
    assert _verify(demo_db)["first_bad"]["problem"] == "no_head"  # type: ignore[index]
    members.create_member(demo_db, MemberInput(full_name="Lý Văn Tiếp"))  # writing goes on
    assert _verify(demo_db)["first_bad"]["problem"] == "missing_before"  # type: ignore[index]


def test_an_inserted_row_is_caught_and_never_sealed_afterwards(demo_db: Database) -> None:
    path = demo_db.path
    assert path is not None
    _raw(path, "insert into audit_log (at, user, action, entity, summary, role) values "
               "('2026-01-01 00:00:00.000000', 'ai đó', 'update', 'member', 'chèn', '')")
    forged = _ids(path)[-1]
    assert _verify(demo_db)["first_bad"] == {  # type: ignore[comparison-overlap]
        **_verify(demo_db)["first_bad"], "id": forged, "problem": "unsealed"}  # type: ignore
    # the program keeps writing; the forged row stays unsealed and reported
    members.create_member(demo_db, MemberInput(full_name="Vũ Thị Sau"))
    result = _verify(demo_db)
    assert result["first_bad"]["id"] == forged  # type: ignore[index]
    conn = sqlite3.connect(path)
    assert conn.execute("select hash from audit_log where id = ?", (forged,)).fetchone() == (
        None,)
    conn.close()


def test_a_copied_seal_does_not_hide_an_insert(demo_db: Database) -> None:
    path = demo_db.path
    assert path is not None
    conn = sqlite3.connect(path)
    last = conn.execute("select * from audit_log order by id desc limit 1").fetchone()
    columns = [d[0] for d in conn.execute("select * from audit_log limit 0").description]
    row = dict(zip(columns, last, strict=True))
    row.pop("id")
    row["summary"] = "chèn lén, mượn dấu niêm phong"
    conn.execute(f"insert into audit_log ({', '.join(f'{c!r}' for c in row)}) values "
                 f"({', '.join('?' for _ in row)})", list(row.values()))
    conn.commit()
    conn.close()
    assert _verify(demo_db)["first_bad"]["problem"] == "changed"  # type: ignore[index]


def test_audit_verify_on_the_command_line(demo_path: Path) -> None:
    ok = run_cli("--db", str(demo_path), "audit", "verify", "--json")
    assert ok.returncode == 0, ok.stderr
    result = json.loads(ok.stdout)
    assert set(result) >= {"ok", "entries", "first_bad"} and result["ok"] is True
    victim = _ids(demo_path)[7]
    _raw(demo_path, "update audit_log set user = 'người lạ' where id = ?", victim)
    bad = run_cli("--db", str(demo_path), "audit", "verify", "--json")
    assert bad.returncode == 2
    assert json.loads(bad.stdout)["first_bad"]["id"] == victim
    words = run_cli("--db", str(demo_path), "audit", "verify")
    assert words.returncode == 2 and f"dòng số {victim}" in words.stdout


def test_every_writer_of_audit_rows_seals_them(db: Database, tmp_path: Path) -> None:
    """The ORM hook, rows added by hand, the bulk summary and the roster importer."""
    from unionapp.bulk import audit_summary
    from unionapp.models import AuditLog, utcnow
    from unionapp.rosters.export import export_members
    from unionapp.rosters.importing import import_roster

    one = members.create_member(db, MemberInput(full_name="Nguyễn Văn Một",
                                                national_id="001090000001", phone="0900000001"))
    with db.transaction() as s:
        s.add(AuditLog(user="tay", action="note", entity="member", summary="thêm tay",
                       at=utcnow()))
        audit_summary(s, user="bulk", action="import", entity="member", summary="tóm tắt",
                      details={"rows": 3, "ngày": "01/01/2026", "list": [1, 2]})
    roster = tmp_path / "ds.xlsx"
    export_members(db, roster)
    members.update_member(db, one.uuid, MemberInput(full_name="Nguyễn Văn Một",
                                                    national_id="001090000001",
                                                    phone="0911111111"))
    summary = import_roster(db, roster)  # puts the phone back: an update row per member
    assert summary.updated == 1
    result = _verify(db)
    assert result["ok"] is True, result
    with db.read() as s:
        rows = s.execute(text("select count(*) from audit_log where hash is null")).scalar()
    assert rows == 0


def test_no_module_inserts_audit_rows_past_the_one_writer() -> None:
    """Core inserts into audit_log (which would skip the seal) only in unionapp/audit.py."""
    offenders = []
    for path in (ROOT / "unionapp").rglob("*.py"):
        if path.name == "audit.py" or "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "__table__" and isinstance(
                    node.value, ast.Name) and node.value.id == "AuditLog":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "insert" and any(
                    isinstance(a, ast.Name) and a.id == "AuditLog" for a in node.args):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        if "insert into audit_log" in source.lower():
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_migrations_frozen_seal_is_the_programs() -> None:
    spec = importlib.util.spec_from_file_location(
        "m0700", migrations_dir() / "versions" / "0700_accounts_and_audit_chain.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    when = datetime(2025, 7, 1, 3, 4, 5, 678, tzinfo=UTC)
    for args in [("", when, "hằng", "", "create", "member", uuid.uuid4(), "", None,
                  {"full_name": "Đặng Thị Ẩn", "n": 1, "x": [1, None, True]}),
                 ("ab" * 32, when.replace(tzinfo=None), "", "chair", "update", "award", None,
                  "tóm tắt", {"a": "b"}, {"a": "c"})]:
        assert module._entry_hash(*args) == entry_hash(*args)


def test_a_database_upgraded_from_before_the_chain_verifies_from_then_on(
        tmp_path: Path) -> None:
    from alembic import command

    from unionapp.db import _alembic_config

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0600")
        for i in range(5):
            conn.execute(text(
                "insert into audit_log (at, user, action, entity, entity_uuid, summary, before, "
                "after) values (:at, :user, 'update', 'member', :u, '', :b, :a)"),
                {"at": f"2025-0{i + 1}-02 08:00:00.123456", "user": "thư ký", "u": uuid.uuid4().hex,
                 "b": json.dumps({"phone": f"09000000{i}"}),
                 "a": json.dumps({"phone": f"09111111{i}", "ghi_chú": "Đã sửa"})})
        conn.execute(text("insert into app_user (username, full_name, role, active, "
                          "created_at) values ('tester', '', 'admin', 1, "
                          "'2024-01-01 00:00:00')"))
    engine.dispose()
    with open_database(path) as db:
        check = verify_audit(db)
        assert (check.ok, check.entries, check.sealed_at_upgrade) == (True, 5, 5)
        assert "5 dòng ghi trước khi nâng cấp" in problem_text(check)
        members_before = _ids(path)
        with db.engine.connect() as conn:
            assert conn.execute(text("select role from app_user")).scalar() == "chair"
    # Old rows are part of the chain now: editing one is caught, as is a new one's link.
    _raw(path, "update audit_log set user = 'khác' where id = ?", members_before[2])
    with open_database(path) as db, db.read() as s:
        bad = check_chain(s).first_bad
        assert bad is not None and bad.id == members_before[2]
