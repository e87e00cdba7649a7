"""The main window: the tabs over one database (members, activities and awards, support,
data exchange), menus, and a status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from ui.dialogs.exchange import BatchImportDialog, ImportDialog, export_file, import_file
from ui.dialogs.keys import KeysDialog
from ui.state import window_state
from ui.tabs.activities_tab import ActivitiesTab
from ui.tabs.exchange_tab import ExchangeTab
from ui.tabs.list_tab import ListTab
from ui.tabs.members_tab import MembersTab
from ui.tabs.support_tab import SupportTab
from ui.tasks import cancel_all_and_wait
from unionapp import __version__
from unionapp.db import Database
from unionapp.i18n import LANGUAGES, _, language
from unionapp.members import MemberQuery, member_list
from unionapp.models import MemberStatus
from unionapp.org import home_unit


class MainWindow(QMainWindow):
    # Asks the application to open another database or to rebuild in another language.
    open_requested = Signal(str)
    new_requested = Signal()
    demo_requested = Signal()
    language_requested = Signal(str)

    def __init__(self, db: Database, *, demo: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.unit = home_unit(db)
        title = _("{unit} — Union office").format(unit=self.unit.name)
        self.setWindowTitle(_("{title} (DEMO)").format(title=title) if demo else title)

        self.tabs = QTabWidget()
        self.members_tab = MembersTab(db)
        self.activities_tab = ActivitiesTab(db)
        self.support_tab = SupportTab(db)
        self.exchange_tab = ExchangeTab(db)
        self.exchange_tab.changed.connect(self.reload_lists)
        for tab, title in ((self.members_tab, _("Members")),
                           (self.activities_tab, _("Activities & Awards")),
                           (self.support_tab, _("Care & Support")),
                           (self.exchange_tab, _("Data exchange"))):
            self.tabs.addTab(tab, title.replace("&", "&&"))  # a literal "&", not a shortcut
        self.setCentralWidget(self.tabs)

        self.unit_label = QLabel(self.unit.name)
        self.count_label = QLabel()
        self.statusBar().addWidget(self.unit_label, 1)
        self.statusBar().addPermanentWidget(self.count_label)
        self._build_menus()

        for tab in (self.members_tab, self.activities_tab, self.support_tab):
            tab.reload()
        self.members_tab.counts_changed.connect(self.update_counts)
        self.update_counts()
        self._restore()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        open_action = file_menu.addAction(_("&Open database…"))
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self._choose_database)
        file_menu.addAction(_("&New database…")).triggered.connect(self.new_requested)
        file_menu.addAction(_("Open the &demo")).triggered.connect(self.demo_requested)
        file_menu.addSeparator()
        self.export_action = file_menu.addAction(_("E&xport data file…"))
        self.export_action.triggered.connect(lambda: export_file(
            self, self.db, on_done=lambda _result: self.exchange_tab.reload()))
        self.import_action = file_menu.addAction(_("&Import data file…"))
        self.import_action.triggered.connect(lambda: self.import_file())
        file_menu.addAction(_("Signing &keys…")).triggered.connect(self.show_keys)
        file_menu.addSeparator()
        quit_action = file_menu.addAction(_("&Quit"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)

        lang_menu = self.menuBar().addMenu(_("&Language"))
        group = QActionGroup(self)
        for code, name in LANGUAGES.items():
            action = QAction(name, self, checkable=True)
            action.setChecked(code == language())
            action.triggered.connect(lambda _on, code=code: self.language_requested.emit(code))
            group.addAction(action)
            lang_menu.addAction(action)

        help_menu = self.menuBar().addMenu(_("&Help"))
        help_menu.addAction(_("&About")).triggered.connect(self._about)

    def import_file(self, path: Path | list[Path] | None = None
                    ) -> ImportDialog | BatchImportDialog | None:
        return import_file(self, self.db, path, on_imported=lambda _summary: self.after_import())

    def show_keys(self) -> KeysDialog:
        dialog = KeysDialog(self.db, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def after_import(self) -> None:
        """Records came in: every list shows them (and a parent union its new branches)."""
        for tab in self.findChildren(ListTab):
            tab.fill_branches()
        self.reload_lists()

    def reload_lists(self) -> None:
        for tab in (self.members_tab, self.activities_tab, self.support_tab):
            tab.reload()
        self.exchange_tab.reload()
        self.update_counts()

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

    def _about(self) -> None:
        QMessageBox.about(self, _("About"), _(
            "<b>Union office</b> {version}<br>Member register, activities and awards, "
            "care and support, exchange with the parent union.<br>Database: {path}").format(
                version=__version__, path=self.db.path or self.db.url))

    # -- window state --------------------------------------------------------------------

    def _restore(self) -> None:
        settings = window_state()
        geometry = settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 760)
        tab = settings.value("main_window/tab", 0)
        self.tabs.setCurrentIndex(int(tab) if str(tab).isdigit() else 0)

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = window_state()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/tab", self.tabs.currentIndex())
        cancel_all_and_wait()  # no worker may outlive the window or its database
        super().closeEvent(event)
