"""The program's own files are found through one helper, from source and from a bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from unionapp import resources


def test_from_source_the_files_are_beside_the_package() -> None:
    assert (resources.resources_dir() / "fonts" / "LiberationSerif-Regular.ttf").is_file()
    assert (resources.migrations_dir() / "env.py").is_file()
    assert list((resources.migrations_dir() / "versions").glob("0001_*.py"))


def test_in_a_bundle_they_are_under_its_folder(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.delenv("UNIONAPP_RESOURCES", raising=False)
    assert resources.resources_dir() == tmp_path / "resources"
    assert resources.resource("icons", "unionapp.svg") == tmp_path / "resources/icons/unionapp.svg"
    assert resources.migrations_dir() == tmp_path / "unionapp" / "migrations"
