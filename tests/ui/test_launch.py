"""Starting the window on a file (the installer's "Open with"), and the smoke check CI runs on
the bundle."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.conftest import run_cli
from ui import app as app_module
from unionapp.cli import parse
from unionapp.settings import Settings


def _controller(qtbot: QtBot, *argv: str) -> app_module.Controller:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    controller = app_module.Controller(app, parse(list(argv)), Settings())
    controller.start()
    assert controller.window is not None
    qtbot.addWidget(controller.window)
    return controller


def test_a_database_opened_from_the_file_manager(qtbot: QtBot, demo_path: Path,
                                                 sync_pool: object) -> None:
    controller = _controller(qtbot, "--open", str(demo_path))
    assert controller.db is not None and controller.db.path == demo_path
    controller.shutdown()


def test_a_package_goes_to_the_import_once_a_database_is_open(
        qtbot: QtBot, demo_path: Path, tmp_path: Path, sync_pool: object) -> None:
    from ui.dialogs.exchange import ImportDialog

    package = tmp_path / "goi.zip"
    with zipfile.ZipFile(package, "w") as z:
        z.writestr("manifest.json", "{}")
    controller = _controller(qtbot, "--db", str(demo_path), "--open", str(package))
    window = controller.window
    assert window is not None

    def dialog() -> ImportDialog | None:
        found = window.findChildren(ImportDialog)
        return found[0] if found and found[0].summary is not None else None

    qtbot.waitUntil(lambda: dialog() is not None, timeout=10_000)
    checked = dialog()
    assert checked is not None and checked.path == package
    assert checked.summary.refused and "chữ ký" in checked.details.toPlainText()
    assert not checked.commit_button.isEnabled()
    controller.shutdown()


def test_the_smoke_option_reports_the_window_and_quits(demo_path: Path) -> None:
    result = run_cli("--db", str(demo_path), "--smoke-seconds", "0", timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["errors"] == []
    assert [w["class"] for w in report["windows"]] == ["MainWindow"]
