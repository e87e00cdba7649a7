"""Adding, editing and viewing a member; the dated history of movements; recording one.

The rules live in the core (``unionapp.members.validate_member``): the dialog only shows what
the core says, next to the field concerned.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.operations import Attempt, Changes, run_op
from ui.roles import read_only_unless
from ui.widgets.editing import EditDialog
from ui.widgets.fields import fit_placeholder, mark, merged, recheck, when_changed
from unionapp import members
from unionapp.db import Database
from unionapp.errors import Problem, UserError, ValidationError
from unionapp.i18n import _
from unionapp.labels import GENDER, MEMBER_STATUS, MOVEMENT, label
from unionapp.members import MemberInput
from unionapp.models import Gender, MovementKind, OrgKind
from unionapp.org import list_units
from unionapp.permissions import Permission
from unionapp.text import DateError, format_birth, format_date, parse_birth, parse_date

ERROR_STYLE = "border: 1px solid #c0392b; background: #fdecea;"


def _date_edit(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    return fit_placeholder(edit)  # the whole hint shows ("dd/mm/yyyy hoặc chỉ năm")


class MemberDialog(EditDialog):
    """``member_uuid`` None: a new member."""

    def __init__(self, db: Database, member_uuid: uuid.UUID | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.member_uuid = member_uuid
        self.saved: members.MemberRow | None = None
        self.setWindowTitle(_("New member") if member_uuid is None else _("Member"))
        self.resize(760, 600)

        self.fields: dict[str, QWidget] = {}
        self.full_name = self._line("full_name")
        self.birth = self._add("date_of_birth", _date_edit(_("dd/mm/yyyy or the year")))
        self.gender = self._add("gender", QComboBox())
        self.gender.addItem("", None)
        for code in Gender.ALL:
            self.gender.addItem(label(GENDER, code), code)
        self.group = self._add("org_unit", QComboBox())
        for unit in list_units(db):
            if unit.kind in (OrgKind.BRANCH, OrgKind.GROUP):
                self.group.addItem(unit.name, str(unit.uuid))  # Qt finds strings, not UUIDs
        self.ethnicity = self._line("ethnicity")
        self.religion = self._line("religion")
        self.national_id = self._line("national_id")
        self.national_id.setInputMask("")
        self.national_id.setMaxLength(12)
        self.card_number = self._line("card_number")
        self.phone = self._line("phone")
        self.email = self._line("email")
        self.hometown = self._line("hometown")
        self.address = self._line("address")
        self.job_title = self._line("job_title")
        self.union_role = self._line("union_role")
        self.education = self._line("education")
        self.political_theory = self._line("political_theory")
        self.joined_on = self._add("joined_on", _date_edit(_("dd/mm/yyyy")))
        self.notes = self._add("notes", QPlainTextEdit())
        self.notes.setMaximumHeight(70)

        form = QGridLayout()
        rows = [
            (_("Full name:"), self.full_name, _("Gender:"), self.gender),
            (_("Date of birth:"), self.birth, _("Ethnicity:"), self.ethnicity),
            (_("CCCD number:"), self.national_id, _("Religion:"), self.religion),
            (_("Union group:"), self.group, _("Card number:"), self.card_number),
            (_("Admission date:"), self.joined_on, _("Phone:"), self.phone),
            (_("Job title:"), self.job_title, _("Email:"), self.email),
            (_("Union role:"), self.union_role, _("Home town:"), self.hometown),
            (_("Qualifications:"), self.education, _("Address:"), self.address),
            (_("Political theory:"), self.political_theory, "", None),
        ]
        for r, (l1, w1, l2, w2) in enumerate(rows):
            form.addWidget(QLabel(l1), r, 0)
            form.addWidget(w1, r, 1)
            if w2 is not None:
                form.addWidget(QLabel(l2), r, 2)
                form.addWidget(w2, r, 3)
        form.addWidget(QLabel(_("Notes:")), len(rows), 0, Qt.AlignmentFlag.AlignTop)
        form.addWidget(self.notes, len(rows), 1, 1, 3)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #c0392b;")

        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.addLayout(form)
        details_layout.addWidget(self.problems)
        details_layout.addStretch()

        self.tabs = QTabWidget()
        self.tabs.addTab(details, _("Details"))
        self.history = QTableWidget(0, 4)
        self.history.setHorizontalHeaderLabels([_("Date"), _("Movement"), _("From / to"),
                                                _("Decision")])
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        record = QPushButton(_("Record a movement…"))
        record.clicked.connect(self._record_movement)
        self.status = QLabel()
        history_page = QWidget()
        history_layout = QVBoxLayout(history_page)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(record)
        history_layout.addLayout(top)
        history_layout.addWidget(self.history)
        self.history_tab = self.tabs.addTab(history_page, _("Status and history"))
        self.tabs.setTabEnabled(self.history_tab, member_uuid is not None)
        if member_uuid is not None:
            from ui.widgets.member_awards import MemberAwardsWidget

            self.tabs.addTab(MemberAwardsWidget(db, member_uuid), _("Activities & Awards")
                             .replace("&", "&&"))
            self.tabs.addTab(self._support_page(member_uuid), _("Care & Support")
                             .replace("&", "&&"))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Close"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        if member_uuid is not None:
            self._load()
        read_only_unless(self, db, Permission.MEMBERS_EDIT)

    def _support_page(self, member_uuid: uuid.UUID) -> QWidget:
        """The member's support history — what a chair checks before approving more."""
        from ui.dialogs.support_case import CaseDialog
        from ui.widgets.member_support import MemberSupportTable

        table = MemberSupportTable(self.db)
        table.set_member(member_uuid)

        def open_case(case_uuid: uuid.UUID | None) -> None:
            dialog = CaseDialog(self.db, case_uuid, member_uuid=member_uuid, parent=self)
            if dialog.exec():
                table.set_member(member_uuid)

        table.case_activated.connect(open_case)
        new_case = QPushButton(_("New support case…"))
        new_case.clicked.connect(lambda: open_case(None))
        page = QWidget()
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(new_case)
        layout.addLayout(row)
        layout.addWidget(table)
        return page

    def _add(self, name: str, widget: QWidget) -> QWidget:
        self.fields[name] = widget
        return widget

    def _line(self, name: str) -> QLineEdit:
        edit = QLineEdit()
        self.fields[name] = edit
        return edit

    # -- data in and out -------------------------------------------------------------------

    def _load(self) -> None:
        assert self.member_uuid is not None
        data = members.member_input(self.db, self.member_uuid)
        row = members.get_member(self.db, self.member_uuid)
        for name in ("full_name", "ethnicity", "religion", "card_number", "phone", "email",
                     "hometown", "address", "job_title", "union_role", "education",
                     "political_theory"):
            self.fields[name].setText(getattr(data, name) or "")  # type: ignore[attr-defined]
        self.national_id.setText(data.national_id or "")
        self.birth.setText(format_birth(data.date_of_birth, data.birth_year))
        self.joined_on.setText(format_date(data.joined_on))
        self.gender.setCurrentIndex(max(0, self.gender.findData(data.gender)))
        self.group.setCurrentIndex(max(0, self.group.findData(str(data.org_unit))))
        self.notes.setPlainText(data.notes)
        self.status.setText(_("Status: {status}").format(status=label(MEMBER_STATUS,
                                                                       row.status)))
        history = members.movements(self.db, self.member_uuid)
        self.history.setRowCount(len(history))
        for r, move in enumerate(reversed(history)):
            where = " → ".join(p for p in (move.from_unit, move.to_unit) if p)
            for c, text in enumerate([format_date(move.occurred_on) or _("(date unknown)"),
                                      label(MOVEMENT, move.kind), where, move.decision_ref]):
                self.history.setItem(r, c, QTableWidgetItem(text))

    def data(self) -> MemberInput:
        """What the form says; a date the core can't read raises ValidationError (with the
        core's findings about the other fields, so everything is said at once)."""
        problems: list[Problem] = []
        data = self.read_form(problems)
        if problems:
            raise ValidationError(merged(problems, members.validate_member(data.cleaned())))
        return data

    def check(self) -> list[Problem]:
        """What is wrong with the form now, without saving (clears marks as fields are
        corrected)."""
        problems: list[Problem] = []
        data = self.read_form(problems)
        return merged(problems, members.validate_member(data.cleaned()))

    def read_form(self, problems: list[Problem]) -> MemberInput:
        """What the form says; a date that can't be read is left out and said in
        ``problems``, in the one date rule's words (the same as the roster import's:
        "31/02/1990" is not a real date)."""
        try:
            born, year = parse_birth(self.birth.text())
        except DateError as error:
            born, year = None, None
            problems.append(Problem(error.message, "date_of_birth"))
        try:
            joined: date | None = parse_date(self.joined_on.text())
        except DateError as error:
            joined = None
            problems.append(Problem(error.message, "joined_on"))
        return MemberInput(
            full_name=self.full_name.text(),
            org_unit=uuid.UUID(self.group.currentData()) if self.group.currentData() else None,
            date_of_birth=born, birth_year=year, gender=self.gender.currentData(),
            ethnicity=self.ethnicity.text(), religion=self.religion.text(),
            national_id=self.national_id.text() or None, card_number=self.card_number.text(),
            phone=self.phone.text(), email=self.email.text(), hometown=self.hometown.text(),
            address=self.address.text(), job_title=self.job_title.text(),
            union_role=self.union_role.text(), education=self.education.text(),
            political_theory=self.political_theory.text(), joined_on=joined,
            notes=self.notes.toPlainText())

    def save(self) -> None:
        for widget in self.fields.values():
            mark(widget, False)
        db, member = self.db, self.member_uuid

        def work(_attempt: Attempt) -> members.MemberRow:
            data = self.data()  # (a quick operation: here, on the GUI thread)
            if member is None:
                return members.create_member(db, data)
            return members.update_member(db, member, data)

        def done(saved: members.MemberRow) -> None:
            self.saved = saved
            self.accept()

        run_op(self, work, db=db, changes=Changes.MEMBERS, on_done=done,
               said=lambda saved: (_("Added {name}.") if member is None else
                                   _("Saved {name}.")).format(name=saved.full_name),
               on_refused=self.show_problems)

    def show_problems(self, error: UserError) -> bool:
        if not isinstance(error, ValidationError):
            return False
        for problem in error.problems:
            widget = self.fields.get(problem.field or "")
            if widget is not None:
                mark(widget, True, [problem.message], ERROR_STYLE)
                # Corrected, the mark goes at once (not at the next Save).
                when_changed(widget, lambda: recheck(self.fields, self.check, self.problems))
        first = next((self.fields[p.field] for p in error.problems if p.field in self.fields),
                     None)
        if first is not None:
            first.setFocus()
        self.problems.setText("\n".join(f"• {p.message}" for p in error.problems))
        return True

    def _record_movement(self) -> None:
        assert self.member_uuid is not None
        dialog = MovementDialog(self.db, self.member_uuid, self)
        if dialog.exec():
            self._load()


class MovementDialog(EditDialog):
    """Admission, transfer, change of group, leaving, retirement, death: dated, with where
    from / to and the decision, and the status it brings."""

    def __init__(self, db: Database, member_uuid: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.member_uuid = member_uuid
        self.setWindowTitle(_("Record a movement"))
        self.kind = QComboBox()
        for kind in MovementKind.ALL:
            self.kind.addItem(label(MOVEMENT, kind), kind)
        self.when = _date_edit(_("dd/mm/yyyy"))
        self.when.setText(format_date(date.today()))
        self.group = QComboBox()
        for unit in list_units(db, OrgKind.GROUP):
            self.group.addItem(unit.name, str(unit.uuid))
        self.other_unit = QLineEdit()
        self.other_unit.setPlaceholderText(_("the other union, for a transfer"))
        self.decision = QLineEdit()
        self.note = QLineEdit()
        form = QFormLayout()
        form.addRow(_("Movement:"), self.kind)
        form.addRow(_("Date:"), self.when)
        form.addRow(_("New group:"), self.group)
        form.addRow(_("From / to:"), self.other_unit)
        form.addRow(_("Decision:"), self.decision)
        form.addRow(_("Note:"), self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Record"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.group.setEnabled(kind == MovementKind.GROUP_CHANGE)
        self.other_unit.setEnabled(kind in (MovementKind.TRANSFER_IN, MovementKind.TRANSFER_OUT))

    def save(self) -> None:
        kind = self.kind.currentData()
        try:
            when = parse_date(self.when.text())
        except DateError as error:
            QMessageBox.warning(self, self.windowTitle(), error.message)
            return
        if when is None:
            QMessageBox.warning(self, self.windowTitle(), _("Write the date as dd/mm/yyyy."))
            return
        other, db, member = self.other_unit.text(), self.db, self.member_uuid
        group = (uuid.UUID(self.group.currentData())
                 if kind == MovementKind.GROUP_CHANGE and self.group.currentData() else None)
        decision, note = self.decision.text(), self.note.text()
        run_op(self, lambda _a: members.record_movement(
            db, member, kind, when, to_group=group,
            from_unit=other if kind == MovementKind.TRANSFER_IN else "",
            to_unit=other if kind == MovementKind.TRANSFER_OUT else "",
            decision_ref=decision, note=note),
            db=db, changes=Changes.MEMBERS, on_done=lambda _result: self.accept(),
            said=_("Recorded: {movement}.").format(movement=label(MOVEMENT, kind)))
