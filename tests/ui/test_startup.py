"""Start-up: the window first. A plain start loads only what its windows need (an allow-list,
checked on the real program in a child process), the checks that can wait start after the
main window's first paint, and a database already at the newest schema opens without Alembic.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.conftest import run_cli
from unionapp.cli import parse
from unionapp.settings import Settings

# Outside the standard library, what the program may load before its windows are painted.
THIRD_PARTY = {
    "start": {"PySide6", "shiboken6", "shibokensupport", "platformdirs"},
    # The window reads the database: SQLAlchemy (with its compiled helpers) and the lock.
    "main": {"PySide6", "shiboken6", "shibokensupport", "platformdirs", "sqlalchemy",
             "typing_extensions", "filelock", "cython_runtime"},
}
# Loaded when first needed, never by a plain start: PDF, spreadsheets, signing, passwords,
# migrations, the catalogue tools (named here so that a failure says which).
NEVER = {"reportlab", "PIL", "pypdfium2", "python_calamine", "xlsxwriter", "openpyxl",
         "cryptography", "argon2", "_argon2_cffi_bindings", "alembic", "mako", "babel",
         "defusedxml", "psycopg", "pandas", "numpy"}
# The program's own modules the start window may load: the launcher, the command line's
# options (not its commands), settings, translations and the crash guard.
START_WINDOW = {
    "ui", "ui.launch", "ui.start", "ui.geometry", "ui.painted", "ui.state", "ui.crash",
    "ui.qt_dialogs",
    "ui.smoke",
    "unionapp", "unionapp.cli", "unionapp.crash", "unionapp.errors", "unionapp.failures",
    "unionapp.i18n", "unionapp.resources", "unionapp.settings",
}
# ...and the main window: its first tab, Tổng quan (its figures' module, unionapp.dashboard,
# loads when they are read), the status bar's counts and the services they read. The other
# tabs load when first shown (ui/main_window.py). A module added here must be one the first
# paint really needs; a tab not shown, a dialog, an import, an export, a paper or a check
# that can wait loads when first used (see ui/app.py).
MAIN_WINDOW = START_WINDOW | {
    "ui.app", "ui.main_window", "ui.read_only", "ui.roles", "ui.idle", "ui.tasks", "ui.help_menu",
    "ui.operations", "ui.widgets", "ui.widgets.status_note", "ui.tabs", "ui.tabs.home_tab",
    "unionapp.db", "unionapp.drives", "unionapp.permissions", "unionapp.audit",
    "unionapp.search_index", "unionapp.models", "unionapp.models.base",
    "unionapp.models.org", "unionapp.models.people", "unionapp.models.activities",
    "unionapp.models.awards", "unionapp.models.support", "unionapp.models.exchange",
    "unionapp.models.admin", "unionapp.text", "unionapp.labels", "unionapp.paging",
    "unionapp.progress", "unionapp.catalogues", "unionapp.org", "unionapp.members",
    "unionapp.accounts",
    # the members service backs up before a bulk delete: it imports the backups package
    # (no work done)
    "unionapp.backups", "unionapp.backups.catalogue", "unionapp.backups.checking",
    "unionapp.backups.copying", "unionapp.backups.generations", "unionapp.backups.making",
    "unionapp.backups.postgres", "unionapp.backups.restoring",
}
# Modules of the tabs after Tổng quan (and only theirs): not loaded before the main window's
# first paint (named here so that a failure says which).
LATER_TABS = {"ui.tabs.members_tab", "ui.tabs.activities_tab", "ui.tabs.decisions_tab",
              "ui.tabs.initiatives_tab", "ui.tabs.support_tab", "ui.tabs.exchange_tab",
              "ui.tabs.list_tab", "ui.tabs.sections", "ui.tables.windowed",
              "ui.dialogs.support_step", "unionapp.activities", "unionapp.awards",
              "unionapp.initiatives", "unionapp.support", "unionapp.exchange.parent"}


def _outside(modules: list[str], own: set[str], third_party: set[str]) -> list[str]:
    """The modules not allowed: our own ones not listed, others neither from the standard
    library nor listed (interpreter internals, whose names start with "_", pass)."""
    stray = []
    for name in modules:
        top = name.partition(".")[0]
        if top in ("ui", "unionapp"):
            if name not in own:
                stray.append(name)
        elif not (top in sys.stdlib_module_names or top in third_party
                  or top.startswith("_") or top == "signature_bootstrap"):
            stray.append(name)
    return stray


def test_a_plain_start_loads_only_what_its_windows_need(demo_path: Path,
                                                        tmp_path: Path) -> None:
    listing = tmp_path / "modules.json"
    result = run_cli("--db", str(demo_path), "--smoke-seconds", "0", timeout=120,
                     env={"UNIONAPP_SMOKE_MODULES": str(listing)})
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0] == {"painted": "StartWindow"}  # shown first, before the database opens
    assert [w["class"] for w in lines[-1]["windows"]] == ["MainWindow"]
    loaded = json.loads(listing.read_text(encoding="utf-8"))
    for window, own, third_party in (("StartWindow", START_WINDOW, THIRD_PARTY["start"]),
                                     ("MainWindow", MAIN_WINDOW, THIRD_PARTY["main"])):
        modules = loaded[window]
        assert not {m.partition(".")[0] for m in modules} & NEVER, window
        assert _outside(modules, own, third_party) == [], window
    assert sorted(LATER_TABS & set(loaded["MainWindow"])) == []
    assert "sqlalchemy" not in {m.partition(".")[0] for m in loaded["StartWindow"]}


def test_a_command_still_finds_every_command() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("init", "members", "package", "reports", "backup", "branch"):
        assert f"    {command} " in result.stdout
    assert parse(["--db", "x.db", "--demo"]).command is None
    assert parse(["--db", "x.db", "members", "find", "an"]).command == "members"


def test_the_checks_that_can_wait_start_after_the_first_paint(
        qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QApplication

    from ui import app as app_module
    from ui.main_window import MainWindow

    painted: list[bool] = []  # the main window has been painted at least once
    started: list[bool] = []  # for each start check: had the window been painted by then?
    real_paint = MainWindow.paintEvent

    def paint_event(self: MainWindow, event: object) -> None:
        painted.append(True)
        real_paint(self, event)  # type: ignore[arg-type]

    def start_check(db: object, progress: object) -> app_module.StartCheck:
        started.append(bool(painted))
        return app_module.StartCheck()

    monkeypatch.setattr(MainWindow, "paintEvent", paint_event)
    monkeypatch.setattr(app_module, "start_check", start_check)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    controller = app_module.Controller(app, parse(["--db", str(demo_path)]), Settings())
    controller.start()  # opens the database off the GUI thread, then shows the window
    qtbot.waitUntil(lambda: controller.window is not None, timeout=30_000)
    assert controller.window is not None
    qtbot.addWidget(controller.window)
    qtbot.waitUntil(lambda: started != [], timeout=30_000)
    assert started == [True]  # not with the window: after its first paint
    controller.shutdown()


def test_the_sheet_reader_child_marker_is_the_launchers() -> None:
    from ui.launch import SHEET_CHILD
    from unionapp.rosters.reading import CHILD_MARKER

    assert SHEET_CHILD == CHILD_MARKER
