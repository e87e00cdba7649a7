"""Help: the first-day guide (HTML shipped with the program, read offline), the data folder
opened in the file manager, and About with the version and the places of this copy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.tasks import show_error
from unionapp.about import Fact, facts_text, program_facts
from unionapp.db import Database
from unionapp.errors import UserError
from unionapp.i18n import _, language
from unionapp.resources import resource
from unionapp.settings import data_dir


def guide_path(lang: str | None = None) -> Path:
    """The guide in the interface's language (Vietnamese when there is none in it)."""
    path = resource("help", lang or language(), "guide.html")
    return path if path.exists() else resource("help", "vi", "guide.html")


class GuideDialog(QDialog):
    """The first-day guide, beside the window (not modal: the clerk follows it there)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("First-day guide"))
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(True)
        self.browser.setOpenExternalLinks(False)  # offline: only the guide's own anchors
        path = guide_path()
        self.browser.setSearchPaths([str(path.parent)])
        self.browser.setHtml(path.read_text(encoding="utf-8"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(760, 640)


def show_guide(parent: QWidget) -> GuideDialog:
    existing = parent.findChild(GuideDialog)
    if existing is not None:  # one guide at a time
        existing.show()
        existing.raise_()
        existing.activateWindow()
        return existing
    dialog = GuideDialog(parent)
    dialog.show()
    return dialog


def open_folder(parent: QWidget | None, folder: Path) -> bool:
    """Open ``folder`` in the system's file manager (made first if it is not there yet)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        show_error(parent, UserError(_("The folder {folder} can't be made: {reason}").format(
            folder=folder, reason=error.strerror or error)))
        return False
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        QMessageBox.information(parent, _("Open the data folder"), _(
            "No file manager answered. The folder is: {folder}").format(folder=folder))
        return False
    return True


def open_data_folder(parent: QWidget) -> bool:
    return open_folder(parent, data_dir())


class AboutDialog(QDialog):
    """The program, its version, and where this copy keeps everything (for whoever supports
    the office): each folder can be opened, and the whole can be copied as text."""

    def __init__(self, db: Database | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("About"))
        self.facts = program_facts(db)
        intro = QLabel(_("<b>Union office</b><br>Member register, activities and awards, care "
                         "and support, exchange with the parent union."))
        intro.setWordWrap(True)
        form = QFormLayout()
        for fact in self.facts:
            form.addRow(fact.label + ":", self._value(fact))
        self.copy_button = QPushButton(_("Copy"))
        self.copy_button.setToolTip(_("Copy these lines, to send them to whoever helps you"))
        self.copy_button.clicked.connect(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(620)  # folders on one line each, as a person reads them out
        self.adjustSize()

    def _value(self, fact: Fact) -> QLabel:
        label = QLabel()
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                      | Qt.TextInteractionFlag.LinksAccessibleByMouse)
        if fact.folder is None:
            label.setText(fact.value)
        else:  # a link that opens the folder
            label.setText(f'<a href="#">{_html(fact.value)}</a>')
            label.setToolTip(_("Open this folder"))
            label.linkActivated.connect(lambda _link, f=fact.folder: open_folder(self, f))
        return label

    def text(self) -> str:
        return facts_text(self.facts)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self.copy_button.setText(_("Copied"))


def show_about(parent: QWidget, db: Database | None) -> AboutDialog:
    dialog = AboutDialog(db, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
