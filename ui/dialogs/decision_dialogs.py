"""An award decision's facts, one recipient's own reason and prize money, and choosing
collectives (tập thể) to reward."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.activity_dialogs import ok_cancel
from ui.operations import Attempt, Changes, run_op
from ui.roles import read_only_unless
from ui.tabs.list_tab import combo
from ui.widgets.editing import EditDialog
from ui.widgets.fields import (
    DateField,
    MoneyField,
    ProblemLabel,
    merged,
    read_date,
    read_money,
)
from unionapp import awards
from unionapp.activities import emulation_movements
from unionapp.awards import AwardRow, DecisionInput, DecisionRow
from unionapp.db import Database
from unionapp.errors import Problem, UserError, ValidationError
from unionapp.i18n import _
from unionapp.labels import ORG_KIND, label
from unionapp.letterhead import superior_for
from unionapp.permissions import Permission


class DecisionDialog(EditDialog):
    """A new decision (``decision_uuid`` None: starting from the branch's defaults) or an
    existing one. ``saved`` holds the decision after OK."""

    def __init__(self, db: Database, decision_uuid: uuid.UUID | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.decision_uuid = decision_uuid
        self.saved: DecisionRow | None = None
        self.setWindowTitle(_("Edit award decision") if decision_uuid
                            else _("New award decision"))
        data = (awards.decision_input(db, decision_uuid) if decision_uuid
                else awards.decision_defaults(db))
        self.number = QLineEdit(data.number)
        self.number.setPlaceholderText(_("e.g. 15/QĐ-CĐCS"))
        self.decided_on = DateField(data.decided_on)
        kinds = awards.award_kinds(db, include_inactive=True)
        self.kind = combo([(k.name, k.uuid) for k in kinds
                           if k.active or k.uuid == data.award_kind])
        self.kind.setCurrentIndex(max(0, self.kind.findData(data.award_kind)))
        self.movement = combo([(_("(none)"), None)]
                              + [(m.title, m.uuid) for m in emulation_movements(db)])
        self.movement.setCurrentIndex(max(0, self.movement.findData(data.movement)))
        self.year = QSpinBox()
        self.year.setRange(0, 2100)
        self.year.setSpecialValueText(_("(none)"))
        self.year.setValue(data.year or 0)
        self.issuing_superior = QLineEdit(data.issuing_superior)
        self.issuing_superior.setPlaceholderText(_("e.g. LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HÀ NỘI"))
        # The parent union in charge on the decision's date heads it (unions moved in 2025).
        self.decided_on.editingFinished.connect(self._date_changed)
        self.issuing_body = QLineEdit(data.issuing_body)
        self.signer_on_behalf = QLineEdit(data.signer_on_behalf)
        self.signer_on_behalf.setPlaceholderText("TM. BAN CHẤP HÀNH")
        self.signer_title = QLineEdit(data.signer_title)
        self.signer_title.setPlaceholderText("CHỦ TỊCH")
        self.signer_name = QLineEdit(data.signer_name)
        self.place = QLineEdit(data.place)
        self.place.setPlaceholderText(_("e.g. Hà Nội"))
        self.reason = QPlainTextEdit(data.reason)
        self.reason.setPlaceholderText(_("e.g. Đã có thành tích xuất sắc trong phong trào thi "
                                         "đua năm 2025"))
        self.reason.setMaximumHeight(80)

        decision = QFormLayout()
        decision.addRow(_("Decision number:"), self.number)
        decision.addRow(_("Signed on:"), self.decided_on)
        decision.addRow(_("Award kind:"), self.kind)
        decision.addRow(_("Emulation movement:"), self.movement)
        decision.addRow(_("Year rewarded:"), self.year)
        decision.addRow(_("Reason (printed):"), self.reason)
        issuer = QFormLayout()
        issuer.addRow(_("Direct superior:"), self.issuing_superior)
        issuer.addRow(_("Issuing body:"), self.issuing_body)
        issuer.addRow(_("On behalf of:"), self.signer_on_behalf)
        issuer.addRow(_("Signer's title:"), self.signer_title)
        issuer.addRow(_("Signer's name:"), self.signer_name)
        issuer.addRow(_("Place name:"), self.place)
        first, second = QGroupBox(_("Decision")), QGroupBox(_("Issued and signed by"))
        first.setLayout(decision)
        second.setLayout(issuer)
        self.problems = ProblemLabel()
        buttons = ok_cancel(self, _("Save"))
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(first)
        layout.addWidget(second)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.resize(680, 620)
        read_only_unless(self, db, Permission.AWARDS_ISSUE)

    def _date_changed(self) -> None:
        try:
            day = self.decided_on.value()
        except ValueError:
            return  # not a date yet: the check on saving says so
        if day is not None:
            self.issuing_superior.setText(superior_for(self.db, self.issuing_superior.text(), day))

    def data(self, problems: list[Problem]) -> DecisionInput:
        return DecisionInput(
            number=self.number.text(),
            decided_on=read_date(self.decided_on, "decided_on", _("Signed on"), problems),
            issuing_superior=self.issuing_superior.text(), issuing_body=self.issuing_body.text(),
            signer_on_behalf=self.signer_on_behalf.text(), signer_title=self.signer_title.text(),
            signer_name=self.signer_name.text(), place=self.place.text(),
            award_kind=self.kind.currentData(), movement=self.movement.currentData(),
            year=self.year.value() or None, reason=self.reason.toPlainText())

    def save(self) -> None:
        problems: list[Problem] = []
        data = self.data(problems)
        db, decision = self.db, self.decision_uuid

        def work(_attempt: Attempt) -> DecisionRow:
            if problems:
                raise ValidationError(merged(problems, awards.validate_decision(data.cleaned())))
            if decision is None:
                return awards.create_decision(db, data)
            return awards.update_decision(db, decision, data)

        self.save_record(work, db=db, changes=Changes.AWARDS,
                         said=lambda saved: _("Saved the decision {number}.").format(
                             number=saved.number),
                         fields={"number": self.number, "decided_on": self.decided_on,
                                 "issuing_body": self.issuing_body,
                                 "signer_name": self.signer_name, "award_kind": self.kind,
                                 "year": self.year},
                         check=self.check, label=self.problems)

    def check(self) -> list[Problem]:
        """What is wrong now, without saving (a mark clears once its field is right)."""
        problems: list[Problem] = []
        data = self.data(problems)
        return merged(problems, awards.validate_decision(data.cleaned()))


class AwardEditDialog(EditDialog):
    """One recipient's own reason (printed instead of the decision's), prize and note."""

    def __init__(self, db: Database, row: AwardRow, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.row = row
        self.setWindowTitle(row.name)
        self.reason = QPlainTextEdit(row.reason)
        self.reason.setPlaceholderText(_("Empty: the decision's reason is printed"))
        self.reason.setMaximumHeight(80)
        self.amount = MoneyField(row.amount)
        self.note = QLineEdit(row.note)
        form = QFormLayout()
        form.addRow(_("Own reason:"), self.reason)
        form.addRow(_("Prize money (đồng):"), self.amount)
        form.addRow(_("Note:"), self.note)
        self.problems = ProblemLabel()
        buttons = ok_cancel(self, _("Save"))
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        if row.serial:
            layout.addWidget(QLabel(_("Certificate {serial} is in the award register; a reprint "
                                      "keeps its number.").format(serial=row.serial)))
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.resize(560, 260)
        read_only_unless(self, db, Permission.AWARDS_EDIT)

    def save(self) -> None:
        problems: list[Problem] = []
        amount = read_money(self.amount, "amount", _("Prize money"), problems)
        if problems:
            self.problems.show_problems(problems)
            return
        db, award = self.db, self.row.uuid
        reason, note = self.reason.toPlainText(), self.note.text()

        def refused(error: UserError) -> bool:
            self.problems.show_problems([Problem(error.message)])
            return True

        run_op(self, lambda _a: awards.update_award(db, award, reason=reason, amount=amount,
                                                    note=note),
               db=db, changes=Changes.AWARDS, on_done=lambda _none: self.accept(),
               on_refused=refused)


class UnitPickerDialog(QDialog):
    """Tick the collectives (union groups, the branch) to reward; ``chosen`` after OK."""

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.chosen: list[uuid.UUID] = []
        self.setWindowTitle(_("Add collectives"))
        self.list = QListWidget()
        for unit_uuid, name, kind in awards.award_units(db):
            item = QListWidgetItem(f"{name}  ({label(ORG_KIND, kind)})")
            item.setData(Qt.ItemDataRole.UserRole, unit_uuid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        buttons = ok_cancel(self, _("Add"))
        buttons.accepted.connect(self.take)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Tick the collectives to add:")))
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(520, 420)

    def check(self, unit_uuid: uuid.UUID) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == unit_uuid:
                item.setCheckState(Qt.CheckState.Checked)

    def take(self) -> None:
        self.chosen = [self.list.item(i).data(Qt.ItemDataRole.UserRole)
                       for i in range(self.list.count())
                       if self.list.item(i).checkState() == Qt.CheckState.Checked]
        self.accept()
