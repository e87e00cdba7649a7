"""The Chăm lo – Hỗ trợ tab: support cases filtered by kind, status, period and group, with
their totals; the workflow's buttons; the year's funds and batches beside the list; papers
and the spreadsheet export."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.support_step import ACTION  # the step buttons say what the dialogs say
from ui.operations import Attempt, Changes, Outcome, run_op
from ui.roles import needs
from ui.tables.windowed import CENTER, RIGHT, Column, RowSource
from ui.tabs.list_tab import ListTab, combo
from ui.tasks import run_task, show_error
from ui.widgets.empty_state import for_list
from ui.widgets.inputs import index_of
from unionapp.backups.making import BULK_DELETE
from unionapp.db import Database
from unionapp.errors import UserError
from unionapp.filenames import proposed_path
from unionapp.i18n import N_, _
from unionapp.labels import SUPPORT_STATUS, label
from unionapp.models import OrgKind, SupportStatus
from unionapp.org import list_units
from unionapp.permissions import Permission
from unionapp.progress import Progress
from unionapp.support import (
    CaseQuery,
    CaseRow,
    case_list,
    case_totals,
    correct_amount,
    delete_case,
    fund_balances,
    fund_years,
    kind_list,
    transition_cases,
)
from unionapp.support.batches import batch_list
from unionapp.support.cases import STEP_PERMISSION
from unionapp.text import format_date, format_vnd

if TYPE_CHECKING:
    from unionapp.support.papers import ListScope, PaperResult

RED = QBrush(QColor("#b00020"))

COLUMNS: list[Column[CaseRow]] = [
    Column("occurred_on", N_("Date"), lambda r: format_date(r.occurred_on), CENTER, 90),
    Column("member", N_("Member"), lambda r: r.member_name, width=190),
    Column("group", N_("Union group"), lambda r: r.group, width=200, hidden=True),
    Column("beneficiary", N_("Beneficiary (relative)"),
           lambda r: f"{r.beneficiary_name} ({r.relation})" if r.beneficiary_name else "",
           width=190),
    Column("kind", N_("Kind of support"), lambda r: r.kind, width=160),
    Column("amount", N_("Amount"), lambda r: format_vnd(r.amount), RIGHT, 110),
    Column("status", N_("Status"), lambda r: label(SUPPORT_STATUS, r.status), width=90,
           fits=tuple(SUPPORT_STATUS.values())),
    Column("fund", N_("Fund"), lambda r: r.fund, width=200, hidden=True),
    Column("batch", N_("Batch"), lambda r: r.batch, width=200, hidden=True),
    Column("reason", N_("Reason"), lambda r: r.reason, width=260),
    Column("paper_ref", N_("Paper reference"), lambda r: r.paper_ref, width=110, hidden=True),
]

# The periods of a year the list can show: (label, first month, last month).
QUARTERS = [(N_("Quarter I"), 1, 3), (N_("Quarter II"), 4, 6), (N_("Quarter III"), 7, 9),
            (N_("Quarter IV"), 10, 12)]


def period_range(year: int | None, months: tuple[int, int] | None) -> tuple[date | None,
                                                                           date | None]:
    """The first and last day of a year, or of some of its months."""
    if year is None:
        return None, None
    first, last = months or (1, 12)
    end = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
    return date(year, first, 1), date.fromordinal(end.toordinal() - 1)


@dataclass(frozen=True)
class Scope:
    """The list narrowed to one fund's or one batch's cases (from the side panel)."""

    what: str  # "fund" or "batch"
    uuid: uuid.UUID
    title: str
    criteria: str = ""


class SupportTab(ListTab):
    settings_key = "support"
    shows = Changes.SUPPORT | Changes.MEMBERS | Changes.UNITS

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(db, COLUMNS, parent)
        self.scope: Scope | None = None
        self.last_paper: PaperResult | None = None
        self.view.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        self.view.doubleClicked.connect(lambda _i: self.edit_case())
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)

        # Filters: kind, status, group, year, period.
        self.kind = combo([])
        self._fill_kinds()
        self.status = combo([(_("All statuses"), None)]
                            + [(label(SUPPORT_STATUS, s), s) for s in SupportStatus.ALL])
        self.group = combo([(_("All groups"), None)]
                           + [(g.name, g.uuid) for g in list_units(db, OrgKind.GROUP)])
        self.group.setMaximumWidth(260)
        this_year = date.today().year
        years = sorted({this_year, *fund_years(db)}, reverse=True)
        self.year = combo([(_("All years"), None)] + [(str(y), y) for y in years])
        self.year.setCurrentIndex(index_of(self.year, this_year))
        self.period = combo([(_("Whole year"), None)]
                            + [(_(name), (a, b)) for name, a, b in QUARTERS]
                            + [(_("Month {month}").format(month=m), (m, m)) for m in range(1, 13)])
        self.add_branch_filter()
        for box in (self.kind, self.status, self.group, self.year, self.period):
            self.add_filter(box)
        self.year.currentIndexChanged.connect(lambda _i: self.period.setEnabled(
            self.year.currentData() is not None))

        # The scope chip: "Batch: … ✕".
        self.scope_label = QLabel()
        self.scope_clear = QToolButton()
        self.scope_clear.setText(_("Show all"))
        self.scope_clear.clicked.connect(lambda: self.set_scope(None))
        scope_row = QHBoxLayout()
        scope_row.addWidget(self.scope_label, 1)
        scope_row.addWidget(self.scope_clear)
        self.scope_bar = QWidget()
        self.scope_bar.setLayout(scope_row)
        self.scope_bar.hide()

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._build_actions()

        # Funds and batches beside the list.
        self.funds_table = QTableWidget(0, 3)
        self.funds_table.setHorizontalHeaderLabels([_("Fund"), _("Budget"), _("Left")])
        self.funds_table.verticalHeader().hide()
        self.funds_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.funds_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.funds_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.funds_table.itemClicked.connect(self._fund_clicked)
        self.funds_title = QLabel()
        self.batches = QListWidget()
        self.batches.setWordWrap(True)
        self.batches.itemClicked.connect(self._batch_clicked)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.funds_title)
        side_layout.addWidget(self.funds_table, 2)
        side_layout.addWidget(QLabel("<b>" + _("Batches") + "</b>"))
        side_layout.addWidget(self.batches, 3)

        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.removeWidget(self.view)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([900, 330])
        layout.insertWidget(1, self.toolbar)
        layout.insertWidget(2, self.scope_bar)
        layout.insertWidget(3, self.splitter, 1)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_actions())
        self._update_actions()
        self.empty = for_list(self, _("No support cases yet"), _(
            "Record a case (a sickness visit, a bereavement, a wedding…) or support for many "
            "members at once (Tết gifts…). Set the year's fund budgets first, so that "
            "each case is counted against its fund."), [
            (_("New case…"), self.new_case, Permission.SUPPORT_PROPOSE),
            (_("Support for many…"), self.new_batch, Permission.SUPPORT_PROPOSE),
            (_("Funds…"), self.manage_funds, Permission.SUPPORT_FUNDS)],
            lambda: bool(case_list(db, CaseQuery()).page(0, 1)))

    # -- building -------------------------------------------------------------------------------

    def _action(self, text: str, slot: Callable[[], object],
                shortcut: QKeySequence | None = None) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _on=False: slot())
        if shortcut is not None:
            action.setShortcut(shortcut)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(_("New case…"), self.new_case,
                                       QKeySequence(QKeySequence.StandardKey.New))
        self.edit_action = self._action(_("Open…"), self.edit_case)
        self.step_actions = {
            status: self._action(_(ACTION[status]), lambda s=status: self.step(s))
            for status in (SupportStatus.APPROVED, SupportStatus.PAID, SupportStatus.CLOSED,
                           SupportStatus.REJECTED)
        }
        self.step_actions[SupportStatus.REJECTED].setText(_("Reject…"))
        self.correct_action = self._action(_("Correct the amount…"), self.correct)
        self.delete_action = self._action(_("Delete"), self.delete)
        self.batch_action = self._action(_("Support for many…"), self.new_batch)
        self.print_list_action = self._action(_("Signature list…"), self.print_list)
        self.print_slip_action = self._action(_("Payment slip"), self.print_slips)
        self.export_action = self._action(_("Export…"), self.export)
        self.funds_action = self._action(_("Funds…"), self.manage_funds)
        self.kinds_action = self._action(_("Kinds of support…"), self.manage_kinds)
        for action, permission in ((self.new_action, Permission.SUPPORT_PROPOSE),
                                   (self.correct_action, Permission.SUPPORT_CORRECT),
                                   (self.delete_action, Permission.SUPPORT_PROPOSE),
                                   (self.batch_action, Permission.SUPPORT_PROPOSE),
                                   (self.funds_action, Permission.SUPPORT_FUNDS),
                                   (self.kinds_action, Permission.SUPPORT_FUNDS),
                                   *((a, STEP_PERMISSION[s])
                                     for s, a in self.step_actions.items())):
            needs(action, permission)
        # The day's work on the toolbar; the rarer actions under "More ▾", so that it fits a
        # 1024-pixel screen (and a larger desktop font on a wider one) without a » menu.
        for group in ((self.new_action, self.edit_action),
                      tuple(self.step_actions.values()),
                      (self.batch_action,),
                      (self.print_list_action, self.print_slip_action)):
            for action in group:
                self.toolbar.addAction(action)
            self.toolbar.addSeparator()
        more = QMenu(self)
        for group in ((self.correct_action, self.delete_action), (self.export_action,),
                      (self.funds_action, self.kinds_action)):
            more.addSeparator()
            more.addActions(list(group))
        self.more_button = QToolButton()
        self.more_button.setText(_("More"))
        self.more_button.setMenu(more)
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_action = self.toolbar.addWidget(self.more_button)
        for action in more.actions():  # shown while the role may take one of them
            action.changed.connect(self._update_more)
        self._update_more()

    def toolbar_actions(self) -> list[QAction]:
        """Every action the toolbar offers, its "More" menu's included."""
        return [a for a in self.toolbar.actions() if a is not self.more_action] + [
            a for a in self.more_button.menu().actions() if not a.isSeparator()]

    def _update_more(self) -> None:
        self.more_action.setVisible(any(a.isVisible() for a in self.more_button.menu().actions()
                                        if not a.isSeparator()))

    def _fill_kinds(self) -> None:
        current = self.kind.currentData()
        self.kind.blockSignals(True)
        self.kind.clear()
        self.kind.addItem(_("All kinds"), None)
        for k in kind_list(self.db, include_inactive=True):
            self.kind.addItem(k.name, k.code)
        self.kind.setCurrentIndex(max(index_of(self.kind, current), 0))
        self.kind.blockSignals(False)

    # -- what the list shows ------------------------------------------------------------------

    def search_hint(self) -> str:
        return _("Search by member's name")

    def query(self, text: str | None = None) -> CaseQuery:
        year = self.year.currentData()
        date_from, date_to = period_range(year, self.period.currentData())
        scope = self.scope
        return CaseQuery(
            text=self.search.text() if text is None else text,
            kind_code=self.kind.currentData(),
            status=self.status.currentData(),
            date_from=date_from,
            date_to=date_to,
            group=self.group.currentData(),
            fund=scope.uuid if scope and scope.what == "fund" else None,
            batch=scope.uuid if scope and scope.what == "batch" else None,
            branch=self.branch(),
        )

    def source(self, text: str) -> RowSource[CaseRow]:
        return case_list(self.db, self.query(text))

    def footer_text(self, count: int) -> str:
        totals = case_totals(self.db, self.query())
        pending = totals.by_status.get(SupportStatus.PROPOSED, (0, 0))
        return _("{count} cases — total {amount}; paid {given}; awaiting approval: {waiting} "
                 "({waiting_amount})").format(
            count=count, amount=format_vnd(totals.amount), given=format_vnd(totals.given),
            waiting=pending[0], waiting_amount=format_vnd(pending[1]))

    def on_outcome(self, outcome: Outcome) -> None:
        if outcome.touches(self.db, Changes.SUPPORT):
            self._fill_kinds()  # a kind added or renamed
        super().on_outcome(outcome)

    def reload(self) -> None:
        row = self.view.currentIndex().row()
        super().reload()
        if hasattr(self, "funds_table"):
            self._fill_side()
            if 0 <= row < self.model.rowCount():
                self.view.selectRow(row)
            self._update_actions()

    def set_scope(self, scope: Scope | None) -> None:
        self.scope = scope
        if scope is None:
            self.scope_bar.hide()
        else:
            what = _("Fund") if scope.what == "fund" else _("Batch")
            self.scope_label.setText(f"<b>{what}:</b> {scope.title}")
            self.scope_bar.show()
        self.reload()

    def _fill_side(self) -> None:
        year = self.year.currentData() or date.today().year
        self.funds_title.setText("<b>" + _("Funds {year}").format(year=year) + "</b>")
        self.funds = fund_balances(self.db, year)
        self.funds_table.setRowCount(len(self.funds))
        for i, f in enumerate(self.funds):
            name = QTableWidgetItem(f.name)
            name.setToolTip(_("Budget {budget}; committed {committed} (paid {paid}); proposed "
                              "{pending}; left {left}").format(
                budget=format_vnd(f.budget), committed=format_vnd(f.committed),
                paid=format_vnd(f.paid), pending=format_vnd(f.pending),
                left=format_vnd(f.remaining)))
            budget = QTableWidgetItem(format_vnd(f.budget, unit=False))
            left = QTableWidgetItem(format_vnd(f.remaining, unit=False))
            for item in (budget, left):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if f.remaining < 0:
                left.setForeground(RED)
            for col, item in enumerate((name, budget, left)):
                self.funds_table.setItem(i, col, item)
        self.batches.clear()
        self.batch_rows = batch_list(self.db, self.year.currentData())
        for b in self.batch_rows:
            item = QListWidgetItem(_("{title}\n{date} · {count} people · {total}").format(
                title=b.title, date=format_date(b.occurred_on), count=b.count,
                total=format_vnd(b.total)))
            item.setData(Qt.ItemDataRole.UserRole, b.uuid)
            self.batches.addItem(item)

    def _fund_clicked(self, item: QTableWidgetItem) -> None:
        f = self.funds[item.row()]
        self.set_scope(Scope("fund", f.uuid, f.label))

    def _batch_clicked(self, item: QListWidgetItem) -> None:
        b = next(b for b in self.batch_rows if b.uuid == item.data(Qt.ItemDataRole.UserRole))
        self.set_scope(Scope("batch", b.uuid, b.title, b.criteria))

    # -- selection and actions ------------------------------------------------------------------

    def selected_rows(self) -> list[CaseRow]:
        indexes = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        rows = [self.model.row_at(i) for i in indexes]
        return [r for r in rows if r is not None]

    def _update_actions(self) -> None:
        rows = self.selected_rows()
        statuses = {r.status for r in rows}
        self.edit_action.setEnabled(len(rows) == 1)
        for status, action in self.step_actions.items():
            action.setEnabled(bool(rows) and all(status in SupportStatus.NEXT[s]
                                                 for s in statuses))
        self.correct_action.setEnabled(len(rows) == 1 and rows[0].status in SupportStatus.GIVEN)
        self.delete_action.setEnabled(len(rows) == 1 and rows[0].status ==
                                      SupportStatus.PROPOSED)
        self.print_slip_action.setEnabled(bool(rows) and statuses <= set(SupportStatus.COMMITTED))

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction(self.edit_action)
        menu.addSeparator()
        for action in self.step_actions.values():
            menu.addAction(action)
        menu.addAction(self.correct_action)
        menu.addSeparator()
        menu.addAction(self.print_slip_action)
        menu.addAction(self.delete_action)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def new_case(self) -> None:
        from ui.dialogs.support_case import CaseDialog

        CaseDialog(self.db, parent=self).exec()

    def edit_case(self, case_uuid: uuid.UUID | None = None) -> None:
        from ui.dialogs.support_case import CaseDialog

        if case_uuid is None:
            rows = self.selected_rows()
            if len(rows) != 1:
                return
            case_uuid = rows[0].uuid
        try:
            dialog = CaseDialog(self.db, case_uuid, parent=self)
        except UserError as error:
            show_error(self, error)
            return
        dialog.exec()

    def step(self, to_status: str) -> None:
        from ui.dialogs.support_step import StepDialog

        rows = self.selected_rows()
        if not rows:
            return
        dialog = StepDialog(rows, to_status, self)
        if not dialog.exec():
            return
        on, note, db = dialog.on.date_value(), dialog.note.text(), self.db
        versions = {r.uuid: r.version for r in rows}

        def work(attempt: Attempt) -> int:
            return transition_cases(db, list(versions), to_status, on=on, note=note,
                                    override=attempt.override, expected_versions=versions)

        many = len(rows) >= BULK_DELETE  # rejecting many is backed up first: off the GUI
        run_op(self, work, db=db, changes=Changes.SUPPORT,
               label=_("Recording {count} cases…").format(count=len(rows)) if many else None,
               on_failed=lambda _error: self.refresh(),  # someone else changed them meanwhile?
               said=lambda count: _("{count} cases: {status}.").format(
                   count=count, status=label(SUPPORT_STATUS, to_status)))

    def correct(self) -> None:
        from ui.dialogs.support_step import CorrectionDialog

        rows = self.selected_rows()
        if len(rows) != 1:
            return
        row = rows[0]
        dialog = CorrectionDialog(row, self)
        if not dialog.exec():
            return
        amount, reason, db = dialog.amount.value() or 0, dialog.reason.text(), self.db
        run_op(self, lambda attempt: correct_amount(db, row.uuid, amount, reason,
                                                    override=attempt.override,
                                                    expected_version=row.version),
               db=db, changes=Changes.SUPPORT, on_failed=lambda _error: self.refresh())

    def delete(self) -> None:
        rows = self.selected_rows()
        if len(rows) != 1:
            return
        answer = QMessageBox.question(self, _("Delete"), _(
            "Delete the case of {member} ({kind}, {amount})? Only a case entered by mistake "
            "should be deleted.").format(member=rows[0].member_name, kind=rows[0].kind,
                                         amount=format_vnd(rows[0].amount)))
        if answer != QMessageBox.StandardButton.Yes:
            return
        db, case = self.db, rows[0].uuid
        run_op(self, lambda _a: delete_case(db, case), db=db, changes=Changes.SUPPORT)

    def new_batch(self) -> None:
        from ui.dialogs.support_batch import BatchDialog

        dialog = BatchDialog(self.db, self)
        if not dialog.exec() or dialog.batch_result is None:
            return
        result = dialog.batch_result
        batch = next((b for b in batch_list(self.db) if b.uuid == result.uuid), None)
        self.year.setCurrentIndex(max(index_of(self.year, dialog.on.date_value().year), 0))
        self.set_scope(Scope("batch", result.uuid, result.title, batch.criteria if batch else ""))
        answer = QMessageBox.question(self, dialog.windowTitle(), _(
            "{count} cases recorded, {total} in all. Print the signature list now?").format(
            count=result.count, total=format_vnd(result.total)))
        if answer == QMessageBox.StandardButton.Yes:
            self.print_list()

    # -- papers and export ----------------------------------------------------------------------

    def _default_title(self) -> tuple[str, str]:
        if self.scope is not None and self.scope.what == "batch":
            return self.scope.title, self.scope.criteria
        parts = [_("Care and support for members")]
        if self.kind.currentData():
            parts = [self.kind.currentText()]
        year = self.year.currentData()
        if year and self.period.currentData():
            parts.append(_("{period} of {year}").format(period=self.period.currentText(),
                                                        year=year))
        elif year:
            parts.append(_("year {year}").format(year=year))
        return " – ".join(parts), self.group.currentText() if self.group.currentData() else ""

    def list_scopes(self) -> list[ListScope]:
        """What a signature list may hold: the selected cases first (when any are), then
        the batch or the list as shown."""
        from unionapp.support.papers import list_scope

        query, rows = self.query(), self.selected_rows()
        scopes = []
        if rows:
            scopes.append(list_scope(self.db, _("Only the selected cases ({count})").format(
                count=len(rows)), query, rows))
        if self.scope is not None and self.scope.what == "batch":
            label = _("The whole batch “{title}”").format(title=self.scope.title)
        else:
            label = _("Every case of the list as shown ({count})").format(
                count=self.model.rowCount())
        scopes.append(list_scope(self.db, label, query))
        return scopes

    def print_list(self) -> None:
        from ui.dialogs.support_print import PrintListDialog
        from unionapp.support.papers import paper_path, paper_setup, signature_list_pdf

        title, subtitle = self._default_title()
        dialog = PrintListDialog(paper_setup(self.db), title=title, subtitle=subtitle,
                                 scopes=self.list_scopes(), parent=self)
        if not dialog.exec():
            return
        scope = dialog.chosen_scope()
        assert scope is not None
        setup, db = dialog.chosen_setup(), self.db
        title, subtitle = dialog.title.text(), dialog.subtitle.text()
        path = paper_path("danh-sach-ky-nhan")

        def work(progress: Progress) -> PaperResult:
            return signature_list_pdf(db, path, scope.query, case_uuids=scope.case_uuids,
                                      title=title, subtitle=subtitle, setup=setup,
                                      progress=progress)

        window = _("Signature list — {title}").format(title=title) if title else \
            _("Signature list")
        run_task(self, work, on_done=lambda result: self._show_paper(result, window),
                 label=_("Preparing the signature list…"))

    def print_slips(self) -> None:
        from unionapp.support.papers import paper_path, payment_slips_pdf

        rows = self.selected_rows()
        if not rows:
            return
        cases, db = [r.uuid for r in rows], self.db
        path = paper_path("phieu-chi")

        def work(progress: Progress) -> PaperResult:
            return payment_slips_pdf(db, path, cases, progress=progress)

        window = (_("Payment slip — {name}").format(name=rows[0].member_name) if len(rows) == 1
                  else _("Payment slips — {count} cases").format(count=len(rows)))
        run_task(self, work, on_done=lambda result: self._show_paper(result, window),
                 label=_("Preparing the payment slips…"))

    def _show_paper(self, result: PaperResult, title: str) -> None:
        """The preview, titled with what the paper is (its file name is nobody's business);
        saving it proposes that title as the file's name, in Documents."""
        from ui.dialogs.pdf_preview import preview_pdf

        self.last_paper = result
        preview_pdf(self, result.path, title)

    def export(self) -> None:
        from unionapp.support.export import export_cases

        title, _subtitle = self._default_title()
        name, chosen = QFileDialog.getSaveFileName(
            self, _("Export the list"), str(proposed_path("cham-lo-ho-tro", ".xlsx")),
            _("Excel workbook (*.xlsx);;CSV, UTF-8 (*.csv)"))
        if not name:
            return
        path = Path(name)
        if not path.suffix:
            path = path.with_suffix(".csv" if "csv" in chosen.lower() else ".xlsx")
        query, db = self.query(), self.db

        def work(attempt: Attempt) -> int:
            return export_cases(db, path, query, title=title.upper(), progress=attempt.progress)

        run_op(self, work, db=db, label=_("Exporting…"), cancellable=True, file=path,
               said=lambda count: _("{count} cases written to {path}.").format(
                   count=format_vnd(count, unit=False), path=path.name))

    # -- set-up --------------------------------------------------------------------------------

    def manage_funds(self) -> None:
        from ui.dialogs.support_setup import FundsDialog

        FundsDialog(self.db, self.year.currentData(), self).exec()

    def manage_kinds(self) -> None:
        from ui.dialogs.support_setup import KindsDialog

        KindsDialog(self.db, self).exec()
