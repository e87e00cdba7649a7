"""Adding and editing an activity (or emulation movement), and a participant's result."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui.operations import Attempt, Changes, run_op
from ui.roles import read_only_unless
from ui.tabs.list_tab import combo
from ui.widgets.editing import EditDialog
from ui.widgets.fields import DateField, ProblemLabel, merged, read_date
from unionapp import activities
from unionapp.activities import ActivityInput, ActivityRow, ParticipantRow
from unionapp.db import Database
from unionapp.errors import Problem, ValidationError
from unionapp.i18n import _
from unionapp.labels import ACTIVITY_KIND, label
from unionapp.models import ActivityKind, OrgKind
from unionapp.org import list_units
from unionapp.permissions import Permission


def ok_cancel(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
    buttons.rejected.connect(dialog.reject)
    return buttons


class ActivityDialog(EditDialog):
    """A new activity (``activity_uuid`` None) or an existing one. ``saved`` after OK."""

    def __init__(self, db: Database, activity_uuid: uuid.UUID | None = None,
                 parent: QWidget | None = None, *, kind: str | None = None):
        super().__init__(parent)
        self.db = db
        self.activity_uuid = activity_uuid
        self.saved: ActivityRow | None = None
        self.setWindowTitle(_("Edit activity") if activity_uuid else _("New activity"))
        data = (activities.activity_input(db, activity_uuid) if activity_uuid
                else ActivityInput(kind=kind or ActivityKind.MEETING))
        self.kind = combo([(label(ACTIVITY_KIND, k), k) for k in ActivityKind.ALL])
        self.kind.setCurrentIndex(max(0, self.kind.findData(data.kind)))
        self.title = QLineEdit(data.title)
        self.title.setPlaceholderText(_("e.g. Hội nghị viên chức, người lao động năm 2025"))
        units = [u for u in list_units(db) if u.kind in (OrgKind.BRANCH, OrgKind.GROUP)]
        self.unit = combo([(u.name, u.uuid) for u in units])
        self.unit.setCurrentIndex(max(0, self.unit.findData(data.org_unit or db.home_unit_uuid)))
        self.starts_on = DateField(data.starts_on)
        self.ends_on = DateField(data.ends_on)
        self.location = QLineEdit(data.location)
        self.description = QPlainTextEdit(data.description)
        self.description.setMaximumHeight(110)
        self.form = QFormLayout()
        self.form.addRow(_("Kind:"), self.kind)
        self.form.addRow(_("Name:"), self.title)
        self.form.addRow(_("Organised by:"), self.unit)
        self.form.addRow(_("From:"), self.starts_on)
        self.form.addRow(_("To:"), self.ends_on)
        self.form.addRow(_("Venue:"), self.location)
        self.form.addRow(_("Description:"), self.description)
        self.problems = ProblemLabel()
        buttons = ok_cancel(self, _("Save"))
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.resize(620, 420)
        read_only_unless(self, db, Permission.ACTIVITIES_EDIT)

    def data(self, problems: list[Problem]) -> ActivityInput:
        return ActivityInput(
            kind=self.kind.currentData(), title=self.title.text(), org_unit=self.unit.currentData(),
            starts_on=read_date(self.starts_on, "starts_on", _("From"), problems),
            ends_on=read_date(self.ends_on, "ends_on", _("To"), problems),
            location=self.location.text(), description=self.description.toPlainText())

    def save(self) -> None:
        problems: list[Problem] = []
        data = self.data(problems)
        db, activity = self.db, self.activity_uuid

        def work(_attempt: Attempt) -> ActivityRow:
            if problems:  # with the core's own findings, so everything is said at once
                checked = activities.validate_activity(data.cleaned())
                raise ValidationError(merged(problems, checked))
            if activity is None:
                return activities.create_activity(db, data)
            return activities.update_activity(db, activity, data)

        self.save_record(work, db=db, changes=Changes.ACTIVITIES,
                         said=lambda saved: _("Saved “{title}”.").format(title=saved.title),
                         fields={"title": self.title, "kind": self.kind,
                                 "starts_on": self.starts_on, "ends_on": self.ends_on},
                         check=self.check, label=self.problems)

    def check(self) -> list[Problem]:
        """What is wrong now, without saving (a mark clears once its field is right)."""
        problems: list[Problem] = []
        data = self.data(problems)
        return merged(problems, activities.validate_activity(data.cleaned()))


class ParticipantDialog(EditDialog):
    """One participant's role, result and note."""

    def __init__(self, db: Database, row: ParticipantRow, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.row = row
        self.setWindowTitle(_("Result of {name}").format(name=row.full_name))
        self.role = QLineEdit(row.role)
        self.role.setPlaceholderText(_("e.g. Đăng ký thi đua, Vận động viên, Trưởng đoàn"))
        self.result = QLineEdit(row.result)
        self.result.setPlaceholderText(_("e.g. Hoàn thành xuất sắc nhiệm vụ, Giải Nhất"))
        self.note = QLineEdit(row.note)
        form = QFormLayout()
        form.addRow(_("Role:"), self.role)
        form.addRow(_("Result:"), self.result)
        form.addRow(_("Note:"), self.note)
        buttons = ok_cancel(self, _("Save"))
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(520, 180)
        read_only_unless(self, db, Permission.ACTIVITIES_EDIT)

    def save(self) -> None:
        db, row = self.db, self.row
        role, result, note = self.role.text(), self.result.text(), self.note.text()
        run_op(self, lambda _a: activities.set_participation(db, row.uuid, role=role,
                                                             result=result, note=note),
               db=db, changes=Changes.ACTIVITIES, on_done=lambda _none: self.accept())
