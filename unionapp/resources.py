"""Where the program's own files are (fonts, translations, templates, migrations), found the
same way from a source checkout and from a frozen bundle. Nothing else guesses paths."""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    if override := os.environ.get("UNIONAPP_RESOURCES"):
        return Path(override)
    if frozen := getattr(sys, "_MEIPASS", None):  # a PyInstaller bundle
        return Path(frozen) / "resources"
    return PACKAGE_DIR.parent / "resources"


def resource(*parts: str) -> Path:
    """``resource("fonts", "LiberationSerif-Regular.ttf")`` → the file's absolute path."""
    return resources_dir().joinpath(*parts)
