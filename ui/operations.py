"""Every change the window makes goes through :func:`run_op` (in the spirit of Anki's
``CollectionOp``): one place that

- runs the service — here on the GUI thread when it is quick (one record saved), or on the
  thread pool with a progress window (``ui.tasks``) when it may be slow (``label`` given);
- asks when the service says it needs a confirmation (``errors.NeedsConfirmation``: a fund
  overspent, an unusual amount) and calls it again with ``override=True``;
- turns a failure into the safety net's words: a ``UserError`` its message (or the dialog's
  own way of showing it, ``on_refused``), a failure of the disk or the file its plain
  message, anything else the crash dialog and its report;
- tells every view what changed (:class:`Outcome`: which kinds of records, what to say in
  the status bar, which file was written), so that only the views showing those kinds
  refresh, and the window says that the work is done.

Views subscribe with :func:`listen`; the service itself stays a plain function of the core.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ui.tasks import Task, run_task, show_error
from unionapp.db import Database
from unionapp.errors import NeedsConfirmation, UserError
from unionapp.failures import explain
from unionapp.i18n import N_, _
from unionapp.progress import NO_PROGRESS, Progress

T = TypeVar("T")


class Changes(enum.Flag):
    """Which kinds of records an operation changed (what a view must show again)."""

    NONE = 0
    MEMBERS = enum.auto()  # members, their relatives and movements
    UNITS = enum.auto()  # the union tree: groups, branches, parents over time, closing
    ACTIVITIES = enum.auto()  # activities, emulation movements, participants
    INITIATIVES = enum.auto()
    AWARDS = enum.auto()  # decisions, recipients, award kinds, the award register
    SUPPORT = enum.auto()  # cases, batches, funds, kinds of support
    EXCHANGE = enum.auto()  # packages sent and received, conflicts, signing keys
    ACCOUNTS = enum.auto()
    ALL = (MEMBERS | UNITS | ACTIVITIES | INITIATIVES | AWARDS | SUPPORT | EXCHANGE
           | ACCOUNTS)


# The kinds of records a data package carries (unionapp.exchange.format), by their package name.
ENTITY_CHANGES: dict[str, Changes] = {
    "org_unit": Changes.UNITS, "org_unit_move": Changes.UNITS,
    "member": Changes.MEMBERS, "member_relative": Changes.MEMBERS,
    "movement": Changes.MEMBERS,
    "activity": Changes.ACTIVITIES, "participation": Changes.ACTIVITIES,
    "initiative": Changes.INITIATIVES, "initiative_author": Changes.INITIATIVES,
    "award_kind": Changes.AWARDS, "award_decision": Changes.AWARDS, "award": Changes.AWARDS,
    "certificate": Changes.AWARDS, "certificate_print": Changes.AWARDS,
    "support_kind": Changes.SUPPORT, "support_fund": Changes.SUPPORT,
    "support_batch": Changes.SUPPORT, "support_case": Changes.SUPPORT,
    "support_case_event": Changes.SUPPORT, "support_correction": Changes.SUPPORT,
}


def entity_changes(names: Iterable[str]) -> Changes:
    """What records of these package kinds touch (an unknown kind: everything)."""
    changes = Changes.NONE
    for name in names:
        changes |= ENTITY_CHANGES.get(name, Changes.ALL)
    return changes


@dataclass(frozen=True)
class Outcome:
    """What one operation did, told to every view: the database it changed, which kinds of
    records, and for the status bar what to say and which file was written."""

    db: Database | None
    changes: Changes = Changes.NONE
    message: str = ""
    file: Path | None = None

    def touches(self, db: Database, kinds: Changes) -> bool:
        """Whether a view of ``db`` showing ``kinds`` must show them again."""
        return self.db is db and bool(self.changes & kinds)


@dataclass(frozen=True)
class Attempt:
    """What the work gets: the progress to report (and be cancelled through), and whether
    the user has confirmed a warning the service raised the first time."""

    progress: Progress = field(default_factory=lambda: NO_PROGRESS)
    override: bool = False


class _Hub(QObject):
    done = Signal(object)  # Outcome


_hub: _Hub | None = None


def hub() -> _Hub:
    global _hub
    if _hub is None:
        _hub = _Hub()
    return _hub


def listen(slot: Callable[[Outcome], None]) -> None:
    """Call ``slot`` (a method of a widget: it stops when the widget is deleted) after every
    operation."""
    hub().done.connect(slot)


def announce(outcome: Outcome) -> None:
    """Tell every view (run_op does it; also for changes made another way, e.g. a restore)."""
    hub().done.emit(outcome)


# Titles of the confirmations the services ask for, by the warning's class name.
CONFIRM_TITLES = {"FundOverspent": N_("Over the budget"),
                  "UnusualAmount": N_("An unusual amount")}
CONFIRM_TITLE = N_("Please confirm")
GO_ON = N_("Go on")


def confirm(parent: QWidget | None, warning: NeedsConfirmation) -> bool:
    """Show the service's warning and ask whether to go on anyway (the confirmation is then
    recorded with the user's name)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_(CONFIRM_TITLES.get(type(warning).__name__, CONFIRM_TITLE)))
    box.setText(warning.message)
    if warning.question:
        box.setInformativeText(_(warning.question))
    go = box.addButton(_(warning.confirm or GO_ON), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(box.buttons()[-1])
    box.exec()
    return box.clickedButton() is go


def plain_file_error(error: BaseException) -> BaseException:
    """A file the system refused for a reason the safety net has no words of its own for (a
    folder that is gone, a name the disk does not take) is not a bug: one plain sentence."""
    if isinstance(error, OSError) and explain(error) is None:
        return UserError(_("The file {path} could not be used: {reason}").format(
            path=error.filename or "", reason=error.strerror or error))
    return error


def run_op(
    parent: QWidget | None,
    work: Callable[[Attempt], T],
    *,
    db: Database | None,
    changes: Changes | Callable[[T], Changes] = Changes.NONE,
    said: str | Callable[[T], str] = "",
    file: Path | Callable[[T], Path | None] | None = None,
    on_done: Callable[[T], None] | None = None,
    on_refused: Callable[[UserError], bool] | None = None,
    on_failed: Callable[[BaseException], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    label: str | None = None,
    cancellable: bool = False,
) -> Task | None:
    """Run ``work`` (a call of a core service) as one operation of the window.

    ``label`` None: the work is quick and runs here, before ``run_op`` returns. A text: it
    may be slow, and runs on the thread pool behind a progress window saying ``label``
    (``cancellable``: with a Cancel button; an empty text: no window, for work the person
    did not ask for), and the returned Task is running.

    Once it is done: every view hears the :class:`Outcome` (``changes``, ``said``, ``file``,
    each a value or worked out from the result), then ``on_done(result)`` runs.
    When it fails: ``on_refused(error)`` may show a user error itself (e.g. problems next to
    their fields) and return True; otherwise the message (or the crash dialog) is shown;
    then ``on_failed(error)`` runs (to enable buttons again…). A warning declined by the
    user, or work cancelled, runs ``on_cancelled``: nothing was changed.
    """

    def succeeded(result: T) -> None:
        outcome = Outcome(db, changes(result) if callable(changes) else changes,
                          said(result) if callable(said) else said,
                          file(result) if callable(file) else file)
        if outcome.changes or outcome.message:
            announce(outcome)
        if on_done is not None:
            on_done(result)

    def failed(error: BaseException, override: bool) -> None:
        if isinstance(error, NeedsConfirmation) and not override:
            if confirm(parent, error):
                attempt(True)
            elif on_cancelled is not None:
                on_cancelled()
            return
        error = plain_file_error(error)
        refused = isinstance(error, UserError) and on_refused is not None and on_refused(error)
        if not refused:
            show_error(parent, error)
        if on_failed is not None:
            on_failed(error)

    def attempt(override: bool) -> Task | None:
        if label is None:
            try:
                result = work(Attempt(NO_PROGRESS, override))
            except Exception as error:  # shown, or reported with its traceback
                failed(error, override)
            else:
                succeeded(result)
            return None
        return run_task(parent, lambda progress: work(Attempt(progress, override)),
                        on_done=succeeded, on_failed=lambda error: failed(error, override),
                        on_cancelled=on_cancelled, label=label, cancellable=cancellable)

    return attempt(False)
