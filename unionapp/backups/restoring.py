"""Restoring a backup: check it, back up the current state (``before-restore``), replace the
data, then upgrade the schema if the backup is older.

The replacement of an open, healthy database goes through SQLite's backup API into the live
file: one write transaction, so a power cut or a killed program leaves either the old data
or the restored data, never a mix, and readers elsewhere simply see the new data. A
database that can't be opened any more (damaged) is first copied aside whole, then its file
is replaced by the backup (temporary file, fsync, rename).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from ..errors import UserError
from ..failures import explain
from ..i18n import _
from ..permissions import Permission, require
from ..progress import NO_PROGRESS, Progress
from . import catalogue
from .catalogue import Backup
from .checking import Verdict, _open_read_only, verify_backup
from .copying import (
    BUSY_TIMEOUT_S,
    Facts,
    copy_sqlite,
    fsync_dir,
    fsync_file,
    remove_with_sidecars,
)
from .making import backup_before

if TYPE_CHECKING:
    from ..db import Database


@dataclass(frozen=True)
class Restored:
    file: str  # the backup that was restored
    database: str
    backup_before: str | None  # the copy of the state just before (or of the damaged file)
    migrated_from: str | None  # the backup's schema revision, when it had to be upgraded
    facts: Facts

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "database": self.database, "restored": True,
                "backup_before": self.backup_before, "migrated_from": self.migrated_from,
                "members": self.facts.members, "decisions": self.facts.decisions,
                "cases": self.facts.cases}


def check_backup(file: Path) -> Verdict:
    """Verify ``file``, against its catalogue's checksum when it is in a backups folder."""
    entry = catalogue.find(file.parent, file)
    return verify_backup(file, expected_sha256=entry.sha256 if entry else None)


def _refuse_unless_good(verdict: Verdict) -> Facts:
    if not verdict.ok or verdict.facts is None:
        problem = verdict.problems[0] if verdict.problems else _("unknown problem")
        raise UserError(_("This backup can't be restored: {problem} Nothing was changed.")
                        .format(problem=problem))
    return verdict.facts


def restore_backup(db: Database, file: Path | str,
                   progress: Progress = NO_PROGRESS) -> Restored:
    """Restore ``file`` into the open database ``db``."""
    from ..db import head_revision, upgrade

    require(db, Permission.BACKUP_RESTORE)
    if db.path is None:
        raise UserError(_("A PostgreSQL database is restored on its server with pg_restore, by "
                          "the server's administrator."))
    file = Path(file).expanduser().resolve()
    if file == db.path.resolve():
        raise UserError(_("This file is the database itself, not a backup of it."))
    progress(0, 0, _("Checking the backup…"))
    facts = _refuse_unless_good(check_backup(file))
    home = db.info("home_unit_uuid")
    if home and facts.home_unit and facts.home_unit != home:
        raise UserError(_("This backup belongs to another union ({name}), so it was not "
                          "restored over this one's data: to look at it, copy the file and "
                          "open the copy with File ▸ Open database.").format(
            name=facts.home_name or facts.home_unit))
    progress(0, 0, _("Backing up the current data…"))
    before = backup_before(db, "before-restore")
    progress(0, 0, _("Restoring…"))
    try:
        _copy_into(file, db.path)
    except (OSError, sqlite3.Error) as error:
        plain = explain(error, db.path)
        raise UserError(_("The backup could not be restored ({reason}); nothing was "
                          "changed.").format(reason=plain.message if plain else error)
                        ) from error
    finally:
        db.engine.dispose()  # no pooled connection keeps the old schema in its cache
    migrated_from = None
    if facts.schema_revision != head_revision():
        migrated_from = facts.schema_revision
        progress(0, 0, _("Upgrading the restored data…"))
        try:
            upgrade(db)
        except (OSError, SQLAlchemyError) as error:
            plain = explain(error, db.path)
            if plain is None:
                raise
            raise plain from error
    db.refresh_info()
    return Restored(file=str(file), database=str(db.path),
                    backup_before=str(before) if before else None,
                    migrated_from=migrated_from, facts=facts)


def _copy_into(file: Path, live: Path) -> None:
    src = _open_read_only(file)
    try:
        dst = sqlite3.connect(live, timeout=BUSY_TIMEOUT_S)
        try:
            src.backup(dst)  # one step: one write transaction on the live database
        finally:
            dst.close()
    finally:
        src.close()


def restore_unopenable(path: Path, file: Path | str,
                       progress: Progress = NO_PROGRESS) -> Restored:
    """Restore ``file`` in place of a database that can't be opened (damaged) or is missing.
    The damaged file is copied aside first (``damaged/`` in its backups folder); roles can't
    be read from a damaged database, so none is checked."""
    from ..db import _acquire_lock, open_database, resolve_url

    path = path.expanduser().resolve()
    file = Path(file).expanduser().resolve()
    if file == path:
        raise UserError(_("This file is the database itself, not a backup of it."))
    folder = catalogue.folder_for(resolve_url(path), path)
    progress(0, 0, _("Checking the backup…"))
    facts = _refuse_unless_good(check_backup(file))
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = _acquire_lock(path)
    kept: Path | None = None
    try:
        progress(0, 0, _("Restoring…"))
        if path.exists():
            kept = _keep_aside(path, folder / "damaged")
        part = path.with_name(path.name + ".restoring")
        copy_sqlite(file, part)  # one self-contained, checked file, fsynced
        # A WAL left by the damaged file must never be applied to the restored one.
        for suffix in ("-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        os.replace(part, path)
        fsync_dir(path.parent)
    except (OSError, sqlite3.Error) as error:
        plain = explain(error, path)
        raise UserError(_("The backup could not be restored ({reason}).").format(
            reason=plain.message if plain else error)) from error
    finally:
        lock.release()
    from ..db import head_revision

    open_database(path).close()  # upgrades an older backup
    migrated_from = facts.schema_revision if facts.schema_revision != head_revision() else None
    return Restored(file=str(file), database=str(path),
                    backup_before=str(kept) if kept else None, migrated_from=migrated_from,
                    facts=facts)


def _keep_aside(path: Path, folder: Path) -> Path:
    """Copy a damaged database (and its WAL) aside before it is replaced: nothing is lost,
    and whoever supports the clerk can still look at it."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{path.stem}-{datetime.now():%Y%m%d-%H%M%S}-damaged"
    dest = folder / f"{stem}.db"
    n = 2
    while dest.exists():
        dest = folder / f"{stem}-{n}.db"
        n += 1
    part = dest.with_name(dest.name + ".part")
    try:
        for suffix in ("-wal", ""):  # the main file last: its presence means "complete"
            source = Path(str(path) + suffix)
            if source.exists():
                target = Path(str(part if not suffix else dest) + suffix)
                shutil.copyfile(source, target)
                fsync_file(target)
        os.replace(part, dest)
    except BaseException:
        remove_with_sidecars(part)
        raise
    return dest


def newest_good_backup(folder: Path, progress: Progress = NO_PROGRESS
                       ) -> tuple[Backup, Verdict] | None:
    """The newest backup in ``folder`` that passes its check (older ones are tried in turn)."""
    backups = [b for b in catalogue.load(folder) if b.kind == "sqlite"]
    for done, backup in enumerate(backups):
        progress(done, len(backups), _("Checking the backups…"))
        verdict = verify_backup(backup.path, expected_sha256=backup.sha256)
        if verdict.ok:
            return backup, verdict
    return None
