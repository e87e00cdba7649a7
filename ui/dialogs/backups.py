"""File ▸ Backup and restore…: the database's backups (date, reason, counts), "Back up now",
restoring one of them or a file picked by hand (checked first), and the second backup
folder. Also the offer made when a database can't be opened because it is damaged. All the
work runs off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.operations import run_op
from ui.tasks import Task
from unionapp.backups import (
    Backup,
    Made,
    Restored,
    Verdict,
    backups_folder,
    create_backup,
    list_backups,
    newest_good_backup,
    reason_label,
    restore_backup,
    restore_unopenable,
    verify_backup,
)
from unionapp.backups.catalogue import folder_for, format_size
from unionapp.db import Database, resolve_url
from unionapp.i18n import N_, _
from unionapp.progress import Progress
from unionapp.settings import Settings
from unionapp.text import format_moment


def _count(value: int | None) -> str:
    return "" if value is None else f"{value:,}".replace(",", ".")


def _describe(backup: Backup) -> str:
    return _("{moment} ({reason}): {members} members").format(
        moment=format_moment(backup.moment), reason=reason_label(backup.reason),
        members=_count(backup.members) or "?")


def _ask(parent: QWidget | None, title: str, text: str, yes: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    go = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is go


def confirm_restore(parent: QWidget | None, what: str) -> bool:
    return _ask(parent, _("Restore a backup"), _(
        "Restore the backup of {what}?\n\nThe data as it is now is backed up first (reason: "
        "before a restore), then replaced by this backup. Changes made after the backup "
        "will then only be in that new backup.").format(what=what), _("Restore"))


class BackupsDialog(QDialog):
    restored = Signal(object)  # Restored: the application reopens the database

    COLUMNS = (N_("Made on"), N_("Reason"), N_("Members"), N_("Decisions"),
               N_("Support cases"), N_("Size"), N_("Checked"))

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.task: Task | None = None
        self.backups: list[Backup] = []
        self.setWindowTitle(_("Backup and restore"))
        self.resize(820, 480)
        self.folder = backups_folder(db)
        intro = QLabel(_(
            "A checked backup is made every day at the first start, when the program closes "
            "after changes, and before every import, restore and upgrade. Older ones are kept "
            "in generations: the last 10, one a day for 14 days, one a week for 8 weeks, one a "
            "month for 24 months. Folder: {folder}").format(folder=self.folder))
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([_(title) for title in self.COLUMNS])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        self.backup_button = QPushButton(_("Back up now"))
        self.backup_button.clicked.connect(lambda: self.back_up_now())
        self.restore_button = QPushButton(_("Restore the selected backup…"))
        self.restore_button.clicked.connect(lambda: self.restore_selected())
        self.file_button = QPushButton(_("Restore from another file…"))
        self.file_button.clicked.connect(lambda: self.restore_file())
        folder_button = QPushButton(_("Open the backups folder"))
        folder_button.clicked.connect(lambda: QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(self.folder))))
        actions = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.file_button,
                       folder_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.second_label = QLabel()
        self.second_label.setWordWrap(True)
        second_choose = QPushButton(_("Choose a second folder…"))
        second_choose.clicked.connect(lambda: self.choose_second_folder())
        self.second_off = QPushButton(_("Don't copy"))
        self.second_off.clicked.connect(lambda: self.set_second_folder(""))
        second = QHBoxLayout()
        second.addWidget(self.second_label, 1)
        second.addWidget(second_choose)
        second.addWidget(self.second_off)
        self.status = QLabel()
        self.status.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addLayout(second)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.reload()
        self._show_second_folder()

    # -- the list ----------------------------------------------------------------------------

    def reload(self) -> None:
        self.backups = list_backups(self.db)
        self.table.setRowCount(len(self.backups))
        for row, b in enumerate(self.backups):
            values = (format_moment(b.moment), reason_label(b.reason), _count(b.members),
                      _count(b.decisions), _count(b.cases), format_size(b.size),
                      _("yes") if b.verified else _("no"))
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column in (2, 3, 4, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(b.file)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        if self.backups:
            self.table.selectRow(0)
        self._selection_changed()

    def selected(self) -> Backup | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        busy = self.task is not None and not self.task.finished
        self.restore_button.setEnabled(self.selected() is not None and not busy)
        for button in (self.backup_button, self.file_button):
            button.setEnabled(not busy)

    def _run(self, work: Callable[[Progress], object], label: str,
             on_done: Callable[[object], None]) -> Task:
        def finished(result: object) -> None:
            self._selection_changed()
            on_done(result)

        self.task = run_op(self, lambda attempt: work(attempt.progress), db=self.db,
                           on_done=finished, on_failed=lambda _error: self._selection_changed(),
                           label=label)
        assert self.task is not None
        self._selection_changed()
        return self.task

    # -- actions -----------------------------------------------------------------------------

    def back_up_now(self) -> Task:
        db = self.db
        return self._run(lambda progress: create_backup(db, "manual", progress=progress),
                         _("Backing up…"), self._backed_up)

    def _backed_up(self, made: object) -> None:
        assert isinstance(made, Made)
        self.reload()
        self.status.setText(_("Backup made and checked: {file}").format(file=made.backup.file))
        for warning in made.warnings:
            QMessageBox.information(self, _("Backup"), warning)

    def restore_selected(self) -> Task | None:
        backup = self.selected()
        if backup is None or not confirm_restore(self, _describe(backup)):
            return None
        return self.restore(backup.path)

    def restore_file(self, path: Path | None = None) -> Task | None:
        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(
                self, _("Choose a backup"), str(self.folder),
                _("Union databases (*.db);;All files (*)"))
            if not chosen:
                return None
            path = Path(chosen)
        checked_path = path

        def checked(verdict: object) -> None:
            assert isinstance(verdict, Verdict)
            if not verdict.ok:
                QMessageBox.warning(self, _("Restore a backup"), _(
                    "This file can't be restored: {problem}").format(
                    problem=verdict.problems[0] if verdict.problems else "?"))
                return
            facts = verdict.facts
            what = _("{file}: {members} members").format(
                file=checked_path.name, members=_count(facts.members if facts else None) or "?")
            if confirm_restore(self, what):
                self.restore(checked_path)

        return self._run(lambda _progress: verify_backup(checked_path), _("Checking the backup…"),
                         checked)

    def restore(self, path: Path) -> Task:
        db = self.db
        return self._run(lambda progress: restore_backup(db, path, progress),
                         _("Restoring the backup…"), self._restored)

    def _restored(self, result: object) -> None:
        assert isinstance(result, Restored)
        self.restored.emit(result)
        self.accept()

    # -- the second folder ------------------------------------------------------------------

    def _show_second_folder(self) -> None:
        folder = Settings.load().second_backup_folder
        self.second_label.setText(
            _("Second copy (USB stick or another disk) of the daily, closing and hand-made "
              "backups: {folder}").format(folder=folder) if folder else
            _("Second copy (USB stick or another disk): none."))
        self.second_off.setEnabled(bool(folder))

    def choose_second_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Choose a second backup folder"))
        if folder:
            self.set_second_folder(folder)

    def set_second_folder(self, folder: str) -> None:
        settings = Settings.load()
        settings.second_backup_folder = folder
        settings.save()
        self._show_second_folder()


def offer_newest_good_backup(parent: QWidget | None, path: Path,
                             on_restored: Callable[[Restored], None],
                             on_declined: Callable[[], None]) -> Task:
    """A database that can't be opened because it is damaged: find the newest backup that
    passes its check, and offer it."""
    folder = folder_for(resolve_url(path), path)

    def found(result: object) -> None:
        if result is None:
            QMessageBox.warning(parent, _("Damaged database"), _(
                "The database {path} is damaged and there is no good backup of it in {folder}. "
                "If you have a copy elsewhere (a USB stick), restore it with File ▸ Backup and "
                "restore… after opening another database; the damaged file is left as it "
                "is.").format(path=path, folder=folder))
            on_declined()
            return
        assert isinstance(result, tuple)
        backup = result[0]
        if not _ask(parent, _("Damaged database"), _(
                "The database {path} is damaged (perhaps by a power cut while it was being "
                "written).\n\nThe newest good backup is from {what}. Restore it? The damaged "
                "file is kept aside.").format(path=path, what=_describe(backup)),
                _("Restore")):
            on_declined()
            return
        run_op(parent, lambda attempt: restore_unopenable(path, backup.path, attempt.progress),
               db=None, on_done=on_restored, on_failed=lambda _error: on_declined(),
               label=_("Restoring the backup…"))

    task = run_op(parent, lambda attempt: newest_good_backup(folder, attempt.progress), db=None,
                  on_done=found, on_failed=lambda _error: on_declined(),
                  label=_("Looking for a good backup…"))
    assert task is not None
    return task
