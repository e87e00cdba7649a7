"""Importing a roster: choose a file, check the column mapping, see every row with what will
happen to it and why, then import — or not. Reading, checking and writing run off the GUI
thread with progress and Cancel; cancelling leaves the database as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
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

from ui.tasks import run_task
from unionapp.db import Database
from unionapp.i18n import N_, _
from unionapp.progress import Progress
from unionapp.rosters.importing import (
    ImportSummary,
    Plan,
    RowPlan,
    apply,
    check,
    read_roster,
    remember_mapping,
)
from unionapp.rosters.layout import FIELD_LABELS
from unionapp.text import format_birth

ACTIONS = {
    "create": N_("New"),
    "update": N_("Update"),
    "unchanged": N_("Unchanged"),
    "skip": N_("Skipped"),
    "error": N_("Error"),
}
ACTION_COLOURS = {"error": "#fdecea", "skip": "#fff6e0", "update": "#eaf4ff"}
FILE_FILTER = N_("Spreadsheets (*.xlsx *.xls *.ods *.csv);;All files (*)")
Index = QModelIndex | QPersistentModelIndex


def _problems(row: RowPlan) -> str:
    issues = row.candidate.errors + row.candidate.warnings
    text = "; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in issues)
    if row.action == "skip" and row.matches:
        where = ", ".join(_("row {row}").format(row=m.row) if m.row else m.full_name
                          for m in row.matches)
        text = "; ".join(t for t in (text, _("same person as {where}").format(where=where)) if t)
    if row.action == "update":
        text = "; ".join(t for t in (text, _("changes: {fields}").format(
            fields=", ".join(row.changes))) if t)
    return text


class RowsModel(QAbstractTableModel):
    HEADERS = (N_("Row"), N_("Full name"), N_("Date of birth"), N_("Action"), N_("Problems"))

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[RowPlan] = []

    def set_rows(self, rows: list[RowPlan]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            data = row.candidate.data
            return [str(row.candidate.row), data.full_name,
                    format_birth(data.date_of_birth, data.birth_year),
                    _(ACTIONS.get(row.action, row.action)), _problems(row)][index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and row.action in ACTION_COLOURS:
            return QBrush(QColor(ACTION_COLOURS[row.action]))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.HEADERS[section])
        return None


class ImportDialog(QDialog):
    def __init__(self, db: Database, path: Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.path = path
        self.plan: Plan | None = None
        self.summary: ImportSummary | None = None
        self.result_summary: ImportSummary | None = None
        self.setWindowTitle(_("Import members from a spreadsheet"))
        self.resize(1000, 680)

        self.file_label = QLabel(_("No file chosen."))
        choose = QPushButton(_("Choose a file…"))
        choose.clicked.connect(self.choose_file)
        self.sheet = QComboBox()
        self.sheet.activated.connect(lambda _i: self.load())
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(QLabel(_("Sheet:")))
        top.addWidget(self.sheet)
        top.addWidget(choose)

        self.mapping = QTableWidget(0, 2)
        self.mapping.setHorizontalHeaderLabels([_("Column in the file"), _("Means")])
        self.mapping.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping.verticalHeader().hide()
        remap = QPushButton(_("Use these columns"))
        remap.clicked.connect(self.remap)
        mapping_box = QWidget()
        mapping_layout = QVBoxLayout(mapping_box)
        mapping_layout.setContentsMargins(0, 0, 0, 0)
        mapping_layout.addWidget(QLabel(_("What each column holds (correct it if needed):")))
        mapping_layout.addWidget(self.mapping)
        mapping_layout.addWidget(remap)

        self.rows_model = RowsModel()
        self.rows = QTableView()
        self.rows.setModel(self.rows_model)
        self.rows.setWordWrap(False)
        self.rows.horizontalHeader().setStretchLastSection(True)
        self.rows.verticalHeader().hide()
        self.only_problems = QCheckBox(_("Only rows with problems"))
        self.only_problems.toggled.connect(self._show_rows)
        rows_box = QWidget()
        rows_layout = QVBoxLayout(rows_box)
        rows_layout.setContentsMargins(0, 0, 0, 0)
        rows_layout.addWidget(self.only_problems)
        rows_layout.addWidget(self.rows)

        splitter = QSplitter()
        splitter.addWidget(mapping_box)
        splitter.addWidget(rows_box)
        splitter.setSizes([330, 670])

        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.import_button = QPushButton(_("Import"))
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.do_import)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary_label, 1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        if path is not None:
            self.file_label.setText(str(path))

    # -- steps ----------------------------------------------------------------------------

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, _("Choose a roster"), "",
                                                    _(FILE_FILTER))
        if name:
            self.path = Path(name)
            self.file_label.setText(name)
            self.sheet.clear()
            self.load()

    def load(self, columns: dict[int, str] | None = None) -> None:
        """Read and check the file in the background."""
        if self.path is None:
            return
        path, db = self.path, self.db
        sheet: str | int = self.sheet.currentText() if self.sheet.count() else 0
        home = db.home_unit_uuid

        def work(progress: Progress) -> tuple[Plan, ImportSummary]:
            plan = read_roster(path, sheet=sheet, columns=columns, progress=progress)
            with db.read() as s:
                return plan, check(s, plan, home, progress)  # type: ignore[arg-type]

        self.import_button.setEnabled(False)
        run_task(self, work, on_done=self._loaded, label=_("Reading {name}…").format(
            name=path.name))

    def _loaded(self, result: tuple[Plan, ImportSummary]) -> None:
        self.plan, self.summary = result
        plan, summary = result
        if not self.sheet.count():
            self.sheet.addItems(plan.sheet.sheet_names)
            self.sheet.setCurrentText(plan.sheet.sheet)
        self.mapping.setRowCount(0)
        for col, header in enumerate(plan.layout.headers):
            if not header:
                continue
            r = self.mapping.rowCount()
            self.mapping.insertRow(r)
            item = QTableWidgetItem(header)
            item.setData(Qt.ItemDataRole.UserRole, col)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.mapping.setItem(r, 0, item)
            box = QComboBox()
            for name, text in sorted(FIELD_LABELS.items(), key=lambda kv: kv[0] != "ignore"):
                box.addItem(_(text), name)
            box.setCurrentIndex(max(0, box.findData(plan.layout.columns.get(col, "ignore"))))
            self.mapping.setCellWidget(r, 1, box)
        self._show_rows()
        text = _("Header found on row {row}. Will create {created}, update {updated}, leave "
                 "{unchanged} unchanged, skip {skipped}; {errors} rows have errors.").format(
            row=summary.header_row, created=summary.created, updated=summary.updated,
            unchanged=summary.unchanged, skipped=summary.skipped,
            errors=len({p.row for p in summary.errors}))
        if summary.legacy_encoding:
            text += " " + _("Text in the old {encoding} encoding will be converted to "
                            "Unicode.").format(encoding=summary.legacy_encoding.upper())
        if summary.groups_created:
            text += " " + _("New groups: {names}.").format(names=", ".join(
                summary.groups_created))
        self.summary_label.setText(text)
        self.import_button.setEnabled(summary.created + summary.updated > 0)

    def _show_rows(self) -> None:
        rows = self.summary.rows if self.summary else []
        if self.only_problems.isChecked():
            rows = [r for r in rows if r.action in ("error", "skip") or r.candidate.warnings]
        self.rows_model.set_rows(rows)
        self.rows.resizeColumnsToContents()

    def chosen_columns(self) -> dict[int, str]:
        columns = {}
        for r in range(self.mapping.rowCount()):
            col = self.mapping.item(r, 0).data(Qt.ItemDataRole.UserRole)
            box = self.mapping.cellWidget(r, 1)
            assert isinstance(box, QComboBox)
            if box.currentData() != "ignore":
                columns[int(col)] = box.currentData()
        return columns

    def remap(self) -> None:
        columns = self.chosen_columns()
        if self.plan is not None:
            self.plan.layout.columns = columns
            remember_mapping(self.plan.layout)  # the next file of this shape maps like this
        self.load(columns)

    def do_import(self) -> None:
        if self.plan is None:
            return
        plan, db = self.plan, self.db

        def work(progress: Progress) -> ImportSummary:
            return apply(db, plan, progress)

        self.import_button.setEnabled(False)
        run_task(self, work, on_done=self._imported,
                 on_cancelled=lambda: self._cancelled(),
                 label=_("Importing {name}…").format(name=plan.sheet.file))

    def _cancelled(self) -> None:
        self.import_button.setEnabled(True)
        QMessageBox.information(self, self.windowTitle(),
                                _("The import was cancelled; nothing was changed."))

    def _imported(self, summary: ImportSummary) -> None:
        self.result_summary = summary
        QMessageBox.information(self, self.windowTitle(), _(
            "Imported {file}: {created} created, {updated} updated, {unchanged} unchanged, "
            "{skipped} skipped, {errors} rows with errors left out.").format(
            file=summary.file, created=summary.created, updated=summary.updated,
            unchanged=summary.unchanged, skipped=summary.skipped,
            errors=len({p.row for p in summary.errors})))
        self.accept()
