"""``unionapp --smoke-seconds N``: CI's check that a built bundle really opens its window
(installer/smoke.sh). After N seconds it prints the visible windows as one JSON line and
quits; any uncaught exception or critical Qt message makes the exit code non-zero.

``--smoke-seconds 0`` times the start instead (bench/startup.py): one line as soon as the
start window has been painted (``{"painted": "StartWindow", …}``), then the usual report as
soon as the next window (the main window, or the first run's dialog) has been. With
``UNIONAPP_SMOKE_MODULES`` set, each line's modules loaded so far are written to that file as
JSON, by window (tests/ui/test_startup.py checks them against an allow-list)."""

from __future__ import annotations

import json
import os
import sys
import traceback
from types import TracebackType
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QWidget

_errors: list[str] = []
_modules: dict[str, list[str]] = {}


def arm(app: QApplication, seconds: float) -> None:
    previous_hook = sys.excepthook

    def excepthook(kind: type[BaseException], error: BaseException,
                   tb: TracebackType | None) -> None:
        _errors.append("".join(traceback.format_exception(kind, error, tb)))
        previous_hook(kind, error, tb)

    def on_message(kind: QtMsgType, _context: object, message: str) -> None:
        print(f"qt: {message}", file=sys.stderr)
        if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            _errors.append(message)

    sys.excepthook = excepthook
    qInstallMessageHandler(on_message)
    if seconds:
        QTimer.singleShot(int(seconds * 1000), lambda: _report(app))
    else:
        app.installEventFilter(_FirstPaints(app))


class _FirstPaints(QObject):
    """Reports the first paint of the start window, then of the window after it."""

    def __init__(self, app: QApplication):
        super().__init__(app)
        self.app = app
        self.seen: set[str] = set()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.Paint and isinstance(watched, QWidget)
                and watched.isWindow() and type(watched).__name__ not in self.seen):
            name = type(watched).__name__
            self.seen.add(name)
            # The next turn of the event loop: once the window's children have painted too.
            QTimer.singleShot(0, lambda: self.painted(name))
        return False

    def painted(self, name: str) -> None:
        _keep_modules(name)
        if name == "StartWindow":
            print(json.dumps({"painted": name}), flush=True)
        else:
            self.app.removeEventFilter(self)
            _report(self.app)


def _keep_modules(window: str) -> None:
    if path := os.environ.get("UNIONAPP_SMOKE_MODULES"):
        _modules[window] = sorted(sys.modules)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(_modules, f, indent=0)


def _describe(window: QWidget) -> dict[str, Any]:
    frame, screen = window.frameGeometry(), window.screen().availableGeometry()
    return {"class": type(window).__name__, "title": window.windowTitle(),
            "geometry": [frame.x(), frame.y(), frame.width(), frame.height()],
            "maximized": window.isMaximized(),
            # the home tab's QtCharts drawn (proves the bundle carries QtCharts)
            "charts": sum(type(c).__name__ == "QChartView" for c in window.findChildren(QWidget)),
            "screen": [screen.x(), screen.y(), screen.width(), screen.height()]}


def _report(app: QApplication) -> None:
    shown = [w for w in app.topLevelWidgets() if w.isVisible()]
    if shown and (picture := os.environ.get("UNIONAPP_SMOKE_SCREENSHOT")):
        shown[-1].grab().save(picture)  # for a person to look at what CI saw
    report = {"windows": [_describe(w) for w in shown], "errors": _errors}
    print(json.dumps(report, ensure_ascii=False), flush=True)
    app.exit(1 if _errors else 0)  # also ends a modal dialog's loop (e.g. the first run's)
