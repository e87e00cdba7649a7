"""Making backups: by hand, automatically (the first start of a day, closing after changes)
and before every big change; kept in generations, copied to a second folder if one is set."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout
from sqlalchemy.exc import SQLAlchemyError

from .. import __version__
from ..errors import DiskFull, UserError
from ..failures import explain
from ..i18n import N_, _
from ..permissions import Permission, require
from ..progress import NO_PROGRESS, Progress
from ..settings import Settings
from . import catalogue
from .catalogue import Backup
from .copying import (
    MARKER_QUERIES,
    PART,
    CopyFailed,
    copy_sqlite,
    fsync_dir,
    fsync_file,
    remove_with_sidecars,
    sha256_file,
)
from .generations import to_keep
from .postgres import dump, no_pg_dump_message, pg_dump_path

if TYPE_CHECKING:
    from ..db import Database

LOCK_WAIT_S = 600  # another copy of the program may be making a big backup meanwhile
FREE_MARGIN = 20 * 1024 * 1024
BULK_DELETE = 10  # records deleted (or rejected) at once that call for a backup first
SECOND_FOLDER = "unionapp-backups"
TOLD_MISSING = "backup_second_folder_missing_told"
# Backups copied to the second folder too. The ones made before a change are for undoing
# that change and stay on this computer (a USB stick would make every import slow).
MIRRORED = frozenset({"manual", "daily", "on-close"})

REASONS = {
    "manual": N_("made by hand"),
    "daily": N_("daily"),
    "on-close": N_("on closing"),
    "before-import": N_("before an import"),
    "before-restore": N_("before a restore"),
    "before-migration": N_("before an upgrade"),
    "before-bulk-delete": N_("before deleting many records"),
    "before-branch-change": N_("before a change of parent union"),
    "before-close": N_("before closing the branch"),
}
ACTIONS = {
    "before-import": N_("the import"),
    "before-restore": N_("the restore"),
    "before-migration": N_("the upgrade of the database"),
    "before-bulk-delete": N_("deleting many records"),
    "before-branch-change": N_("the change of parent union"),
    "before-close": N_("closing the branch"),
}


def reason_label(reason: str) -> str:
    return _(REASONS[reason]) if reason in REASONS else reason


@dataclass(frozen=True)
class Made:
    """A backup just made, and anything the clerk should hear about it."""

    backup: Backup
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {**self.backup.as_json(), "warnings": list(self.warnings)}


def backups_folder(db: Database) -> Path:
    return catalogue.folder_for(db.url, db.path)


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """One writer of a backup folder at a time, across copies of the program."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / ".lock"), timeout=LOCK_WAIT_S, thread_local=False)
    try:
        with lock:
            yield
    except Timeout:
        raise UserError(_("Another copy of the program is still making a backup in {folder}; "
                          "try again when it has finished.").format(folder=folder)) from None


def list_backups(db: Database) -> list[Backup]:
    """This database's backups, newest first."""
    return catalogue.load(backups_folder(db))


def current_marker(db: Database) -> str:
    """See :func:`.copying.change_marker` (the same queries, on the live database)."""
    with db.engine.connect() as conn:
        return "/".join(str(conn.exec_driver_sql(sql).scalar()) for sql in MARKER_QUERIES)


def can_back_up(db: Database) -> bool:
    return db.is_sqlite or pg_dump_path() is not None


def daily_due(db: Database) -> bool:
    """No backup of this database was made today yet (a set-up database only)."""
    if not can_back_up(db) or not db.is_initialised:
        return False
    today = datetime.now().astimezone().date()
    return not any(b.moment.astimezone().date() == today for b in list_backups(db))


def changed_since_backup(db: Database) -> bool:
    """Something was written since the newest backup (or there is none yet)."""
    if not can_back_up(db) or not db.is_initialised:
        return False
    backups = list_backups(db)
    return not backups or backups[0].marker != current_marker(db)


def automatic_backup(db: Database, reason: str, progress: Progress = NO_PROGRESS) -> Made | None:
    """``daily`` (when none was made today) or ``on-close`` (when something changed since
    the newest backup); None when there was nothing to do."""
    due = daily_due(db) if reason == "daily" else changed_since_backup(db)
    return create_backup(db, reason, progress=progress) if due else None


def backup_before(db: Database, reason: str) -> Path | None:
    """A verified copy of the database made just before a big change; ``reason`` says which
    (``before-import``, ``before-restore``, ``before-migration``, ``before-bulk-delete``,
    ``before-branch-change``…). Call it before the write transaction. None for a PostgreSQL
    database when ``pg_dump`` is not installed (the server's own backups protect it). A
    backup that cannot be made raises ``UserError``, and the change must not go ahead."""
    if not can_back_up(db):
        return None
    try:
        made = create_backup(db, reason)
    except UserError as error:
        action = _(ACTIONS[reason]) if reason in ACTIONS else reason
        raise UserError(_("The backup made before {action} could not be made, so nothing was "
                          "changed: {reason}").format(action=action, reason=error.message)
                        ) from None
    return made.backup.path


def backup_before_bulk_delete(db: Database, count: int) -> Path | None:
    """:func:`backup_before` a deletion of :data:`BULK_DELETE` records or more at once."""
    return backup_before(db, "before-bulk-delete") if count >= BULK_DELETE else None


def create_backup(db: Database, reason: str = "manual", *, to: Path | str | None = None,
                  progress: Progress = NO_PROGRESS) -> Made:
    """Make a verified backup now. ``to``: into that folder instead of the backups folder
    (catalogued there, never pruned, not copied further)."""
    if reason == "manual":
        require(db, Permission.BACKUP_CREATE)
    folder = Path(to).expanduser() if to is not None else backups_folder(db)
    try:
        with locked(folder):
            backup = _make(db, folder, reason, progress)
            existing = [b for b in catalogue.load(folder) if b.path.name != backup.path.name]
            kept = [backup, *existing]
            if to is None:
                kept = _prune(kept)
            catalogue.save(folder, kept)
    except UserError:
        raise
    except (OSError, sqlite3.Error, SQLAlchemyError) as error:
        raise _failed(error, folder) from error
    warnings: tuple[str, ...] = ()
    if to is None and reason in MIRRORED:
        warnings = tuple(_mirror(backup, folder.name))
    return Made(backup, warnings)


def _failed(error: BaseException, folder: Path) -> UserError:
    plain = explain(error)
    if isinstance(plain, DiskFull):
        return DiskFull(_("There is not enough free space for the backup in {folder}: free "
                          "some space on that disk and try again.").format(folder=folder))
    return UserError(_("The backup could not be made: {reason}").format(
        reason=plain.message if plain is not None else error))


def _make(db: Database, folder: Path, reason: str, progress: Progress) -> Backup:
    for stale in folder.glob("*" + PART):  # left by a copy that was stopped half-way
        remove_with_sidecars(stale)
    now = datetime.now().astimezone().replace(microsecond=0)
    source = db.path
    stem = source.stem if source is not None else (db.url.database or "server")
    suffix = ".db" if source is not None else ".dump"
    dest = _free_name(folder, catalogue.file_name(stem, now, reason, suffix))
    common = dict(created_at=now.isoformat(), reason=reason, program_version=__version__,
                  source=str(source or db.url.render_as_string(hide_password=True)))
    if source is not None:
        _check_space(source, folder)
        copied = copy_sqlite(source, dest, progress)
        f = copied.facts
        return Backup(file=str(dest), sha256=copied.sha256, verified=True, members=f.members,
                      decisions=f.decisions, cases=f.cases, size=copied.size,
                      schema_revision=f.schema_revision, kind="sqlite", home_unit=f.home_unit,
                      home_name=f.home_name, marker=f.marker, **common)
    if pg_dump_path() is None:
        raise CopyFailed(no_pg_dump_message())
    marker = current_marker(db)
    progress(0, 0, _("Copying the data…"))
    dump(db.url, dest)
    counts = _server_counts(db)
    return Backup(file=str(dest), sha256=sha256_file(dest), verified=True,
                  size=dest.stat().st_size, kind="pg_dump", marker=marker,
                  home_unit=str(db.home_unit_uuid or ""), **counts, **common)


def _server_counts(db: Database) -> dict[str, Any]:
    from ..db import schema_revision

    with db.engine.connect() as conn:
        def count(table: str) -> int:
            sql = f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL"
            return int(conn.exec_driver_sql(sql).scalar() or 0)

        counts = {"members": count("member"), "decisions": count("award_decision"),
                  "cases": count("support_case")}
    return {**counts, "schema_revision": schema_revision(db.engine)}


def _free_name(folder: Path, name: str) -> Path:
    dest = folder / name
    n = 2
    while dest.exists():
        stem, dot, suffix = name.rpartition(".")
        dest = folder / f"{stem}-{n}{dot}{suffix}"
        n += 1
    return dest


def _check_space(source: Path, folder: Path) -> None:
    needed = sum(p.stat().st_size for p in (source, Path(str(source) + "-wal")) if p.exists())
    free = shutil.disk_usage(folder).free
    if free < needed + FREE_MARGIN:
        raise DiskFull(_("There is not enough free space for the backup in {folder}: free "
                         "some space on that disk and try again.").format(folder=folder))


def _prune(backups: list[Backup]) -> list[Backup]:
    """Delete the backups the generations no longer keep; the ones kept."""
    keep = to_keep([(b.path.name, b.moment) for b in backups],
                   datetime.now().astimezone())
    kept = []
    for backup in backups:
        if backup.path.name in keep:
            kept.append(backup)
            continue
        try:
            backup.path.unlink(missing_ok=True)
        except OSError:
            kept.append(backup)  # in use (e.g. open in another program): next time
    return kept


# --- the second folder ----------------------------------------------------------------------


def second_folder_message(folder: str) -> str:
    return _("The second backup folder {folder} is not there (is the USB stick plugged in?): "
             "the backup was made on this computer only. You will not be told again until the "
             "folder is back.").format(folder=folder)


def _mirror(backup: Backup, name: str) -> list[str]:
    """Copy a new backup to the second folder, if one is set. A missing folder is said once
    (until it is back); a failed copy is said every time."""
    settings = Settings.load()
    root_text = settings.second_backup_folder.strip()
    if not root_text:
        return []
    root = Path(root_text).expanduser()
    if not root.is_dir():
        if settings.extra.get(TOLD_MISSING):
            return []
        settings.extra[TOLD_MISSING] = True
        settings.save()
        return [second_folder_message(root_text)]
    if settings.extra.pop(TOLD_MISSING, None):
        settings.save()
    folder = root / SECOND_FOLDER / name
    try:
        with locked(folder):
            dest = folder / backup.path.name
            part = dest.with_name(dest.name + PART)
            shutil.copyfile(backup.path, part)
            fsync_file(part)
            if sha256_file(part) != backup.sha256:
                part.unlink(missing_ok=True)
                raise OSError(_("the copy differs from the original"))
            part.replace(dest)
            fsync_dir(folder)
            others = [b for b in catalogue.load(folder) if b.path.name != dest.name]
            copy = replace(backup, file=str(dest))
            catalogue.save(folder, _prune([copy, *others]))
    except (OSError, UserError) as error:
        reason = error.message if isinstance(error, UserError) else (
            explain(error) or error)
        return [_("The copy to the second backup folder {folder} failed ({reason}); the "
                  "backup on this computer is fine.").format(
            folder=root_text, reason=getattr(reason, "message", reason))]
    return []
