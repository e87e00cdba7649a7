"""The window's plumbing (issue 17, points 8, 9 and 12; issue 16, point 3): every change
through one operation (errors said plainly, warnings asked about, only the views that show
what changed refreshed, a word in the status bar), opening a database off the GUI thread,
one detail pane, and one way to say what a role or a closed union may not do."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from tests.exchange.conftest import Pair
from tests.ui.windows import main_window
from ui import app as app_module
from ui import operations
from ui.crash import CrashDialog
from ui.dialogs.activity_dialogs import ActivityDialog
from ui.dialogs.member_dialog import MemberDialog
from ui.operations import Attempt, Changes, Outcome, run_op
from ui.roles import needs
from ui.tabs.activities_tab import ParticipantsTab
from ui.tabs.decisions_tab import DecisionsSection, RecipientsTab
from ui.tabs.list_tab import ListTab
from ui.tabs.sections import DetailPane
from unionapp import activities, closing
from unionapp.cli import parse
from unionapp.db import Database
from unionapp.errors import NeedsConfirmation
from unionapp.permissions import Permission
from unionapp.settings import Settings


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of every message box and crash dialog, instead of showing them."""
    texts: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: texts.append(box.text()) or 0)
    monkeypatch.setattr(CrashDialog, "exec", lambda d: texts.append(d.message.text()) or 0)
    return texts


def _select(tab: ListTab, name: str) -> None:
    for i in range(tab.model.rowCount()):
        if getattr(tab.model.row_at(i), "full_name", None) == name:
            tab.view.selectRow(i)
            return
    raise AssertionError(name)


# -- one operation for every change (17.8) ------------------------------------------------------


def test_deleting_a_member_says_a_failure_plainly_and_changes_nothing(
        qtbot: QtBot, demo_db: Database, shown: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """On main the delete button called the service bare: a full disk was a traceback."""
    from ui.tabs import members_tab

    window = main_window(qtbot, demo_db)
    tab = window.members_tab
    before = tab.model.rowCount()
    name = tab.model.row_at(0).full_name
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)

    def full(*_args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(members_tab.members_service, "delete_member", full)
    tab.view.selectRow(0)
    tab.delete_selected()
    assert shown and shown[-1].startswith("Ổ đĩa đã đầy")

    def bug(*_args: object) -> None:
        raise KeyError("oops")

    monkeypatch.setattr(members_tab.members_service, "delete_member", bug)
    tab.delete_selected()
    assert "Lỗi không lường trước" in shown[-1] and "crash-" in shown[-1]
    assert tab.model.rowCount() == before and tab.model.row_at(0).full_name == name
    assert not window.note.text.text()  # nothing done, nothing said


def test_a_warning_is_asked_about_then_the_work_runs_again_confirmed(
        qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch,
        heard: list[Outcome]) -> None:
    calls: list[bool] = []

    class Warning_(NeedsConfirmation):
        question = "Vẫn làm?"
        confirm = "Làm"

    def work(attempt: Attempt) -> str:
        calls.append(attempt.override)
        if not attempt.override:
            raise Warning_("Vượt dự toán.")
        return "xong"

    asked: list[str] = []
    monkeypatch.setattr(operations, "confirm", lambda _p, w: asked.append(w.message) or False)
    declined: list[bool] = []
    run_op(None, work, db=db, changes=Changes.SUPPORT, on_cancelled=lambda: declined.append(1))
    assert calls == [False] and asked == ["Vượt dự toán."] and declined and heard == []
    monkeypatch.setattr(operations, "confirm", lambda _p, _w: True)
    done: list[str] = []
    run_op(None, work, db=db, changes=Changes.SUPPORT, on_done=done.append,
           said=lambda result: f"Đã {result}.")
    assert calls == [False, False, True] and done == ["xong"]
    assert heard == [Outcome(db, Changes.SUPPORT, "Đã xong.")]


def test_a_decided_conflict_refreshes_only_the_views_showing_it(
        qtbot: QtBot, pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """On main every list of every tab was read again after any conflict was decided."""
    pair.phone_conflict()
    window = main_window(qtbot, pair.parent.db)
    for index in range(1, window.tabs.count()):  # each tab is made when first shown
        window.tabs.setCurrentIndex(index)
    reloaded: list[str] = []
    real = ListTab.reload
    monkeypatch.setattr(ListTab, "reload", lambda tab: (reloaded.append(type(tab).__name__),
                                                          real(tab))[1])
    tab = window.exchange_tab
    tab.conflicts.selectRow(0)
    tab.take_theirs.click()
    assert tab.conflicts.rowCount() == 0
    assert {"MembersTab", "SupportTab", "InitiativesTab"} <= set(reloaded)  # they show members
    assert not {"ActivityListTab", "DecisionListTab"} & set(reloaded)


def test_saving_a_member_and_exporting_say_so_in_the_status_bar(
        qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        sync_pool: object) -> None:
    """On main nothing said that a member was saved or where an export went (16.3)."""
    from ui.dialogs.personal_export import PersonalExportDialog
    from ui.tabs import members_tab

    window = main_window(qtbot, demo_db)
    dialog = MemberDialog(demo_db, None, window.members_tab)
    qtbot.addWidget(dialog)
    dialog.full_name.setText("Trần Thị Mới")
    dialog.joined_on.setText("02/01/2024")
    dialog.save()
    assert dialog.saved is not None
    assert window.note.text.text() == "Đã thêm Trần Thị Mới."
    assert not window.note.folder_button.isVisibleTo(window)
    assert "301" in window.count_label.text()  # the counts follow

    def choose_columns(export: PersonalExportDialog) -> int:  # the roster's columns: as offered
        export._check()
        return 1

    target = tmp_path / "ra ngoài" / "danh-sach.xlsx"
    target.parent.mkdir()
    monkeypatch.setattr(PersonalExportDialog, "exec", choose_columns)
    monkeypatch.setattr(members_tab.QFileDialog, "getSaveFileName",
                        lambda *_a, **_k: (str(target), ""))
    window.members_tab.export_file()
    assert target.exists()
    assert "danh-sach.xlsx" in window.note.text.text() and window.note.file == target
    assert window.note.folder_button.isVisibleTo(window)
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window.note.folder_button.click()
    assert [Path(u.toLocalFile()) for u in opened] == [target.parent]


def test_saving_a_pdf_from_the_preview_says_where(qtbot: QtBot, tmp_path: Path,
                                                  sync_pool: object,
                                                  heard: list[Outcome]) -> None:
    from reportlab.pdfgen import canvas

    from ui.dialogs.pdf_preview import PdfPreviewDialog

    source = tmp_path / "giay.pdf"
    paper = canvas.Canvas(str(source))
    paper.drawString(100, 700, "Phiếu chi")
    paper.save()
    dialog = PdfPreviewDialog(None, source, "Phiếu chi — Nguyễn Thị Hạnh")
    qtbot.addWidget(dialog)
    target = tmp_path / "luu" / "phieu-chi.pdf"
    target.parent.mkdir()
    dialog.save_copy(target)
    assert target.exists() and dialog.printed == 1
    assert "phieu-chi.pdf" in dialog.word.text.text() and dialog.word.file == target
    assert dialog.word.folder_button.isVisibleTo(dialog)
    assert heard[-1].file == target and not heard[-1].changes  # the window says it too
    dialog.reject()


# -- opening a database off the GUI thread (17.8) ----------------------------------------------


def test_opening_a_database_keeps_the_window_working(
        qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On main a database was opened (and upgraded, after its backup) on the GUI thread:
    the window stood still however long it took."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    real_open = app_module.open_database
    ticked = threading.Event()  # set by the GUI thread's timer: the event loop turns
    seen: list[bool] = []

    def slow_open(*args: object, **kwargs: object) -> Database:
        seen.append(ticked.wait(10))  # held until the GUI shows it is still working
        return real_open(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(app_module, "open_database", slow_open)
    ticks: list[int] = []

    def tick() -> None:
        ticks.append(1)
        if len(ticks) >= 5:
            ticked.set()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    controller = app_module.Controller(app, parse(["--db", str(demo_path)]), Settings())
    controller.start()
    qtbot.waitUntil(lambda: controller.window is not None, timeout=30_000)
    timer.stop()
    assert seen == [True]
    assert controller.db is not None and controller.db.path == demo_path
    qtbot.waitUntil(lambda: not __import__("ui.tasks").tasks.Task._running, timeout=30_000)
    controller.shutdown()
    if controller.window is not None:
        controller.window.close()
        controller.window.deleteLater()


# -- the sync pool double (17.12) ---------------------------------------------------------------


def test_the_pool_double_runs_background_work_before_returning(
        qtbot: QtBot, db: Database, sync_pool: object, heard: list[Outcome]) -> None:
    done: list[int] = []
    task = run_op(None, lambda attempt: (attempt.progress(1, 2, ""), 42)[1], db=db,
                  changes=Changes.MEMBERS, on_done=done.append, label="…")
    assert task is not None and task.finished and done == [42]
    assert heard == [Outcome(db, Changes.MEMBERS)]
    assert sync_pool.started == 1  # type: ignore[attr-defined]


# -- one detail pane (17.9) ---------------------------------------------------------------------


def test_participants_and_recipients_are_one_detail_pane(
        qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch,
        sync_pool: object) -> None:
    from ui.tabs import decisions_tab

    assert issubclass(ParticipantsTab, DetailPane) and issubclass(RecipientsTab, DetailPane)
    section = DecisionsSection(demo_db)
    qtbot.addWidget(section)
    section.reload()
    pane = section.recipients
    assert pane.master is None and "Chọn một quyết định" in pane.footer.text()
    assert not any(b.isEnabled() for b in pane.buttons.values())
    rows = [section.list.model.row_at(i) for i in range(section.list.model.rowCount())]
    index = next(i for i, r in enumerate(rows) if r.number == "15/QĐ-CĐCS")
    section.list.view.selectRow(index)
    assert pane.decision is not None and pane.decision.number == "15/QĐ-CĐCS"
    assert all(b.isEnabled() for b in pane.buttons.values())
    assert pane.model.rowCount() == 27 and "15/QĐ-CĐCS" in pane.footer.text()
    # a change elsewhere: the list reads again and keeps its cursor, the pane its decision
    operations.announce(Outcome(demo_db, Changes.AWARDS))
    assert section.list.view.currentIndex().row() == index
    assert pane.decision is not None and pane.decision.number == "15/QĐ-CĐCS"
    # the decision deleted: the pane does not go on showing its recipients
    monkeypatch.setattr(decisions_tab, "confirm", lambda *_a: True)
    section.list.delete_decision()
    assert pane.master is None and pane.model.rowCount() == 0
    assert not any(b.isEnabled() for b in pane.buttons.values())


# -- one way to say what may not be done (roles and a closed union) -----------------------------


def test_a_closed_union_hides_what_writes_by_its_tag_not_its_label(
        qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    """On main the controls were found by their labels: a button named otherwise stayed."""
    window = main_window(qtbot, demo_db)
    renamed = needs(QPushButton("Thêm nhanh một đoàn viên"), Permission.MEMBERS_EDIT)
    reading = needs(QPushButton("Xuất danh sách"), Permission.PERSONAL_DATA_EXPORT)
    window.members_tab.actions.addWidget(renamed)
    window.members_tab.actions.addWidget(reading)
    window.tabs.setCurrentWidget(window.members_tab)  # (the window opens on Tổng quan)
    assert renamed.isVisibleTo(window)
    closing.close_branch(demo_db, on=date(2025, 12, 1), archive_dir=tmp_path / "a",
                         final_package=False)
    window.show_state()  # as after the closing dialog (its operation changes UNITS)
    assert not window.banner.isHidden()
    assert not renamed.isVisibleTo(window) and not renamed.isEnabled()
    assert reading.isVisibleTo(window)  # reading and exports stay
    activity = activities.activity_list(demo_db).all()[0]
    dialog = ActivityDialog(demo_db, activity.uuid, window)  # as "Edit…" opens it
    qtbot.addWidget(dialog)
    assert dialog.title.isReadOnly() and "(chỉ xem)" in dialog.windowTitle()
