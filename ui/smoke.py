"""``unionapp --smoke-seconds N``: CI's check that a built bundle really opens its window
(installer/smoke.sh). After N seconds it prints the visible windows as one JSON line and
quits; any uncaught exception or critical Qt message makes the exit code non-zero."""

from __future__ import annotations

import json
import os
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QWidget

_errors: list[str] = []


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
    QTimer.singleShot(int(seconds * 1000), lambda: _report(app))


def _report(app: QApplication) -> None:
    shown = [w for w in app.topLevelWidgets() if w.isVisible()]
    windows = [{"class": type(w).__name__, "title": w.windowTitle(),
                # the home tab's QtCharts drawn (proves the bundle carries QtCharts)
                "charts": sum(type(c).__name__ == "QChartView" for c in w.findChildren(QWidget))}
               for w in shown]
    if shown and (picture := os.environ.get("UNIONAPP_SMOKE_SCREENSHOT")):
        shown[-1].grab().save(picture)  # for a person to look at what CI saw
    print(json.dumps({"windows": windows, "errors": _errors}, ensure_ascii=False), flush=True)
    app.exit(1 if _errors else 0)  # also ends a modal dialog's loop (e.g. the first run's)
