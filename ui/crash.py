"""The window's last line: an unexpected error anywhere (a slot, a worker thread, a task)
becomes a dialog with one Vietnamese sentence, the path of the crash report and a "Copy
details" button; a failure of the disk or the file becomes its plain message instead. One
``sys.excepthook`` and one ``threading.excepthook``, installed at start."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QThread, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from unionapp import crash
from unionapp.failures import explain
from unionapp.i18n import _


class CrashDialog(QDialog):
    """What went wrong, where the report is, and its text ready to copy for the helper."""

    def __init__(self, parent: QWidget | None, error: BaseException, report: Path | None):
        super().__init__(parent)
        self.setWindowTitle(_("Unexpected error"))
        self.report = report
        self.details = _details(error, report)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(48, 48))
        self.message = QLabel(crash.message(report))
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text = QPlainTextEdit(self.details)
        text.setReadOnly(True)
        text.setVisible(False)
        self.text = text
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton(_("Copy details"),
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        show = buttons.addButton(_("Show details"), QDialogButtonBox.ButtonRole.ActionRole)
        show.clicked.connect(lambda: text.setVisible(not text.isVisible()))
        if report is not None:
            folder = buttons.addButton(_("Open the reports folder"),
                                       QDialogButtonBox.ButtonRole.ActionRole)
            folder.clicked.connect(lambda: QDesktopServices.openUrl(
                QUrl.fromLocalFile(str(report.parent))))
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.resize(560, 200)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText(_("Copied"))


def _details(error: BaseException, report: Path | None) -> str:
    if report is not None:
        try:
            return report.read_text(encoding="utf-8")
        except OSError:
            pass
    return crash.report_text(error)


def show_crash(parent: QWidget | None, error: BaseException, *, wait: bool = True) -> None:
    """Report ``error``: a plain message for a failure of the disk or the file, else a crash
    report and its dialog. ``wait``: modal, returns when the clerk closes it."""
    plain = explain(error)
    dialog: QDialog
    if plain is not None:
        dialog = QMessageBox(QMessageBox.Icon.Warning, _("Error"), plain.message,
                             QMessageBox.StandardButton.Ok, parent)
    else:
        dialog = CrashDialog(parent, error, crash.write_report(error))
    if wait:
        dialog.exec()
        return
    _shown.append(dialog)  # a dialog with no parent lives as long as Python holds it
    dialog.finished.connect(lambda _result: _shown.remove(dialog))
    dialog.open()


class _Relay(QObject):
    """Carries an error from a worker thread to the GUI thread."""

    crashed = Signal(object)


_relay: _Relay | None = None
_showing = False
_shown: list[QDialog] = []


def report(error: BaseException) -> None:
    """Show ``error`` from any thread (a worker's goes through the GUI thread)."""
    app = QApplication.instance()
    if app is None or _relay is None:
        print(crash.message(crash.write_report(error)), file=sys.stderr)
        return
    if QThread.currentThread() is not app.thread():
        _relay.crashed.emit(error)
        return
    _show(error)


def _show(error: BaseException) -> None:
    global _showing
    if _showing:  # an error while showing an error: the file is enough
        crash.write_report(error)
        return
    _showing = True
    try:
        show_crash(QApplication.activeWindow(), error, wait=False)
    except Exception as second:
        print(crash.message(crash.write_report(second)), file=sys.stderr)
    finally:
        _showing = False


def _excepthook(kind: type[BaseException], error: BaseException,
                tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    if error.__traceback__ is None:
        error = error.with_traceback(tb)
    report(error)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or isinstance(args.exc_value, SystemExit):
        return
    report(args.exc_value)


def install() -> None:
    """Route every unexpected error to :func:`report` (call once, after the QApplication)."""
    global _relay
    if _relay is None:
        _relay = _Relay()
        _relay.crashed.connect(_show, Qt.ConnectionType.QueuedConnection)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
