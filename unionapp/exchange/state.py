"""Bookkeeping shared by export and import: sequences, acknowledgements, per-record base
versions, held packages, backups and the refusal log (all outside the synced records)."""

from __future__ import annotations

import gc
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from ..db import Database
from ..models import AuditLog, ExchangeLog, ExchangeRecord, utcnow
from ..settings import data_dir

EXPORT, IMPORT = "export", "import"


def audit(s: Session, user: str, action: str, entity: str, summary: str, *,
          entity_uuid: uuid.UUID | None = None, details: dict[str, Any] | None = None) -> None:
    """The exchange's one way to write an audit row (packages made and taken in, keys,
    conflicts decided): one row per operation, whatever the number of records it wrote."""
    s.add(AuditLog(user=user, action=action, entity=entity, entity_uuid=entity_uuid,
                   summary=summary[:500], after=details, at=utcnow()))


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause Python's cycle collector while hundreds of thousands of records are in memory:
    they hold no cycles (reference counting frees them), and each full collection would walk
    them all again, making big imports slower the bigger they are."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
CHUNK = 5000  # UUIDs per IN (…) lookup: within SQLite's and PostgreSQL's limits


def upsert(session: Session, table: Table, rows: Sequence[dict[str, Any]],
           key: Sequence[str], columns: Iterable[str]) -> None:
    """Insert ``rows``, or update ``columns`` where ``key`` (columns) already exists (SQLite
    and PostgreSQL alike)."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=list(key),
                                      set_={c: stmt.excluded[c] for c in columns})
    for start in range(0, len(rows), 5000):
        session.execute(stmt, list(rows[start:start + 5000]))


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- sequences ---------------------------------------------------------------------------


def next_export_sequence(s: Session, home: uuid.UUID) -> int:
    last = s.scalar(select(func.max(ExchangeLog.sequence)).where(
        ExchangeLog.direction == EXPORT, ExchangeLog.source_uuid == home))
    return (last or 0) + 1


def last_acked_export(s: Session, home: uuid.UUID) -> int:
    last = s.scalar(select(func.max(ExchangeLog.sequence)).where(
        ExchangeLog.direction == EXPORT, ExchangeLog.source_uuid == home,
        ExchangeLog.acked_at.is_not(None)))
    return last or 0


def last_applied(s: Session, source: uuid.UUID) -> int:
    """The highest sequence applied from ``source`` (everything up to it is here)."""
    last = s.scalar(select(func.max(ExchangeLog.sequence)).where(
        ExchangeLog.direction == IMPORT, ExchangeLog.source_uuid == source))
    return last or 0


def apply_ack(s: Session, home: uuid.UUID, sequence: int) -> int:
    """The receiver confirms our packages up to ``sequence``: what they carried becomes the
    base of the next delta. Returns how many of our packages became acknowledged."""
    last_export = next_export_sequence(s, home) - 1
    sequence = min(sequence, last_export)
    if sequence <= 0:
        return 0
    s.execute(update(ExchangeRecord)
              .where(ExchangeRecord.pending_sequence.is_not(None),
                     ExchangeRecord.pending_sequence <= sequence)
              .values(base_version=ExchangeRecord.pending_version, pending_version=None,
                      pending_sequence=None))
    result = s.execute(update(ExchangeLog)
                       .where(ExchangeLog.direction == EXPORT, ExchangeLog.source_uuid == home,
                              ExchangeLog.sequence <= sequence, ExchangeLog.acked_at.is_(None))
                       .values(acked_at=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


# --- held packages -------------------------------------------------------------------------


def held_dir(home: uuid.UUID, source: uuid.UUID | None = None) -> Path:
    base = data_dir() / "exchange" / str(home) / "held"
    return base / str(source) if source is not None else base


def held_name(sequence: int, sha: str) -> str:
    return f"{sequence:08d}-{sha[:16]}.zip"


def held_packages(home: uuid.UUID, source: uuid.UUID) -> list[tuple[int, str, Path]]:
    """(sequence, short hash, path) of the packages held for ``source``, oldest first."""
    folder = held_dir(home, source)
    found = []
    for path in folder.glob("*.zip") if folder.exists() else []:
        number, _sep, short = path.stem.partition("-")
        if number.isdigit():
            found.append((int(number), short, path))
    return sorted(found)


def hold(home: uuid.UUID, source: uuid.UUID, sequence: int, sha: str, data: bytes) -> Path:
    folder = held_dir(home, source)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / held_name(sequence, sha)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


# --- backups and the refusal log --------------------------------------------------------------


def backup_before_import(db: Database) -> Path | None:
    """A verified copy of the database just before an import (None on a server database
    without pg_dump); see :func:`unionapp.backups.backup_before`, the one backup path."""
    from ..backups import backup_before

    return backup_before(db, "before-import")


def log_attempt(entry: dict[str, Any]) -> None:
    """Imports that changed nothing (refused, held, repeated) go to a log file, never to the
    database: a refused package must leave the database exactly as it was."""
    try:
        folder = data_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "exchange.log").open("a", encoding="utf-8") as f:
            f.write(json.dumps({"at": datetime.now().astimezone().isoformat(), **entry},
                               ensure_ascii=False, default=str) + "\n")
    except OSError:
        pass  # a log that cannot be written must not turn a refusal into a crash
