"""Setting up support work: the year's funds (quỹ / dự toán) and the branch's catalogue of kinds
of support."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.support_common import warn_problems
from ui.operations import Changes, Outcome, listen, run_op
from ui.widgets.editing import EditDialog
from ui.widgets.inputs import MoneyEdit, index_of
from unionapp.catalogues import SUPPORT_FUNDS
from unionapp.db import Database
from unionapp.i18n import N_, _
from unionapp.support import (
    FundBalance,
    FundInput,
    KindInput,
    KindRow,
    copy_funds,
    delete_fund,
    fund_balances,
    fund_years,
    kind_list,
    save_fund,
    save_kind,
)
from unionapp.text import format_vnd

RED = QBrush(QColor("#b00020"))


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                           | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
    box.rejected.connect(dialog.reject)
    return box


def _cell(text: str, *, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class FundForm(EditDialog):
    def __init__(self, db: Database, year: int, fund: FundBalance | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.fund = fund
        self.setWindowTitle(_("Fund") if fund else _("New fund"))
        self.code = QComboBox()
        self.code.setEditable(True)
        for code, _name in SUPPORT_FUNDS:
            self.code.addItem(code)
        self.name = QLineEdit()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(fund.year if fund else year)
        self.budget = MoneyEdit()
        self.note = QLineEdit()
        self.code.currentTextChanged.connect(self._suggest_name)
        if fund is not None:
            self.code.setEditText(fund.code)
            self.name.setText(fund.name)
            self.budget.set_value(fund.budget)
            self.note.setText(fund.note)
        else:
            self._suggest_name(self.code.currentText())
        form = QFormLayout()
        form.addRow(_("Code:"), self.code)
        form.addRow(_("Name:"), self.name)
        form.addRow(_("Year:"), self.year)
        form.addRow(_("Budget (đồng):"), self.budget)
        form.addRow(_("Note:"), self.note)
        buttons = _buttons(self)
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(460, 220)

    def _suggest_name(self, code: str) -> None:
        names = dict(SUPPORT_FUNDS)
        if code in names and (not self.name.text() or self.name.text() in names.values()):
            self.name.setText(names[code])

    def save(self) -> None:
        if self.budget.value() is None:
            QMessageBox.warning(self, self.windowTitle(),
                                _("The amount must be whole đồng, e.g. 1.500.000."))
            return
        data = FundInput(code=self.code.currentText(), name=self.name.text(),
                         year=self.year.value(), budget=self.budget.value() or 0,
                         note=self.note.text())
        db, fund = self.db, self.fund
        run_op(self, lambda _a: save_fund(db, data, fund.uuid if fund else None,
                                          expected_version=fund.version if fund else None),
               db=db, changes=Changes.SUPPORT, on_done=lambda _saved: self.accept(),
               on_refused=lambda error: warn_problems(self, error))


class FundsDialog(QDialog):
    """Each year's funds: budget, committed, paid, pending, what is left."""

    HEADERS = (N_("Code"), N_("Fund"), N_("Budget"), N_("Committed"), N_("Paid"),
               N_("Proposed"), N_("Left"))

    def __init__(self, db: Database, year: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(_("Funds"))
        self.year = QComboBox()
        this_year = date.today().year
        years = sorted({this_year, this_year + 1, *fund_years(db)}, reverse=True)
        for y in years:
            self.year.addItem(str(y), y)
        self.year.setCurrentIndex(max(index_of(self.year, year or this_year), 0))
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels([_(h) for h in self.HEADERS])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        for i, w in enumerate((60, 260, 110, 110, 110, 110)):
            self.table.setColumnWidth(i, w)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        add = QPushButton(_("Add…"))
        edit = QPushButton(_("Edit…"))
        remove = QPushButton(_("Remove"))
        self.copy = QPushButton()
        close = QPushButton(_("Close"))
        add.clicked.connect(self.add)
        edit.clicked.connect(self.edit)
        remove.clicked.connect(self.remove)
        self.copy.clicked.connect(self.copy_last_year)
        close.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(self.year)
        top.addStretch(1)
        top.addWidget(self.copy)
        buttons = QHBoxLayout()
        for b in (add, edit, remove):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.year.currentIndexChanged.connect(lambda _i: self.reload())
        self.resize(900, 360)
        self.reload()
        listen(self.on_outcome)

    def on_outcome(self, outcome: Outcome) -> None:
        if outcome.touches(self.db, Changes.SUPPORT):
            self.reload()

    def selected_year(self) -> int:
        return int(self.year.currentData())

    def reload(self) -> None:
        year = self.selected_year()
        self.copy.setText(_("Set up {year} like {last}").format(year=year, last=year - 1))
        self.funds = fund_balances(self.db, year)
        self.table.setRowCount(len(self.funds))
        for row, f in enumerate(self.funds):
            values = [f.code, f.name]
            money = [f.budget, f.committed, f.paid, f.pending, f.remaining]
            for col, text in enumerate(values):
                self.table.setItem(row, col, _cell(text))
            for col, amount in enumerate(money, start=2):
                item = _cell(format_vnd(amount), right=True)
                if col == 6 and amount < 0:
                    item.setForeground(RED)
                self.table.setItem(row, col, item)

    def _current(self) -> FundBalance | None:
        row = self.table.currentRow()
        return self.funds[row] if 0 <= row < len(self.funds) else None

    def add(self) -> None:
        FundForm(self.db, self.selected_year(), parent=self).exec()

    def edit(self) -> None:
        fund = self._current()
        if fund is not None:
            FundForm(self.db, fund.year, fund, parent=self).exec()

    def remove(self) -> None:
        fund = self._current()
        if fund is None:
            return
        answer = QMessageBox.question(self, _("Remove"), _("Remove “{fund}”?").format(
            fund=fund.label))
        if answer == QMessageBox.StandardButton.Yes:
            db = self.db
            run_op(self, lambda _a: delete_fund(db, fund.uuid), db=db, changes=Changes.SUPPORT)

    def copy_last_year(self) -> None:
        year, db = self.selected_year(), self.db

        def done(added: object) -> None:
            if not added:
                QMessageBox.information(self, _("Funds"), _(
                    "Nothing to add: {last} has no fund that {year} lacks.").format(
                    last=year - 1, year=year))

        run_op(self, lambda _a: copy_funds(db, year - 1, year), db=db, on_done=done,
               changes=lambda added: Changes.SUPPORT if added else Changes.NONE)


class KindForm(EditDialog):
    def __init__(self, db: Database, kind: KindRow | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.kind = kind
        self.setWindowTitle(_("Kind of support") if kind else _("New kind of support"))
        self.code = QLineEdit()
        self.name = QLineEdit()
        self.amount = MoneyEdit()
        self.needs_approval = QCheckBox(_("Each case is approved by the committee"))
        self.fund = QComboBox()
        self.fund.setEditable(True)
        self.fund.addItem("")
        for code, _name in SUPPORT_FUNDS:
            self.fund.addItem(code)
        self.active = QCheckBox(_("In use"))
        self.active.setChecked(True)
        if kind is not None:
            self.code.setText(kind.code)
            self.name.setText(kind.name)
            self.amount.set_value(kind.default_amount)
            self.needs_approval.setChecked(kind.needs_approval)
            self.fund.setEditText(kind.fund_code)
            self.active.setChecked(kind.active)
        else:
            self.needs_approval.setChecked(True)
        form = QFormLayout()
        form.addRow(_("Code:"), self.code)
        form.addRow(_("Name:"), self.name)
        form.addRow(_("Default amount (đồng):"), self.amount)
        form.addRow("", self.needs_approval)
        form.addRow(_("Usual fund (code):"), self.fund)
        form.addRow("", self.active)
        buttons = _buttons(self)
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(460, 240)

    def save(self) -> None:
        data = KindInput(code=self.code.text(), name=self.name.text(),
                         default_amount=self.amount.value() if self.amount.value() is not None
                         else -1,
                         needs_approval=self.needs_approval.isChecked(),
                         fund_code=self.fund.currentText(), active=self.active.isChecked())
        db, kind = self.db, self.kind
        run_op(self, lambda _a: save_kind(db, data, kind.uuid if kind else None),
               db=db, changes=Changes.SUPPORT, on_done=lambda _saved: self.accept(),
               on_refused=lambda error: warn_problems(self, error))


class KindsDialog(QDialog):
    """The branch's catalogue of kinds of support (its spending rules' amounts)."""

    HEADERS = (N_("Code"), N_("Kind of support"), N_("Default amount"), N_("Approval"),
               N_("Usual fund"), N_("In use"))

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(_("Kinds of support"))
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels([_(h) for h in self.HEADERS])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        for i, w in enumerate((90, 280, 120, 150, 90)):
            self.table.setColumnWidth(i, w)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        add = QPushButton(_("Add…"))
        edit = QPushButton(_("Edit…"))
        close = QPushButton(_("Close"))
        add.clicked.connect(self.add)
        edit.clicked.connect(self.edit)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(edit)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(900, 400)
        self.reload()
        listen(self.on_outcome)

    def on_outcome(self, outcome: Outcome) -> None:
        if outcome.touches(self.db, Changes.SUPPORT):
            self.reload()

    def reload(self) -> None:
        self.kinds = kind_list(self.db, include_inactive=True)
        self.table.setRowCount(len(self.kinds))
        for row, k in enumerate(self.kinds):
            cells = [_cell(k.code), _cell(k.name), _cell(format_vnd(k.default_amount), right=True),
                     _cell(_("by the committee") if k.needs_approval else
                           _("by the spending rules")),
                     _cell(k.fund_code), _cell(_("Yes") if k.active else _("No"))]
            for col, item in enumerate(cells):
                self.table.setItem(row, col, item)

    def add(self) -> None:
        KindForm(self.db, parent=self).exec()

    def edit(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.kinds):
            KindForm(self.db, self.kinds[row], parent=self).exec()
