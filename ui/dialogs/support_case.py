"""One support case: who is helped, for what, how much, from which fund — beside the
member's past support and the case's own history."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.support_common import problems_text
from ui.operations import Attempt, Changes, run_op
from ui.roles import read_only_unless
from ui.widgets.editing import EditDialog
from ui.widgets.inputs import DateEdit, MoneyEdit, index_of
from ui.widgets.member_picker import MemberPicker
from ui.widgets.member_support import MemberSupportTable
from unionapp.db import Database
from unionapp.errors import UserError, ValidationError
from unionapp.i18n import _
from unionapp.labels import RELATION, SUPPORT_STATUS, label
from unionapp.models import Relation, SupportStatus
from unionapp.permissions import Permission
from unionapp.relatives import RelativeInput, relatives_of
from unionapp.support import (
    CaseDetail,
    CaseInput,
    FundBalance,
    KindRow,
    case_detail,
    create_case,
    fund_balances,
    kind_list,
    update_case,
)
from unionapp.text import amount_in_words, format_date, format_vnd


def step_text(from_status: str | None, to_status: str) -> str:
    if from_status is None:
        return label(SUPPORT_STATUS, to_status)
    return f"{label(SUPPORT_STATUS, from_status)} → {label(SUPPORT_STATUS, to_status)}"


class CaseDialog(EditDialog):
    """Add a case (``case_uuid`` None, optionally for ``member_uuid``) or change one. After
    ``exec()`` returns true, ``saved`` is the case as stored."""

    def __init__(self, db: Database, case_uuid: uuid.UUID | None = None, *,
                 member_uuid: uuid.UUID | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.detail: CaseDetail | None = case_detail(db, case_uuid) if case_uuid else None
        self.saved: CaseDetail | None = None
        self.setWindowTitle(_("Support case") if self.detail else _("New support case"))
        self.kinds = {k.uuid: k for k in kind_list(db, include_inactive=True)}

        self.member = MemberPicker(db)
        self.kind = QComboBox()
        for k in self.kinds.values():
            if k.active or (self.detail and k.uuid == self.detail.kind_uuid):
                self.kind.addItem(k.name, k.uuid)
        self.kind_hint = QLabel()
        self.kind_hint.setStyleSheet("color: palette(mid);")
        self.occurred_on = DateEdit()
        self.proposed_on = DateEdit()
        self.for_member = QRadioButton(_("The member"))
        self.for_relative = QRadioButton(_("A relative of the member"))
        self.for_member.setChecked(True)
        choice = QButtonGroup(self)
        choice.addButton(self.for_member)
        choice.addButton(self.for_relative)
        self.relative = QComboBox()
        self.relative.setEditable(True)
        self.relative.lineEdit().setPlaceholderText(_("Choose, or type a new name"))
        self.relation = QComboBox()
        self.relation.setEditable(True)
        for code in Relation.ALL:
            self.relation.addItem(label(RELATION, code), code)
        self.save_relative = QCheckBox(_("Add to the member's relatives"))
        self.save_relative.setChecked(True)
        self.amount = MoneyEdit()
        self.words = QLabel()
        self.words.setWordWrap(True)
        self.words.setStyleSheet("font-style: italic;")
        self.fund = QComboBox()
        self._balances: dict[uuid.UUID, FundBalance] = {}
        self.fund_hint = QLabel()
        self.fund_hint.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setFixedHeight(60)
        self.paper_ref = QLineEdit()
        self.paper_ref.setPlaceholderText(_("e.g. HS-2025-014"))
        self.status = QLabel()

        relative_box = QWidget()
        relative_layout = QFormLayout(relative_box)
        relative_layout.setContentsMargins(18, 0, 0, 0)
        relative_layout.addRow(_("Name:"), self.relative)
        relative_layout.addRow(_("Relation:"), self.relation)
        relative_layout.addRow("", self.save_relative)
        self.relative_box = relative_box
        beneficiary = QGroupBox(_("Beneficiary"))
        b_layout = QVBoxLayout(beneficiary)
        b_row = QHBoxLayout()
        b_row.addWidget(self.for_member)
        b_row.addWidget(self.for_relative)
        b_row.addStretch(1)
        b_layout.addLayout(b_row)
        b_layout.addWidget(relative_box)

        form = QFormLayout()
        form.addRow(_("Member:"), self.member)
        form.addRow(_("Kind of support:"), self.kind)
        form.addRow("", self.kind_hint)
        form.addRow(_("Date:"), self.occurred_on)
        if self.detail is None:
            form.addRow(_("Proposed on:"), self.proposed_on)
        form.addRow(beneficiary)
        form.addRow(_("Amount (đồng):"), self.amount)
        form.addRow("", self.words)
        form.addRow(_("Fund:"), self.fund)
        form.addRow("", self.fund_hint)
        form.addRow(_("Reason:"), self.reason)
        form.addRow(_("Paper reference:"), self.paper_ref)
        if self.detail is not None:
            form.addRow(_("Status:"), self.status)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(form)
        left_layout.addStretch(1)

        self.history = MemberSupportTable(db)
        side = QTabWidget()
        side.addTab(self.history, _("Member's support so far"))
        self.steps = QTreeWidget()
        self.steps.setHeaderLabels([_("Date"), _("Step"), _("By"), _("Note")])
        self.steps.setRootIsDecorated(False)
        for i, width in enumerate((90, 170, 90)):
            self.steps.setColumnWidth(i, width)
        if self.detail is not None:
            side.addTab(self.steps, _("Steps of this case"))
        self.side = side

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        body = QHBoxLayout()
        body.addWidget(left, 5)
        body.addWidget(side, 6)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(self.buttons)
        self.resize(1080, 620)

        self.member.member_changed.connect(self._member_changed)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.occurred_on.dateChanged.connect(lambda _d: self._fill_funds())
        self.for_relative.toggled.connect(self._beneficiary_changed)
        self.relative.currentTextChanged.connect(lambda _t: self._beneficiary_changed())
        self.amount.value_changed.connect(self._amount_changed)
        self.fund.currentIndexChanged.connect(lambda _i: self._fund_changed())

        if self.detail is not None:
            self._load(self.detail)
        else:
            if member_uuid is not None:
                self.member.set_member(member_uuid)
            self._kind_changed()
        self._beneficiary_changed()
        self._amount_changed(self.amount.value())
        read_only_unless(self, db, Permission.SUPPORT_PROPOSE)

    # -- filling ----------------------------------------------------------------------------

    def _load(self, d: CaseDetail) -> None:
        self.member.set_member(d.member_uuid)
        self.kind.setCurrentIndex(max(index_of(self.kind, d.kind_uuid), 0))
        self.occurred_on.set_date(d.occurred_on)
        self.amount.set_value(d.amount)
        self._fill_funds(select=d.fund_uuid)
        self.reason.setPlainText(d.reason)
        self.paper_ref.setText(d.paper_ref)
        if d.beneficiary_name:
            self.for_relative.setChecked(True)
            index = index_of(self.relative, d.relative_uuid) if d.relative_uuid else -1
            if index >= 0:
                self.relative.setCurrentIndex(index)
            else:
                self.relative.setEditText(d.beneficiary_name)
                self.relation.setEditText(d.relation)
            self.save_relative.setChecked(False)
        text = label(SUPPORT_STATUS, d.status)
        if d.batch:
            text += " — " + _("batch: {title}").format(title=d.batch)
        self.status.setText(f"<b>{text}</b>")
        self._fill_steps(d)
        locked = d.amount_locked or d.read_only
        for widget in (self.member, self.kind, self.occurred_on, self.amount, self.fund,
                       self.for_member, self.for_relative, self.relative, self.relation,
                       self.save_relative):
            widget.setEnabled(not locked)
        if d.amount_locked:
            self.fund_hint.setText(_("Paid: the amount changes only by a correction "
                                     "(button “Correct the amount…” in the list)."))
        if d.read_only:
            self.reason.setReadOnly(True)
            self.paper_ref.setReadOnly(True)
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)

    def _fill_steps(self, d: CaseDetail) -> None:
        self.steps.clear()
        for e in d.events:
            note = e.note
            if e.over_budget:
                note = (note + " " if note else "") + _("(past the fund's budget)")
            QTreeWidgetItem(self.steps, [format_date(e.effective_on),
                                         step_text(e.from_status, e.to_status), e.by, note])
        for c in d.corrections:
            what = _("Amount corrected: {old} → {new}").format(old=format_vnd(c.old_amount),
                                                              new=format_vnd(c.new_amount))
            QTreeWidgetItem(self.steps, [format_date(c.at.astimezone().date()), what,
                                         c.by_user, c.reason])

    def _kind(self) -> KindRow | None:
        value = self.kind.currentData()
        return self.kinds.get(value) if value else None

    def _kind_changed(self) -> None:
        kind = self._kind()
        if kind is None:
            return
        self.kind_hint.setText(_("Each case is approved by the committee.") if
                               kind.needs_approval else
                               _("Approved by the spending rules: recorded as approved."))
        if self.detail is None:
            self.amount.set_value(kind.default_amount)
            self._fill_funds(code=kind.fund_code)

    def _fill_funds(self, *, select: uuid.UUID | None = None, code: str | None = None) -> None:
        """The funds of the case's year, each with what is left."""
        current = self.fund.currentData() if select is None and code is None else select
        if code is None and current is None and self.fund.count():
            code = self.fund.currentData(Qt.ItemDataRole.UserRole + 1)
        self.fund.blockSignals(True)
        self.fund.clear()
        self.fund.addItem(_("— no fund —"), None)
        self._balances = {}
        funds = fund_balances(self.db, self.occurred_on.date_value().year)
        if self.detail and self.detail.fund_uuid and all(f.uuid != self.detail.fund_uuid
                                                          for f in funds):
            funds = [*funds, *[f for f in fund_balances(self.db)
                               if f.uuid == self.detail.fund_uuid]]
        for f in funds:
            self._balances[f.uuid] = f
            self.fund.addItem(_("{fund} — {remaining} left").format(
                fund=f.label, remaining=format_vnd(f.remaining)), f.uuid)
            self.fund.setItemData(self.fund.count() - 1, f.code, Qt.ItemDataRole.UserRole + 1)
        index = index_of(self.fund, current) if current else -1
        if index < 0 and code:
            index = next((i for i in range(self.fund.count())
                          if self.fund.itemData(i, Qt.ItemDataRole.UserRole + 1) == code), 0)
        self.fund.setCurrentIndex(max(index, 0))
        self.fund.blockSignals(False)
        self._fund_changed()

    def _fund_changed(self) -> None:
        if self.detail is not None and self.detail.amount_locked:
            return
        balance = self._balances.get(self.fund.currentData())
        amount = self.amount.value() or 0
        if balance is None:
            self.fund_hint.setText("")
            return
        counted = amount if not (self.detail and self.detail.fund_uuid == balance.uuid and
                                 self.detail.status in SupportStatus.COMMITTED) else \
            amount - self.detail.amount
        left = balance.remaining - counted
        text = _("After this case: {left} left of {budget}.").format(
            left=format_vnd(left), budget=format_vnd(balance.budget))
        self.fund_hint.setText(f"<span style='color:#b00020'>{text}</span>" if left < 0 else text)

    def _member_changed(self, member_uuid: uuid.UUID | None) -> None:
        self.history.set_member(member_uuid)
        typed = self.relative.currentText()
        self.relative.blockSignals(True)
        self.relative.clear()
        if member_uuid is not None:
            for r in relatives_of(self.db, member_uuid):
                born = f", {r.date_of_birth.year if r.date_of_birth else r.birth_year}" \
                    if (r.date_of_birth or r.birth_year) else ""
                self.relative.addItem(f"{r.full_name} ({label(RELATION, r.relation)}{born})",
                                      r.uuid)
        self.relative.setEditText(typed)  # a name being typed stays
        self.relative.blockSignals(False)
        self._beneficiary_changed()

    def _recorded_relative(self) -> uuid.UUID | None:
        index = self.relative.currentIndex()
        if index >= 0 and self.relative.currentText() == self.relative.itemText(index):
            return self.relative.itemData(index)
        return None

    def _beneficiary_changed(self) -> None:
        on = self.for_relative.isChecked()
        self.relative_box.setVisible(on)
        new_name = on and self._recorded_relative() is None
        self.relation.setEnabled(new_name and self.for_relative.isEnabled())
        self.save_relative.setVisible(new_name)

    def _amount_changed(self, amount: int | None) -> None:
        if amount is None:
            self.words.setText(_("Not an amount: type whole đồng, e.g. 1.500.000")
                               if self.amount.text().strip() else "")
        else:
            self.words.setText(_("In words: {words}").format(words=amount_in_words(amount)))
        self._fund_changed()

    # -- saving -----------------------------------------------------------------------------

    def case_input(self) -> CaseInput:
        name = relation = ""
        relative_uuid = None
        new_relative = None
        if self.for_relative.isChecked():
            relative_uuid = self._recorded_relative()
            if relative_uuid is None:
                name = self.relative.currentText().strip()
                relation = self.relation.currentText().strip()
                code = self.relation.currentData() if self.relation.currentText() == \
                    self.relation.itemText(self.relation.currentIndex()) else Relation.OTHER
                if self.save_relative.isChecked() and name:
                    new_relative = RelativeInput(full_name=name, relation=code or Relation.OTHER)
        return CaseInput(
            kind=self.kind.currentData(),
            member=self.member.member(),
            occurred_on=self.occurred_on.date_value(),
            amount=self.amount.value(),
            reason=self.reason.toPlainText(),
            paper_ref=self.paper_ref.text(),
            fund=self.fund.currentData(),
            relative=relative_uuid,
            beneficiary_name=name if new_relative is None else "",
            relation=relation if new_relative is None else "",
            new_relative=new_relative,
        )

    def save(self) -> None:
        if not self.amount.is_valid():
            QMessageBox.warning(self, self.windowTitle(),
                                _("The amount must be whole đồng, e.g. 1.500.000."))
            self.amount.setFocus()
            return
        data = self.case_input()
        detail = self.detail
        proposed_on: date = self.proposed_on.date_value()

        db = self.db

        def work(attempt: Attempt) -> CaseDetail:
            if detail is None:
                return create_case(db, data, on=proposed_on, override=attempt.override)
            return update_case(db, detail.uuid, data, expected_version=detail.version,
                               override=attempt.override)

        def done(saved: CaseDetail) -> None:
            self.saved = saved
            self.accept()

        run_op(self, work, db=db, changes=Changes.SUPPORT, on_done=done,
               on_refused=self.show_problems,
               said=lambda saved: _("Saved the case of {member}: {kind}, {amount} ({status}).")
               .format(member=saved.member_name, kind=saved.kind_name,
                       amount=format_vnd(saved.amount),
                       status=label(SUPPORT_STATUS, saved.status)))

    def show_problems(self, error: UserError) -> bool:
        if not isinstance(error, ValidationError):
            return False
        QMessageBox.warning(self, self.windowTitle(), problems_text(error))
        field = {"member": self.member, "kind": self.kind, "amount": self.amount,
                 "occurred_on": self.occurred_on, "relation": self.relation,
                 "beneficiary_name": self.relative}.get(error.problems[0].field or "")
        if field is not None:
            field.setFocus()
        return True
