"""The catalogue next to the backups: one small JSON file (``catalogue.json``, JSON primitives
only, written atomically) saying for each backup file when it was made, why, its size and
SHA-256, the program and schema versions and a few counts.

The files are the truth, the catalogue a convenience: an entry whose file is gone is dropped,
and a file the catalogue does not know (the catalogue was damaged or deleted, or the program
was stopped between the rename and the catalogue's update) is described again from the file
itself, marked as not verified.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL

from ..settings import data_dir
from .copying import fsync_dir, read_facts, read_only_uri

CATALOGUE = "catalogue.json"
FORMAT = 1
SUFFIXES = (".db", ".dump")
_NAME = re.compile(r"^(?P<stem>.+)-(?P<at>\d{8}-\d{6})-(?P<reason>[a-z]+(?:-[a-z]+)*)"
                   r"(?:-\d+)?(?P<suffix>\.db|\.dump)$")


@dataclass(frozen=True)
class Backup:
    """One backup file and what is known about it (the catalogue's entry)."""

    file: str  # full path
    created_at: str  # ISO 8601, local time with its offset
    reason: str
    sha256: str
    verified: bool  # True only after the copy itself passed integrity_check
    members: int | None
    decisions: int | None = None
    cases: int | None = None
    size: int = 0
    program_version: str = ""
    schema_revision: str | None = None
    kind: str = "sqlite"  # or "pg_dump"
    source: str = ""  # the database it was made from
    home_unit: str = ""
    home_name: str = ""
    marker: str = ""

    @property
    def path(self) -> Path:
        return Path(self.file)

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.created_at)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("marker")
        return data

    def entry(self) -> dict[str, Any]:
        return {**asdict(self), "file": self.path.name}

    @classmethod
    def from_entry(cls, folder: Path, raw: dict[str, Any]) -> Backup:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known}
        name = Path(str(values["file"])).name  # never a path out of the folder
        values["file"] = str(folder / name)
        backup = cls(**values)
        backup.moment  # noqa: B018 - a bad date makes the entry unusable: rebuilt instead
        return backup


def folder_for(url: URL, path: Path | None) -> Path:
    """Where the backups of this database go. A database in the data folder gets a folder
    named after it (``backups/unionapp``); one elsewhere gets its name plus a short hash of
    its full path, so two ``congdoan.db`` in different folders never share generations."""
    root = data_dir() / "backups"
    if path is not None:
        where = path.resolve()
        if where.parent == data_dir().resolve():
            return root / path.stem
        key = str(where).lower() if os.name == "nt" else str(where)
        return root / f"{path.stem}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", url.database or "server")
    key = url.render_as_string(hide_password=True)
    return root / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"


def file_name(stem: str, at: datetime, reason: str, suffix: str = ".db") -> str:
    clean_reason = re.sub(r"[^a-z]+", "-", reason.lower()).strip("-") or "backup"
    return f"{stem}-{at:%Y%m%d-%H%M%S}-{clean_reason}{suffix}"


def load(folder: Path) -> list[Backup]:
    """The backups in ``folder``, newest first. Never fails on a damaged catalogue."""
    if not folder.is_dir():
        return []
    entries: dict[str, Backup] = {}
    try:
        raw = json.loads((folder / CATALOGUE).read_text(encoding="utf-8"))
        items = raw.get("backups", []) if isinstance(raw, dict) else []
    except (OSError, ValueError):
        items = []
    for item in items if isinstance(items, list) else []:
        try:
            backup = Backup.from_entry(folder, item)
        except (TypeError, ValueError, KeyError):
            continue
        if backup.path.is_file():
            entries[backup.path.name] = backup
    for path in folder.iterdir():
        if (path.suffix in SUFFIXES and _NAME.match(path.name) and path.name not in entries
                and path.is_file()):
            described = describe(path)
            if described is not None:
                entries[path.name] = described
    return sorted(entries.values(), key=lambda b: b.moment, reverse=True)


def describe(path: Path) -> Backup | None:
    """An entry rebuilt from the file alone: not verified, and with no SHA-256 (a checksum
    computed now would vouch for nothing, and reading every file would make a listing
    slow). Restoring checks the file itself in any case."""
    match = _NAME.match(path.name)
    try:
        stat = path.stat()
        at = (datetime.strptime(match["at"], "%Y%m%d-%H%M%S").astimezone() if match
              else datetime.fromtimestamp(stat.st_mtime).astimezone())
    except (OSError, ValueError):
        return None
    backup = Backup(file=str(path), created_at=at.isoformat(timespec="seconds"),
                    reason=match["reason"] if match else "unknown", sha256="",
                    verified=False, members=None, size=stat.st_size,
                    kind="pg_dump" if path.suffix == ".dump" else "sqlite")
    if path.suffix == ".db":
        try:
            conn = sqlite3.connect(read_only_uri(path), uri=True)
            try:
                facts = read_facts(conn)
            finally:
                conn.close()
        except sqlite3.Error:
            return backup
        backup = replace(backup, members=facts.members, decisions=facts.decisions,
                         cases=facts.cases, schema_revision=facts.schema_revision,
                         home_unit=facts.home_unit, home_name=facts.home_name,
                         marker=facts.marker)
    return backup


def save(folder: Path, backups: list[Backup]) -> None:
    """Write the catalogue atomically (temporary file, fsync, rename)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {"format": FORMAT,
            "backups": [b.entry() for b in sorted(backups, key=lambda b: b.moment,
                                                  reverse=True)]}
    target = folder / CATALOGUE
    part = folder / (CATALOGUE + ".part")
    with part.open("w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.flush()
        os.fsync(f.fileno())
    for attempt in range(5):
        try:
            os.replace(part, target)
            break
        except PermissionError:  # Windows: a reader has the old catalogue open this instant
            if attempt == 4:
                raise
            time.sleep(0.05 * (attempt + 1))
    fsync_dir(folder)


def find(folder: Path, file: Path) -> Backup | None:
    """The catalogue's entry for ``file`` if it is one of the backups in ``folder``."""
    try:
        wanted = file.resolve()
    except OSError:
        return None
    if wanted.parent != folder.resolve():
        return None
    return next((b for b in load(folder) if b.path.resolve() == wanted), None)


def format_size(size: int) -> str:
    """``2,8 MB``: sizes as a Vietnamese reader writes them (decimal comma)."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f}".replace(".", ",") + f" {unit}"
    return f"{size} B"
