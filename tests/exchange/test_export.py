"""Writing a package holds no write lock: the records come from one snapshot, the zip is
written outside any write transaction, and only the bookkeeping is committed, briefly."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.exchange.conftest import Pair
from unionapp.exchange import export as export_module
from unionapp.exchange import export_package, import_package
from unionapp.models import ExchangeLog
from unionapp.progress import Progress


def test_the_zip_is_written_while_others_may_write(pair: Pair,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    db = pair.branch.db
    assert db.path is not None
    real = export_module._write_entity
    probes: list[bool] = []

    def probing(*args, **kwargs):  # type: ignore[no-untyped-def]
        other = sqlite3.connect(db.path, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails at once if the export held the lock
            other.execute("ROLLBACK")
            probes.append(True)
        finally:
            other.close()
        return real(*args, **kwargs)

    monkeypatch.setattr(export_module, "_write_entity", probing)
    result = export_package(db, pair.tmp / "out" / "a.zip")
    assert probes and all(probes)
    assert result.sequence == 1
    assert import_package(pair.parent.db, Path(result.path)).outcome == "committed"


def test_a_number_taken_meanwhile_makes_the_package_again(pair: Pair) -> None:
    """Another export finishes while this one is being written: this one becomes the next
    number, both files are genuine packages, and each number is used once."""
    db = pair.branch.db
    meanwhile: list[int] = []

    def report(done: int, total: int, text: str) -> None:
        if not meanwhile:
            meanwhile.append(export_package(db, pair.tmp / "out" / "other.zip").sequence)

    result = export_package(db, pair.tmp / "out" / "this.zip", progress=Progress(report))
    assert meanwhile == [1] and result.sequence == 2
    with db.read() as s:
        numbers = s.scalars(select(ExchangeLog.sequence).where(
            ExchangeLog.direction == "export")).all()
    assert sorted(numbers) == [1, 2]
    parent = pair.parent.db
    assert import_package(parent, pair.tmp / "out" / "other.zip").outcome == "committed"
    assert import_package(parent, Path(result.path)).package.sequence == 2
