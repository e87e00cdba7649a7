"""The audit trail inside the program (for the chair and the inspection committee): who
changed what and when, by member, record, user and date, each change's values before and
after with Vietnamese field names; an .xlsx copy; and the check that nothing was tampered
with."""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.operations import Attempt, run_op
from ui.tables.windowed import Column, WindowedModel
from ui.tasks import run_task, show_error
from ui.widgets.fields import DateField
from ui.widgets.member_picker import MemberPicker
from ui.widgets.pause import after_pause
from unionapp.audit_trail import (
    AuditQuery,
    AuditRow,
    action_label,
    audit_entities,
    audit_list,
    audit_users,
    entity_label,
    export_audit,
    linked_names,
    problem_text,
    verify_audit,
)
from unionapp.db import Database
from unionapp.errors import UserError
from unionapp.i18n import N_, _
from unionapp.progress import Progress
from unionapp.text import format_moment, format_vnd

COLUMNS: list[Column[AuditRow]] = [
    Column("at", N_("Time"), lambda r: format_moment(r.at), width=130),
    Column("user", N_("User"), lambda r: r.user, width=110),
    Column("role", N_("Role"), lambda r: r.role_label, width=140),
    Column("action", N_("Action"), lambda r: action_label(r.action), width=130),
    Column("entity", N_("Kind of record"), lambda r: entity_label(r.entity), width=150),
    Column("fields", N_("Changed fields"), lambda r: ", ".join(c.label for c in r.changes())
           or r.summary, width=380),
]


class AuditDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None, *,
                 member: uuid.UUID | None = None):
        super().__init__(parent)
        self.db = db
        self.record: uuid.UUID | None = None
        self.setWindowTitle(_("Audit trail"))
        self.member = MemberPicker(db)
        self.user = QComboBox()
        self.user.addItem(_("Everyone"), None)
        for name in audit_users(db):
            self.user.addItem(name, name)
        self.entity = QComboBox()
        self.entity.addItem(_("All records"), None)
        for name in audit_entities(db):
            self.entity.addItem(entity_label(name), name)
        self.since = DateField()
        self.until = DateField()
        self.record_label = QLabel()
        self.clear_record = QPushButton(_("All records again"))
        self.clear_record.clicked.connect(lambda: self.set_record(None))
        filters = QHBoxLayout()
        filters.addWidget(QLabel(_("Member:")))
        filters.addWidget(self.member, 2)
        filters.addWidget(self.user, 1)
        filters.addWidget(self.entity, 1)
        filters.addWidget(QLabel(_("From:")))
        filters.addWidget(self.since)
        filters.addWidget(QLabel(_("To:")))
        filters.addWidget(self.until)

        self.model: WindowedModel[AuditRow] = WindowedModel(COLUMNS)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().setVisible(False)
        for i, column in enumerate(COLUMNS):
            self.view.setColumnWidth(i, column.width)
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self._show_detail())
        self.view.doubleClicked.connect(lambda _i: self._this_record())

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.changes = QTableWidget(0, 3)
        self.changes.setHorizontalHeaderLabels([_("Field"), _("Before"), _("After")])
        self.changes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes.verticalHeader().setVisible(False)
        header = self.changes.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.summary)
        detail_layout.addWidget(self.changes)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        self.count = QLabel()
        history = QPushButton(_("History of this record"))
        history.clicked.connect(self._this_record)
        export = QPushButton(_("Export to Excel…"))
        export.clicked.connect(self.export)
        verify = QPushButton(_("Check the trail…"))
        verify.clicked.connect(self.verify)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addWidget(self.record_label)
        bottom.addWidget(self.clear_record)
        bottom.addStretch(1)
        for b in (history, export, verify, close):
            bottom.addWidget(b)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.resize(1180, 700)

        self._timer = after_pause(self, self.reload)
        self.member.member_changed.connect(lambda _m: self.reload())
        self.user.currentIndexChanged.connect(lambda _i: self.reload())
        self.entity.currentIndexChanged.connect(lambda _i: self.reload())
        self.since.textChanged.connect(lambda _t: self._timer.start())
        self.until.textChanged.connect(lambda _t: self._timer.start())
        if member is not None:
            self.member.set_member(member)
        self.set_record(None)

    def query(self) -> AuditQuery:
        def day(field: DateField) -> object:
            try:
                return field.value()
            except ValueError:
                return None

        return AuditQuery(member=self.member.member(), record=self.record,
                          entity=self.entity.currentData(), user=self.user.currentData(),
                          since=day(self.since), until=day(self.until))  # type: ignore[arg-type]

    def reload(self) -> None:
        self._timer.stop()
        source = audit_list(self.db, self.query())
        self.model.set_source(source)
        self.count.setText(_("{count} entries").format(
            count=f"{self.model.rowCount():,}".replace(",", ".")))
        if self.model.rowCount():
            self.view.selectRow(0)
        self._show_detail()

    def set_record(self, record: uuid.UUID | None) -> None:
        self.record = record
        self.record_label.setText(_("Only one record") if record else "")
        self.clear_record.setVisible(record is not None)
        self.reload()

    def current(self) -> AuditRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _this_record(self) -> None:
        row = self.current()
        if row is not None and row.entity_uuid is not None:
            self.set_record(row.entity_uuid)

    def _show_detail(self) -> None:
        row = self.current()
        if row is None:
            self.summary.setText("")
            self.changes.setRowCount(0)
            return
        who = f"{row.user} ({row.role_label})" if row.role else row.user
        text = _("{moment} — {who} — {action} {entity}").format(
            moment=format_moment(row.at), who=who, action=action_label(row.action),
            entity=entity_label(row.entity).lower())
        if row.summary:
            text += "<br>" + row.summary
        if row.entity_uuid:
            text += "<br><small>" + str(row.entity_uuid) + "</small>"
        self.summary.setText(text)
        changes = row.changes(linked_names(self.db, [row]))
        self.changes.setRowCount(len(changes))
        for i, c in enumerate(changes):
            for j, value in enumerate((c.label, c.before, c.after)):
                self.changes.setItem(i, j, QTableWidgetItem(value))

    def export(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Export the audit trail"), "nhat-ky-thay-doi.xlsx",
            _("Excel workbook (*.xlsx);;CSV, UTF-8 (*.csv)"))
        if not name:
            return
        path, db, query = Path(name), self.db, self.query()

        def work(attempt: Attempt) -> int:
            return export_audit(db, path, query, progress=attempt.progress)

        run_op(self, work, db=db, label=_("Writing the audit trail…"), cancellable=True,
               file=path, on_done=lambda count: QMessageBox.information(
                   self, _("Export the audit trail"), _("Wrote {count} entries to {file}.")
                   .format(count=format_vnd(count, unit=False), file=path)))

    def verify(self) -> None:
        db = self.db

        def work(progress: Progress) -> object:
            progress(0, 0, _("Checking the audit trail…"))
            return verify_audit(db)

        def done(check: object) -> None:
            text = problem_text(check)  # type: ignore[arg-type]
            if check.ok:  # type: ignore[attr-defined]
                QMessageBox.information(self, _("Check the trail"), text)
            else:
                QMessageBox.critical(self, _("Check the trail"), text)

        run_task(self, work, label=_("Checking the audit trail…"), on_done=done,
                 on_failed=lambda error: show_error(self, error))


def open_audit(db: Database, parent: QWidget | None, *,
               member: uuid.UUID | None = None) -> AuditDialog | None:
    """The audit trail in its own window (a role that may not read it is told so)."""
    try:
        dialog = AuditDialog(db, parent, member=member)
    except UserError as error:
        show_error(parent, error)
        return None
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
