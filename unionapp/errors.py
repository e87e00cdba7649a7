"""Errors a user can read. Their message is already in the user's language."""

from __future__ import annotations

from dataclasses import dataclass


class UserError(Exception):
    """Something the user can fix or must know; shown as is, never with a traceback."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class DatabaseLocked(UserError):
    pass


class NotFound(UserError):
    pass


class ClosedDatabase(UserError):
    """The branch ended its activity: its database is kept for reading, searching and
    printing copies; no change is taken any more (see unionapp.closing)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with input: where (row, column) and what, in the user's language."""

    message: str
    field: str | None = None
    row: int | None = None


class ValidationError(UserError):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class Conflict(UserError):
    """Someone else changed the same record meanwhile; nothing was written, try again."""


class NeedsConfirmation(UserError):
    """A warning the user may accept: nothing was changed. The caller shows ``message``,
    asks ``question``, and calls again with ``override=True``; the confirmation is then
    recorded with the user's name."""

    question = ""  # set by subclasses (translated when shown)
    confirm = ""  # the button that accepts
# --- the database file and the disk (see unionapp.failures, which turns low-level errors into
# these at the transaction boundary and at the edges of the CLI and the GUI) -----------------


class StorageError(UserError):
    """The disk or the database file failed: the change in progress was rolled back."""


class DiskFull(StorageError):
    pass


class DamagedDatabase(StorageError):
    """The file is damaged (e.g. a power cut while writing): restore a backup."""

    def __init__(self, message: str, path: object = None):
        super().__init__(message)
        self.path = path


class FileGone(StorageError):
    """The file was moved or deleted while the program had it open."""


class NotADatabase(UserError):
    pass


class NewerDatabase(UserError):
    """Made by a newer program: never opened for writing, never migrated backwards."""


class ReadOnlyDatabase(UserError):
    pass


class NetworkDrive(UserError):
    """SQLite's locking is unreliable on network file systems: such files are refused."""


class InUseElsewhere(DatabaseLocked):
    """Another program (not ours) holds the database's write lock."""
