"""The main window opens on the demo branch and its tabs work."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow
from ui.tabs.exchange_tab import ExchangeTab
from ui.tabs.list_tab import ListTab
from ui.tabs.members_tab import MembersTab
from ui.tabs.support_tab import SupportTab
from unionapp import closing
from unionapp.db import Database


def test_main_window_opens_on_the_demo_and_switches_tabs(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db, demo=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert "Viện Nghiên cứu Phát triển Bền vững" in window.windowTitle()
    assert [window.tabs.tabText(i) for i in range(4)] == [
        "Tổng quan", "Đoàn viên", "Hoạt động && Khen thưởng", "Chăm lo – Hỗ trợ"]
    members = window.members_tab
    assert members.model.rowCount() > 250  # the active members
    assert members.model.headerData(0, members.model.columns and
                                    __import__("PySide6").QtCore.Qt.Orientation.Horizontal) \
        == "Họ và tên"
    for index in (2, 3, 1):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(10)
        assert window.tabs.currentWidget().model.rowCount() > 0
    assert "Đang sinh hoạt" in window.count_label.text()


def test_search_as_you_type_filters_the_members(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    tab = window.members_tab
    before = tab.model.rowCount()
    qtbot.keyClicks(tab.search, "dang")
    qtbot.waitUntil(lambda: tab.model.rowCount() < before, timeout=3000)
    names = [tab.model.row_at(i).full_name for i in range(tab.model.rowCount())]
    assert names and all("đặng" in n.lower() or "đăng" in n.lower() for n in names)
    assert "đoàn viên" in tab.footer.text()


def test_geometry_and_tab_are_remembered(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.resize(700, 500)
    window.tabs.setCurrentIndex(2)
    window.close()
    again = MainWindow(demo_db)
    qtbot.addWidget(again)
    assert again.tabs.currentIndex() == 2
    assert again.size().width() == 700


def test_the_tabs_after_the_overview_are_made_when_first_shown(
        qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first paint waited for all five tabs to be made and to read their lists, though
    only Tổng quan shows (issue 14): the others are made when first shown or asked for."""
    read: list[str] = []
    for kind in (ListTab, ExchangeTab):
        real = kind.reload
        monkeypatch.setattr(kind, "reload", lambda tab, real=real: (
            read.append(type(tab).__name__), real(tab))[1])
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.findChildren(ListTab) == [] and window.findChildren(ExchangeTab) == []
    assert read == [] and "Đang sinh hoạt" in window.count_label.text()
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]

    window.tabs.setCurrentIndex(3)  # clicked: made and read at once
    support = window.tabs.currentWidget()
    assert isinstance(support, SupportTab) and support is window.support_tab
    assert "SupportTab" in read and support.model.rowCount() > 0
    assert window.findChildren(MembersTab) == []
    exchange = window.exchange_tab  # asked for: made where it belongs, not shown
    assert window.tabs.widget(4) is exchange and window.tabs.currentWidget() is support
    assert window.exchange_tab is exchange and window.support_tab is support
    assert window.members_tab.model.rowCount() > 250 and window.tabs.widget(1) is \
        window.members_tab
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == titles

    window.close()  # the tab open last is made before the window is shown again
    again = MainWindow(demo_db)
    qtbot.addWidget(again)
    assert again.tabs.currentIndex() == 3 and again.findChildren(SupportTab) != []
    assert again.findChildren(MembersTab) == []


def _shown_buttons(tab: QWidget) -> set[str]:
    return {b.text() for b in tab.findChildren(QPushButton) if b.isVisibleTo(tab)}


def test_a_tab_made_after_the_union_closed_is_read_only_too(
        qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    closing.close_branch(demo_db, on=date(2025, 12, 1), archive_dir=tmp_path / "a",
                         final_package=False)
    window.show_state()  # as after the closing dialog
    shown = _shown_buttons(window.members_tab)  # made now
    assert "Thêm đoàn viên…" not in shown and "Xuất ra Excel…" in shown
