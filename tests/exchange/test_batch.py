"""A parent union taking in several packages at once: one backup, made before any write
transaction; each package in a transaction of its own, so a refused one leaves the others
committed and itself untouched."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.exchange.conftest import Pair
from tests.exchange.packages import lines, resign, rows
from tests.exchange.test_merge import _edit, _first_member
from unionapp import backups
from unionapp.db import Database, backups_dir
from unionapp.exchange import import_package, import_packages
from unionapp.exchange import importer as importer_module
from unionapp.exchange.importer import MAX_SEQUENCE_STEP
from unionapp.exchange.keys import signing_key
from unionapp.models import ExchangeLog, Member, OrgUnit


def _members_of(db: Database, unit_code: str) -> int:
    with db.read() as s:
        unit_id = s.scalar(select(OrgUnit.id).where(OrgUnit.code == unit_code))
        units = {unit_id, *s.scalars(select(OrgUnit.id).where(OrgUnit.parent_id == unit_id))}
        return s.scalar(select(func.count(Member.id)).where(Member.org_unit_id.in_(units))) or 0


def _poisoned(pair: Pair, package: Path) -> bytes:
    """The other branch's real package, signed by it, with one record of the parent's own
    among its members: its envelope is fine, the check of its rows refuses it."""
    parent_uuid = str(pair.parent.db.home_unit_uuid)

    def steal(parts: dict[str, bytes]) -> None:
        found = rows(parts["data/member.jsonl"])
        found[-1]["owner_uuid"] = parent_uuid
        parts["data/member.jsonl"] = lines(found)

    return resign(package.read_bytes(), signing_key(pair.other.db), files=steal)


def test_one_refused_package_leaves_the_others_committed_and_itself_untouched(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Path | None] = []
    real_backup = backups.backup_before

    def watched(db: Database, reason: str) -> Path | None:
        # Nobody holds the write lock while the copy is made.
        assert db.path is not None
        probe = sqlite3.connect(db.path, timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
        finally:
            probe.close()
        made.append(real_backup(db, reason))
        return made[-1]

    monkeypatch.setattr(importer_module, "backup_before", watched)
    tmp = pair.tmp
    first = pair.export()
    other = pair.export(pair.other)
    poisoned = tmp / "poisoned.zip"
    poisoned.write_bytes(_poisoned(pair, other))
    # The branch's second package (built on the first) comes after the refused one.
    _edit(pair.branch.db, _first_member(pair), phone="0912345678")
    second = pair.export()

    summaries = import_packages(pair.parent.db, [first, poisoned, second])
    assert [s.outcome for s in summaries] == ["committed", "refused", "committed"]
    assert summaries[1].errors[0].code == "rejected_rows"
    assert len(made) == 1 and made[0] is not None
    assert {s.backup_file for s in summaries if s.outcome == "committed"} == {str(made[0])}
    assert len(list(backups_dir().rglob("*.db"))) == 1
    with sqlite3.connect(made[0]) as copy:  # the state before the batch
        assert copy.execute("select count(*) from member").fetchone() == (0,)

    parent = pair.parent.db
    assert _members_of(parent, "VNCPT") == 40
    assert _members_of(parent, "CDCS-KHAC") == 0, "the refused package wrote nothing"
    with parent.read() as s:
        logged = s.scalars(select(ExchangeLog.sequence).where(
            ExchangeLog.direction == "import")).all()
    assert sorted(logged) == [1, 2]
    # Its number was not used up: the genuine package goes in afterwards.
    assert import_package(parent, other).outcome == "committed"
    assert _members_of(parent, "CDCS-KHAC") == 3


def test_a_batch_that_writes_nothing_makes_no_backup(pair: Pair) -> None:
    package = pair.export()
    assert import_package(pair.parent.db, package).outcome == "committed"
    backups_before = set(backups_dir().rglob("*.db"))
    summaries = import_packages(pair.parent.db, [package, package])
    assert [s.outcome for s in summaries] == ["already_imported", "already_imported"]
    assert set(backups_dir().rglob("*.db")) == backups_before


@pytest.mark.parametrize("jump", [MAX_SEQUENCE_STEP + 1, 2**31 - 1])
def test_a_sequence_number_far_beyond_the_last_is_refused(pair: Pair, jump: int) -> None:
    """A signed number of 2³¹−1 would make every later real package look old."""
    key = signing_key(pair.branch.db)
    valid = pair.export().read_bytes()
    forged = resign(valid, key, manifest=lambda m: m.update(sequence=jump))
    summary = pair.refused_unchanged(forged, code="implausible_sequence", text=str(jump))
    assert summary.package.sequence == jump


def test_a_number_within_reach_is_held_not_refused(pair: Pair) -> None:
    key = signing_key(pair.branch.db)
    valid = pair.export().read_bytes()
    later = resign(valid, key, manifest=lambda m: m.update(sequence=MAX_SEQUENCE_STEP,
                                                           base_sequence=5))
    assert import_package(pair.parent.db, later).outcome == "held"


def test_a_batch_copies_the_wal_less_often_and_empties_it_at_the_end(pair: Pair) -> None:
    """While a batch runs, a commit copies the WAL into the database file only past
    BATCH_CHECKPOINT_PAGES; afterwards the WAL file is empty and writes go back to SQLite's
    usual size. Every package is on the disk when it commits all the same (synchronous=FULL
    and the WAL: see tests/crash for a batch killed half-way)."""
    from unionapp.db import BATCH_CHECKPOINT_PAGES, CHECKPOINT_PAGES
    from unionapp.progress import Progress

    parent = pair.parent.db
    assert parent.path is not None
    wal = Path(str(parent.path) + "-wal")
    during: list[int] = []

    def between(done: int, total: int, _text: str) -> None:
        if 0 < done < total:  # a package committed, the next not begun
            with parent.transaction() as s:
                during.append(s.connection().exec_driver_sql(
                    "PRAGMA wal_autocheckpoint").scalar())

    summaries = import_packages(parent, [pair.export(), pair.export(pair.other)],
                                progress=Progress(between))
    assert [s.outcome for s in summaries] == ["committed", "committed"]
    assert during == [BATCH_CHECKPOINT_PAGES]
    assert wal.stat().st_size == 0
    with parent.transaction() as s:
        assert s.connection().exec_driver_sql(
            "PRAGMA wal_autocheckpoint").scalar() == CHECKPOINT_PAGES
    assert _members_of(parent, "VNCPT") == 40 and _members_of(parent, "CDCS-KHAC") == 3
