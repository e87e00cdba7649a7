"""Two processes writing to the same PostgreSQL database at once: every check-then-write rule
holds (one writer at a time, as on SQLite), the second gets a plain message, and the database
keeps one row. Without the writers' lock the same races break the rules (or hit an index)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.postgres import race_worker
from unionapp.db import open_database
from unionapp.exchange import keys
from unionapp.org import init_database

pytestmark = pytest.mark.postgres


def _race(url: str, action: str, folder: Path, *, lock: bool = True) -> dict[str, tuple]:
    context = multiprocessing.get_context("spawn")
    events = {"a": context.Event(), "b": context.Event()}
    start, results = context.Event(), context.Queue()
    workers = [context.Process(target=race_worker.run, args=(
        url, action, name, other, events, start, results, str(folder), lock))
        for name, other in (("a", "b"), ("b", "a"))]
    for worker in workers:
        worker.start()
    start.set()
    found = {}
    for _ in workers:
        name, outcome, value, reached = results.get(timeout=120)
        found[name] = (outcome, value, reached)
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    return found


def _count(url: str, sql: str) -> int:
    with open_database(url, readonly=True) as db, db.engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar() or 0)


@pytest.fixture
def branch_url(pg_url: str) -> str:
    with open_database(pg_url, user="tester") as db:
        init_database(db, code="CDCS-PG", name="Công đoàn cơ sở Thử nghiệm",
                      parent_code="LDLD-HN", parent_name="Liên đoàn Lao động thành phố Hà Nội",
                      place="Hà Nội")
        keys.init_keys(db)
    return pg_url


def _one_wins(found: dict[str, tuple], words: str) -> None:
    outcomes = sorted(outcome for outcome, _value, _reached in found.values())
    assert outcomes == ["ok", "refused"], found
    refused = next(value for outcome, value, _r in found.values() if outcome == "refused")
    assert words in refused, refused
    # The winner held its write open until the other was seen waiting for the lock.
    assert all(reached == [True] for outcome, _v, reached in found.values() if outcome == "ok")


def test_cccd_numbers(branch_url: str, tmp_path: Path) -> None:
    _one_wins(_race(branch_url, "cccd", tmp_path), "CCCD")
    assert _count(branch_url, "SELECT count(*) FROM member "
                              "WHERE national_id = '001090000123'") == 1


def test_decision_numbers(branch_url: str, tmp_path: Path) -> None:
    _one_wins(_race(branch_url, "decision", tmp_path), "15/QĐ-CĐCS")
    assert _count(branch_url, "SELECT count(*) FROM award_decision") == 1


def test_new_group_codes(branch_url: str, tmp_path: Path) -> None:
    _one_wins(_race(branch_url, "group", tmp_path), "CDCS-PG-T9")
    assert _count(branch_url, "SELECT count(*) FROM org_unit WHERE code = 'CDCS-PG-T9'") == 1


def test_export_sequence_numbers(branch_url: str, tmp_path: Path) -> None:
    found = _race(branch_url, "export", tmp_path)
    assert sorted(value for _outcome, value, _r in found.values()) == ["1", "2"], found
    assert _count(branch_url, "SELECT count(DISTINCT sequence) FROM exchange_log "
                              "WHERE direction = 'export'") == 2


def test_without_the_writers_lock_the_races_are_real(branch_url: str, tmp_path: Path) -> None:
    """Both decisions pass their check (a number used twice); the CCCD race is stopped by the
    partial unique index, but only with a database error, not a message."""
    found = _race(branch_url, "decision", tmp_path, lock=False)
    assert [o for o, _v, _r in found.values()] == ["ok", "ok"], found
    assert _count(branch_url, "SELECT count(*) FROM award_decision") == 2
    found = _race(branch_url, "cccd", tmp_path, lock=False)
    assert sorted(o for o, _v, _r in found.values()) == ["error", "ok"], found
    assert _count(branch_url, "SELECT count(*) FROM member "
                              "WHERE national_id = '001090000123'") == 1
