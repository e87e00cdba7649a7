"""Adding a decision's recipients from a spreadsheet: choose the file, check the columns, see
every row with who it was found to be (or why not), then add them all — or nothing. Reading,
checking and writing run off the GUI thread with progress and Cancel."""

from __future__ import annotations

import uuid
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
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.tabs.sections import tell
from ui.tasks import run_task
from unionapp.db import Database
from unionapp.i18n import N_, _
from unionapp.progress import Progress
from unionapp.rosters.importing import remember_mapping
from unionapp.rosters.layout import FIELD_LABELS
from unionapp.rosters.recipients import (
    ACTIONS,
    EXTRA_LABELS,
    RecipientImportSummary,
    RecipientPlan,
    RecipientRow,
    apply_recipients,
    preview_recipients,
)
from unionapp.text import format_vnd

COLOURS = {"error": "#fdecea", "skip": "#fff6e0", "already": "#f1f1f1"}
FILE_FILTER = N_("Spreadsheets (*.xlsx *.xls *.ods *.csv);;All files (*)")
Index = QModelIndex | QPersistentModelIndex
# The meanings a column can be given here: the roster's, plus prize money and own reason.
MEANINGS = {**FIELD_LABELS, **EXTRA_LABELS}


class RowsModel(QAbstractTableModel):
    HEADERS = (N_("Row"), N_("Name in the file"), N_("Will be"), N_("Found as"),
               N_("Prize money"), N_("Problems"))

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[RecipientRow] = []

    def set_rows(self, rows: list[RecipientRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            problems = "; ".join(p.message for p in row.problems + row.warnings)
            return (str(row.row), row.name, _(ACTIONS[row.action]), row.matched,
                    format_vnd(row.amount) if row.amount else "", problems)[index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and row.action in COLOURS:
            return QBrush(QColor(COLOURS[row.action]))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.HEADERS[section])
        return None


class RecipientImportDialog(QDialog):
    """``result`` holds the summary once the recipients were added."""

    def __init__(self, db: Database, decision_uuid: uuid.UUID, number: str,
                 path: Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.decision_uuid = decision_uuid
        self.path = path
        self.plan: RecipientPlan | None = None
        self.summary: RecipientImportSummary | None = None
        self.result: RecipientImportSummary | None = None
        self.setWindowTitle(_("Add recipients of {number} from a spreadsheet").format(
            number=number))
        self.resize(1050, 660)

        self.file_label = QLabel(str(path) if path else _("No file chosen."))
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
        splitter.setSizes([320, 730])

        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.import_button = QPushButton(_("Add to the decision"))
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

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, _("Choose the list"), "",
                                                    _(FILE_FILTER))
        if name:
            self.path = Path(name)
            self.file_label.setText(name)
            self.sheet.clear()
            self.load()

    def load(self, columns: dict[int, str] | None = None) -> None:
        if self.path is None:
            return
        path, db, decision = self.path, self.db, self.decision_uuid
        sheet: str | int = self.sheet.currentText() if self.sheet.count() else 0

        def work(progress: Progress) -> tuple[RecipientPlan, RecipientImportSummary]:
            return preview_recipients(db, decision, path, sheet=sheet, columns=columns,
                                      progress=progress)

        self.import_button.setEnabled(False)
        run_task(self, work, on_done=self._loaded, label=_("Reading {name}…").format(
            name=path.name))

    def _loaded(self, result: tuple[RecipientPlan, RecipientImportSummary]) -> None:
        self.plan, self.summary = result
        plan, summary = result
        layout = plan.plan.layout
        if not self.sheet.count():
            self.sheet.addItems(plan.plan.sheet.sheet_names)
            self.sheet.setCurrentText(plan.plan.sheet.sheet)
        meanings = {**layout.columns, **plan.extra}
        self.mapping.setRowCount(0)
        for col, header in enumerate(layout.headers):
            if not header:
                continue
            r = self.mapping.rowCount()
            self.mapping.insertRow(r)
            item = QTableWidgetItem(header)
            item.setData(Qt.ItemDataRole.UserRole, col)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.mapping.setItem(r, 0, item)
            box = QComboBox()
            for name, text in sorted(MEANINGS.items(), key=lambda kv: kv[0] != "ignore"):
                box.addItem(_(text), name)
            box.setCurrentIndex(max(0, box.findData(meanings.get(col, "ignore"))))
            self.mapping.setCellWidget(r, 1, box)
        self._show_rows()
        self.summary_label.setText(_(
            "Header found on row {row}. Will add {persons} individuals and {collectives} "
            "collectives; {already} are already on the decision, {skipped} repeated; {errors} "
            "rows have errors and will be left out.").format(
            row=summary.header_row, persons=summary.persons, collectives=summary.collectives,
            already=summary.already, skipped=summary.skipped,
            errors=len({p.row for p in summary.errors})))
        self.import_button.setEnabled(summary.added > 0)

    def _show_rows(self) -> None:
        rows = self.summary.rows if self.summary else []
        if self.only_problems.isChecked():
            rows = [r for r in rows if r.action in ("error", "skip") or r.warnings]
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
            self.plan.plan.layout.columns = {c: n for c, n in columns.items()
                                             if n in FIELD_LABELS}
            remember_mapping(self.plan.plan.layout)
        self.load(columns)

    def do_import(self) -> None:
        if self.plan is None:
            return
        plan, db, decision = self.plan, self.db, self.decision_uuid

        def work(progress: Progress) -> RecipientImportSummary:
            return apply_recipients(db, decision, plan, progress)

        self.import_button.setEnabled(False)
        run_task(self, work, on_done=self._imported,
                 on_cancelled=lambda: self.import_button.setEnabled(True),
                 label=_("Adding recipients…"))

    def _imported(self, summary: RecipientImportSummary) -> None:
        self.result = summary
        tell(self, self.windowTitle(), _(
            "Added {persons} individuals and {collectives} collectives from {file}.").format(
            persons=summary.persons, collectives=summary.collectives, file=summary.file))
        self.accept()
