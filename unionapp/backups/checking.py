"""Checking a backup file before trusting it: is it a database of this program, is it intact
(``PRAGMA integrity_check``), is it from a newer program, is it the file the catalogue
recorded (SHA-256)? And the quick check of the open database at start."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..i18n import _
from .copying import (
    BUSY_TIMEOUT_S,
    SQLITE_MAGIC,
    Facts,
    integrity_problems,
    read_facts,
    read_only_uri,
    sha256_file,
)

PG_MAGIC = b"PGDMP"
OUR_TABLES = {"alembic_version", "database_info", "member", "org_unit"}
MAX_PROBLEMS = 5


@dataclass(frozen=True)
class Verdict:
    file: str
    ok: bool
    problems: tuple[str, ...]
    facts: Facts | None = None
    kind: str = "sqlite"
    newer: bool = False

    def as_json(self) -> dict[str, Any]:
        facts = self.facts
        return {"file": self.file, "ok": self.ok, "problems": list(self.problems),
                "kind": self.kind,
                "schema_revision": facts.schema_revision if facts else None,
                "home_name": facts.home_name if facts else None,
                "members": facts.members if facts else None,
                "decisions": facts.decisions if facts else None,
                "cases": facts.cases if facts else None}


def _refused(path: Path, problem: str, **extra: Any) -> Verdict:
    return Verdict(file=str(path), ok=False, problems=(problem,), **extra)


def verify_backup(path: Path, *, expected_sha256: str | None = None) -> Verdict:
    """Check ``path`` without changing it. ``expected_sha256``: the catalogue's record."""
    if not path.is_file():
        return _refused(path, _("There is no file {path}.").format(path=path))
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as error:
        return _refused(path, _("The file can't be read ({reason}).").format(reason=error))
    if expected_sha256 and sha256_file(path) != expected_sha256:
        return _refused(path, _("The file has changed since the backup was made (its SHA-256 "
                                "checksum differs): it can't be trusted."))
    if head.startswith(PG_MAGIC):
        return _verify_dump(path)
    if head != SQLITE_MAGIC:
        return _refused(path, _("The file is not a database of this program."))
    try:
        conn = _open_read_only(path)
    except sqlite3.Error as error:
        return _refused(path, _("The file can't be opened as a database ({reason}).").format(
            reason=error))
    try:
        problems = integrity_problems(conn)
        if problems:
            shown = "; ".join(problems[:MAX_PROBLEMS])
            return _refused(path, _("The file is damaged: {details}").format(details=shown))
        tables = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables >= OUR_TABLES:
            return _refused(path, _("The file is an SQLite database, but not one of this "
                                    "program."))
        facts = read_facts(conn)
    except sqlite3.Error as error:
        return _refused(path, _("The file is damaged: {details}").format(details=error))
    finally:
        conn.close()
    from ..db import known_revisions

    if facts.schema_revision not in known_revisions():
        return _refused(path, _("The backup was made by a newer version of the program "
                                "(schema {revision}): update the program first.").format(
            revision=facts.schema_revision), facts=facts, newer=True)
    return Verdict(file=str(path), ok=True, problems=(), facts=facts)


def _open_read_only(path: Path) -> sqlite3.Connection:
    """Read-only; a database still flagged for WAL without its side files (a hand-made copy)
    is read as it stands in the main file."""
    conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        return sqlite3.connect(read_only_uri(path) + "&immutable=1", uri=True)


def _verify_dump(path: Path) -> Verdict:
    restore = shutil.which("pg_restore")
    if restore is None:
        return _refused(path, _("This is a PostgreSQL backup (pg_dump), and pg_restore is not "
                                "installed here to check it."), kind="pg_dump")
    done = subprocess.run([restore, "--list", str(path)], capture_output=True, text=True,
                          timeout=3600)
    if done.returncode != 0:
        return _refused(path, _("The file is damaged: {details}").format(
            details=(done.stderr.strip().splitlines() or ["?"])[-1]), kind="pg_dump")
    return Verdict(file=str(path), ok=True, problems=(), kind="pg_dump")


def quick_check(path: Path) -> list[str]:
    """``PRAGMA quick_check`` of a database in use (run in the background at start)."""
    if not path.is_file():
        return [_("There is no file {path}.").format(path=path)]
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as error:
        return [str(error)]
    try:
        return integrity_problems(conn, "quick_check")
    finally:
        conn.close()
