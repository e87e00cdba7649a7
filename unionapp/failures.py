"""Plain answers when the disk or the database file fails.

A full disk, an I/O error, a file deleted or a USB stick pulled out while the program works:
SQLite (or the operating system) reports it with a code; :func:`explain` turns that into one
Vietnamese sentence saying what happened and what to do. It is called in exactly three
places: the transaction boundary (``Database.transaction``, after the rollback), and the
edges of the command line and the GUI, so that no service needs its own handling. Errors it
does not recognise are bugs and go to the crash report instead (``unionapp.crash``).
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from .errors import (
    DamagedDatabase,
    DatabaseLocked,
    DiskFull,
    FileGone,
    NotADatabase,
    ReadOnlyDatabase,
    StorageError,
    UserError,
)
from .i18n import _

# SQLite's primary result codes (sqlite3.h).
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 10, 11, 13, 14, 26
SQLITE_READONLY_DBMOVED = 1032  # the file was unlinked or renamed while open


def disk_full() -> DiskFull:
    return DiskFull(_("The disk is full: the last change was not saved and the data is as it "
                      "was before. Free some space on the disk (empty the Recycle Bin, delete "
                      "files you no longer need) and try again."))


def damaged(path: Path | str | None) -> DamagedDatabase:
    if path is None:
        return DamagedDatabase(_(
            "The database is damaged (this can happen after a power cut while it was being "
            "written): restore the newest good backup with File ▸ Backup and restore… or with "
            "the command unionapp backup list, then unionapp backup restore FILE."))
    return DamagedDatabase(_(
        "The database {path} is damaged (this can happen after a power cut while it was being "
        "written): restore the newest good backup with File ▸ Backup and restore… or with "
        "the command unionapp backup list, then unionapp backup restore FILE.").format(
        path=path), path)


def not_a_database(path: Path | str) -> NotADatabase:
    return NotADatabase(_("{path} is not a database of this program: check that you chose the "
                          "right file (databases end in .db).").format(path=path))


def read_only(path: Path | str | None) -> ReadOnlyDatabase:
    if path is None:
        return ReadOnlyDatabase(_(
            "The database can't be written (the file or its folder is read-only, e.g. on a CD "
            "or in a protected folder): copy it into your Documents folder and open that "
            "copy."))
    return ReadOnlyDatabase(_(
        "The database {path} can't be written (the file or its folder is read-only, e.g. on a "
        "CD or in a protected folder): copy it into your Documents folder and open that "
        "copy.").format(path=path))


def file_gone(path: Path | str | None) -> FileGone:
    if path is None:
        return FileGone(_(
            "The database file was moved or deleted while the program had it open, so the last "
            "change was not saved: put the file back (e.g. from the Recycle Bin) and open it "
            "again, or restore a backup."))
    return FileGone(_(
        "The database file {path} was moved or deleted while the program had it open, so the "
        "last change was not saved: put the file back (e.g. from the Recycle Bin) and open it "
        "again, or restore a backup.").format(path=path))


def io_error() -> StorageError:
    return StorageError(_(
        "The disk could not be read or written (a disk fault, or a USB stick taken out), so "
        "the last change was not saved: check the disk or put the stick back and try again; "
        "if it keeps happening, restore a backup onto another disk."))


def cant_open(path: Path | str | None) -> StorageError:
    if path is None:
        return StorageError(_(
            "The database can't be reached (its folder is missing or not accessible): check "
            "that the disk or USB stick is connected, then try again."))
    return StorageError(_(
        "The database {path} can't be reached (its folder is missing or not accessible): check "
        "that the disk or USB stick is connected, then try again.").format(path=path))


def busy() -> DatabaseLocked:
    return DatabaseLocked(_("Another program is changing the database at the moment, so "
                            "nothing was saved: try again in a moment."))


def explain(error: BaseException, path: Path | str | None = None) -> UserError | None:
    """A plain message for a storage failure, or None when ``error`` is something else."""
    if isinstance(error, UserError):
        return error
    original = getattr(error, "orig", None)  # SQLAlchemy wraps the driver's exception
    cause = original if isinstance(original, BaseException) else error
    if isinstance(cause, sqlite3.Error):
        return _explain_sqlite(cause, path)
    if isinstance(cause, OSError):
        return _explain_os(cause)
    sqlstate = getattr(cause, "sqlstate", None)
    if isinstance(sqlstate, str):
        return _explain_server(sqlstate)
    return None


def _explain_sqlite(error: sqlite3.Error, path: Path | str | None) -> UserError | None:
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(error).lower()
    gone = path is not None and not Path(path).exists()
    if primary == SQLITE_FULL or "disk is full" in text:
        return disk_full()
    if primary == SQLITE_NOTADB or "not a database" in text:
        return damaged(path)
    if primary == SQLITE_CORRUPT or "malformed" in text:
        return damaged(path)
    if code == SQLITE_READONLY_DBMOVED or (primary == SQLITE_READONLY and gone):
        return file_gone(path)
    if primary in (SQLITE_READONLY, SQLITE_PERM) or "readonly" in text:
        return read_only(path)
    if primary in (SQLITE_BUSY, SQLITE_LOCKED) or "database is locked" in text:
        return busy()
    if primary == SQLITE_IOERR or "i/o error" in text:
        return file_gone(path) if gone else io_error()
    if primary == SQLITE_CANTOPEN or "unable to open" in text:
        return file_gone(path) if gone and Path(path).parent.exists() else cant_open(path)
    return None


def _explain_os(error: OSError) -> UserError | None:
    number = error.errno
    if number in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return disk_full()
    if number == errno.EIO:
        return io_error()
    if number in (errno.EACCES, errno.EPERM, errno.EROFS):
        return UserError(_("The program is not allowed to write {path}: choose another folder "
                           "(e.g. Documents), or close the program that has the file "
                           "open.").format(path=error.filename or _("file")))
    return None


def _explain_server(sqlstate: str) -> UserError | None:
    """PostgreSQL (a parent union's server)."""
    if sqlstate == "53100":
        return DiskFull(_("The database server has no disk space left, so nothing was saved: "
                          "ask the server's administrator to free some space."))
    if sqlstate.startswith("08") or sqlstate in ("57P01", "57P02", "57P03"):
        return StorageError(_("The connection to the database server was lost, so the last "
                              "change was not saved: check the network and try again."))
    return None
