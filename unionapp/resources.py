"""Where the program's own files are (fonts, translations, templates, migrations), found the
same way from a source checkout and from a frozen bundle. Nothing else guesses paths."""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def bundle_dir() -> Path | None:
    """The folder of a PyInstaller bundle (its ``_internal``), or None from source."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else None


def resources_dir() -> Path:
    if override := os.environ.get("UNIONAPP_RESOURCES"):
        return Path(override)
    if bundle := bundle_dir():
        return bundle / "resources"
    return PACKAGE_DIR.parent / "resources"


def resource(*parts: str) -> Path:
    """``resource("fonts", "LiberationSerif-Regular.ttf")`` → the file's absolute path."""
    return resources_dir().joinpath(*parts)


def migrations_dir() -> Path:
    """Alembic's scripts (``env.py``, ``versions/*.py``): real files, also in a bundle,
    because Alembic loads them by path."""
    if bundle := bundle_dir():
        return bundle / "unionapp" / "migrations"
    return PACKAGE_DIR / "migrations"
