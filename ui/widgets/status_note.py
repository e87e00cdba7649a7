"""The word after an operation: "Saved …", "Wrote … to …", with "Open the folder" when a file
was written. It stays a while, then goes (the window's status bar holds one; so does the PDF
preview, which covers the window)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from unionapp.i18n import _

SHOW_MS = 20_000  # long enough to read and click, short enough not to go stale


def open_folder(file: Path) -> None:
    """The folder holding ``file`` (``file`` itself when it is a folder) in the file manager."""
    folder = file if file.is_dir() else file.parent
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class StatusNote(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.file: Path | None = None
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.folder_button = QPushButton(_("Open the folder"))
        self.folder_button.setFlat(True)
        self.folder_button.setStyleSheet("QPushButton { color: palette(link); "
                                         "text-decoration: underline; padding: 0 4px; }")
        self.folder_button.clicked.connect(self.open_folder)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.folder_button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear)
        self.clear()

    def say(self, message: str, file: Path | None = None) -> None:
        self.file = file
        self.text.setText(message)
        self.text.setToolTip(str(file) if file is not None else "")
        self.folder_button.setVisible(file is not None)
        self.setVisible(bool(message))
        self._timer.start(SHOW_MS)

    def clear(self) -> None:
        self.file = None
        self.text.clear()
        self.folder_button.hide()
        self.hide()

    def open_folder(self) -> None:
        if self.file is not None:
            open_folder(self.file)
