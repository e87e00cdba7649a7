"""Where the main window opens: it fits the screen it opens on.

The first start fills most of the screen the mouse is on, maximised on a small screen (the
common office laptop has 1366×768, less a taskbar); later starts restore the last geometry,
moved and if need be shrunk to lie inside the screen it is on now (a laptop taken off its big
monitor, a resolution lowered). Every dialog, whatever size it asks for, is kept inside its
screen the same way when it is shown (:class:`KeepOnScreen`, installed once for the whole
program). The rules are plain functions of rectangles, tested without a screen; :func:`place`
applies them to a window.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QMargins, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QCursor, QGuiApplication, QScreen
from PySide6.QtWidgets import QApplication, QDialog, QWidget

# Below this available area the window opens maximised: a smaller window would waste room.
SMALL_SCREEN = QSize(1600, 900)
# The size the window takes on a larger screen (at most 90% of it), centred.
COMFORTABLE = QSize(1440, 880)
# A window manager's frame (title bar, borders), before the window has one to measure.
FRAME = QMargins(8, 32, 8, 8)


def first_placement(available: QRect) -> tuple[QRect, bool]:
    """The window's geometry (inside its frame) on a first start, and whether it opens
    maximised, on a screen whose available area (without taskbars) is ``available``."""
    if available.width() < SMALL_SCREEN.width() or available.height() < SMALL_SCREEN.height():
        return available.marginsRemoved(FRAME), True
    size = COMFORTABLE.boundedTo(QSize(available.width() * 9 // 10,
                                       available.height() * 9 // 10))
    frame = QRect(QPoint(0, 0), size.grownBy(FRAME))
    frame.moveCenter(available.center())
    return frame.marginsRemoved(FRAME), False


def clamped(frame: QRect, available: QRect) -> QRect:
    """``frame`` moved, and shrunk if it is larger, so that it lies inside ``available``."""
    width = min(frame.width(), available.width())
    height = min(frame.height(), available.height())
    x = min(max(frame.x(), available.x()), available.x() + available.width() - width)
    y = min(max(frame.y(), available.y()), available.y() + available.height() - height)
    return QRect(x, y, width, height)


def _frame_margins(window: QWidget) -> QMargins:
    """The frame around the window: measured once the window manager has given it one, else
    the usual one."""
    outer, inner = window.frameGeometry(), window.geometry()
    if window.isVisible() and outer != inner:
        return QMargins(inner.left() - outer.left(), inner.top() - outer.top(),
                        outer.right() - inner.right(), outer.bottom() - inner.bottom())
    return FRAME


def screen_here() -> QScreen:
    """The screen the mouse is on (where the clerk is looking), else the primary one."""
    return QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()


def place(window: QWidget, saved: object) -> None:
    """Give ``window`` its geometry before it is shown: ``saved`` (from ``saveGeometry``)
    restored and kept inside its screen, or the first start's placement."""
    if isinstance(saved, QByteArray) and not saved.isEmpty() and window.restoreGeometry(saved):
        if window.windowState() & (Qt.WindowState.WindowMaximized
                                   | Qt.WindowState.WindowFullScreen):
            return  # the window manager fits it to the screen
        screen = window.screen() or screen_here()
        margins = _frame_margins(window)
        inside = clamped(window.geometry().marginsAdded(margins), screen.availableGeometry())
        window.setGeometry(inside.marginsRemoved(margins))
        return
    geometry, maximised = first_placement(screen_here().availableGeometry())
    window.setGeometry(geometry)
    if maximised:
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)


def available_for(window: QWidget) -> QRect:
    """The part of the window's screen that windows may use (without taskbars)."""
    return (window.screen() or screen_here()).availableGeometry()


def keep_on_screen(window: QWidget) -> None:
    """Move ``window`` (and shrink it if it is larger) inside its screen's available area."""
    margins = _frame_margins(window)
    frame = window.geometry().marginsAdded(margins)
    inside = clamped(frame, available_for(window))
    if inside != frame:
        window.setGeometry(inside.marginsRemoved(margins))


class KeepOnScreen(QObject):
    """Installed on the application: every dialog shown lies inside its screen, whatever
    size it asked for (dialogs remember generous sizes made on large screens)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog):
            keep_on_screen(watched)
        return False


def install(app: QApplication) -> KeepOnScreen:
    keeper = KeepOnScreen(app)
    app.installEventFilter(keeper)
    return keeper
