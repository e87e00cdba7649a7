"""Window state (geometry, open tab, visible columns): the GUI's own, kept apart from the
user's settings (``unionapp.settings``) in an INI file beside them."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from unionapp.settings import config_dir


def window_state() -> QSettings:
    return QSettings(str(config_dir() / "window-state.ini"), QSettings.Format.IniFormat)
