"""Long work off the GUI thread: one runner for every action that can take more than ~100 ms.

``run_task`` runs ``work(progress)`` on the thread pool, shows a progress dialog with a Cancel
button when the work lasts, and calls ``on_done(result)`` back on the GUI thread. An
exception becomes a readable message; cancelling raises ``Cancelled`` inside the work, whose
transaction then rolls back. The work gets frozen values in and returns frozen values out: it
never touches a widget, and it opens its own database session.

A change to data goes through ``ui.operations.run_op``, which runs its slow work here; reading
work (previews, checks) calls ``run_task`` itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from unionapp.errors import UserError
from unionapp.failures import explain
from unionapp.i18n import _
from unionapp.progress import Cancelled, Progress

T = TypeVar("T")
SHOW_AFTER_MS = 200  # a progress dialog appears only for work that lasts longer than this


class _Signals(QObject):
    progress = Signal(int, int, str)
    done = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class _Job(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], signals: _Signals, stop: threading.Event):
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._signals = signals
        self._stop = stop

    def run(self) -> None:
        progress = Progress(report=self._signals.progress.emit, is_cancelled=self._stop.is_set)
        try:
            result = self._work(progress)
        except Cancelled:
            self._signals.cancelled.emit()
        except BaseException as error:  # its __traceback__ goes along, for the crash report
            self._signals.failed.emit(error)
        else:
            self._signals.done.emit(result)


class Task:
    """A running task: ``cancel()`` asks it to stop; ``finished`` tells whether it ended."""

    _running: ClassVar[set[Task]] = set()  # keeps signals alive until the task ends

    def __init__(self, signals: _Signals, stop: threading.Event):
        self.signals = signals
        self._stop = stop
        self.finished = False

    def cancel(self) -> None:
        self._stop.set()

    def _end(self) -> None:
        self.finished = True
        Task._running.discard(self)


def pool() -> QThreadPool:
    return QThreadPool.globalInstance()


def run_task(
    parent: QWidget | None,
    work: Callable[[Progress], T],
    *,
    on_done: Callable[[T], None] | None = None,
    on_failed: Callable[[BaseException], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    title: str = "",
    label: str = "",
    cancellable: bool = True,
) -> Task:
    signals = _Signals()
    stop = threading.Event()
    task = Task(signals, stop)
    Task._running.add(task)

    dialog: QProgressDialog | None = None
    if label:
        dialog = QProgressDialog(label, _("Cancel") if cancellable else "", 0, 0, parent)
        dialog.setWindowTitle(title or label)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(SHOW_AFTER_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(task.cancel)

        def show_progress(done: int, total: int, message: str) -> None:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total else 0)
            if message:
                dialog.setLabelText(message)

        signals.progress.connect(show_progress)

    def finish() -> None:
        task._end()
        if dialog is not None:
            dialog.canceled.disconnect(task.cancel)
            dialog.close()
            dialog.deleteLater()

    def done(result: Any) -> None:
        finish()
        if on_done is not None:
            on_done(result)

    def failed(error: BaseException) -> None:
        finish()
        if on_failed is not None:
            on_failed(error)
        else:
            show_error(parent, error)

    def cancelled() -> None:
        finish()
        if on_cancelled is not None:
            on_cancelled()

    signals.done.connect(done)
    signals.failed.connect(failed)
    signals.cancelled.connect(cancelled)
    pool().start(_Job(work, signals, stop))
    return task


def show_error(parent: QWidget | None, error: BaseException) -> None:
    """A user error (or a failure of the disk or the file) is shown as its plain message; a
    bug gets the crash dialog, with its report written to the data folder."""
    plain = error if isinstance(error, UserError) else explain(error)
    if plain is None:
        from ui.crash import show_crash

        show_crash(parent, error)
        return
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Error"))
    box.setText(plain.message)
    box.exec()


def cancel_all_and_wait(timeout_ms: int = 30_000) -> bool:
    """On closing: ask every running task to stop, then wait for them (True if all ended)."""
    for task in list(Task._running):
        task.cancel()
    return pool().waitForDone(timeout_ms)
