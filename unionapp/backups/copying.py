"""A verified copy of a SQLite database, the way SQLite's own guidance says: its backup API
(a consistent snapshot, safe while the program writes) into a temporary file, made a single
self-contained file, fsynced, checked with ``PRAGMA integrity_check``, and only then renamed
to its final name. A copy that exists under its final name is complete and was checked."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..errors import UserError
from ..i18n import _
from ..progress import NO_PROGRESS, Progress

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 10.0
PART = ".part"
CHUNK = 1 << 20
CHECK_CACHE_KB = 128 * 1024
MARKER_QUERIES = ("SELECT max(id) FROM audit_log", "SELECT max(id) FROM exchange_log",
                  "SELECT max(version_num) FROM alembic_version")


@dataclass(frozen=True)
class Facts:
    """What a backup holds, read from the copy itself."""

    schema_revision: str | None
    home_unit: str
    home_name: str
    members: int | None
    decisions: int | None
    cases: int | None
    marker: str  # changes when anything is written (see change_marker)


@dataclass(frozen=True)
class Copied:
    facts: Facts
    size: int
    sha256: str
    problems: tuple[str, ...]  # integrity_check's findings; empty when the copy is sound


class CopyFailed(UserError):
    """The copy could not be made or did not pass its check; nothing was kept."""


def is_sqlite_file(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def read_only_uri(path: Path) -> str:
    """A URI that opens ``path`` for reading without creating anything next to it."""
    return f"file:{quote(str(path.resolve()))}?mode=ro"


def _one(conn: sqlite3.Connection, sql: str, params: tuple[object, ...] = ()) -> object:
    try:
        row = conn.execute(sql, params).fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def change_marker(conn: sqlite3.Connection) -> str:
    """A value that changes whenever the data changes: every user action writes an audit row,
    every package exchanged a log row, and a migration changes the schema's revision. (Not
    SQLite's schema cookie: the backup API changes it in the copy.)"""
    return "/".join(str(_one(conn, sql)) for sql in MARKER_QUERIES)


def read_facts(conn: sqlite3.Connection) -> Facts:
    def count(table: str) -> int | None:
        value = _one(conn, f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL")
        return int(value) if isinstance(value, int) else None

    revision = _one(conn, "SELECT version_num FROM alembic_version")
    home = _one(conn, "SELECT value FROM database_info WHERE key = 'home_unit_uuid'")
    name = None
    if isinstance(home, str) and home:
        name = _one(conn, "SELECT name FROM org_unit WHERE uuid IN (?, ?)",
                    (home.replace("-", ""), home))
    return Facts(schema_revision=revision if isinstance(revision, str) else None,
                 home_unit=home if isinstance(home, str) else "",
                 home_name=name if isinstance(name, str) else "",
                 members=count("member"), decisions=count("award_decision"),
                 cases=count("support_case"), marker=change_marker(conn))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def fsync_file(path: Path) -> None:
    # Windows flushes only through a handle open for writing.
    with path.open("rb+") as f:
        os.fsync(f.fileno())


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX; Windows has no directory handles for this)."""
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (e.g. network ones) refuse it; the data itself is synced
    finally:
        os.close(fd)


def remove_with_sidecars(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def integrity_problems(conn: sqlite3.Connection, pragma: str = "integrity_check") -> list[str]:
    try:
        # The check looks every index entry up in its table: with SQLite's default 2 MB cache
        # it reads the same pages again and again. 128 MB at most (only what is read is
        # held) halves its time on a 200 MB database.
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        size = pages * conn.execute("PRAGMA page_size").fetchone()[0]
        conn.execute(f"PRAGMA cache_size = -{min(size // 1024 + 1, CHECK_CACHE_KB)}")
        rows = conn.execute(f"PRAGMA {pragma}").fetchall()
    except sqlite3.DatabaseError as error:
        return [str(error)]
    found = [str(r[0]) for r in rows]
    return [] if found == ["ok"] else found


def copy_sqlite(source: Path, dest: Path, progress: Progress = NO_PROGRESS) -> Copied:
    """Copy the database at ``source`` to ``dest`` (temporary file, backup API, fsync,
    ``integrity_check``, rename). A copy that fails its check is deleted and refused with
    :class:`CopyFailed`; errors of the disk propagate (the caller explains them)."""
    if not source.is_file():
        raise CopyFailed(_("There is no database at {path}.").format(path=source))
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + PART)
    remove_with_sidecars(part)
    try:
        progress(0, 0, _("Copying the data…"))
        src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_S)
        try:
            dst = sqlite3.connect(part)
            try:
                src.backup(dst)  # all pages in one step: one consistent snapshot
            finally:
                dst.close()
        finally:
            src.close()
        progress(0, 0, _("Checking the copy…"))
        dst = sqlite3.connect(part)
        try:
            # The copy carries the source's WAL flag: make it one self-contained file.
            dst.execute("PRAGMA journal_mode = DELETE")
            problems = integrity_problems(dst)
            facts = read_facts(dst)
        finally:
            dst.close()
        if problems:
            raise CopyFailed(_(
                "The copy did not pass SQLite's integrity check ({problem}): the database "
                "itself may be damaged. Don't change anything more; restore the newest good "
                "backup.").format(problem=problems[0]))
        fsync_file(part)
        digest = sha256_file(part)
        size = part.stat().st_size
        os.replace(part, dest)
        fsync_dir(dest.parent)
    except BaseException:
        remove_with_sidecars(part)
        raise
    return Copied(facts=facts, size=size, sha256=digest, problems=())
