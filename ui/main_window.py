"""The main window: the tabs over one database (members, activities and awards, support,
data exchange), menus, and a status bar."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui import read_only
from ui.geometry import place
from ui.help_menu import add_help_actions
from ui.idle import Curtain, IdleWatcher
from ui.operations import Changes, Outcome, listen, run_op
from ui.roles import apply_role, needs
from ui.state import window_state
from ui.tabs.home_tab import HomeTab, open_todo
from ui.tasks import Task, cancel_all_and_wait
from ui.widgets.status_note import StatusNote
from unionapp import accounts
from unionapp.db import Database
from unionapp.i18n import LANGUAGES, _, language
from unionapp.members import MemberQuery, member_list
from unionapp.models import MemberStatus
from unionapp.org import home_unit
from unionapp.permissions import Permission

# Dialogs load when first opened, the tabs after Tổng quan when first shown or asked for
# (MainWindow._tab): the window comes first (see tests/ui/test_startup.py).
if TYPE_CHECKING:
    from ui.dialogs.accounts import AccountsDialog
    from ui.dialogs.backups import BackupsDialog
    from ui.dialogs.exchange import BatchImportDialog, ImportDialog
    from ui.dialogs.keys import KeysDialog
    from ui.dialogs.reports import ReportDialog
    from ui.dialogs.unit_dialog import UnitDialog
    from ui.tabs.activities_tab import ActivitiesTab
    from ui.tabs.exchange_tab import ExchangeTab
    from ui.tabs.members_tab import MembersTab
    from ui.tabs.support_tab import SupportTab

Tab = TypeVar("Tab", bound=QWidget)


def _read(tab: Tab) -> Tab:
    tab.reload()  # type: ignore[attr-defined]
    return tab


class MainWindow(QMainWindow):
    # Asks the application to open another database or to rebuild in another language.
    open_requested = Signal(str)
    new_requested = Signal()
    demo_requested = Signal()
    language_requested = Signal(str)
    # Asks the application to sign in again (someone else, or after signing out) and to
    # rebuild the window for the account now signed in.
    sign_in_requested = Signal()
    rebuild_requested = Signal()
    reopen_requested = Signal()  # a restore replaced the data

    backup_on_close = False  # the application turns it on for the window it shows

    def __init__(self, db: Database, *, demo: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.unit = home_unit(db)
        title = _("{unit} — Union office").format(unit=self.unit.name)
        self.setWindowTitle(_("{title} (DEMO)").format(title=title) if demo else title)

        self.tabs = QTabWidget()
        # Tổng quan first: what is waiting and the key figures (read in the background).
        self.home_tab = HomeTab(db)
        self.home_tab.open_requested.connect(lambda item: open_todo(self, item))
        self.tabs.addTab(self.home_tab, _("Overview"))
        # The other tabs start as empty pages: each is made, and reads what it lists, when
        # first shown or first asked for (window.members_tab…), so the first paint waits
        # only for the tab the window opens on.
        self._pages: dict[str, QWidget] = {}  # attribute → the empty page standing in
        self._made: dict[str, QWidget] = {}
        for name, title in (("members_tab", _("Members")),
                            ("activities_tab", _("Activities & Awards")),
                            ("support_tab", _("Care & Support")),
                            ("exchange_tab", _("Data exchange"))):
            self._pages[name] = page = QWidget()
            self.tabs.addTab(page, title.replace("&", "&&"))  # a literal "&", not a shortcut
        self.tabs.currentChanged.connect(self._on_tab_shown)
        # A union that ended its activity says so above the tabs (see ui.read_only).
        self.banner = read_only.make_banner()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.banner)
        column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.unit_label = QLabel(self.unit.name)
        self.count_label = QLabel()
        self.account_label = QLabel(self._account_text())
        self.note = StatusNote()  # what the last operation did (ui.operations)
        self.statusBar().addWidget(self.note, 2)
        self.statusBar().addWidget(self.unit_label, 1)
        self.statusBar().addPermanentWidget(self.account_label)
        self.statusBar().addPermanentWidget(self.count_label)
        self._build_menus()
        apply_role(self, db)  # actions the signed-in role may not take are hidden
        self.idle = IdleWatcher(accounts.idle_minutes(db) if db.account is not None else 0,
                                self)
        self.idle.idle.connect(self.lock)

        self.update_counts()
        listen(self.on_outcome)
        self._restore()
        self._close_task: Task | None = None
        self.show_state()

    # -- the tabs after Tổng quan, made on first use ---------------------------------------

    @property
    def members_tab(self) -> MembersTab:
        from ui.tabs.members_tab import MembersTab

        def make(db: Database) -> MembersTab:
            tab = _read(MembersTab(db))
            tab.counts_changed.connect(self.update_counts)
            return tab

        return self._tab("members_tab", make)

    @property
    def activities_tab(self) -> ActivitiesTab:
        from ui.tabs.activities_tab import ActivitiesTab

        return self._tab("activities_tab", lambda db: _read(ActivitiesTab(db)))

    @property
    def support_tab(self) -> SupportTab:
        from ui.tabs.support_tab import SupportTab

        return self._tab("support_tab", lambda db: _read(SupportTab(db)))

    @property
    def exchange_tab(self) -> ExchangeTab:
        from ui.tabs.exchange_tab import ExchangeTab

        return self._tab("exchange_tab", ExchangeTab)  # (it reads as it is made)

    def _tab(self, name: str, make: Callable[[Database], Tab]) -> Tab:
        """The tab ``name``, made the first time (what the role, or a closed union, may not
        do hidden) and put in place of its empty page."""
        made = self._made.get(name)
        if made is not None:
            return made  # type: ignore[return-value]
        tab = make(self.db)
        apply_role(tab, self.db)
        self._made[name] = tab
        page = self._pages.pop(name)
        index = self.tabs.indexOf(page)
        shown = self.tabs.currentIndex() == index
        # In before the page, then the page out: the tab shown stays the same one.
        self.tabs.insertTab(index, tab, self.tabs.tabText(index))
        if shown:
            self.tabs.setCurrentIndex(index)
        self.tabs.removeTab(index + 1)
        page.deleteLater()
        return tab

    def _on_tab_shown(self, index: int) -> None:
        page = self.tabs.widget(index)
        name = next((n for n, waiting in self._pages.items() if waiting is page), None)
        if name is not None:
            getattr(self, name)  # made now, in place of the page

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        open_action = file_menu.addAction(_("&Open database…"))
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self._choose_database)
        file_menu.addAction(_("&New database…")).triggered.connect(self.new_requested)
        file_menu.addAction(_("Open the &demo")).triggered.connect(self.demo_requested)
        file_menu.addSeparator()
        self.export_action = file_menu.addAction(_("E&xport data file…"))
        self.export_action.triggered.connect(self.export_file)
        self.import_action = file_menu.addAction(_("&Import data file…"))
        self.import_action.triggered.connect(lambda: self.import_file())
        needs(self.export_action, Permission.EXCHANGE_EXPORT)
        needs(self.import_action, Permission.EXCHANGE_IMPORT)
        file_menu.addAction(_("Signing &keys…")).triggered.connect(self.show_keys)
        file_menu.addSeparator()
        file_menu.addAction(_("&Backup and restore…")).triggered.connect(
            lambda: self.show_backups())
        file_menu.addSeparator()
        quit_action = file_menu.addAction(_("&Quit"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)

        reports_menu = self.menuBar().addMenu(_("&Reports"))
        self.report_action = reports_menu.addAction(_("&Make a report…"))
        self.report_action.triggered.connect(self.show_reports)
        needs(self.report_action, Permission.REPORTS_MAKE)
        unit_menu = self.menuBar().addMenu(_("&Union"))
        unit_menu.addAction(_("Union and &parent unions…")).triggered.connect(self.show_unit)

        lang_menu = self.menuBar().addMenu(_("&Language"))
        group = QActionGroup(self)
        for code, name in LANGUAGES.items():
            action = QAction(name, self, checkable=True)
            action.setChecked(code == language())
            action.triggered.connect(lambda _on, code=code: self.language_requested.emit(code))
            group.addAction(action)
            lang_menu.addAction(action)

        self._build_accounts_menu()

        add_help_actions(self.menuBar().addMenu(_("&Help")), self, self.db)

    def _build_accounts_menu(self) -> None:
        menu = self.menuBar().addMenu(_("&Accounts"))
        account = self.db.account
        if account is None:
            first = menu.addAction(_("Create accounts (sign-in, roles)…"))
            first.triggered.connect(self.create_first_account)
        else:
            who = menu.addAction(self._account_text())
            who.setEnabled(False)
            menu.addAction(_("Change my &password…")).triggered.connect(self.change_password)
            manage = menu.addAction(_("&Manage accounts…"))
            manage.triggered.connect(self.manage_accounts)
            needs(manage, Permission.USERS_MANAGE)
        audit_action = menu.addAction(_("Audit &trail…"))
        audit_action.triggered.connect(self.show_audit)
        needs(audit_action, Permission.AUDIT_READ)
        if account is not None:
            menu.addSeparator()
            lock = menu.addAction(_("&Lock the window"))
            lock.setShortcut(QKeySequence("Ctrl+L"))
            lock.triggered.connect(self.lock)
            menu.addAction(_("Sign &out")).triggered.connect(self.sign_out)

    def _account_text(self) -> str:
        account = self.db.account
        if account is None:
            return ""
        return _("Signed in: {name} ({role})").format(
            name=account.full_name or account.username, role=account.role_label)

    # -- accounts ------------------------------------------------------------------------

    def create_first_account(self) -> None:
        from ui.dialogs.sign_in import ask_first_account

        if ask_first_account(self.db, self):
            self.rebuild_requested.emit()

    def change_password(self) -> None:
        from ui.dialogs.sign_in import ChangePasswordDialog

        ChangePasswordDialog(self.db, self).exec()

    def manage_accounts(self) -> AccountsDialog:
        from ui.dialogs.accounts import AccountsDialog

        dialog = AccountsDialog(self.db, self)
        dialog.exec()
        self.idle.set_minutes(accounts.idle_minutes(self.db))
        return dialog

    def show_audit(self) -> None:
        from ui.dialogs.audit_view import open_audit

        open_audit(self.db, self)

    def lock(self) -> None:
        """Hide everything and ask for the signed-in account's password (after the idle
        time, or on request). Someone else may sign in instead."""
        if self.db.account is None:
            return
        from ui.dialogs.sign_in import LockDialog

        self.idle.pause()
        self.centralWidget().setVisible(False)
        self.menuBar().setEnabled(False)
        # Other windows left open (a member's record…) are covered, not closed: nothing
        # typed in them is lost, nothing in them shows.
        curtains = [Curtain(w) for w in QApplication.topLevelWidgets()
                    if w is not self and w.isVisible() and not isinstance(w, QMenu)]
        result = LockDialog(self.db, self).exec()
        for curtain in curtains:
            curtain.lift()
        self.centralWidget().setVisible(True)
        self.menuBar().setEnabled(True)
        if result == LockDialog.SWITCH:
            self.sign_out()
            return
        self.idle.restart()

    def sign_out(self) -> None:
        accounts.sign_out(self.db)
        self.sign_in_requested.emit()

    def import_file(self, path: Path | list[Path] | None = None
                    ) -> ImportDialog | BatchImportDialog | None:
        from ui.dialogs.exchange import import_file

        return import_file(self, self.db, path)

    def export_file(self) -> None:
        from ui.dialogs.exchange import export_file

        export_file(self, self.db)

    def show_keys(self) -> KeysDialog:
        from ui.dialogs.keys import KeysDialog

        dialog = KeysDialog(self.db, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_reports(self) -> ReportDialog:
        from ui.dialogs.reports import open_report_dialog

        return open_report_dialog(self.db, self)

    def show_backups(self) -> BackupsDialog:
        from ui.dialogs.backups import BackupsDialog

        dialog = BackupsDialog(self.db, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.restored.connect(lambda _restored: self.reopen_requested.emit())
        dialog.open()
        return dialog

    def damaged_found(self, problems: tuple[str, ...]) -> None:
        """The quick check at start found damage: say so, and lead to the backups."""
        box = QMessageBox(QMessageBox.Icon.Warning, _("Damaged database"), _(
            "The check at start found damage in the database ({problem}). Don't enter more "
            "data: restore the newest good backup.").format(problem=problems[0]),
            QMessageBox.StandardButton.NoButton, self)
        go = box.addButton(_("Backup and restore…"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Later"), QMessageBox.ButtonRole.RejectRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self.show_backups() if button is go else None)
        box.open()

    def show_unit(self) -> UnitDialog:
        """The union, its parent unions over time, moving and ending its activity."""
        from ui.dialogs.unit_dialog import UnitDialog

        dialog = UnitDialog(self.db, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_state(self) -> None:
        """Read-only once the union has ended its activity: a banner says so, and what
        changes data goes, as for a role that may not (ui.roles)."""
        closed = self.db.closed_on
        read_only.show_banner(self.banner, closed)
        if closed:
            apply_role(self, self.db)
            self.unit_label.setText(_("{unit} — ended its activity on {date} (read-only)")
                                    .format(unit=self.unit.name, date=closed))

    def on_outcome(self, outcome: Outcome) -> None:
        """After an operation: its word in the status bar; the counts and the state if
        members or the union changed (the tabs refresh themselves)."""
        if outcome.db is not None and outcome.db is not self.db:
            return
        if outcome.message:
            self.note.say(outcome.message, outcome.file)
        if outcome.changes & Changes.MEMBERS:
            self.update_counts()
        if outcome.changes & Changes.UNITS:
            self.show_state()

    def update_counts(self) -> None:
        active = member_list(self.db, MemberQuery(status=MemberStatus.ACTIVE)).count()
        total = member_list(self.db, MemberQuery()).count()
        self.count_label.setText(_("Active members: {active} of {total}").format(
            active=active, total=total))

    def _choose_database(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _filter = QFileDialog.getOpenFileName(
            self, _("Open database"), str(self.db.path.parent if self.db.path else ""),
            _("Union databases (*.db);;All files (*)"))
        if path:
            self.open_requested.emit(path)

    # -- window state --------------------------------------------------------------------

    def _restore(self) -> None:
        settings = window_state()
        place(self, settings.value("main_window/geometry"))  # inside the screen it opens on
        tab = settings.value("main_window/tab", 0)
        self.tabs.setCurrentIndex(int(tab) if str(tab).isdigit() else 0)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.backup_on_close and self._close_task is None:
            # Something changed since the newest backup? Then one more, in the background
            # (the window stays responsive), and the window closes when it is made.
            from unionapp.backups import automatic_backup

            event.ignore()
            db = self.db
            self._close_task = run_op(
                self, lambda attempt: automatic_backup(db, "on-close", attempt.progress), db=db,
                on_done=lambda _made: self.close(), on_failed=lambda _error: self.close(),
                label=_("Backing up before closing…"))
            return
        if self._close_task is not None and not self._close_task.finished:
            event.ignore()  # still backing up: it closes the window when done
            return
        settings = window_state()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/tab", self.tabs.currentIndex())
        cancel_all_and_wait()  # no worker may outlive the window or its database
        self.idle.stop()
        super().closeEvent(event)
