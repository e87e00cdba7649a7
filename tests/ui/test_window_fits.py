"""The window fits the screen it opens on (issue 15.6): the first start sizes it to the
screen (maximised on small ones), later starts restore the last geometry kept inside the
screen, every tab's widgets and every dialog lie inside a 1366×768 or 1024×768 screen, and the
support tab's toolbar and status column fit at 1440×900 even with a larger desktop font."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import run_cli
from ui import geometry
from ui.geometry import clamped, first_placement
from ui.main_window import MainWindow
from unionapp.db import Database

TASKBAR = 40  # a Windows taskbar at the bottom of the screen
SIZES = [(1366, 768), (1024, 768)]


def _available(width: int, height: int) -> QRect:
    return QRect(0, 0, width, height - TASKBAR)


def test_the_first_start_fills_a_small_screen_and_most_of_a_large_one() -> None:
    for width, height in SIZES:
        rect, maximised = first_placement(_available(width, height))
        assert maximised and _available(width, height).contains(rect)
    rect, maximised = first_placement(_available(1920, 1080))
    assert not maximised and rect.size().toTuple() == (1440, 880)
    assert _available(1920, 1080).contains(rect.marginsAdded(geometry.FRAME))


def test_a_remembered_geometry_is_kept_inside_the_screen() -> None:
    screen = _available(1366, 768)
    assert clamped(QRect(200, 100, 800, 500), screen) == QRect(200, 100, 800, 500)
    assert clamped(QRect(1500, -50, 800, 500), screen) == QRect(566, 0, 800, 500)
    assert clamped(QRect(300, 300, 1900, 1000), screen) == screen  # from a larger monitor
    left_screen = QRect(-1280, 0, 1280, 984)
    assert left_screen.contains(clamped(QRect(-2000, 500, 1200, 800), left_screen))


def _screen_config(tmp_path: Path, width: int, height: int) -> dict[str, str]:
    config = tmp_path / f"screen-{width}x{height}.json"
    config.write_text(json.dumps({"screens": [{"name": "office", "x": 0, "y": 0,
                                               "width": width, "height": height,
                                               "logicalDpi": 96}]}))
    return {"QT_QPA_PLATFORM": f"offscreen:configfile={config}"}


def _main_window(result_stdout: str) -> dict:
    report = json.loads(result_stdout.splitlines()[-1])
    [window] = [w for w in report["windows"] if w["class"] == "MainWindow"]
    return window


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_program_opens_inside_the_screen_first_and_later(
        qtbot: QtBot, demo_path: Path, tmp_path: Path, width: int, height: int) -> None:
    env = _screen_config(tmp_path, width, height)
    result = run_cli("--db", str(demo_path), "--smoke-seconds", "0", env=env)
    assert result.returncode == 0, result.stderr
    window = _main_window(result.stdout)
    screen = QRect(*window["screen"])
    assert window["maximized"] and screen.contains(QRect(*window["geometry"]))
    # Closed last on a large monitor, in a corner of it: opened inside this screen.
    from ui.state import window_state

    big = QWidget()
    qtbot.addWidget(big)
    big.setGeometry(700, 400, 1800, 1000)
    state = window_state()
    state.setValue("main_window/geometry", big.saveGeometry())
    state.sync()
    result = run_cli("--db", str(demo_path), "--smoke-seconds", "0", env=env)
    assert result.returncode == 0, result.stderr
    window = _main_window(result.stdout)
    assert QRect(*window["screen"]).contains(QRect(*window["geometry"]))


def _inside(window: QWidget) -> list[str]:
    """The visible widgets of ``window`` that lie (partly) outside it."""
    outside = []
    for child in window.findChildren(QWidget):
        if child.isVisible() and not child.isWindow():
            rect = QRect(child.mapTo(window, QPoint(0, 0)), child.size())
            if not window.rect().contains(rect):
                outside.append(f"{type(child).__name__} {rect.getRect()}")
    return outside


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_tab_fits_the_window_on_the_screen(qtbot: QtBot, demo_db: Database,
                                                 width: int, height: int) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    rect, _maximised = first_placement(_available(width, height))
    window.showNormal()
    window.setGeometry(rect)
    qtbot.waitExposed(window)
    assert window.size() == rect.size()  # not pushed larger by what it holds
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        assert _inside(window) == [], window.tabs.tabText(index)
    assert window.statusBar().isVisible() and window.rect().contains(
        window.statusBar().geometry())


@pytest.fixture
def keep_on_screen(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[QRect]]:
    """The program's dialog keeper, on a screen whose available area the test sets."""
    screen: list[QRect] = []
    monkeypatch.setattr(geometry, "available_for", lambda _window: screen[0])
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    keeper = geometry.install(app)
    yield screen
    app.removeEventFilter(keeper)


def _dialogs(db: Database) -> list[tuple[str, QDialog]]:
    from ui.dialogs.accounts import AccountsDialog
    from ui.dialogs.activity_dialogs import ActivityDialog
    from ui.dialogs.audit_view import AuditDialog
    from ui.dialogs.award_kinds import AwardKindsDialog
    from ui.dialogs.award_register import AwardRegisterDialog
    from ui.dialogs.backups import BackupsDialog
    from ui.dialogs.decision_dialogs import DecisionDialog
    from ui.dialogs.import_dialog import ImportDialog
    from ui.dialogs.initiative_dialog import InitiativeDialog
    from ui.dialogs.keys import KeysDialog
    from ui.dialogs.member_dialog import MemberDialog
    from ui.dialogs.reports import ReportDialog
    from ui.dialogs.support_batch import BatchDialog
    from ui.dialogs.support_case import CaseDialog
    from ui.dialogs.support_setup import FundsDialog, KindsDialog
    from ui.dialogs.unit_dialog import UnitDialog
    from unionapp.members import find_members

    member = find_members(db)[0].uuid
    return [("accounts", AccountsDialog(db)), ("activity", ActivityDialog(db, None)),
            ("audit", AuditDialog(db)), ("award kinds", AwardKindsDialog(db)),
            ("award register", AwardRegisterDialog(db)), ("backups", BackupsDialog(db)),
            ("decision", DecisionDialog(db, None)), ("roster import", ImportDialog(db)),
            ("initiative", InitiativeDialog(db, None)), ("keys", KeysDialog(db)),
            ("member", MemberDialog(db, member)), ("reports", ReportDialog(db)),
            ("support batch", BatchDialog(db)), ("support case", CaseDialog(db)),
            ("funds", FundsDialog(db, date.today().year)), ("kinds", KindsDialog(db)),
            ("union", UnitDialog(db))]


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_dialog_lies_inside_the_screen(qtbot: QtBot, demo_db: Database,
                                             keep_on_screen: list[QRect],
                                             width: int, height: int) -> None:
    keep_on_screen.append(_available(width, height))
    for name, dialog in _dialogs(demo_db):
        qtbot.addWidget(dialog)
        dialog.show()
        frame = dialog.frameGeometry()
        assert keep_on_screen[0].contains(frame), (name, frame.getRect())
        assert _inside(dialog) == [], name
        dialog.close()


@pytest.fixture
def large_font() -> Iterator[None]:
    """The desktop's font at 11 points (GNOME's and many distributions' default; Windows
    uses 9): what we lay out must keep its room."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.font()
    larger = QFont(before)
    larger.setPointSize(11)
    app.setFont(larger)
    yield
    app.setFont(before)


def test_the_support_toolbar_and_status_fit_at_1440_with_a_larger_font(
        qtbot: QtBot, demo_db: Database, large_font: None) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.showNormal()
    window.setGeometry(first_placement(_available(1440, 900))[0])
    window.tabs.setCurrentWidget(window.support_tab)
    qtbot.waitExposed(window)
    tab = window.support_tab
    overflow = tab.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert overflow is None or not overflow.isVisible()  # no » menu
    assert tab.toolbar.sizeHint().width() <= tab.toolbar.width()
    column = [c.key for c in tab.model.columns].index("status")
    header = tab.view.horizontalHeader()
    assert header.sectionSize(column) >= max(tab.view.sizeHintForColumn(column),
                                             header.sectionSizeHint(column))


def test_the_support_toolbar_fits_1024_and_keeps_every_action(
        qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.showNormal()
    window.setGeometry(first_placement(_available(1024, 768))[0])
    window.tabs.setCurrentWidget(window.support_tab)
    qtbot.waitExposed(window)
    tab = window.support_tab
    overflow = tab.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert overflow is None or not overflow.isVisible()
    texts = {a.text() for a in tab.toolbar_actions() if a.text()}
    assert {"Thêm hồ sơ…", "Duyệt", "Danh sách ký nhận…", "Điều chỉnh số tiền…", "Xóa",
            "Xuất Excel…", "Quỹ…"} <= texts
