"""Signing in, the forgotten chair's password (the recovery code), changing one's own
password, and the window locked after the idle time."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.operations import Changes, run_op
from unionapp import accounts
from unionapp.db import Database
from unionapp.errors import UserError, ValidationError
from unionapp.i18n import _


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(200)
    return field


def _buttons(dialog: QDialog, ok_text: str, cancel_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    buttons.rejected.connect(dialog.reject)
    return buttons


def problems_text(error: UserError) -> str:
    if isinstance(error, ValidationError):
        return "\n".join(p.message for p in error.problems)
    return error.message


def warn(dialog: QWidget, error: UserError) -> bool:
    """A refusal (a weak password, a name taken…) as a warning over ``dialog`` (for
    ``run_op``'s ``on_refused``)."""
    QMessageBox.warning(dialog, dialog.windowTitle(), problems_text(error))
    return True


class SignInDialog(QDialog):
    """Asked when a database with accounts is opened. Accepted once ``db.account`` is set."""

    def __init__(self, db: Database, unit_name: str, username: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(_("Sign in"))
        self.username = QLineEdit(username)
        self.username.setMaxLength(100)
        self.password = _password_field()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        intro = QLabel(_("<b>{unit}</b><br>Sign in with your account to continue.").format(
            unit=unit_name))
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Username:"), self.username)
        form.addRow(_("Password:"), self.password)
        forgot = QPushButton(_("Forgot the password?"))
        forgot.setFlat(True)
        forgot.clicked.connect(self._forgot)
        buttons = _buttons(self, _("Sign in"), _("Quit"))
        buttons.accepted.connect(self.try_sign_in)
        row = QHBoxLayout()
        row.addWidget(forgot)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(row)
        (self.password if username else self.username).setFocus()
        self.setMinimumWidth(420)

    def try_sign_in(self) -> None:
        db, username, password = self.db, self.username.text(), self.password.text()

        def refused(error: UserError) -> bool:
            self.message.setText(error.message)
            self.password.clear()
            self.password.setFocus()
            return True

        def done(account: accounts.Account) -> None:
            if account.must_change_password:
                QMessageBox.information(self, _("Sign in"), _(
                    "The chair has reset your password: choose your own now."))
                ChangePasswordDialog(self.db, self, forced=True).exec()
            self.accept()

        run_op(self, lambda _a: accounts.sign_in(db, username, password), db=db,
               on_refused=refused, on_done=done)

    def _forgot(self) -> None:
        RecoveryDialog(self.db, self.username.text(), self).exec()


class RecoveryDialog(QDialog):
    """A chair who forgot the password sets a new one with the recovery code."""

    def __init__(self, db: Database, username: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(_("Forgot the password"))
        text = QLabel(_("Only a chair's password can be set again with the recovery code "
                        "shown when the first account was made. Anyone else: ask the chair "
                        "to reset your password."))
        text.setWordWrap(True)
        self.username = QLineEdit(username)
        self.code = QLineEdit()
        self.code.setPlaceholderText("XXXX-XXXX-XXXX-XXXX")
        self.password = _password_field()
        self.again = _password_field()
        form = QFormLayout()
        form.addRow(_("Chair's username:"), self.username)
        form.addRow(_("Recovery code:"), self.code)
        form.addRow(_("New password:"), self.password)
        form.addRow(_("Type it again:"), self.again)
        buttons = _buttons(self, _("Set the password"), _("Cancel"))
        buttons.accepted.connect(self._apply)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _apply(self) -> None:
        if self.password.text() != self.again.text():
            QMessageBox.warning(self, self.windowTitle(), _("The two passwords differ."))
            return
        db, username, code, password = (self.db, self.username.text(), self.code.text(),
                                        self.password.text())

        def done(next_code: str) -> None:
            show_recovery_code(self, next_code, _("The password is set. The recovery code you "
                                                  "used no longer works; here is the next "
                                                  "one."))
            self.accept()

        run_op(self, lambda _a: accounts.recover(db, username, code, password), db=db,
               changes=Changes.ACCOUNTS, on_refused=lambda error: warn(self, error),
               on_done=done)


class ChangePasswordDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None, *, forced: bool = False):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(_("Change my password"))
        self.old = _password_field()
        self.password = _password_field()
        self.again = _password_field()
        form = QFormLayout()
        form.addRow(_("Current password:"), self.old)
        form.addRow(_("New password:"), self.password)
        form.addRow(_("Type it again:"), self.again)
        hint = QLabel(_("At least {count} characters.").format(count=accounts.MIN_PASSWORD))
        buttons = _buttons(self, _("Change"), _("Later") if forced else _("Cancel"))
        buttons.accepted.connect(self._apply)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def _apply(self) -> None:
        if self.password.text() != self.again.text():
            QMessageBox.warning(self, self.windowTitle(), _("The two passwords differ."))
            return
        db, old, password = self.db, self.old.text(), self.password.text()

        def done(_result: object) -> None:
            QMessageBox.information(self, self.windowTitle(),
                                    _("Your password has been changed."))
            self.accept()

        run_op(self, lambda _a: accounts.change_password(db, old, password), db=db,
               changes=Changes.ACCOUNTS, on_refused=lambda error: warn(self, error),
               on_done=done)


def show_recovery_code(parent: QWidget | None, code: str, text: str) -> None:
    """The recovery code, shown once, with a way to copy it."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(_("Recovery code"))
    intro = QLabel(text)
    intro.setWordWrap(True)
    shown = QLineEdit(code)
    shown.setReadOnly(True)
    font = shown.font()
    font.setPointSize(font.pointSize() + 6)
    shown.setFont(font)
    keep = QLabel(_("Write it down and keep it somewhere safe, away from this PC: it is shown "
                    "only this once. With it a chair who forgets the password can set a new "
                    "one."))
    keep.setWordWrap(True)
    copy = QPushButton(_("Copy"))
    copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(code))
    done = QPushButton(_("I have written it down"))
    done.setDefault(True)
    done.clicked.connect(dialog.accept)
    row = QHBoxLayout()
    row.addWidget(copy)
    row.addStretch(1)
    row.addWidget(done)
    layout = QVBoxLayout(dialog)
    layout.addWidget(intro)
    layout.addWidget(shown)
    layout.addWidget(keep)
    layout.addLayout(row)
    dialog.setMinimumWidth(460)
    dialog.exec()


class LockDialog(QDialog):
    """The window after the idle time: only the signed-in account's password opens it again
    (or someone else signs in, which reopens the window for them)."""

    SWITCH = 2

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        assert db.account is not None
        self.setWindowTitle(_("Locked"))
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        text = QLabel(_("The window was locked after {minutes} minutes without use. "
                        "{name}, type your password to go on.").format(
            minutes=accounts.idle_minutes(db), name=db.account.full_name
            or db.account.username))
        text.setWordWrap(True)
        self.password = _password_field()
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020")
        self.message.setWordWrap(True)
        unlock = QPushButton(_("Unlock"))
        unlock.setDefault(True)
        unlock.clicked.connect(self._unlock)
        other = QPushButton(_("Sign in as someone else"))
        other.clicked.connect(lambda: self.done(self.SWITCH))
        row = QHBoxLayout()
        row.addWidget(other)
        row.addStretch(1)
        row.addWidget(unlock)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.password)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.setMinimumWidth(420)

    def _unlock(self) -> None:
        db, password = self.db, self.password.text()
        username = db.account.username if db.account else ""

        def refused(error: UserError) -> bool:
            self.message.setText(error.message)
            self.password.clear()
            return True

        run_op(self, lambda _a: accounts.sign_in(db, username, password), db=db,
               on_refused=refused, on_done=lambda _account: self.accept())

    def reject(self) -> None:  # Escape does not unlock
        pass


def ask_first_account(db: Database, parent: QWidget | None) -> bool:
    """Make the first account (the chair's) from the window, sign in as it and show the
    recovery code. True when made."""
    dialog = NewAccountDialog(db, parent, first=True)
    if not dialog.exec() or dialog.made is None:
        return False
    made = dialog.made
    run_op(parent, lambda _a: accounts.sign_in(db, made.account.username,
                                               dialog.password_text), db=db)
    if dialog.made.recovery_code:
        show_recovery_code(parent, dialog.made.recovery_code, _(
            "The chair's account is made; from now on everyone signs in. Your recovery "
            "code:"))
    return True


class NewAccountDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None, *, first: bool = False):
        from PySide6.QtWidgets import QComboBox

        from unionapp.permissions import ROLES

        super().__init__(parent)
        self.db = db
        self.made: accounts.NewAccount | None = None
        self.password_text = ""
        self.setWindowTitle(_("The first account: the chair's") if first else _("New account"))
        self.username = QLineEdit()
        self.username.setPlaceholderText(_("one word, e.g. hang.nt"))
        self.full_name = QLineEdit()
        self.role = QComboBox()
        for code, role in ROLES.items():
            if not first or code == "chair":
                self.role.addItem(role.display, code)
        self.password = _password_field()
        self.again = _password_field()
        form = QFormLayout()
        form.addRow(_("Username:"), self.username)
        form.addRow(_("Full name:"), self.full_name)
        form.addRow(_("Role:"), self.role)
        form.addRow(_("Password:"), self.password)
        form.addRow(_("Type it again:"), self.again)
        layout = QVBoxLayout(self)
        if first:
            text = QLabel(_("Once an account exists, everyone signs in to use this database, "
                            "and each role may do only its own work. The first account is "
                            "the chair's, who then makes the others."))
            text.setWordWrap(True)
            layout.addWidget(text)
        layout.addLayout(form)
        buttons = _buttons(self, _("Make the account"), _("Cancel"))
        buttons.accepted.connect(self._apply)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def _apply(self) -> None:
        if self.password.text() != self.again.text():
            QMessageBox.warning(self, self.windowTitle(), _("The two passwords differ."))
            return
        db, username, role = self.db, self.username.text(), self.role.currentData()
        password, full_name = self.password.text(), self.full_name.text()

        def done(made: accounts.NewAccount) -> None:
            self.made = made
            self.password_text = password
            self.accept()

        run_op(self, lambda _a: accounts.add_user(db, username, role, password,
                                                  full_name=full_name),
               db=db, changes=Changes.ACCOUNTS, on_refused=lambda error: warn(self, error),
               on_done=done)
