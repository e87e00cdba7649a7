"""File ▸ Signing keys: this database's key (its fingerprint, to read over the phone), its
public key file for the other side, and enrolling the other side's key."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.exchange import KEY_EXPLAINED, fit_headers
from ui.operations import Changes, run_op
from ui.tasks import show_error
from unionapp.db import Database
from unionapp.errors import UserError
from unionapp.exchange import keys
from unionapp.filenames import proposed_path
from unionapp.i18n import _


def _big(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    label.setFont(font)
    return label


class TrustDialog(QDialog):
    """Shows a key file's unit and fingerprint; enrolling needs the fingerprint checked."""

    def __init__(self, db: Database, key: keys.KeyInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Enrol a key"))
        self.key = key
        parent_mode = db.mode == "parent"
        intro = QLabel(_("Call {name} and have them read the fingerprint their program shows "
                         "(File ▸ Signing keys). Enrol the key only if every digit matches.")
                       .format(name=key.name))
        intro.setWordWrap(True)
        self.fingerprint = _big(key.fingerprint)
        self.code = QLineEdit(key.code)
        form = QFormLayout()
        form.addRow(_("Unit:"), QLabel(key.name))
        form.addRow(_("Fingerprint:"), self.fingerprint)
        form.addRow(_("Branch code here:") if parent_mode else _("Parent union code here:"),
                    self.code)
        self.checked = QCheckBox(_("I read the fingerprint with them over the phone: it "
                                   "matches"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Enrol the key"))
        self.ok.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.checked.toggled.connect(self.ok.setEnabled)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.checked)
        layout.addWidget(self.buttons)


class KeysDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(_("Signing keys"))
        self.resize(720, 480)
        self.about = QLabel(_(KEY_EXPLAINED))
        self.about.setWordWrap(True)
        self.own = QLabel()
        self.own.setWordWrap(True)
        self.fingerprint = _big("")
        self.make_button = QPushButton()
        self.make_button.clicked.connect(self.make_key)
        self.export_button = QPushButton(_("Save my public key to a file…"))
        self.export_button.clicked.connect(lambda: self.export_public())
        self.trust_button = QPushButton(_("Enrol a key from a file…"))
        self.trust_button.clicked.connect(lambda: self.choose_and_trust())
        self.peers = QTableWidget(0, 4)
        self.peers.setHorizontalHeaderLabels([_("Code"), _("Unit"), _("Fingerprint"),
                                              _("Enrolled on")])
        fit_headers(self.peers, stretch=1)
        self.peers.verticalHeader().hide()
        self.peers.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QHBoxLayout()
        for button in (self.make_button, self.export_button, self.trust_button):
            buttons.addWidget(button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addWidget(self.own)
        layout.addWidget(self.fingerprint)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(_("Keys enrolled here (their packages are accepted):")))
        layout.addWidget(self.peers, 1)
        layout.addWidget(close)
        self.refresh()

    def refresh(self) -> None:
        info = keys.own_public(self.db)
        if info is None:
            self.own.setText(_("This database has no signing key yet. Make one to exchange "
                               "data packages."))
            self.fingerprint.setText("")
            self.make_button.setText(_("Make the key"))
        else:
            self.own.setText(_("Signing key of {code} — {name}. Its private part is in {path} "
                               "(keep it; never send it). Read this fingerprint to the other "
                               "side when they enrol your key:").format(
                code=info.code, name=info.name, path=info.path))
            self.fingerprint.setText(info.fingerprint)
            self.make_button.setText(_("Make a new key…"))
        self.export_button.setEnabled(info is not None)
        rows = keys.peers(self.db)
        self.peers.setRowCount(len(rows))
        for r, peer in enumerate(rows):
            for c, text in enumerate((peer.code, peer.name, peer.fingerprint,
                                      peer.enrolled_at[:10])):
                self.peers.setItem(r, c, QTableWidgetItem(text))

    def make_key(self) -> None:
        replace = keys.own_public(self.db) is not None
        if replace and QMessageBox.question(
                self, _("Make a new key"),
                _("After a new key, the other side must enrol it again before they accept "
                  "your packages. Make a new key?")) != QMessageBox.StandardButton.Yes:
            return
        db = self.db
        run_op(self, lambda _a: keys.init_keys(db, replace=replace), db=db,
               changes=Changes.EXCHANGE, on_done=lambda _key: self.refresh())

    def export_public(self, path: Path | None = None) -> Path | None:
        """Save the public key to a file; returns where (None: not asked, or it failed)."""
        if path is None:
            info = keys.own_public(self.db)
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Save my public key"),
                str(proposed_path(info.code if info else "key", ".key")),
                _("Public key files (*.key)"))
            if not chosen:
                return None
            path = Path(chosen)
        db, target = self.db, path
        saved: list[Path] = []
        run_op(self, lambda _a: keys.export_public(db, target), db=db, file=target,
               said=_("Saved the public key to {file}.").format(file=target.name),
               on_done=lambda _result: saved.append(target))
        return saved[0] if saved else None

    def choose_and_trust(self, path: Path | None = None) -> TrustDialog | None:
        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(
                self, _("Enrol a key"), "", _("Public key files (*.key);;All files (*)"))
            if not chosen:
                return None
            path = Path(chosen)
        try:
            key = keys.read_public_key_file(path)
        except UserError as error:
            show_error(self, error)
            return None
        dialog = TrustDialog(self.db, key, self)
        dialog.accepted.connect(lambda: self.trust(path, dialog.code.text()))
        dialog.open()
        return dialog

    def trust(self, path: Path, code: str) -> None:
        db = self.db
        run_op(self, lambda _a: keys.trust(db, path, code), db=db, changes=Changes.EXCHANGE,
               on_done=lambda _peer: self.refresh())
