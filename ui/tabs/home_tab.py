"""The Tổng quan tab, first in the window: key counts, three small charts (members over the
last 24 months, support paid against each fund's budget, awards by kind) and "Việc cần
làm" — what is waiting, each with the button that opens the place where it is done.

Nothing is read on the GUI thread: the tab paints its frame at once, then asks
``unionapp.dashboard`` from two background tasks (the to-do list is quick; the figures take
about a second on a million members) and draws what comes back. It reads again whenever it
is shown anew, and on request.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QLocale, QMargins, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.operations import Outcome, listen
from ui.tasks import Task, run_task, show_error
from unionapp.db import Database
from unionapp.errors import UserError
from unionapp.i18n import _
from unionapp.models import SupportStatus
from unionapp.progress import Progress
from unionapp.text import format_count, format_moment, format_vnd

if TYPE_CHECKING:
    # (unionapp.dashboard loads the reports' figures: it is imported by the readings, which
    # begin after the first paint; see tests/ui/test_startup.py)
    from ui.main_window import MainWindow
    from unionapp.dashboard import AwardBar, FundBar, Overview, TodoItem

URGENT = "#b3261e"
CALM = "#5f6b7a"
CHART_HEIGHT = 230
# Shown again within this many seconds, only the to-do list is read again (the figures take
# seconds on a big database); the Refresh button and a change elsewhere read everything.
FIGURES_FRESH_S = 60
LABEL_CHARS = 30  # longer category names are cut (the whole name in the tooltip)
SERIES_COLORS = ("#1f6fb2", "#e08a1e", "#3b8f4a")


class Card(QFrame):
    """One key count: a big number and what it counts."""

    def __init__(self, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.number = QLabel("…")
        font = self.number.font()
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        self.number.setFont(font)
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setStyleSheet(f"color: {CALM};")
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(1)
        layout.addWidget(self.caption)
        layout.addWidget(self.number)
        layout.addWidget(self.detail)

    def set(self, number: str, detail: str = "") -> None:
        self.number.setText(number)
        self.detail.setText(detail)


class TodoRow(QFrame):
    """One thing waiting: a sentence, and the button that leads where it is done."""

    def __init__(self, item: TodoItem, on_click: Callable[[TodoItem], None],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.item = item
        mark = QLabel("●")
        mark.setStyleSheet(f"color: {URGENT if item.urgent else CALM};")
        mark.setAlignment(Qt.AlignmentFlag.AlignTop)
        mark.setToolTip(_("Needs doing soon") if item.urgent else "")
        self.text = QLabel(item.text)
        self.text.setWordWrap(True)
        self.button = QPushButton(item.action)
        self.button.clicked.connect(lambda: on_click(item))
        text_column = QVBoxLayout()
        text_column.setSpacing(3)
        text_column.addWidget(self.text)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.button)
        text_column.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(mark)
        layout.addLayout(text_column, 1)


class HomeTab(QWidget):
    open_requested = Signal(object)  # a TodoItem: the window opens where it is done

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.overview: Overview | None = None
        self.todos: list[TodoItem] | None = None
        self.figures_at: datetime | None = None  # when the figures shown were read
        self._tasks: list[Task] = []
        self._painted = False
        self._generation = 0
        self._failure = False
        # Set when Qt deletes the tab (a reading may finish after the window has gone).
        self._gone = [False]
        gone = self._gone
        self.destroyed.connect(lambda *_args: gone.__setitem__(0, True))
        self._again = False  # read the figures again after the reading under way
        self._again_todos = False  # read the to-do list again after it

        self.state = QLabel(_("Reading the figures…"))
        self.state.setStyleSheet(f"color: {CALM};")
        self.refresh_button = QPushButton(_("Refresh"))
        self.refresh_button.clicked.connect(lambda: self.refresh())
        top = QHBoxLayout()
        top.addWidget(self.state, 1)
        top.addWidget(self.refresh_button)

        self.members_card = Card(_("Members"))
        self.groups_card = Card(_("Union groups"))
        self.support_card = Card("")
        self.awards_card = Card("")
        self.activities_card = Card("")
        cards = QHBoxLayout()
        for card in (self.members_card, self.groups_card, self.support_card,
                     self.awards_card, self.activities_card):
            cards.addWidget(card)

        self.todo_box = QGroupBox(_("To do"))
        self.todo_list = QVBoxLayout()
        self.todo_list.setSpacing(2)
        self.todo_list.addStretch(1)
        inner = QWidget()
        inner.setLayout(self.todo_list)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        box_layout = QVBoxLayout(self.todo_box)
        box_layout.setContentsMargins(4, 4, 4, 4)
        box_layout.addWidget(scroll)
        self.todo_box.setMinimumWidth(330)
        self.todo_box.setMaximumWidth(430)

        # The charts' places: a sentence until the figures come (QtCharts is loaded then).
        self.charts = QGridLayout()
        self.members_place = self._place(_("Members, the last 24 months"))
        self.funds_place = self._place(_("Support paid against each fund's budget"))
        self.awards_place = self._place(_("Awards by kind"))
        self.charts.addWidget(self.members_place, 0, 0, 1, 2)
        self.charts.addWidget(self.funds_place, 1, 0)
        self.charts.addWidget(self.awards_place, 1, 1)
        self.charts.setRowStretch(0, 1)
        self.charts.setRowStretch(1, 1)
        self.charts.setColumnStretch(0, 1)
        self.charts.setColumnStretch(1, 1)

        body = QHBoxLayout()
        body.addWidget(self.todo_box, 2)
        body.addLayout(self.charts, 5)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(cards)
        layout.addLayout(body, 1)
        self.refresh_button.setEnabled(False)
        listen(self.on_outcome)

    def on_outcome(self, outcome: Outcome) -> None:
        """Something changed elsewhere (ui.operations): read again now if shown, else the
        next time the tab is shown."""
        if (outcome.db is not None and outcome.db is not self.db) or not outcome.changes:
            return
        if self._painted and self.isVisible():
            self.refresh()
        else:
            self.figures_at = None  # not fresh any more: showEvent reads the figures again

    def _place(self, title: str) -> QLabel:
        label = QLabel(title + "\n" + _("Reading…"))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setMinimumHeight(CHART_HEIGHT // 2)
        label.setFrameShape(QFrame.Shape.StyledPanel)
        label.setStyleSheet(f"color: {CALM};")
        label.setProperty("chart_title", title)
        return label

    # -- loading ---------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:  # the first paint is done: now read, in the background
            self._painted = True
            QTimer.singleShot(0, self.refresh)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._painted:
            # Shown again (back from another tab): what is waiting may have changed; the
            # figures, which take seconds on a big database, if they are not fresh.
            fresh = (self.figures_at is not None
                     and (datetime.now(UTC) - self.figures_at).total_seconds()
                     < FIGURES_FRESH_S)
            self.refresh(figures=not fresh)

    def loading(self) -> bool:
        return any(not task.finished for task in self._tasks)

    def refresh(self, figures: bool = True) -> None:
        """Read the to-do list (and the figures) again, in the background; once more after
        the reading under way, if one is (what changed may have come after it read)."""
        if self.loading():
            self._again = self._again or figures
            self._again_todos = True
            return
        self._again, self._again_todos = False, False
        self._generation += 1
        self._failure = False
        generation, db = self._generation, self.db
        self.refresh_button.setEnabled(False)
        self.state.setText(_("Reading the figures…"))

        def todos(_progress: Progress) -> list[TodoItem]:
            from unionapp import dashboard

            return dashboard.todo_list(db)

        def read_figures(progress: Progress) -> Overview:
            from unionapp import dashboard

            return dashboard.overview(db, progress=progress)

        self._tasks = [run_task(None, todos,
                                on_done=lambda items: self._got(generation, todos=items),
                                on_failed=lambda error: self._failed(generation, error))]
        if figures or self.overview is None:
            self._tasks.append(run_task(
                None, read_figures, on_done=lambda view: self._got(generation, overview=view),
                on_failed=lambda error: self._failed(generation, error)))

    def _alive(self, generation: int) -> bool:
        return not self._gone[0] and generation == self._generation

    def _got(self, generation: int, *, todos: list[TodoItem] | None = None,
             overview: Overview | None = None) -> None:
        if not self._alive(generation):
            return  # an older reading, or the window has gone
        if todos is not None:
            self.show_todos(todos)
        if overview is not None:
            self.show_overview(overview)
        if overview is not None:
            self.figures_at = datetime.now(UTC)
        if not self.loading() and not self._failure and self.figures_at is not None:
            self.state.setText(_("Figures as of {moment}.").format(
                moment=format_moment(self.figures_at)))
            self.refresh_button.setEnabled(True)
        if not self.loading() and self._again_todos:
            figures = self._again
            QTimer.singleShot(0, lambda: self.refresh(figures=figures))

    def _failed(self, generation: int, error: BaseException) -> None:
        if not self._alive(generation):
            return
        self._failure = True  # said below; the other reading must not say "as of" over it
        self.refresh_button.setEnabled(True)
        if isinstance(error, UserError):
            self.state.setText(error.message)
        else:
            self.state.setText(_("The figures could not be read."))
            show_error(self, error)

    # -- drawing ---------------------------------------------------------------------------------

    def show_todos(self, items: list[TodoItem]) -> None:
        self.todos = items
        while self.todo_list.count() > 1:  # the stretch stays last
            widget = self.todo_list.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        for item in items:
            self.todo_list.insertWidget(self.todo_list.count() - 1,
                                        TodoRow(item, self.open_requested.emit))
        if not items:
            done = QLabel(_("Nothing is waiting."))
            done.setStyleSheet(f"color: {CALM};")
            self.todo_list.insertWidget(0, done)

    def show_overview(self, view: Overview) -> None:
        self.overview = view
        c, year = view.counts, view.today.year
        self.members_card.set(format_count(c.members), _("{women} women").format(
            women=format_count(c.women)))
        self.groups_card.set(format_count(c.groups))
        self.support_card.caption.setText(_("Support paid in {year}").format(year=year))
        self.support_card.set(format_vnd(c.support_amount), _("{count} cases").format(
            count=format_count(c.support_cases)))
        self.awards_card.caption.setText(_("Awards in {year}").format(year=year))
        self.awards_card.set(format_count(c.awarded), _("{count} decisions").format(
            count=format_count(c.award_decisions)))
        self.activities_card.caption.setText(_("Activities in {year}").format(year=year))
        self.activities_card.set(format_count(c.activities))
        self._set_chart(0, self.members_place, members_chart(view.members_by_month)
                        if any(n for _day, n in view.members_by_month)
                        else _("No members yet."))
        self._set_chart(1, self.funds_place, funds_chart(view.funds, year) if view.funds
                        else _("No fund budget has been set for {year} yet.").format(year=year))
        self._set_chart(2, self.awards_place, awards_chart(view.awards, year) if view.awards
                        else _("No awards last year or this year yet."))

    def _set_chart(self, index: int, place: QWidget, chart: QWidget | str) -> None:
        """Put ``chart`` (or a sentence saying why there is none) where ``place`` is."""
        if isinstance(chart, str):
            title = str(place.property("chart_title") or "")
            label = self._place(title)
            label.setText(f"{title}\n\n{chart}")
            chart = label
        else:
            chart.setProperty("chart_title", place.property("chart_title"))
        self.charts.removeWidget(place)
        place.deleteLater()
        self.charts.addWidget(chart, *_CELLS[index], *((1, 2) if index == 0 else ()))
        setattr(self, ("members_place", "funds_place", "awards_place")[index], chart)

    def chart_views(self) -> list[QWidget]:
        return [self.members_place, self.funds_place, self.awards_place]


_CELLS = ((0, 0), (1, 0), (1, 1))


# --- the charts (QtCharts is imported when the first figures arrive) ----------------------------


def _base_chart(title: str) -> Any:
    from PySide6.QtCharts import QChart

    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(4, 4, 4, 4))
    # Numbers the Vietnamese way (1.234), as everywhere else in the program.
    chart.setLocalizeNumbers(True)
    chart.setLocale(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _view(chart: Any, tooltip: str = "") -> QWidget:
    from PySide6.QtCharts import QChartView

    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(CHART_HEIGHT // 2)
    view.setToolTip(tooltip)
    return view


def _whole_numbers(axis: Any, low: float, high: float, ticks: int = 5) -> None:
    """A round range from ``low`` to ``high`` in at most ``ticks`` whole steps (1, 2, 5, 10,
    20…), labelled the Vietnamese way (30.000; the chart's locale does the dots)."""
    step = next(m * 10 ** e for e in range(16) for m in (1, 2, 5)
                if math.ceil(high / (m * 10 ** e)) - math.floor(low / (m * 10 ** e)) <= ticks)
    start, end = math.floor(low / step) * step, max(math.ceil(high / step) * step, step)
    if start == end:
        end += step
    axis.setRange(start, end)
    axis.setTickCount(int((end - start) / step) + 1)
    axis.setLabelFormat("%.0f")


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS - 1].rstrip() + "…"


def members_chart(points: list[tuple[date, int]]) -> QWidget:
    from PySide6.QtCharts import QDateTimeAxis, QLineSeries, QValueAxis

    chart = _base_chart(_("Members, the last 24 months"))
    series = QLineSeries()
    series.setName(_("Active members at the end of each month"))
    series.setColor(QColor(SERIES_COLORS[0]))
    for day, count in points:
        moment = datetime.combine(day, time(12))
        series.append(moment.timestamp() * 1000, count)
    chart.addSeries(series)
    x = QDateTimeAxis()
    x.setFormat("MM/yyyy")
    x.setTickCount(7)
    first, last = points[0][0], points[-1][0]
    x.setRange(QDate(first.year, first.month, 1).startOfDay(),
               QDate(last.year, last.month, last.day).endOfDay())
    y = QValueAxis()
    _whole_numbers(y, min(n for _d, n in points), max(n for _d, n in points))
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x)
    series.attachAxis(y)
    chart.legend().hide()
    text = "\n".join(f"{d:%m/%Y}: {format_count(n)}" for d, n in points[-6:])
    return _view(chart, _("Active members at the end of each month (the last point: today)")
                 + "\n" + text)


def _bars(title: str, categories: list[str], sets: list[tuple[str, list[float]]],
          axis_title: str, tooltip: str) -> QWidget:
    from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QHorizontalBarSeries, QValueAxis

    chart = _base_chart(title)
    series = QHorizontalBarSeries()
    # Qt draws the first category at the bottom: reversed, the list reads from the top.
    for (name, values), color in zip(sets, SERIES_COLORS, strict=False):
        bar_set = QBarSet(name)
        bar_set.setColor(QColor(color))
        bar_set.append(list(reversed(values)))
        series.append(bar_set)
    chart.addSeries(series)
    y = QBarCategoryAxis()
    y.append([_short(c) for c in reversed(categories)])
    x = QValueAxis()
    x.setTitleText(axis_title)
    _whole_numbers(x, 0, max((v for _n, values in sets for v in values), default=0))
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(y)
    series.attachAxis(x)
    return _view(chart, tooltip)


def funds_chart(funds: list[FundBar], year: int) -> QWidget:
    million = 1_000_000
    tooltip = "\n".join(_("{fund}: budget {budget}, committed {committed}, paid {paid}").format(
        fund=f.name, budget=format_vnd(f.budget), committed=format_vnd(f.committed),
        paid=format_vnd(f.paid)) for f in funds)
    return _bars(_("Support paid against each fund's budget, {year}").format(year=year),
                 [f.name for f in funds],
                 [(_("Budget"), [f.budget / million for f in funds]),
                  (_("Paid"), [f.paid / million for f in funds])],
                 _("million đồng"), tooltip)


def awards_chart(bars: list[AwardBar], year: int) -> QWidget:
    tooltip = "\n".join(_("{kind}: {last} in {last_year}, {this} in {year}").format(
        kind=b.kind, last=format_count(b.last_year), last_year=year - 1,
        this=format_count(b.this_year), year=year) for b in bars)
    return _bars(_("Awards by kind (recipients)"), [b.kind for b in bars],
                 [(str(year - 1), [float(b.last_year) for b in bars]),
                  (str(year), [float(b.this_year) for b in bars])],
                 _("recipients"), tooltip)


# --- where each thing is done ---------------------------------------------------------------------


def open_todo(window: MainWindow, item: TodoItem) -> Any:
    """Take the clerk where ``item`` is done (returns the dialog opened, if any)."""
    from ui.dialogs.exchange import export_file
    from unionapp.dashboard import Todo

    home = window.home_tab
    if item.kind == Todo.IMPORT_MEMBERS:
        window.tabs.setCurrentWidget(window.members_tab)
        return window.members_tab.import_file()
    if item.kind in (Todo.APPROVE, Todo.PAY):
        window.tabs.setCurrentWidget(window.support_tab)
        _show_cases(window.support_tab, SupportStatus.PROPOSED if item.kind == Todo.APPROVE
                    else SupportStatus.APPROVED)
        return None
    if item.kind == Todo.PRINT:
        window.tabs.setCurrentWidget(window.activities_tab)
        _show_decision(window.activities_tab, item.target)
        return None
    if item.kind == Todo.SEND:
        return export_file(window, window.db)  # the views follow (ui.operations)
    if item.kind == Todo.CONFIRMATION:
        return window.import_file()
    if item.kind in (Todo.LATE_BRANCHES, Todo.CONFLICTS):
        window.tabs.setCurrentWidget(window.exchange_tab)
        return None
    if item.kind == Todo.BACKUP:
        dialog = window.show_backups()
        dialog.finished.connect(lambda _result: home.refresh())
        return dialog
    if item.kind == Todo.REPORT:
        dialog = window.show_reports()
        _choose_period(dialog, item.target)
        return dialog
    return None


def _show_cases(tab: Any, status: str) -> None:
    """The support list with every case of ``status``, whatever the year."""
    from ui.widgets.empty_state import clear_filters
    from ui.widgets.inputs import index_of

    tab.set_scope(None)
    tab.status.blockSignals(True)
    tab.status.setCurrentIndex(index_of(tab.status, status))
    tab.status.blockSignals(False)
    clear_filters(tab, keep=(tab.status,))


def _show_decision(tab: Any, decision: str) -> None:
    """The award decisions, all years, the one given selected."""
    from ui.tabs.sections import reselect
    from ui.widgets.empty_state import clear_filters

    section = tab.decisions
    tab.inner.setCurrentWidget(section)
    clear_filters(section.list)
    if decision:
        reselect(section.list, uuid.UUID(decision))
    section.list.view.setFocus()


def _choose_period(dialog: Any, end: str) -> None:
    """The statistics form over the period ending on ``end``, if the dialog offers it."""
    kind = dialog.kind.findData("statistics")
    if kind >= 0:
        dialog.kind.setCurrentIndex(kind)
    wanted = [i for i, preset in enumerate(dialog.presets)
              if preset.period.end.isoformat() == end]
    if wanted:
        # The statistics periods start on 1 December: prefer one of them to the calendar year.
        wanted.sort(key=lambda i: dialog.presets[i].period.start)
        dialog.period.setCurrentIndex(dialog.period.findData(wanted[0]))
