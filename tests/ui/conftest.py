"""GUI tests run offscreen with pytest-qt's one shared QApplication.

``sync_pool``: the thread pool replaced by a double that runs each task at once, on the GUI
thread (as MusicBrainz Picard's tests do), so that a test reads a background operation's
result on its next line instead of waiting for it — for tests that need that order. Tests of
what happens *while* work runs (the window keeps working, Cancel) keep the real pool and
hold the work with a barrier (``threading.Event``), never with ``time.sleep``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("PySide6")

import shiboken6
from PySide6.QtCore import QObject, QRunnable

# A branch and its parent union with enrolled keys (the exchange tests' fixture).
from tests.exchange.conftest import _pair_template, pair  # noqa: F401
from ui import tasks
from ui.operations import Outcome, listen


class SynchronousPool:
    """What ``ui.tasks`` needs of QThreadPool, running every task before ``start`` returns."""

    def __init__(self) -> None:
        self.started = 0

    def start(self, runnable: QRunnable) -> None:
        self.started += 1
        runnable.run()

    def waitForDone(self, _msecs: int = -1) -> bool:
        return True


@pytest.fixture
def sync_pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[SynchronousPool]:
    pool = SynchronousPool()
    monkeypatch.setattr(tasks, "pool", lambda: pool)
    yield pool


class _Ear(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.outcomes: list[Outcome] = []
        listen(self.hear)

    def hear(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)


@pytest.fixture
def heard() -> Iterator[list[Outcome]]:
    """What every operation told the views during the test (ui.operations), in order."""
    ear = _Ear()
    yield ear.outcomes
    shiboken6.delete(ear)


@pytest.fixture(autouse=True)
def _closing_edit_dialogs_discards(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dialog left with typed data is closed at a test's end without its modal question
    (tests of that question answer it themselves)."""
    monkeypatch.setattr("ui.widgets.editing.ask_discard", lambda _parent: True)
