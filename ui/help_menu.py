"""The Help menu ("Trợ giúp"): the first-day guide, the data folder, and About (the version
and the places whoever supports the office asks for). Its dialogs load when first opened."""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from unionapp.i18n import _

if TYPE_CHECKING:
    from unionapp.db import Database


def add_help_actions(menu: QMenu, window: QWidget, db: Database) -> None:
    guide = menu.addAction(_("&First-day guide"))
    guide.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    guide.triggered.connect(lambda: _dialogs().show_guide(window))
    menu.addAction(_("Open the &data folder")).triggered.connect(
        lambda: _dialogs().open_data_folder(window))
    menu.addSeparator()
    menu.addAction(_("&About")).triggered.connect(lambda: _dialogs().show_about(window, db))


def _dialogs() -> ModuleType:
    """The help dialogs' module, loaded when a help action is first used."""
    from ui.dialogs import help as dialogs

    return dialogs
