"""Running something once a window is on screen: work that can wait (checks, a backup) must
not hold up the first paint, since it competes with it for the one Python thread."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

# A window that is never painted (minimised at start, hidden) still gets its checks.
FALLBACK_MS = 3_000


class _FirstPaint(QObject):
    def __init__(self, window: QWidget, callback: Callable[[], None], fallback_ms: int):
        super().__init__(window)
        self.window = window
        self.callback: Callable[[], None] | None = callback
        window.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self.fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Paint:
            self.window.removeEventFilter(self)
            # The next turn of the event loop: after the children have painted too.
            QTimer.singleShot(0, self, self.fire)
        return False

    def fire(self) -> None:
        callback, self.callback = self.callback, None
        if callback is not None:
            self.window.removeEventFilter(self)
            callback()


def after_first_paint(window: QWidget, callback: Callable[[], None], *,
                      fallback_ms: int = FALLBACK_MS) -> None:
    """Call ``callback`` once, on the GUI thread, right after ``window`` is first painted (or
    after ``fallback_ms`` if it never is). Nothing happens if the window is deleted first."""
    _FirstPaint(window, callback, fallback_ms)
