"""The same support for many members at once: pick them by group, gender, young children;
tick or untick; give the kind, date and amount; all cases are written in one transaction."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.support_common import warn_problems
from ui.operations import Attempt, Changes, run_op
from ui.widgets.editing import EditDialog
from ui.widgets.inputs import DateEdit, MoneyEdit
from unionapp.db import Database
from unionapp.i18n import N_, _
from unionapp.labels import GENDER, label
from unionapp.models import Gender, MemberStatus, OrgKind
from unionapp.org import list_units
from unionapp.permissions import Permission, allows
from unionapp.support import FundBalance, fund_balances, kind_list
from unionapp.support.batches import (
    BatchCandidate,
    BatchInput,
    BatchResult,
    BatchSelection,
    batch_candidates,
    create_batch,
)
from unionapp.text import format_birth, format_vnd

Index = QModelIndex | QPersistentModelIndex
HEADERS = [N_("Full name"), N_("Union group"), N_("Date of birth"), N_("Young children"),
           N_("Note")]


class CandidatesModel(QAbstractTableModel):
    """The members a batch may be for, each with a tick box (ticked unless already given)."""

    ticks_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[BatchCandidate] = []
        self.ticked: set[uuid.UUID] = set()

    def set_rows(self, rows: list[BatchCandidate]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.ticked = {r.member_uuid for r in rows if not r.already}
        self.endResetModel()
        self.ticks_changed.emit()

    def set_all(self, on: bool) -> None:
        self.ticked = {r.member_uuid for r in self.rows} if on else set()
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))
        self.ticks_changed.emit()

    def chosen(self) -> list[uuid.UUID]:
        return [r.member_uuid for r in self.rows if r.member_uuid in self.ticked]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == 0:
            return (Qt.CheckState.Checked if row.member_uuid in self.ticked
                    else Qt.CheckState.Unchecked)
        if role == Qt.ItemDataRole.DisplayRole:
            return [row.full_name, row.group, format_birth(row.date_of_birth, row.birth_year),
                    ", ".join(row.children),
                    _("already had it this year") if row.already else ""][index.column()]
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 0:
            return False
        member = self.rows[index.row()].member_uuid
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.ticked.add(member)
        else:
            self.ticked.discard(member)
        self.dataChanged.emit(index, index)
        self.ticks_changed.emit()
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else base

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(HEADERS[section])
        return None


class BatchDialog(EditDialog):
    """After ``exec()`` returns true, ``batch_result`` says what was written."""

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.batch_result: BatchResult | None = None
        self.setWindowTitle(_("Support for many members"))
        # Whom.
        self.group = QComboBox()
        self.group.addItem(_("All groups"), None)
        for g in list_units(db, OrgKind.GROUP):
            self.group.addItem(g.name, g.uuid)
        self.gender = QComboBox()
        self.gender.addItem(_("Men and women"), None)
        for g in Gender.ALL:
            self.gender.addItem(label(GENDER, g), g)
        self.with_children = QCheckBox(_("Only members with a child under"))
        self.child_age = QSpinBox()
        self.child_age.setRange(1, 25)
        self.child_age.setValue(6)
        self.child_age.setSuffix(" " + _("years"))
        self.retired = QCheckBox(_("Retired members too"))
        self.model = CandidatesModel()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.horizontalHeader().setStretchLastSection(True)
        for i, w in enumerate((210, 220, 90, 220)):
            self.view.setColumnWidth(i, w)
        tick_all = QPushButton(_("Tick all"))
        tick_none = QPushButton(_("Untick all"))
        tick_all.clicked.connect(lambda: self.model.set_all(True))
        tick_none.clicked.connect(lambda: self.model.set_all(False))
        # What.
        self.kinds = {k.uuid: k for k in kind_list(db)}
        self.kind = QComboBox()
        for k in self.kinds.values():
            self.kind.addItem(k.name, k.uuid)
        tet = next((i for i, k in enumerate(self.kinds.values()) if k.code == "TET"), 0)
        self.kind.setCurrentIndex(tet)
        self.title = QLineEdit()
        self._auto_title = ""
        self.on = DateEdit(date.today())
        self.amount = MoneyEdit()
        self.fund = QComboBox()
        self.reason = QLineEdit()
        self.paper_ref = QLineEdit()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.balances: dict[uuid.UUID, FundBalance] = {}

        whom = QGroupBox(_("Whom"))
        whom_form = QFormLayout(whom)
        whom_form.addRow(_("Union group:"), self.group)
        whom_form.addRow(_("Gender:"), self.gender)
        children = QHBoxLayout()
        children.addWidget(self.with_children)
        children.addWidget(self.child_age)
        children.addStretch(1)
        whom_form.addRow(children)
        whom_form.addRow(self.retired)
        what = QGroupBox(_("What"))
        what_form = QFormLayout(what)
        what_form.addRow(_("Kind of support:"), self.kind)
        what_form.addRow(_("Title:"), self.title)
        what_form.addRow(_("Date:"), self.on)
        what_form.addRow(_("Amount per person (đồng):"), self.amount)
        what_form.addRow(_("Fund:"), self.fund)
        what_form.addRow(_("Reason:"), self.reason)
        what_form.addRow(_("Paper reference:"), self.paper_ref)
        what_form.addRow(self.summary)
        left = QVBoxLayout()
        left.addWidget(whom)
        left.addWidget(what)
        left.addStretch(1)
        ticks = QHBoxLayout()
        ticks.addWidget(tick_all)
        ticks.addWidget(tick_none)
        ticks.addStretch(1)
        right = QVBoxLayout()
        right.addLayout(ticks)
        right.addWidget(self.view, 1)
        body = QHBoxLayout()
        body.addLayout(left, 4)
        body.addLayout(right, 6)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.create)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)
        self.resize(1180, 640)

        for combo in (self.group, self.gender):
            combo.currentIndexChanged.connect(lambda _i: self.find())
        self.with_children.toggled.connect(lambda _on: self.find())
        self.child_age.valueChanged.connect(lambda _v: self.find())
        self.retired.toggled.connect(lambda _on: self.find())
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.on.dateChanged.connect(lambda _d: (self._fill_funds(), self._suggest_title(),
                                                self.find()))
        self.amount.value_changed.connect(lambda _v: self._update_summary())
        self.fund.currentIndexChanged.connect(lambda _i: self._update_summary())
        self.model.ticks_changed.connect(self._update_summary)
        self._kind_changed()

    # -- choosing ---------------------------------------------------------------------------

    def selection(self) -> BatchSelection:
        statuses = (MemberStatus.ACTIVE, MemberStatus.RETIRED) if self.retired.isChecked() \
            else (MemberStatus.ACTIVE,)
        return BatchSelection(
            group=self.group.currentData(),
            gender=self.gender.currentData(),
            child_under=self.child_age.value() if self.with_children.isChecked() else None,
            on=self.on.date_value(),
            statuses=statuses,
        )

    def criteria(self) -> str:
        parts = [_("Active members") if not self.retired.isChecked()
                 else _("Active and retired members")]
        if self.group.currentData():
            parts.append(self.group.currentText())
        if self.gender.currentData():
            parts.append(self.gender.currentText())
        if self.with_children.isChecked():
            parts.append(_("with a child under {age}").format(age=self.child_age.value()))
        return ", ".join(parts)

    def find(self) -> None:
        self.model.set_rows(batch_candidates(self.db, self.selection(),
                                             kind=self.kind.currentData(),
                                             year=self.on.date_value().year))

    def _kind_changed(self) -> None:
        kind = self.kinds.get(self.kind.currentData())
        if kind is not None:
            self.amount.set_value(kind.default_amount)
        self._fill_funds()
        self._suggest_title()
        self.find()

    def _suggest_title(self) -> None:
        kind = self.kinds.get(self.kind.currentData())
        if kind is None or self.title.text() not in ("", self._auto_title):
            return  # the user wrote their own
        self._auto_title = _("{kind} in {year}").format(kind=kind.name,
                                                      year=self.on.date_value().year)
        self.title.setText(self._auto_title)

    def _fill_funds(self) -> None:
        kind = self.kinds.get(self.kind.currentData())
        self.fund.blockSignals(True)
        self.fund.clear()
        self.fund.addItem(_("— no fund —"), None)
        self.balances = {f.uuid: f for f in fund_balances(self.db, self.on.date_value().year)}
        for f in self.balances.values():
            self.fund.addItem(_("{fund} — {remaining} left").format(
                fund=f.label, remaining=format_vnd(f.remaining)), f.uuid)
            if kind is not None and f.code == kind.fund_code:
                self.fund.setCurrentIndex(self.fund.count() - 1)
        self.fund.blockSignals(False)
        self._update_summary()

    def _update_summary(self) -> None:
        count = len(self.model.chosen())
        amount = self.amount.value() or 0
        total = count * amount
        text = _("{count} members ticked × {amount} = {total}.").format(
            count=count, amount=format_vnd(amount), total=format_vnd(total))
        kind = self.kinds.get(self.kind.currentData())
        fund = self.balances.get(self.fund.currentData())
        approved = kind is not None and not kind.needs_approval and allows(
            self.db, Permission.SUPPORT_APPROVE)  # a clerk's cases wait for the chair
        if fund is not None:
            left = fund.remaining - (total if approved else 0)
            text += " " + _("“{fund}” will have {left} left.").format(fund=fund.name,
                                                                     left=format_vnd(left))
        if kind is not None:
            text += " " + (_("The cases are approved by the spending rules.") if approved
                           else _("The cases will wait for approval."))
        self.summary.setText(text)
        self.ok.setText(_("Record {count} cases").format(count=count))
        self.ok.setEnabled(count > 0)

    # -- writing ----------------------------------------------------------------------------

    def batch_input(self) -> BatchInput:
        return BatchInput(title=self.title.text(), kind=self.kind.currentData(),
                          fund=self.fund.currentData(), occurred_on=self.on.date_value(),
                          amount=self.amount.value(), reason=self.reason.text(),
                          paper_ref=self.paper_ref.text(), criteria=self.criteria())

    def create(self) -> None:
        data = self.batch_input()
        members = self.model.chosen()
        db = self.db

        def work(attempt: Attempt) -> BatchResult:
            return create_batch(db, data, members, override=attempt.override,
                                progress=attempt.progress)

        self.ok.setEnabled(False)
        self.task = run_op(self, work, db=db, changes=Changes.SUPPORT, on_done=self._done,
                           on_refused=lambda error: warn_problems(self, error),
                           on_failed=lambda _error: self._update_summary(),
                           on_cancelled=self._update_summary, cancellable=True,
                           said=lambda result: _("{count} cases recorded, {total} in all.")
                           .format(count=result.count, total=format_vnd(result.total)),
                           label=_("Recording {count} cases…").format(count=len(members)))

    def _done(self, result: BatchResult) -> None:
        self.batch_result = result
        self.accept()
