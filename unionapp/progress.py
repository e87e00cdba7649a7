"""Reporting progress from long work and stopping it when the user cancels.

Core services take a ``Progress``; the GUI passes one wired to its progress dialog, the CLI
and tests pass nothing. Cancelling raises :class:`Cancelled` inside the work, so a
transaction in progress rolls back and the database stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class Cancelled(Exception):
    """The user cancelled; nothing was changed."""


@dataclass
class Progress:
    report: Callable[[int, int, str], None] | None = None
    is_cancelled: Callable[[], bool] | None = None

    def __call__(self, done: int, total: int, message: str = "") -> None:
        """Say how far the work is (``total`` 0: unknown); stop here if cancelled."""
        self.check()
        if self.report is not None:
            self.report(done, total, message)

    def check(self) -> None:
        if self.is_cancelled is not None and self.is_cancelled():
            raise Cancelled()


NO_PROGRESS = Progress()
