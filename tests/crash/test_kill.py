"""Crash tests: the real program killed (``kill -9``, as a power cut or Task Manager would) at
random moments of a roster import, a package import, a certificate print run, a backup and a
restore. After every kill the database opens, ``PRAGMA integrity_check`` is ok, no import is
half there, the award register has no gap and no duplicate serial, and every backup listed is
complete and sound.

Half the kills fall at a uniformly random moment of the run; the other half wait until the
work is visibly under way (the WAL grows, the copy's temporary file appears…) and strike a
few milliseconds later. ``UNIONAPP_CRASH_ROUNDS`` sets the rounds per case (default 2, for
the everyday suite; e.g. 50 by hand); ``UNIONAPP_CRASH_LOG`` names a file that receives the
counts as JSON lines.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.exchange.conftest import Pair
from tests.safety import count, integrity, roster_csv
from unionapp import awards
from unionapp.backups import catalogue, create_backup, verify_backup
from unionapp.db import Database, open_database, resolve_url
from unionapp.members import MemberQuery, member_list

ROUNDS = int(os.environ.get("UNIONAPP_CRASH_ROUNDS", "2"))
SEED = int(os.environ.get("UNIONAPP_CRASH_SEED", str(int(time.time()))))
TALLY: dict[str, Counter[str]] = {}

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kill -9 is POSIX")


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    lines = [f"{case}: {dict(tally)}" for case, tally in sorted(TALLY.items())]
    print(f"\ncrash tests (seed {SEED}): " + "; ".join(lines))
    if log := os.environ.get("UNIONAPP_CRASH_LOG"):
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps({"seed": SEED, "rounds": ROUNDS,
                                **{k: dict(v) for k, v in TALLY.items()}}) + "\n")


def _launch(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "ui.launch", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8", env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def _kill(case: str, proc: subprocess.Popen[str], started: Callable[[], bool], round_: int,
          rnd: random.Random, latest: float) -> str:
    """Kill ``proc`` at a random moment; what happened: ``killed`` or ``finished`` first."""
    if round_ % 2 == 0:
        deadline = time.monotonic() + rnd.uniform(0.2, latest)
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.003)
    else:
        deadline = time.monotonic() + 120
        while not started() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(rnd.uniform(0, 0.08))
    outcome = "finished" if proc.poll() is not None else "killed"
    if outcome == "killed":
        proc.kill()  # SIGKILL: no cleanup of any kind runs
    _out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err, err
    when = "at random" if round_ % 2 == 0 else "under way"
    TALLY.setdefault(case, Counter())[f"{outcome} {when}"] += 1
    return outcome


def _after(case: str, state: str) -> None:
    """What a kill left: the change there whole, or not at all (both must happen)."""
    TALLY.setdefault(case, Counter())[state] += 1


def _rng(case: str) -> random.Random:
    return random.Random(f"{SEED}-{case}")


def _wal_grows(db: Path, by: int = 64 * 1024) -> Callable[[], bool]:
    wal = Path(str(db) + "-wal")
    base = wal.stat().st_size if wal.exists() else 0

    def grown() -> bool:
        try:
            return wal.stat().st_size > base + by
        except OSError:
            return False

    return grown


def _folder(db: Path) -> Path:
    return catalogue.folder_for(resolve_url(db), db)


def _healthy(db: Path) -> None:
    """It opens (as the program opens it: lock, recovery, schema), and it is sound."""
    open_database(db).close()
    assert integrity(db) == "ok"


def _sound_backups(db: Path) -> None:
    for backup in catalogue.load(_folder(db)):
        verdict = verify_backup(backup.path, expected_sha256=backup.sha256)
        assert verdict.ok, (backup.file, verdict.problems)


def _copy(template: Path, target: Path) -> Path:
    shutil.copy(template, target)
    return target


def test_kill_during_a_roster_import(demo_path: Path, tmp_path: Path) -> None:
    roster = roster_csv(tmp_path / "ds.csv", 3000)
    rnd = _rng("roster")
    for i in range(ROUNDS):
        db = _copy(demo_path, tmp_path / f"roster-{i}.db")
        proc = _launch("--db", str(db), "members", "import", str(roster))
        outcome = _kill("roster import", proc, _wal_grows(db), i, rnd, latest=6.0)
        _healthy(db)
        members = count(db)
        assert members in (300, 3300), members  # all of it, or none of it
        assert outcome == "killed" or members == 3300
        _after("roster import", "→ imported" if members == 3300 else "→ nothing")
        with open_database(db) as opened:  # the search index agrees with the register
            assert member_list(opened, MemberQuery()).count() == members


def test_kill_during_a_package_import(pair: Pair, tmp_path: Path) -> None:
    package = pair.export()
    pair.parent.close()
    template = pair.parent.path
    rnd = _rng("package")
    for i in range(ROUNDS):
        db = _copy(template, tmp_path / f"parent-{i}.db")
        proc = _launch("--db", str(db), "package", "import", str(package))
        outcome = _kill("package import", proc, _wal_grows(db), i, rnd, latest=5.0)
        _healthy(db)
        members = count(db)
        conn = sqlite3.connect(db)
        imported = conn.execute("SELECT count(*) FROM exchange_log WHERE direction = 'import'"
                                ).fetchone()[0]
        conn.close()
        assert (members, imported) in ((0, 0), (40, 1)), (members, imported)
        assert outcome == "killed" or imported == 1
        _after("package import", "→ imported" if imported else "→ nothing")
        _sound_backups(db)
    pair.parent.reopen()


def test_kill_during_a_batch_of_packages(pair: Pair, tmp_path: Path) -> None:
    """A batch copies its WAL into the database less often: a kill leaves every package
    committed before it whole (from the WAL) and the one under way not at all."""
    first, second = pair.export(), pair.export(pair.other)
    pair.parent.close()
    template = pair.parent.path
    rnd = _rng("batch")
    for i in range(ROUNDS):
        db = _copy(template, tmp_path / f"batch-{i}.db")
        proc = _launch("--db", str(db), "package", "import", str(first), str(second))
        # The packages are small: strike as soon as the first write begins, or early.
        outcome = _kill("package batch", proc, _wal_grows(db, by=1), i, rnd, latest=2.5)
        _healthy(db)
        members = count(db)
        conn = sqlite3.connect(db)
        imported = conn.execute("SELECT count(*) FROM exchange_log WHERE direction = 'import'"
                                ).fetchone()[0]
        conn.close()
        assert (members, imported) in ((0, 0), (40, 1), (43, 2)), (members, imported)
        assert outcome == "killed" or imported == 2
        _after("package batch", f"→ {imported} of 2 imported")
        _sound_backups(db)
    pair.parent.reopen()


def _big_decision(path: Path) -> str:
    with open_database(path) as db:
        decision = max(awards.decision_list(db).all(), key=lambda d: d.recipients)
        everyone = [m.uuid for m in member_list(db, MemberQuery()).all()]
        awards.add_member_recipients(db, decision.uuid, everyone)
        return decision.number


def _register(db: Path) -> list[tuple[int, list[int]]]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT register_year, register_number FROM certificate "
                            "ORDER BY register_year, register_number").fetchall()
    finally:
        conn.close()
    years: dict[int, list[int]] = {}
    for year, number in rows:
        years.setdefault(year, []).append(number)
    return sorted(years.items())


def test_kill_during_a_certificate_print_run(demo_path: Path, tmp_path: Path) -> None:
    number = _big_decision(demo_path)
    before = sum(len(n) for _y, n in _register(demo_path))
    rnd = _rng("certificates")
    for i in range(ROUNDS):
        db = _copy(demo_path, tmp_path / f"print-{i}.db")
        out = tmp_path / f"print-{i}.pdf"
        proc = _launch("--db", str(db), "certificates", number, "--out", str(out))
        outcome = _kill("certificate print run", proc, out.exists, i, rnd, latest=6.0)
        _healthy(db)
        register = _register(db)
        for _year, numbers in register:  # no gap, no duplicate serial, in every year
            assert numbers == list(range(1, len(numbers) + 1)), numbers
        total = sum(len(n) for _y, n in register)
        assert total == before or total > before + 250, total  # the run whole, or not at all
        assert outcome == "killed" or total > before
        _after("certificate print run", "→ numbered" if total > before else "→ nothing")


def test_kill_during_a_backup(demo_path: Path, tmp_path: Path) -> None:
    rnd = _rng("backup")
    for i in range(ROUNDS):
        db = _copy(demo_path, tmp_path / f"backup-{i}.db")
        folder = _folder(db)

        def copying(folder: Path = folder) -> bool:
            return folder.exists() and any(folder.glob("*.part"))

        proc = _launch("--db", str(db), "backup", "create")
        outcome = _kill("backup", proc, copying, i, rnd, latest=4.0)
        _healthy(db)
        _sound_backups(db)  # only complete, sound copies are ever listed
        assert outcome == "killed" or len(catalogue.load(folder)) == 1
        _after("backup", "→ made" if catalogue.load(folder) else "→ none")
        with open_database(db) as opened:  # and the next backup works, leaving no leftovers
            create_backup(opened)
        assert not list(folder.glob("*.part"))


def test_kill_during_a_restore(demo_db: Database, demo_path: Path, tmp_path: Path) -> None:
    saved = create_backup(demo_db, to=tmp_path / "usb").backup  # 300 members
    from unionapp.rosters.importing import import_roster

    import_roster(demo_db, roster_csv(tmp_path / "ds.csv", 5))
    demo_db.close()
    rnd = _rng("restore")
    for i in range(ROUNDS):
        db = _copy(demo_path, tmp_path / f"restore-{i}.db")
        folder = _folder(db)

        def replacing(folder: Path = folder) -> bool:
            return folder.exists() and any(folder.glob("*-before-restore.db"))

        proc = _launch("--db", str(db), "backup", "restore", str(saved.path), "--yes")
        outcome = _kill("restore", proc, replacing, i, rnd, latest=5.0)
        _healthy(db)
        members = count(db)
        assert members in (305, 300), members  # the old data or the restored, never a mix
        assert outcome == "killed" or members == 300
        _after("restore", "→ restored" if members == 300 else "→ as before")
        _sound_backups(db)
