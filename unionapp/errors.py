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
