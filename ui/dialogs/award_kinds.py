"""The award kinds catalogue (hình thức khen thưởng): the branch adds its own kinds, each
with the title printed large and its certificate template, and can look at a sample."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs import pdf_preview
from ui.dialogs.activity_dialogs import ok_cancel
from ui.dialogs.certificate_dialogs import print_folder
from ui.operations import Changes, Outcome, listen
from ui.tabs.list_tab import combo
from ui.tasks import show_error
from ui.widgets.editing import EditDialog
from ui.widgets.fields import ProblemLabel
from unionapp import awards
from unionapp.awards import RECIPIENT_TYPE, AwardKindInput, AwardKindRow
from unionapp.certificates import print_sample, template_names
from unionapp.db import Database
from unionapp.errors import Problem, UserError
from unionapp.i18n import _
from unionapp.labels import label
from unionapp.models import RecipientType


class AwardKindDialog(EditDialog):
    def __init__(self, db: Database, kind: AwardKindRow | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.kind = kind
        self.saved: AwardKindRow | None = None
        self.setWindowTitle(_("Edit award kind") if kind else _("New award kind"))
        self.code = QLineEdit(kind.code if kind else "")
        self.code.setPlaceholderText(_("e.g. LDTT"))
        self.name = QLineEdit(kind.name if kind else "")
        self.name.setPlaceholderText(_("e.g. Lao động tiên tiến"))
        self.title = QLineEdit(kind.certificate_title if kind else "GIẤY KHEN")
        self.title.setPlaceholderText(_("empty: no printed certificate"))
        self.recipients = combo([(label(RECIPIENT_TYPE, t), t) for t in RECIPIENT_TYPE])
        self.recipients.setCurrentIndex(max(0, self.recipients.findData(
            kind.recipient_type if kind else RecipientType.BOTH)))
        self.template = combo([(name, name) for name in template_names()])
        self.template.setCurrentIndex(max(0, self.template.findData(
            kind.template if kind else "giay_khen")))
        self.active = QCheckBox(_("In use"))
        self.active.setChecked(kind.active if kind else True)
        form = QFormLayout()
        form.addRow(_("Code:"), self.code)
        form.addRow(_("Name:"), self.name)
        form.addRow(_("Title printed large:"), self.title)
        form.addRow(_("Awarded to:"), self.recipients)
        form.addRow(_("Certificate template:"), self.template)
        form.addRow("", self.active)
        self.problems = ProblemLabel()
        buttons = ok_cancel(self, _("Save"))
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.resize(520, 300)

    def data(self) -> AwardKindInput:
        return AwardKindInput(code=self.code.text(), name=self.name.text(),
                              certificate_title=self.title.text(),
                              recipient_type=self.recipients.currentData(),
                              template=self.template.currentData() or "",
                              active=self.active.isChecked())

    def check(self) -> list[Problem]:
        """What is wrong now, without saving (a mark clears once its field is right)."""
        return awards.validate_award_kind(self.data().cleaned())

    def save(self) -> None:
        data = self.data()
        db, kind = self.db, self.kind
        self.save_record(lambda _a: (awards.update_award_kind(db, kind.uuid, data) if kind
                                     else awards.create_award_kind(db, data)),
                         db=db, changes=Changes.AWARDS,
                         fields={"code": self.code, "name": self.name, "template": self.template},
                         check=self.check, label=self.problems)


class AwardKindsDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(_("Award kinds"))
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([_("Code"), _("Name"), _("Title printed large"),
                                              _("Awarded to"), _("Template")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        for i, width in enumerate((90, 320, 130, 140, 100)):
            self.table.setColumnWidth(i, width)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        buttons = QHBoxLayout()
        for text, slot in ((_("New…"), self.new), (_("Edit…"), self.edit),
                           (_("Show a sample…"), self.sample)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(860, 420)
        self.reload()
        listen(self.on_outcome)

    def on_outcome(self, outcome: Outcome) -> None:
        if outcome.touches(self.db, Changes.AWARDS):
            self.reload()

    def reload(self) -> None:
        self.kinds = awards.award_kinds(self.db, include_inactive=True)
        self.table.setRowCount(len(self.kinds))
        for row, kind in enumerate(self.kinds):
            name = kind.name if kind.active else _("{name} (not in use)").format(name=kind.name)
            for column, text in enumerate((kind.code, name, kind.certificate_title or "—",
                                           label(RECIPIENT_TYPE, kind.recipient_type),
                                           kind.template or "—")):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def current(self) -> AwardKindRow | None:
        row = self.table.currentRow()
        return self.kinds[row] if 0 <= row < len(self.kinds) else None

    def new(self) -> None:
        AwardKindDialog(self.db, None, self).exec()

    def edit(self) -> None:
        kind = self.current()
        if kind is not None:
            AwardKindDialog(self.db, kind, self).exec()

    def sample(self) -> None:
        kind = self.current()
        if kind is None or not kind.template or not kind.certificate_title:
            return
        try:
            path = print_sample(kind.template, print_folder() / f"mau-{kind.template}.pdf",
                                title=kind.certificate_title)
        except UserError as error:
            show_error(self, error)
            return
        pdf_preview.preview_pdf(self, path, _("Sample — {name}").format(name=kind.name))
