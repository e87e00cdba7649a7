"""Backups of a 100,000-member database, against a plain file copy in the same run.

- backup: one backup as ``backup create`` makes it (backup API into a temporary file,
  fsync, ``integrity_check``, SHA-256, rename, catalogue, generations), with its parts
  timed alone; the baseline is ``shutil.copyfile`` of the (checkpointed) database file,
  and the same copy followed by an fsync.
- daily: what the window does at the first start of a day, off the GUI thread
  (``PRAGMA quick_check``, then the daily backup), and the whole start of the program's
  core (open + migrations check) before it.
- gui: the longest pause of the Qt event loop while that daily backup runs in the
  background (a 10 ms timer ticks throughout; a window that never blocks keeps ticking).

``python -m bench backups [backup|daily|gui]``. The database is built once into
``bench/.data/`` (about a minute) and reused.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.report import Figure, print_figures, timed

DATA = Path(__file__).resolve().parent / ".data"
BIG = DATA / "backups-100k.db"
MEMBERS = 100_000


def big_database() -> Path:
    from unionapp.db import head_revision, open_database, schema_revision

    if BIG.exists():
        with open_database(BIG, readonly=True) as db:
            if schema_revision(db.engine) == head_revision():
                return BIG
        for suffix in ("", "-wal", "-shm"):
            Path(str(BIG) + suffix).unlink(missing_ok=True)
    DATA.mkdir(exist_ok=True)
    print(f"building {BIG} with {MEMBERS:,} members (once)…", flush=True)
    from unionapp.demo import fill_demo

    with open_database(BIG, create=True) as db:
        fill_demo(db, members=MEMBERS)
    return BIG


def _work_copy(folder: Path) -> Path:
    """A copy of the big database to work on (its own backups folder, its own WAL)."""
    path = folder / "union.db"
    shutil.copyfile(big_database(), path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def _plain_copy(source: Path, dest: Path, *, sync: bool) -> None:
    shutil.copyfile(source, dest)
    if sync:
        with dest.open("rb+") as f:
            os.fsync(f.fileno())


def bench_backup(folder: Path) -> list[Figure]:
    from unionapp.backups import create_backup
    from unionapp.backups.copying import fsync_file, integrity_problems, sha256_file
    from unionapp.db import open_database

    path = _work_copy(folder)
    size = path.stat().st_size
    plain, _ = timed(lambda: _plain_copy(path, folder / "plain.db", sync=False), repeat=3)
    synced, _ = timed(lambda: _plain_copy(path, folder / "plain.db", sync=True), repeat=3)
    with open_database(path) as db:
        ours, made = timed(lambda: create_backup(db), repeat=3)
    copy = made.backup.path

    def api() -> None:
        src = sqlite3.connect(path)
        dst = sqlite3.connect(folder / "api.db")
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")
        dst.close()
        src.close()

    api_s, _ = timed(api, repeat=3)

    def check() -> None:
        conn = sqlite3.connect(copy)
        assert integrity_problems(conn) == []
        conn.close()

    check_s, _ = timed(check, repeat=2)
    sha_s, _ = timed(lambda: sha256_file(copy), repeat=3)
    sync_s, _ = timed(lambda: fsync_file(copy), repeat=3)
    mb = size / 2**20
    return [
        Figure(f"database of {MEMBERS:,} members (size)", mb, unit="MB"),
        Figure("backup create (checked, catalogued)", ours, plain),
        Figure("  the same against copy + fsync", ours, synced),
        Figure("  of which: backup API copy", api_s, plain),
        Figure("  of which: PRAGMA integrity_check", check_s),
        Figure("  of which: SHA-256", sha_s),
        Figure("  of which: fsync", sync_s),
        Figure("plain file copy (baseline)", plain),
    ]


def bench_daily(folder: Path) -> list[Figure]:
    from unionapp.backups import automatic_backup, quick_check
    from unionapp.db import open_database

    path = _work_copy(folder)
    plain, _ = timed(lambda: _plain_copy(path, folder / "plain.db", sync=False), repeat=3)
    start = time.perf_counter()
    db = open_database(path)
    opened = time.perf_counter() - start
    check_s, problems = timed(lambda: quick_check(path))
    assert problems == []
    daily_s, made = timed(lambda: automatic_backup(db, "daily"))
    assert made is not None and made.backup.reason == "daily"
    again_s, again = timed(lambda: automatic_backup(db, "daily"))
    assert again is None
    db.close()
    return [
        Figure("open the database (lock, probe, schema)", opened),
        Figure("start check: quick_check + daily backup", check_s + daily_s, plain),
        Figure("  of which: PRAGMA quick_check", check_s),
        Figure("  of which: the daily backup", daily_s, plain),
        Figure("  the next start the same day (nothing due)", again_s),
        Figure("plain file copy (baseline)", plain),
    ]


def bench_gui(folder: Path) -> list[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.app import start_check
    from ui.tasks import run_task
    from unionapp.db import open_database

    path = _work_copy(folder)
    app = QApplication.instance() or QApplication([])
    db = open_database(path)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    started = time.perf_counter()
    task = run_task(None, lambda progress: start_check(db, progress),
                    on_done=lambda _result: app.quit())
    app.exec()
    ended = time.perf_counter()
    timer.stop()
    assert task.finished
    db.close()
    inside = [started, *[t for t in ticks if started <= t <= ended], ended]
    gaps = [b - a for a, b in itertools.pairwise(inside)]
    return [
        Figure("daily start check in the background (wall)", ended - started),
        Figure("  event-loop ticks during it (10 ms timer)", len(inside) - 2, unit="ticks"),
        Figure("  longest pause of the event loop", max(gaps) * 1000, unit="ms",
               target="< 100 ms"),
    ]


PARTS = {"backup": bench_backup, "daily": bench_daily, "gui": bench_gui}


def main(parts: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-backups-") as tmp:
        os.environ["UNIONAPP_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ["UNIONAPP_CONFIG_DIR"] = str(Path(tmp) / "config")
        for name in parts or list(PARTS):
            folder = Path(tmp) / name
            folder.mkdir()
            print_figures(PARTS[name](folder))
            print(flush=True)
