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
