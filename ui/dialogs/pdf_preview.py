"""Showing a PDF we made (certificates, signature lists, slips) before printing it.

``preview_pdf(parent, path, title)`` is the one entry point the tabs call. For now it hands
the file to the system's PDF viewer; the certificates work replaces this with an in-app
preview that prints through QPrintDialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget


def preview_pdf(parent: QWidget | None, path: Path, title: str = "") -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
