"""Every tab says what to do first while it has nothing, with the buttons that do it; a
search or filters that hide everything say so, with a way back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from pytestqt.qtbot import QtBot

from tests.accounts_helpers import as_role, make_accounts
from tests.exchange.conftest import Pair
from tests.ui.windows import main_window
from ui.main_window import MainWindow
from ui.tabs.members_tab import MembersTab
from ui.widgets.empty_state import EmptyState
from unionapp.db import Database


def _shown(qtbot: QtBot, window: MainWindow, state: EmptyState) -> list[str]:
    """The buttons a clerk sees on the empty state, once its tab is shown."""
    qtbot.waitUntil(state.isVisible, timeout=3000)
    assert state.geometry() == state.view.viewport().rect()  # over the rows, headers stay
    # The message is whole: its block inside the list, the sentence given the lines it needs.
    assert state.rect().contains(state.block.geometry())
    if state.text.isVisible():
        need = state.text.fontMetrics().boundingRect(
            QRect(0, 0, state.text.width(), 10_000), int(Qt.TextFlag.TextWordWrap),
            state.text.text()).height()
        assert state.text.height() >= need
    return [b.text() for b in state.first_buttons if b.isVisible()]


def test_an_empty_union_says_what_to_do_first_on_every_tab(qtbot: QtBot, db: Database,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    opened: list[str] = []  # the buttons are the tab's own actions
    monkeypatch.setattr(MembersTab, "add_member", lambda _self: opened.append("add"))
    monkeypatch.setattr(MembersTab, "import_file", lambda _self: opened.append("import"))
    window = main_window(qtbot, db, shown=True)
    members = window.members_tab
    window.tabs.setCurrentWidget(members)
    assert _shown(qtbot, window, members.empty) == ["Nhập danh sách từ Excel…",
                                                    "Thêm đoàn viên…"]
    assert members.empty.title.text() == "Chưa có đoàn viên nào"
    assert ".xlsx" in members.empty.text.text()
    assert not members.empty.show_all_button.isVisible()
    for button in members.empty.first_buttons:
        button.click()
    assert opened == ["import", "add"]

    window.tabs.setCurrentWidget(window.activities_tab)
    inner = window.activities_tab
    assert _shown(qtbot, window, inner.activities.list.empty) == [
        "Thêm hoạt động…", "Thêm phong trào thi đua…"]
    inner.inner.setCurrentWidget(inner.decisions)
    assert _shown(qtbot, window, inner.decisions.list.empty) == ["Thêm quyết định…"]
    inner.inner.setCurrentWidget(inner.initiatives)
    assert _shown(qtbot, window, inner.initiatives.empty) == ["Thêm sáng kiến…"]

    window.tabs.setCurrentWidget(window.support_tab)
    assert _shown(qtbot, window, window.support_tab.empty) == [
        "Thêm hồ sơ…", "Chi theo danh sách…", "Quỹ…"]

    window.tabs.setCurrentWidget(window.exchange_tab)
    exchange = window.exchange_tab
    assert _shown(qtbot, window, exchange.packages_empty) == [
        "Xuất tệp dữ liệu…", "Khóa ký…", "Nhập tệp dữ liệu…"]
    assert "con dấu điện tử" in exchange.packages_empty.text.text()
    assert _shown(qtbot, window, exchange.conflicts_empty) == []
    assert not exchange.versions.isVisible()  # nothing to compare
    # The tab's own buttons act without the File menu.
    for button in (exchange.export_button, exchange.import_button, exchange.keys_button):
        assert button.isVisible()


def test_a_search_that_hides_everything_offers_the_way_back(qtbot: QtBot,
                                                            demo_db: Database) -> None:
    window = main_window(qtbot, demo_db, shown=True)
    members = window.members_tab
    window.tabs.setCurrentWidget(members)
    everyone = members.model.rowCount()
    assert everyone > 250 and not members.empty.isVisible()
    members.search.setText("zzzz khong ai ten nay")
    members.reload()
    qtbot.waitUntil(members.empty.isVisible, timeout=3000)
    assert members.empty.title.text() == "Không có dòng nào khớp với tìm kiếm và bộ lọc."
    assert not any(b.isVisible() for b in members.empty.first_buttons)
    members.empty.show_all_button.click()
    assert members.search.text() == "" and members.status.currentIndex() == 0
    assert members.model.rowCount() >= everyone  # every status now
    qtbot.waitUntil(lambda: not members.empty.isVisible(), timeout=3000)


def test_a_role_that_may_not_act_sees_the_sentence_without_the_buttons(
        qtbot: QtBot, db: Database) -> None:
    make_accounts(db)
    as_role(db, "viewer")
    window = main_window(qtbot, db, shown=True)
    window.tabs.setCurrentWidget(window.members_tab)
    assert _shown(qtbot, window, window.members_tab.empty) == []
    assert window.members_tab.empty.title.text() == "Chưa có đoàn viên nào"
    window.tabs.setCurrentWidget(window.exchange_tab)
    assert _shown(qtbot, window, window.exchange_tab.packages_empty) == ["Khóa ký…"]


def test_a_parent_union_with_no_branch_yet(qtbot: QtBot, pair: Pair, tmp_path) -> None:
    from unionapp.db import open_database
    from unionapp.org import init_database

    with open_database(tmp_path / "cap-tren.db", create=True, user="t") as parent:
        init_database(parent, code="LDLD-HN", name="Liên đoàn Lao động thành phố Hà Nội",
                      parent_mode=True)
        window = main_window(qtbot, parent, shown=True)
        window.tabs.setCurrentWidget(window.exchange_tab)
        state = window.exchange_tab.packages_empty
        assert _shown(qtbot, window, state) == ["Khóa ký…", "Nhập tệp dữ liệu…"]
        assert state.title.text() == "Chưa có công đoàn cơ sở nào gửi tệp dữ liệu"
        window.close()
