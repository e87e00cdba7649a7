"""First start: create my branch, or explore the demo. Also used by File ▸ New database."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.editing import EditDialog
from unionapp.i18n import _


@dataclass(frozen=True)
class UnitDetails:
    code: str
    name: str
    parent_code: str
    parent_name: str
    place: str


class UnitForm(EditDialog):
    """The facts a new branch database needs."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Create my union"))
        self.code = QLineEdit()
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("e.g. Công đoàn cơ sở Trường THPT Chu Văn An"))
        self.parent_code = QLineEdit()
        self.parent_name = QLineEdit()
        self.place = QLineEdit()
        self.place.setPlaceholderText(_("e.g. Hà Nội"))
        form = QFormLayout()
        form.addRow(_("Code of your union:"), self.code)
        form.addRow(_("Name of your union:"), self.name)
        form.addRow(_("Code of the parent union:"), self.parent_code)
        form.addRow(_("Name of the parent union:"), self.parent_name)
        form.addRow(_("Place name for documents:"), self.place)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Create"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _check(self) -> None:
        if not self.code.text().strip() or not self.name.text().strip():
            QMessageBox.warning(self, _("Create my union"),
                                _("The unit's code and name are both required."))
            return
        self.accept()

    def details(self) -> UnitDetails:
        return UnitDetails(self.code.text(), self.name.text(), self.parent_code.text(),
                           self.parent_name.text(), self.place.text())


class FirstRunDialog(QDialog):
    """Shown when there is no database yet."""

    CREATE, DEMO = 1, 2

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Welcome"))
        self.choice = 0
        text = QLabel(_("<h3>Welcome to the union office program</h3>"
                        "<p>There is no database on this computer yet. You can set up your own "
                        "union now, or first explore a demo union filled with sample data "
                        "(kept apart from your real data).</p>"))
        text.setWordWrap(True)
        create = QPushButton(_("Create my union…"))
        demo = QPushButton(_("Explore the demo"))
        create.clicked.connect(lambda: self._done(self.CREATE))
        demo.clicked.connect(lambda: self._done(self.DEMO))
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(create)
        layout.addWidget(demo)
        self.resize(520, 240)

    def _done(self, choice: int) -> None:
        self.choice = choice
        self.accept()
