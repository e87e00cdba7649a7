"""The main window opens on the demo branch and its tabs work."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow
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
