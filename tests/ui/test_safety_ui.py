"""The safety net in the window: File ▸ Backup and restore…, the damaged database offered its
newest good backup, the check and the backup at start off the GUI thread, the backup when
closing after changes, and the crash dialog instead of a traceback."""

from __future__ import annotations

import sqlite3
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from tests.safety import count, damage, damage_schema, damage_table, integrity
from ui import app as app_module
from ui.crash import CrashDialog
from ui.dialogs import backups as backups_dialog
from ui.main_window import MainWindow
from ui.tasks import run_task
from unionapp import backups, members
from unionapp.backups import making
from unionapp.cli import parse
from unionapp.db import Database
from unionapp.settings import Settings


def _controller(qtbot: QtBot, *argv: str) -> app_module.Controller:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    controller = app_module.Controller(app, parse(list(argv)), Settings())
    controller.start()
    return controller


def _window(qtbot: QtBot, controller: app_module.Controller) -> MainWindow:
    qtbot.waitUntil(lambda: controller.window is not None, timeout=30_000)
    window = controller.window
    assert window is not None  # (the controller closes and deletes it: not qtbot's)
    return window


def _shut(controller: app_module.Controller) -> None:
    controller.shutdown()
    if controller.window is not None:
        controller.window.close()
        controller.window.deleteLater()


def _idle(qtbot: QtBot) -> None:
    from ui.tasks import Task

    qtbot.waitUntil(lambda: not Task._running, timeout=30_000)


def _checked(qtbot: QtBot, controller: app_module.Controller) -> None:
    """The check at start (and the day's backup), begun after the first paint, is done."""
    qtbot.waitUntil(lambda: controller.checking is not None and controller.checking.finished,
                    timeout=30_000)


def _add_member(db: Database, name: str = "Lê Văn Mới") -> None:
    members.create_member(db, members.MemberInput(full_name=name, joined_on=date(2024, 1, 1)))


def test_the_dialog_lists_backups_and_backs_up_now(qtbot: QtBot, demo_db: Database,
                                                   sync_pool: object) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    dialog = window.show_backups()
    assert dialog.table.rowCount() == 0 and not dialog.restore_button.isEnabled()
    assert dialog.back_up_now().finished
    assert dialog.table.rowCount() == 1
    row = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert row[1] == "sao lưu thủ công" and row[2] == "300" and row[6] == "có"
    assert "Đã sao lưu" in dialog.status.text()


def test_restoring_from_the_dialog_reopens_the_database(
        qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    controller = _controller(qtbot, "--db", str(demo_path))
    window = _window(qtbot, controller)
    _checked(qtbot, controller)  # the check and the day's backup at start
    assert controller.db is not None
    [daily] = backups.list_backups(controller.db)
    assert daily.reason == "daily" and daily.members == 300
    _add_member(controller.db)
    monkeypatch.setattr(backups_dialog, "confirm_restore", lambda *_a: True)
    dialog = window.show_backups()
    dialog.table.selectRow(0)
    dialog.restore_selected()
    qtbot.waitUntil(lambda: controller.window not in (None, window), timeout=30_000)
    assert controller.db is not None and controller.window is not None
    assert members.member_list(controller.db).count() == 300
    reasons = [b.reason for b in backups.list_backups(controller.db)]
    assert reasons[:2] == ["before-restore", "daily"]
    _idle(qtbot)
    _shut(controller)


def test_a_hand_picked_bad_file_is_refused_with_its_reason(
        qtbot: QtBot, demo_db: Database, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, sync_pool: object) -> None:
    made = backups.create_backup(demo_db).backup
    broken = tmp_path / "from-a-usb.db"
    broken.write_bytes(made.path.read_bytes())
    damage(broken)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **_k: said.append(a[2]))
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    dialog = window.show_backups()
    task = dialog.restore_file(broken)
    assert task is not None and task.finished
    assert said and "Không khôi phục được" in said[0] and "hỏng" in said[0]
    assert [b.reason for b in backups.list_backups(demo_db)] == ["manual"]  # nothing began


def test_a_damaged_database_is_offered_its_newest_good_backup(
        qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from unionapp.db import open_database

    with open_database(demo_path) as db:
        backups.create_backup(db)
    damage_schema(demo_path)
    asked: list[str] = []
    monkeypatch.setattr(backups_dialog, "_ask", lambda _p, _t, text, _y: asked.append(text)
                        or True)
    controller = _controller(qtbot, "--db", str(demo_path))
    window = _window(qtbot, controller)
    assert asked and "bị hỏng" in asked[0] and "300 đoàn viên" in asked[0]
    assert window.members_tab.model.rowCount() > 250
    assert integrity(demo_path) == "ok"
    kept = list(backups.backups_folder(controller.db).glob("damaged/*.db"))
    assert len(kept) == 1  # the damaged file kept aside, nothing lost
    _idle(qtbot)
    _shut(controller)


def test_the_check_at_start_finds_damage_and_leads_to_the_backups(
        qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    damage_table(demo_path, "audit_log")
    found: list[tuple[str, ...]] = []
    monkeypatch.setattr(MainWindow, "damaged_found", lambda _self, problems:
                        found.append(problems))
    controller = _controller(qtbot, "--db", str(demo_path))
    _window(qtbot, controller)
    qtbot.waitUntil(lambda: bool(found), timeout=30_000)
    assert controller.db is not None
    assert backups.list_backups(controller.db) == []  # no backup of a damaged file
    _shut(controller)


def test_the_window_keeps_working_while_a_backup_runs(
        qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_copy = making.copy_sqlite
    copying = threading.Event()  # the backup has begun
    turning = threading.Event()  # the GUI thread's timer ticked 20 times since
    held: list[bool] = []

    def slow_copy(*args: object, **kwargs: object) -> object:
        # The backup (as long as a big database's) is held until the event loop has turned
        # 20 times meanwhile; a backup made on the GUI thread would wait in vain.
        copying.set()
        held.append(turning.wait(30))
        return real_copy(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(making, "copy_sqlite", slow_copy)
    ticks: list[int] = []

    def tick() -> None:
        if copying.is_set():
            ticks.append(1)
            if len(ticks) >= 20:
                turning.set()

    timer = QTimer()
    timer.timeout.connect(tick)
    controller = _controller(qtbot, "--db", str(demo_path))
    _window(qtbot, controller)
    timer.start(10)
    _checked(qtbot, controller)
    timer.stop()
    assert controller.db is not None and backups.list_backups(controller.db)  # it was made
    assert held == [True]  # the event loop kept turning while the backup ran
    _shut(controller)


def test_closing_after_changes_backs_up_first(qtbot: QtBot, demo_path: Path) -> None:
    controller = _controller(qtbot, "--db", str(demo_path))
    window = _window(qtbot, controller)
    _checked(qtbot, controller)
    assert controller.db is not None
    db = controller.db
    window.close()  # nothing changed since the day's backup: closes at once
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    assert [b.reason for b in backups.list_backups(db)] == ["daily"]
    window.show()
    window._close_task = None
    _add_member(db)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    listed = backups.list_backups(db)
    assert [b.reason for b in listed] == ["on-close", "daily"] and listed[0].members == 301
    _shut(controller)


@pytest.mark.qt_no_exception_capture
def test_an_unexpected_error_is_a_dialog_with_copyable_details(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import crash as crash_module

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    crash_module.install()

    def dialogs() -> list[CrashDialog]:
        return [w for w in QApplication.topLevelWidgets()
                if isinstance(w, CrashDialog) and w.isVisible()]

    def boom() -> None:
        raise RuntimeError("a bug in a slot")

    QTimer.singleShot(0, boom)
    qtbot.waitUntil(lambda: bool(dialogs()), timeout=10_000)
    dialog = dialogs()[0]
    assert "Lỗi không lường trước" in dialog.message.text()
    assert dialog.report is not None and str(dialog.report) in dialog.message.text()
    assert dialog.copy_button.text() == "Sao chép chi tiết"
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert "a bug in a slot" in copied and "Traceback" in copied
    dialog.close()

    thread = threading.Thread(target=lambda: (_ for _ in ()).throw(
        RuntimeError("a bug in a thread")))
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(dialogs()), timeout=10_000)
    assert "a bug in a thread" in dialogs()[0].details
    dialogs()[0].close()


def test_a_failed_task_shows_the_crash_dialog_or_a_plain_message(
        qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch,
        sync_pool: object) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    monkeypatch.setattr(CrashDialog, "exec", lambda d: shown.append(d.message.text()) or 0)

    def full(_progress: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    assert run_task(window, full).finished
    assert shown and shown[-1].startswith("Ổ đĩa đã đầy")

    def bug(_progress: object) -> None:
        raise KeyError("oops")

    assert run_task(window, bug).finished
    assert "Lỗi không lường trước" in shown[-1] and "crash-" in shown[-1]
    assert count(demo_db.path) == 300  # type: ignore[arg-type]


def test_a_file_the_program_cannot_use_is_one_plain_sentence(
        qtbot: QtBot, tmp_path: Path, demo_path: Path, monkeypatch: pytest.MonkeyPatch,
        sync_pool: object) -> None:
    paper = tmp_path / "ghi chép.db"
    paper.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    with sqlite3.connect(demo_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'from_the_future'")
    conn.close()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    controller = _controller(qtbot, "--db", str(demo_path))
    assert controller.window is None and "phiên bản mới hơn" in shown[-1]
    controller.open(str(paper))  # (opened off the GUI thread: here, at once)
    assert controller.db is None and "không phải là cơ sở dữ liệu" in shown[-1]
    assert all("Traceback" not in text for text in shown)


def test_deleting_many_runs_in_the_background_after_a_backup(
        qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch,
        sync_pool: object) -> None:
    from ui.tabs import decisions_tab
    from ui.tabs.decisions_tab import DecisionsSection

    monkeypatch.setattr(decisions_tab, "confirm", lambda *_a: True)
    section = DecisionsSection(demo_db)
    qtbot.addWidget(section)
    section.reload()
    rows = [section.list.model.row_at(i) for i in range(section.list.model.rowCount())]
    section.list.view.selectRow(next(i for i, r in enumerate(rows) if r.number == "15/QĐ-CĐCS"))
    pane = section.recipients
    assert pane.model.rowCount() == 27
    pane.view.selectAll()
    pane.remove()
    assert pane.model.rowCount() == 0
    assert [b.reason for b in backups.list_backups(demo_db)] == ["before-bulk-delete"]
    before = section.list.model.rowCount()
    section.list.delete_decision()
    assert section.list.model.rowCount() == before - 1
    assert sync_pool.started == 2  # type: ignore[attr-defined]  # both off the GUI thread
    assert len(backups.list_backups(demo_db)) == 2
