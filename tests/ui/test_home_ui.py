"""The Tổng quan tab: first in the window, painted before any figure is read, figures and
the to-do list read off the GUI thread, three charts, and each to-do opening where it is
done."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from PySide6.QtCharts import QChartView
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from tests.accounts_helpers import as_role, make_accounts
from ui.main_window import MainWindow
from ui.tabs import home_tab
from ui.tabs.home_tab import HomeTab, TodoRow, open_todo
from unionapp import dashboard
from unionapp.dashboard import Todo, TodoItem
from unionapp.db import Database
from unionapp.models import SupportStatus
from unionapp.reports import key_counts
from unionapp.text import format_count


def _loaded(qtbot: QtBot, tab: HomeTab) -> None:
    qtbot.waitUntil(lambda: tab.overview is not None and tab.todos is not None
                    and not tab.loading(), timeout=20_000)


def _window(qtbot: QtBot, db: Database) -> MainWindow:
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.tabs.setCurrentIndex(0)
    window.show()
    qtbot.waitExposed(window)
    _loaded(qtbot, window.home_tab)
    return window


def test_first_tab_paints_then_reads_in_the_background(qtbot: QtBot, demo_db: Database,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[tuple[str, bool]] = []

    def watched(name: str, real: object) -> object:
        def call(*args: object, **kwargs: object) -> object:
            threads.append((name, threading.current_thread() is threading.main_thread()))
            return real(*args, **kwargs)  # type: ignore[operator]
        return call

    monkeypatch.setattr(dashboard, "overview", watched("overview", dashboard.overview))
    monkeypatch.setattr(dashboard, "todo_list", watched("todo_list", dashboard.todo_list))
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    assert window.tabs.tabText(0) == "Tổng quan" and window.tabs.widget(0) is window.home_tab
    window.tabs.setCurrentIndex(0)
    assert threads == []  # nothing read while the window is made
    window.show()
    qtbot.waitExposed(window)
    _loaded(qtbot, window.home_tab)
    assert sorted(threads) == [("overview", False), ("todo_list", False)]  # never the GUI's

    tab = window.home_tab
    counts = key_counts(demo_db, date.today())
    assert tab.members_card.number.text() == format_count(counts.members)
    assert tab.groups_card.number.text() == "7"
    assert "Số liệu lúc" in tab.state.text() and tab.refresh_button.isEnabled()
    views = tab.chart_views()
    assert all(isinstance(v, QChartView) for v in views)
    assert views[0].chart().title() == "Đoàn viên trong 24 tháng qua"
    assert len(views[0].chart().series()[0].points()) == 24
    budget, paid = views[1].chart().series()[0].barSets()
    assert (budget.label(), paid.label()) == ("Dự toán", "Đã chi")
    assert sum(paid.at(i) for i in range(paid.count())) * 1_000_000 == pytest.approx(
        sum(f.paid for f in tab.overview.funds))
    texts = [row.text.text() for row in tab.findChildren(TodoRow)]
    assert any("chờ duyệt" in t for t in texts) and any("chưa được in" in t for t in texts)

    # Shown again after another tab: what is waiting is read again at once (the figures,
    # slow on a big database, only once they are a minute old); Refresh reads everything.
    window.tabs.setCurrentIndex(1)
    before = len(threads)
    window.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: not tab.loading(), timeout=20_000)
    assert [name for name, _main in threads[before:]] == ["todo_list"]
    monkeypatch.setattr(home_tab, "FIGURES_FRESH_S", 0)
    window.tabs.setCurrentIndex(1)
    window.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: len(threads) == before + 3 and not tab.loading(), timeout=20_000)
    assert sorted(name for name, _main in threads[before + 1:]) == ["overview", "todo_list"]
    tab.refresh_button.click()
    qtbot.waitUntil(lambda: len(threads) == before + 5 and not tab.loading(), timeout=20_000)


def test_an_empty_union_says_what_to_do_first(qtbot: QtBot, db: Database) -> None:
    window = _window(qtbot, db)
    tab = window.home_tab
    rows = tab.findChildren(TodoRow)
    assert rows[0].item.kind == Todo.IMPORT_MEMBERS
    assert rows[0].button.text() == "Nhập danh sách từ Excel…"
    places = [w for w in tab.chart_views() if isinstance(w, QLabel)]
    assert len(places) == 3  # no chart without figures: a sentence says why
    assert "Chưa đặt dự toán" in places[1].text()


def test_each_thing_to_do_opens_where_it_is_done(qtbot: QtBot, demo_db: Database,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    window = _window(qtbot, demo_db)
    items = {item.kind: item for item in window.home_tab.todos or []}

    # A button of the list asks the window to open the place.
    asked: list[TodoItem] = []
    window.home_tab.open_requested.connect(asked.append)
    row = next(r for r in window.home_tab.findChildren(TodoRow) if r.item.kind == Todo.APPROVE)
    row.button.click()
    assert asked == [row.item]
    # Cases to approve: the support tab, every proposed case, whatever the year.
    assert window.tabs.currentWidget() is window.support_tab
    support = window.support_tab
    assert support.status.currentData() == SupportStatus.PROPOSED
    assert support.year.currentData() is None
    assert support.model.rowCount() == items[Todo.APPROVE].count
    assert {support.model.row_at(i).status for i in range(support.model.rowCount())} == {
        SupportStatus.PROPOSED}

    open_todo(window, items[Todo.PAY])
    assert support.model.rowCount() == items[Todo.PAY].count

    # Certificates not printed: the decisions, the one concerned selected.
    open_todo(window, items[Todo.PRINT])
    activities = window.activities_tab
    assert window.tabs.currentWidget() is activities
    assert activities.inner.currentWidget() is activities.decisions
    decisions = activities.decisions.list
    current = decisions.model.row_at(decisions.view.currentIndex().row())
    assert str(current.uuid) == items[Todo.PRINT].target
    assert current.printed < current.recipients

    # The data file: the export, as from the File menu.
    exported: list[object] = []
    monkeypatch.setattr("ui.dialogs.exchange.export_file",
                        lambda *args, **kwargs: exported.append(args))
    open_todo(window, items[Todo.SEND])
    assert exported and exported[0][1] is demo_db

    # The backup: the backups dialog; the report: the statistics form over the next period.
    backups = open_todo(window, items[Todo.BACKUP])
    assert backups.isVisible()
    backups.close()
    report = open_todo(window, items[Todo.REPORT])
    assert report.kind.currentData() == "statistics"
    preset = report.presets[report.period.currentData()]
    assert preset.period.end.isoformat() == items[Todo.REPORT].target
    report.close()

    # No members yet: the roster import (as its own button does).
    opened: list[bool] = []
    monkeypatch.setattr(window.members_tab, "import_file", lambda: opened.append(True))
    open_todo(window, TodoItem(Todo.IMPORT_MEMBERS, "", ""))
    assert opened and window.tabs.currentWidget() is window.members_tab
    open_todo(window, TodoItem(Todo.CONFLICTS, "", ""))
    assert window.tabs.currentWidget() is window.exchange_tab


def test_the_list_follows_the_role(qtbot: QtBot, demo_db: Database) -> None:
    make_accounts(demo_db)
    as_role(demo_db, "clerk")
    window = _window(qtbot, demo_db)
    kinds = {row.item.kind for row in window.home_tab.findChildren(TodoRow)}
    assert Todo.APPROVE not in kinds and Todo.PRINT in kinds


def test_a_reading_that_fails_says_so_without_a_traceback(qtbot: QtBot, demo_db: Database,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from unionapp.errors import UserError

    def broken(*_args: object, **_kwargs: object) -> object:
        raise UserError("Ổ đĩa không đọc được.")

    monkeypatch.setattr(dashboard, "overview", broken)
    tab = HomeTab(demo_db)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: not tab.loading() and tab.todos is not None, timeout=20_000)
    qtbot.waitUntil(lambda: tab.state.text() == "Ổ đĩa không đọc được.", timeout=5_000)
    assert tab.refresh_button.isEnabled()


def test_axis_steps_are_round_numbers() -> None:
    class Axis:
        def setRange(self, low: float, high: float) -> None:
            self.range = (low, high)

        def setTickCount(self, n: int) -> None:
            self.ticks = n

        def setLabelFormat(self, text: str) -> None:
            self.format = text

    for low, high, expected, ticks in ((248, 281, (240, 290), 6), (0, 27, (0, 30), 4),
                                       (0, 0, (0, 1), 2), (0, 190, (0, 200), 5),
                                       (900_000, 928_211, (900_000, 930_000), 4)):
        axis = Axis()
        home_tab._whole_numbers(axis, low, high)
        assert (axis.range, axis.ticks) == (expected, ticks), (low, high)



def test_a_change_elsewhere_is_read_again(qtbot: QtBot, demo_db: Database) -> None:
    """An operation anywhere (ui.operations) reads the figures again: at once when the tab is
    shown, else the next time it is."""
    from ui.operations import Changes, Outcome, announce

    window = _window(qtbot, demo_db)
    tab = window.home_tab
    first = tab.figures_at
    announce(Outcome(demo_db, Changes.MEMBERS))
    qtbot.waitUntil(lambda: tab.figures_at != first and not tab.loading(), timeout=20_000)
    window.tabs.setCurrentWidget(window.members_tab)
    announce(Outcome(demo_db, Changes.SUPPORT))
    assert tab.figures_at is None and not tab.loading()  # not read while hidden
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.figures_at is not None and not tab.loading(), timeout=20_000)


def test_a_reading_that_ends_after_the_tab_has_gone_is_dropped(
        qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    real = dashboard.todo_list

    def slow(db: Database) -> list[TodoItem]:
        release.wait(10)
        return real(db)

    monkeypatch.setattr(dashboard, "todo_list", slow)
    tab = HomeTab(demo_db)
    tab.refresh()
    task = tab._tasks[0]
    tab.deleteLater()
    qtbot.waitUntil(lambda: tab._gone[0], timeout=5_000)
    release.set()
    qtbot.waitUntil(lambda: task.finished, timeout=20_000)
    qtbot.wait(50)  # its on_done ran on a deleted tab without touching it (no RuntimeError)
