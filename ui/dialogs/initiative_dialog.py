"""An initiative (sáng kiến): what it is, its authors and their shares, its benefit."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.activity_dialogs import ok_cancel
from ui.dialogs.member_picker import pick_members
from ui.operations import Attempt, Changes
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
from unionapp import initiatives
from unionapp.activities import emulation_movements
from unionapp.db import Database
from unionapp.errors import Problem, ValidationError
from unionapp.i18n import _
from unionapp.initiatives import InitiativeInput, InitiativeRow
from unionapp.members import get_member
from unionapp.permissions import Permission

LEVELS = ["Cấp cơ sở", "Cấp quận, huyện", "Cấp tỉnh, thành phố", "Cấp bộ, ngành", "Toàn quốc"]


class InitiativeDialog(EditDialog):
    def __init__(self, db: Database, initiative_uuid: uuid.UUID | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.initiative_uuid = initiative_uuid
        self.saved: InitiativeRow | None = None
        self.setWindowTitle(_("Edit initiative") if initiative_uuid else _("New initiative"))
        data = (initiatives.initiative_input(db, initiative_uuid) if initiative_uuid
                else InitiativeInput(year=date.today().year))
        self.title = QLineEdit(data.title)
        self.year = QSpinBox()
        self.year.setRange(1950, 2100)
        self.year.setValue(data.year or date.today().year)
        self.movement = combo([(_("(none)"), None)]
                              + [(m.title, m.uuid) for m in emulation_movements(db)])
        self.movement.setCurrentIndex(max(0, self.movement.findData(data.movement)))
        self.benefit = MoneyField(data.estimated_benefit)
        self.submitted_on = DateField(data.submitted_on)
        self.recognised_on = DateField(data.recognised_on)
        self.level = QComboBox()
        self.level.setEditable(True)
        self.level.addItems(["", *LEVELS])
        self.level.setCurrentText(data.recognition_level)
        self.description = QPlainTextEdit(data.description)
        self.description.setMaximumHeight(90)

        self.authors = QTableWidget(0, 2)
        self.authors.setHorizontalHeaderLabels([_("Author"), _("Share (%)")])
        self.authors.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.authors.setColumnWidth(0, 300)
        self.authors.horizontalHeader().setStretchLastSection(True)
        self.authors.setMaximumHeight(150)
        self._author_uuids: list[uuid.UUID] = []
        for member_uuid in data.authors:
            self.add_author(member_uuid, data.shares.get(member_uuid))
        add = QPushButton(_("Add authors…"))
        add.clicked.connect(self.choose_authors)
        remove = QPushButton(_("Remove from the list"))
        remove.clicked.connect(self.remove_author)
        author_buttons = QHBoxLayout()
        author_buttons.addWidget(add)
        author_buttons.addWidget(remove)
        author_buttons.addStretch(1)

        form = QFormLayout()
        form.addRow(_("Name:"), self.title)
        form.addRow(_("Year:"), self.year)
        form.addRow(_("Emulation movement:"), self.movement)
        form.addRow(_("Authors:"), self.authors)
        form.addRow("", author_buttons)
        form.addRow(_("Estimated benefit (đồng):"), self.benefit)
        form.addRow(_("Submitted on:"), self.submitted_on)
        form.addRow(_("Recognised on:"), self.recognised_on)
        form.addRow(_("Recognised at level:"), self.level)
        form.addRow(_("Description:"), self.description)
        self.problems = ProblemLabel()
        buttons = ok_cancel(self, _("Save"))
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.resize(680, 640)
        read_only_unless(self, db, Permission.ACTIVITIES_EDIT)

    def add_author(self, member_uuid: uuid.UUID, share: int | None = None) -> None:
        if member_uuid in self._author_uuids:
            return
        row = self.authors.rowCount()
        self.authors.insertRow(row)
        name = QTableWidgetItem(get_member(self.db, member_uuid).full_name)
        self.authors.setItem(row, 0, name)
        spin = QSpinBox()
        spin.setRange(0, 100)
        spin.setSpecialValueText("—")
        spin.setValue(share or 0)
        self.authors.setCellWidget(row, 1, spin)
        self._author_uuids.append(member_uuid)

    def choose_authors(self) -> None:
        for member_uuid in pick_members(self.db, _("Authors of the initiative"), self):
            self.add_author(member_uuid)

    def remove_author(self) -> None:
        row = self.authors.currentRow()
        if 0 <= row < len(self._author_uuids):
            self.authors.removeRow(row)
            del self._author_uuids[row]

    def data(self, problems: list[Problem]) -> InitiativeInput:
        shares = {}
        for row, member_uuid in enumerate(self._author_uuids):
            spin = self.authors.cellWidget(row, 1)
            if isinstance(spin, QSpinBox) and spin.value():
                shares[member_uuid] = spin.value()
        return InitiativeInput(
            title=self.title.text(), year=self.year.value(), authors=list(self._author_uuids),
            shares=shares,
            estimated_benefit=read_money(self.benefit, "estimated_benefit",
                                         _("Estimated benefit"), problems),
            submitted_on=read_date(self.submitted_on, "submitted_on", _("Submitted on"),
                                   problems),
            recognised_on=read_date(self.recognised_on, "recognised_on", _("Recognised on"),
                                    problems),
            recognition_level=self.level.currentText(), movement=self.movement.currentData(),
            description=self.description.toPlainText())

    def check(self) -> list[Problem]:
        """What is wrong now, without saving (a mark clears once its field is right)."""
        problems: list[Problem] = []
        data = self.data(problems)
        return merged(problems, initiatives.validate_initiative(data.cleaned()))

    def save(self) -> None:
        problems: list[Problem] = []
        data = self.data(problems)
        db, initiative = self.db, self.initiative_uuid

        def work(_attempt: Attempt) -> InitiativeRow:
            if problems:
                raise ValidationError(merged(problems,
                                             initiatives.validate_initiative(data.cleaned())))
            if initiative is None:
                return initiatives.create_initiative(db, data)
            return initiatives.update_initiative(db, initiative, data)

        self.save_record(work, db=db, changes=Changes.INITIATIVES,
                         said=lambda saved: _("Saved “{title}”.").format(title=saved.title),
                         fields={"title": self.title, "year": self.year, "authors": self.authors,
                                 "shares": self.authors, "estimated_benefit": self.benefit,
                                 "submitted_on": self.submitted_on,
                                 "recognised_on": self.recognised_on},
                         check=self.check, label=self.problems)
