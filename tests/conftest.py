"""Shared test set-up: every test runs with its own data and settings folders, Qt offscreen,
and a ready demo database copied from one built per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("UNIONAPP_LANG", "vi")

from unionapp.db import Database, open_database
from unionapp.demo import fill_demo
from unionapp.i18n import set_language
from unionapp.org import init_database

ROOT = Path(__file__).resolve().parent.parent
# CI sets this so that a missing tool (LibreOffice, poppler, PostgreSQL) fails instead of
# skipping: what CI reports green has really run.
REQUIRE_ALL = os.environ.get("UNIONAPP_REQUIRE_ALL") == "1"


def need_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed"
        if REQUIRE_ALL:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("UNIONAPP_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("UNIONAPP_CONFIG_DIR", str(home / "config"))
    set_language("vi")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A fresh branch database with no members."""
    database = open_database(tmp_path / "branch.db", create=True, user="tester")
    init_database(database, code="CDCS-TEST", name="Công đoàn cơ sở Trường Thử nghiệm",
                  parent_code="CDVC-HN", parent_name="Công đoàn Viên chức thành phố Hà Nội",
                  place="Hà Nội")
    yield database
    database.close()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with open_database(path, create=True, user="tester") as database:
        fill_demo(database)
    return path


@pytest.fixture
def demo_path(_demo_template: Path, tmp_path: Path) -> Path:
    """A copy of the demo database, this test's own."""
    path = tmp_path / "demo.db"
    shutil.copy(_demo_template, path)
    return path


@pytest.fixture
def demo_db(demo_path: Path) -> Iterator[Database]:
    database = open_database(demo_path, user="tester")
    yield database
    database.close()


def run_cli(*args: str, check: bool = False, env: dict[str, str] | None = None,
            timeout: float = 120, input: str | None = None,
            ) -> subprocess.CompletedProcess[str]:
    """Run the real ``unionapp`` program in a child process (standard input: ``input``, or
    nothing — never the terminal the tests run in)."""
    full_env = {**os.environ, **(env or {}), "PYTHONIOENCODING": "utf-8"}
    feed: dict[str, object] = {"input": input} if input is not None else {
        "stdin": subprocess.DEVNULL}
    result = subprocess.run([sys.executable, "-m", "ui.launch", *args], capture_output=True,
                            text=True, encoding="utf-8", env=full_env, timeout=timeout,
                            cwd=ROOT, **feed)  # type: ignore[call-overload]
    if check and result.returncode != 0:
        raise AssertionError(f"unionapp {' '.join(args)} failed: {result.stderr}")
    return result
