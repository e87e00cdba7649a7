"""Failures during work: a full disk, an I/O error, the file removed underneath. The
transaction rolls back, the clerk reads one plain sentence, nothing is half-written."""

from __future__ import annotations

import errno
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event

from tests.safety import FULL_DISK, assert_plain, count, integrity, roster_csv, run_patched
from unionapp import members
from unionapp.db import Database
from unionapp.errors import (
    DamagedDatabase,
    DatabaseLocked,
    DiskFull,
    FileGone,
    ReadOnlyDatabase,
    StorageError,
)
from unionapp.failures import explain
from unionapp.rosters.importing import import_roster


def test_a_disk_that_fills_up_during_a_roster_import(demo_path: Path, tmp_path: Path) -> None:
    roster = roster_csv(tmp_path / "ds.csv", 2000)
    result = run_patched(FULL_DISK, "--db", str(demo_path), "members", "import", str(roster))
    assert_plain(result, 2, "Ổ đĩa đã đầy", "dữ liệu vẫn như trước")
    assert count(demo_path) == 300 and integrity(demo_path) == "ok"


def test_a_full_disk_at_the_transaction_boundary(demo_db: Database, tmp_path: Path) -> None:
    @event.listens_for(demo_db.engine, "connect")
    def almost_full(conn: sqlite3.Connection, _record: object) -> None:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 2}")

    demo_db.engine.dispose()
    with pytest.raises(DiskFull, match="Ổ đĩa đã đầy"):
        import_roster(demo_db, roster_csv(tmp_path / "ds.csv", 1500))
    assert members.member_list(demo_db).count() == 300


def test_the_file_removed_underneath(db: Database) -> None:
    members.create_member(db, members.MemberInput(full_name="Lê Văn Một",
                                                  joined_on=date(2020, 1, 1)))
    assert db.path is not None
    moved = db.path.with_name("moved.db")
    db.path.rename(moved)  # e.g. the folder was tidied while the program was open
    with pytest.raises(FileGone, match="di chuyển hoặc xóa"):
        members.create_member(db, members.MemberInput(full_name="Lê Văn Hai",
                                                      joined_on=date(2020, 1, 1)))
    for suffix in ("-wal", "-shm"):
        Path(str(db.path) + suffix).rename(Path(str(moved) + suffix))
    assert count(moved) == 1  # the second member was never half-written anywhere


def _sqlite_error(code: int, text: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(text)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(("error", "kind", "phrase"), [
    (_sqlite_error(13, "database or disk is full"), DiskFull, "Ổ đĩa đã đầy"),
    (_sqlite_error(10, "disk I/O error"), StorageError, "Không đọc hoặc ghi được ổ đĩa"),
    (_sqlite_error(11, "database disk image is malformed"), DamagedDatabase, "bị hỏng"),
    (_sqlite_error(26, "file is not a database"), DamagedDatabase, "bị hỏng"),
    (_sqlite_error(5, "database is locked"), DatabaseLocked, "chương trình khác"),
    (_sqlite_error(8, "attempt to write a readonly database"), ReadOnlyDatabase,
     "chỉ cho phép đọc"),
    (OSError(errno.ENOSPC, "No space left on device"), DiskFull, "Ổ đĩa đã đầy"),
    (OSError(errno.EIO, "Input/output error"), StorageError, "Không đọc hoặc ghi được"),
])
def test_failures_are_explained_plainly(error: BaseException, kind: type, phrase: str) -> None:
    plain = explain(error)
    assert isinstance(plain, kind) and phrase in plain.message


def test_a_vanished_folder_and_the_servers_answers() -> None:
    gone = Path("/nonexistent-folder/unionapp.db")
    assert "không còn" in explain(_sqlite_error(14, "unable to open database file"),
                                  gone).message  # type: ignore[union-attr]

    class ServerError(Exception):
        def __init__(self, sqlstate: str):
            self.sqlstate = sqlstate

    assert isinstance(explain(ServerError("53100")), DiskFull)
    assert "Mất kết nối" in explain(ServerError("08006")).message  # type: ignore[union-attr]
    assert explain(ServerError("23505")) is None  # a rule of the data: not the disk's fault
    assert explain(sqlite3.IntegrityError("UNIQUE constraint failed")) is None
    assert explain(RuntimeError("a bug")) is None


def test_no_space_for_an_output_file_is_said_plainly(demo_path: Path, tmp_path: Path) -> None:
    result = run_patched("""
import errno, os
import unionapp.cli.members_cmd as _cmd
def _full(*_a, **_k):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "ds.xlsx")
_cmd.export_members = _full
""", "--db", str(demo_path), "members", "export", str(tmp_path / "ds.xlsx"))
    assert_plain(result, 2, "Ổ đĩa đã đầy")
