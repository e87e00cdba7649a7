"""The main window as GUI tests make it."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow
from unionapp.db import Database


def main_window(qtbot: QtBot, db: Database, *, shown: bool = False) -> MainWindow:
    """The window on ``db``, closed with the test; ``shown``: on screen at 1366×768 (the most
    common office laptop), painted."""
    window = MainWindow(db)
    qtbot.addWidget(window)
    if shown:
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
    return window
