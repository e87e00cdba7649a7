"""The GUI's controller: which database to open, signing in, and switching between
databases and languages without restarting (:mod:`ui.start` shows a window first, then
hands over to it).

Dialogs and the code behind them (PDF, spreadsheets, signing, passwords, backups, migrations)
load when first needed, and the checks that can wait (the quick check, the day's backup)
start once the main window has been painted. A test keeps the modules a plain start loads to
an allow-list (tests/ui/test_startup.py)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from ui import qt_dialogs
from ui.main_window import MainWindow
from ui.operations import Attempt, run_op
from ui.painted import after_first_paint
from ui.tasks import Task, cancel_all_and_wait, show_error
from unionapp.db import Database, default_path, open_database, resolve_url, sqlite_path
from unionapp.errors import DamagedDatabase, UserError
from unionapp.i18n import _, language, set_language
from unionapp.org import home_unit, init_database
from unionapp.permissions import accounts_exist
from unionapp.progress import Progress
from unionapp.settings import Settings
from unionapp.text import format_moment

if TYPE_CHECKING:
    from unionapp.backups import Made, Restored


@dataclass(frozen=True)
class StartCheck:
    """What the background check at start found: quick_check's problems, the day's backup."""

    problems: tuple[str, ...] = ()
    made: Made | None = None
    warnings: tuple[str, ...] = ()


def start_check(db: Database, progress: Progress) -> StartCheck:
    """``PRAGMA quick_check``, then the first backup of the day (never of a damaged file:
    it would push good generations out)."""
    from unionapp.backups import automatic_backup, quick_check

    problems = tuple(quick_check(db.path)) if db.path is not None else ()
    if problems:
        return StartCheck(problems=problems)
    try:
        made = automatic_backup(db, "daily", progress)
    except UserError as error:
        return StartCheck(warnings=(_("The daily backup could not be made: {reason}").format(
            reason=error.message),))
    return StartCheck(made=made, warnings=made.warnings if made else ())


class Controller(QObject):
    """Owns the open database and its window."""

    def __init__(self, app: QApplication, args: argparse.Namespace, settings: Settings, *,
                 start_window: QWidget | None = None):
        super().__init__()
        self.app = app
        self.start_window = start_window  # shown while the program opened: closed for ours
        self.args = args
        self.settings = settings
        self.db: Database | None = None
        self.window: MainWindow | None = None
        self.demo = False
        self._translator: QTranslator | None = None
        self.pending_package: Path | None = None  # a package double-clicked, once a db is open
        self.closing: list[Database] = []  # left behind, closed after their on-close backup
        self.checking: Task | None = None  # the check at start, once it has begun
        self.shut_down = False
        self.install_qt_translation()

    # -- start ---------------------------------------------------------------------------

    def start(self) -> None:
        opening = Path(self.args.open_file) if self.args.open_file else None
        if opening is not None and opening.suffix.lower() == ".db":
            self.open(str(opening), quit_on_failure=True)  # a database double-clicked
            return
        if opening is not None:
            self.pending_package = opening
        if self.args.demo:
            self.open_demo()
        elif self.args.db:
            self.open(self.args.db, quit_on_failure=True)
        elif self.settings.last_database and Path(self.settings.last_database).exists():
            self.open(self.settings.last_database, quit_on_failure=True)
        elif default_path().exists():
            self.open(str(default_path()), quit_on_failure=True)
        else:
            self.first_run()

    def first_run(self) -> None:
        from ui.dialogs.setup_unit import FirstRunDialog

        self.end_start_window()  # the dialog is what the program shows first
        dialog = FirstRunDialog()
        if not dialog.exec():
            self.app.quit()
        elif dialog.choice == FirstRunDialog.DEMO:
            self.open_demo()
        else:
            self.create(str(default_path()), lambda made: None if made else self.first_run())

    # -- databases -------------------------------------------------------------------------

    def open(self, target: str, *, demo: bool = False, quit_on_failure: bool = False) -> None:
        """Open (and if needed upgrade, after its backup) a database off the GUI thread, then
        ask who signs in and show it. Refused: said plainly (a damaged file is offered its
        newest good backup); at start, the program then ends."""
        user = self.args.user

        def work(_attempt: Attempt) -> Database:
            db = open_database(target, user=user)
            if not db.is_initialised:
                db.close()
                raise UserError(_("This database has not been set up yet: run unionapp init."))
            return db

        def opened(db: Database) -> None:
            if not self.sign_in(db):
                db.close()
                give_up()
                return
            self._replace(db, demo=demo)
            if not demo and db.path is not None:
                self.settings.last_database = str(db.path)
                self.settings.save()

        def refused(error: UserError) -> bool:
            if not isinstance(error, DamagedDatabase):
                return False
            self.offer_restore(target, error, demo=demo, quit_on_failure=quit_on_failure)
            return True

        def give_up(error: BaseException | None = None) -> None:
            if quit_on_failure and self.window is None and not isinstance(error,
                                                                          DamagedDatabase):
                self.app.quit()

        run_op(self.window, work, db=None, on_done=opened, on_refused=refused,
               on_failed=give_up, label=_("Opening the database…"))

    def offer_restore(self, target: str, error: DamagedDatabase, *, demo: bool,
                      quit_on_failure: bool) -> None:
        """A damaged database: offer its newest good backup, then open it again."""
        path = sqlite_path(resolve_url(target))
        if path is None:
            show_error(self.window, error)
            return
        from ui.dialogs.backups import offer_newest_good_backup

        def declined() -> None:
            if quit_on_failure and self.window is None:
                self.app.quit()

        def restored(_result: Restored) -> None:
            self.open(target, demo=demo, quit_on_failure=quit_on_failure)

        offer_newest_good_backup(self.window, path, restored, declined)

    def reopen(self) -> None:
        """Open the same database again (after a restore replaced its data)."""
        if self.db is None or self.window is None:
            return
        target, demo = str(self.db.path or self.db.url), self.demo
        window, db = self.window, self.db
        window.backup_on_close = False
        cancel_all_and_wait()
        self.window = self.db = None
        window.close()
        window.deleteLater()
        db.close()
        self.open(target, demo=demo, quit_on_failure=True)

    def create(self, path: str, on_created: Callable[[bool], None] | None = None) -> None:
        """Ask for the union's details, then make the database (off the GUI thread) and show
        it; ``on_created(False)``: not made (cancelled, or refused and said)."""
        from ui.dialogs.setup_unit import UnitForm
        from unionapp.exchange import keys

        form = UnitForm(self.window)
        if not form.exec():
            if on_created is not None:
                on_created(False)
            return
        details, user = form.details(), self.args.user

        def work(_attempt: Attempt) -> Database:
            db = open_database(path, create=True, user=user)
            try:
                init_database(db, code=details.code, name=details.name,
                              parent_code=details.parent_code, parent_name=details.parent_name,
                              place=details.place)
                keys.init_keys(db)  # the signing key for data packages, made at set-up
            except BaseException:
                db.close()
                raise
            return db

        def made(db: Database) -> None:
            self._replace(db, demo=False)
            self.settings.last_database = path
            self.settings.save()
            if on_created is not None:
                on_created(True)

        run_op(self.window, work, db=None, on_done=made, label=_("Creating the database…"),
               on_failed=lambda _error: on_created(False) if on_created else None)

    def new_database(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self.window, _("New database"), str(default_path().parent / "congdoan.db"),
            _("Union databases (*.db)"))
        if path:
            if Path(path).exists():
                show_error(self.window, UserError(
                    _("{path} already exists. Choose another name.").format(path=path)))
                return
            self.create(path)

    def open_demo(self) -> None:
        """Open the demo database, building it first if it is not there yet."""
        path = default_path(demo=True)
        if path.exists():
            self.open(str(path), demo=True, quit_on_failure=True)
            return

        def build(attempt: Attempt) -> str:
            from unionapp.demo import fill_demo

            attempt.progress(0, 0, _("Creating the demo union…"))
            with open_database(path, create=True) as db:
                fill_demo(db)
            return str(path)

        def failed(_error: BaseException) -> None:
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            if self.window is None:
                self.app.quit()

        run_op(self.window, build, db=None, on_done=lambda p: self.open(p, demo=True),
               on_failed=failed, label=_("Creating the demo union…"))

    def sign_in(self, db: Database) -> bool:
        """Once a database has accounts, nobody gets in without signing in."""
        if not accounts_exist(db):
            return True
        from ui.dialogs.sign_in import SignInDialog

        dialog = SignInDialog(db, home_unit(db).name, self.args.user or "", self.window)
        return bool(dialog.exec())

    def sign_in_again(self) -> None:
        """After signing out (or when someone else takes over a locked window)."""
        assert self.db is not None
        if self.window is not None:
            self.window.hide()
        if self.sign_in(self.db):
            self.rebuild()
        else:
            self.app.quit()

    def rebuild(self) -> None:
        """The window again, for the account now signed in (its role decides what shows)."""
        old = self.window
        self.show_window()
        if old is not None:
            old.close()
            old.deleteLater()

    def _replace(self, db: Database, *, demo: bool) -> None:
        old_window, old_db, old_demo = self.window, self.db, self.demo
        self.db, self.demo = db, demo
        self.show_window()
        self.check_at_start()
        if old_window is not None:
            old_window.backup_on_close = False  # done below, for the database it showed
            old_window.close()
            old_window.deleteLater()
        if old_db is not None:
            self._close_later(old_db, back_up=not old_demo)

    def _close_later(self, db: Database, *, back_up: bool) -> None:
        """Close a database the window no longer shows, after its on-close backup (if
        something changed), made in the background."""
        if not back_up:
            db.close()
            return
        from unionapp.backups import automatic_backup

        self.closing.append(db)

        def close(_result: object = None) -> None:
            if db in self.closing:
                self.closing.remove(db)
                db.close()

        run_op(self.window, lambda attempt: automatic_backup(db, "on-close", attempt.progress),
               db=db, on_done=close, on_failed=close, label="")  # in the background, silently

    def check_at_start(self) -> None:
        """The quick check and the day's first backup, in the background once the window has
        been painted (they compete with the first paint for the one Python thread)."""
        db, window = self.db, self.window
        if db is None or window is None or self.demo:
            return

        def done(result: StartCheck) -> None:
            if self.window is not window or self.shut_down:
                return  # another database meanwhile, or the program is ending
            if result.problems:
                window.damaged_found(result.problems)
            if result.made is not None:
                window.statusBar().showMessage(_("Daily backup made at {moment}.").format(
                    moment=format_moment(result.made.backup.moment)), 15_000)
            for warning in result.warnings:
                QMessageBox.warning(window, _("Backup"), warning)

        def start() -> None:
            if self.window is window and not self.shut_down:  # not replaced meanwhile
                self.checking = run_op(window, lambda attempt: start_check(db, attempt.progress),
                                       db=db, on_done=done, label="")  # in the background

        after_first_paint(window, start)

    def show_window(self) -> None:
        assert self.db is not None
        window = MainWindow(self.db, demo=self.demo)
        window.backup_on_close = not self.demo
        window.open_requested.connect(lambda p: self.open(p))
        window.new_requested.connect(self.new_database)
        window.demo_requested.connect(self.open_demo)
        window.language_requested.connect(self.switch_language)
        window.sign_in_requested.connect(self.sign_in_again)
        window.rebuild_requested.connect(self.rebuild)
        window.reopen_requested.connect(self.reopen)
        window.show()
        self.end_start_window()
        self.window = window
        if self.pending_package is not None:
            package, self.pending_package = self.pending_package, None
            QTimer.singleShot(0, lambda: self.import_package(package))

    def end_start_window(self) -> None:
        if self.start_window is not None:
            self.start_window.close()
            self.start_window = None

    def import_package(self, path: Path) -> None:
        """A package opened from the file manager ("Open with" → Công đoàn): checked and
        previewed in the import dialog, imported only when the user says so."""
        if self.window is not None:
            self.window.import_file(path)

    # -- language -------------------------------------------------------------------------

    def switch_language(self, code: str) -> None:
        if code == language():
            return
        set_language(code)
        self.settings.language = code
        self.settings.save()
        self.install_qt_translation()
        old = self.window
        self.show_window()  # rebuilt with every string in the new language
        if old is not None:
            old.backup_on_close = False  # the same database stays open
            old.close()
            old.deleteLater()

    def install_qt_translation(self) -> None:
        """Qt's own strings (standard buttons, context menus, file and print dialogs) in the
        same language."""
        self._translator = qt_dialogs.install_translation(self.app, language(),
                                                          self._translator)

    def shutdown(self) -> None:
        self.shut_down = True
        if self.window is not None:
            self.window.backup_on_close = False
        cancel_all_and_wait()  # no worker may outlive its database
        for db in self.closing:
            db.close()
        self.closing.clear()
        if self.db is not None:
            self.db.close()
            self.db = None
