"""The chair's accounts dialog: who may sign in and with which role, passwords, the idle lock
and the recovery code."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.sign_in import NewAccountDialog, show_recovery_code, warn
from ui.operations import Changes, Outcome, listen, run_op
from unionapp import accounts
from unionapp.accounts import AccountRow
from unionapp.db import Database
from unionapp.i18n import _
from unionapp.permissions import ROLES
from unionapp.text import format_moment

HEADERS = ("Username", "Full name", "Role", "State", "Last signed in")


class AccountsDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(_("Accounts"))
        self.rows: list[AccountRow] = []
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([_(h) for h in HEADERS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._enable)

        self.add_button = QPushButton(_("Add…"))
        self.add_button.clicked.connect(self.add)
        self.reset_button = QPushButton(_("Reset the password…"))
        self.reset_button.clicked.connect(self.reset)
        self.role_button = QPushButton(_("Change the role…"))
        self.role_button.clicked.connect(self.change_role)
        self.disable_button = QPushButton(_("Disable"))
        self.disable_button.clicked.connect(self.toggle)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.reset_button, self.role_button, self.disable_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.idle = QSpinBox()
        self.idle.setRange(0, accounts.MAX_IDLE_MINUTES)
        self.idle.setSuffix(" " + _("minutes"))
        self.idle.setSpecialValueText(_("never"))
        self.idle.setValue(accounts.idle_minutes(db))
        self.idle.editingFinished.connect(self._save_idle)
        recovery = QPushButton(_("New recovery code…"))
        recovery.clicked.connect(self.renew_recovery)
        settings = QFormLayout()
        settings.addRow(_("Lock the window after:"), self.idle)
        settings.addRow(_("Recovery code of the chair:"), recovery)

        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        self.accepted.connect(self._save_idle)  # a value typed but not yet confirmed
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addLayout(settings)
        layout.addLayout(bottom)
        self.resize(760, 440)
        self.reload()
        listen(self.on_outcome)

    def reload(self) -> None:
        self.rows = accounts.list_users(self.db)
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            state = _("active") if r.active else _("disabled")
            if r.active and r.locked_until is not None:
                state = _("locked until {time}").format(time=format_moment(r.locked_until))
            for j, text in enumerate((r.username, r.full_name, r.role_label, state,
                                      format_moment(r.last_sign_in_at))):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnToContents(0)
        self._enable()

    def selected(self) -> AccountRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _enable(self) -> None:
        row = self.selected()
        for b in (self.reset_button, self.role_button, self.disable_button):
            b.setEnabled(row is not None)
        self.disable_button.setText(_("Enable") if row is not None and not row.active
                                    else _("Disable"))

    def _run(self, action: Callable[[], object]) -> bool:
        done: list[object] = []
        run_op(self, lambda _a: action(), db=self.db, changes=Changes.ACCOUNTS,
               on_refused=lambda error: warn(self, error), on_done=done.append)
        return bool(done)

    def on_outcome(self, outcome: Outcome) -> None:
        if outcome.touches(self.db, Changes.ACCOUNTS):
            self.reload()

    def add(self) -> None:
        NewAccountDialog(self.db, self).exec()

    def reset(self) -> None:
        row = self.selected()
        if row is None:
            return
        password, ok = QInputDialog.getText(
            self, _("Reset the password"), _("A new password for {name} (they will choose "
                                             "their own at the next sign-in):").format(
                name=row.username), QLineEdit.EchoMode.Password)
        if ok and self._run(lambda: accounts.reset_password(self.db, row.username, password)):
            QMessageBox.information(self, self.windowTitle(), _(
                "The password of {name} has been reset and the account unlocked.").format(
                name=row.username))

    def change_role(self) -> None:
        row = self.selected()
        if row is None:
            return
        box = QComboBox()
        for code, role in ROLES.items():
            box.addItem(role.display, code)
        box.setCurrentIndex(max(0, box.findData(row.role)))
        dialog = QDialog(self)
        dialog.setWindowTitle(_("Change the role"))
        ok = QPushButton(_("Change"))
        ok.clicked.connect(dialog.accept)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel(_("Role of {name}:").format(name=row.username)))
        layout.addWidget(box)
        layout.addWidget(ok)
        if dialog.exec():
            self._run(lambda: accounts.set_role(self.db, row.username, box.currentData()))

    def toggle(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.active:
            self._run(lambda: accounts.disable_user(self.db, row.username))
        else:
            self._run(lambda: accounts.enable_user(self.db, row.username))

    def _save_idle(self) -> None:
        if self.idle.value() != accounts.idle_minutes(self.db):
            self._run(lambda: accounts.set_idle_minutes(self.db, self.idle.value()))

    def renew_recovery(self) -> None:
        answer = QMessageBox.question(self, _("New recovery code"), _(
            "Make a new recovery code? The old one stops working."))
        if answer != QMessageBox.StandardButton.Yes:
            return
        db = self.db
        run_op(self, lambda _a: accounts.renew_recovery_code(db), db=db,
               changes=Changes.ACCOUNTS, on_refused=lambda error: warn(self, error),
               on_done=lambda code: show_recovery_code(self, code, _("The new recovery code:")))
