"""A timer that calls back once the user has paused (typing, resizing): searching on every
keystroke would query the database for text nobody meant to look up."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

SEARCH_DELAY_MS = 200  # wait for the user to pause typing before searching


def after_pause(parent: QObject, callback: Callable[[], object],
                delay_ms: int = SEARCH_DELAY_MS) -> QTimer:
    """A single-shot timer owned by ``parent``: each ``start()`` restarts the wait, and
    ``callback`` runs once the wait ends."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(delay_ms)
    timer.timeout.connect(callback)
    return timer
