"""What every "import from a spreadsheet" dialog shares: the file and sheet chooser, the table
where the clerk corrects what each column means, the previewed rows (all, or only those with
problems) and the import button. Members and award recipients differ only in what a row says
and what importing does."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Generic, TypeVar

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

from unionapp.i18n import N_, _

FILE_FILTER = N_("Spreadsheets (*.xlsx *.xls *.ods *.csv);;All files (*)")
Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")


class PreviewRowsModel(QAbstractTableModel, Generic[Row]):
    """The previewed rows of a file; subclasses say what a row shows and its colour."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def cells(self, row: Row) -> list[str]:
        raise NotImplementedError

    def colour(self, row: Row) -> str | None:
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells(row)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:  # a long message, cut off in its cell
            text = self.cells(row)[index.column()]
            return text if len(text) > 40 else None
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = self.colour(row)
            return QBrush(QColor(colour)) if colour else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.HEADERS[section])
        return None


class SheetImportDialog(QDialog):
    """The shared window. Subclasses implement ``load`` (read and check in the background),
    ``remap``, ``do_import``, ``preview_rows`` and ``has_problem``."""

    choose_title = N_("Choose a file…")

    def __init__(self, rows_model: PreviewRowsModel[Any], import_text: str,
                 path: Path | None = None, parent: QWidget | None = None,
                 mapping_width: int = 330):
        super().__init__(parent)
        self.path = path
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

        self.rows_model = rows_model
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
        splitter.setSizes([mapping_width, 1000 - mapping_width])

        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.import_button = QPushButton(import_text)
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

    # -- what subclasses provide ------------------------------------------------------------

    def load(self, columns: dict[int, str] | None = None) -> None:
        raise NotImplementedError

    def remap(self) -> None:
        raise NotImplementedError

    def do_import(self) -> None:
        raise NotImplementedError

    def preview_rows(self) -> list[Any]:
        raise NotImplementedError

    def has_problem(self, row: Any) -> bool:
        raise NotImplementedError

    # -- shared steps -----------------------------------------------------------------------

    def current_sheet(self) -> str | int:
        return self.sheet.currentText() if self.sheet.count() else 0

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, _(self.choose_title), "",
                                                    _(FILE_FILTER))
        if name:
            self.path = Path(name)
            self.file_label.setText(name)
            self.sheet.clear()
            self.load()

    def show_sheets(self, names: list[str], current: str) -> None:
        """The file's sheets, offered once (choosing another one reloads)."""
        if not self.sheet.count():
            self.sheet.addItems(names)
            self.sheet.setCurrentText(current)

    def show_mapping(self, headers: list[str], meanings: dict[int, str],
                     choices: dict[str, str]) -> None:
        """One line per titled column: its header, and a choice of what it means."""
        self.mapping.setRowCount(0)
        for col, header in enumerate(headers):
            if not header:
                continue
            r = self.mapping.rowCount()
            self.mapping.insertRow(r)
            item = QTableWidgetItem(header)
            item.setData(Qt.ItemDataRole.UserRole, col)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.mapping.setItem(r, 0, item)
            box = QComboBox()
            for name, text in sorted(choices.items(), key=lambda kv: kv[0] != "ignore"):
                box.addItem(_(text), name)
            box.setCurrentIndex(max(0, box.findData(meanings.get(col, "ignore"))))
            self.mapping.setCellWidget(r, 1, box)

    def chosen_columns(self) -> dict[int, str]:
        columns = {}
        for r in range(self.mapping.rowCount()):
            col = self.mapping.item(r, 0).data(Qt.ItemDataRole.UserRole)
            box = self.mapping.cellWidget(r, 1)
            assert isinstance(box, QComboBox)
            if box.currentData() != "ignore":
                columns[int(col)] = box.currentData()
        return columns

    def _show_rows(self) -> None:
        rows = self.preview_rows()
        if self.only_problems.isChecked():
            rows = [r for r in rows if self.has_problem(r)]
        self.rows_model.set_rows(rows)
        self.rows.resizeColumnsToContents()
