"""The award register (sổ khen thưởng): every printed certificate with its serial, how many
times it was printed, and the print log of one of them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.operations import run_op
from ui.tables.windowed import CENTER, RIGHT, Column, WindowedModel
from ui.tabs.list_tab import combo
from ui.tabs.sections import tell
from ui.widgets.pause import after_pause
from unionapp.awards import RECIPIENT_TYPE
from unionapp.certificates import (
    RegisterEntry,
    export_register,
    print_log,
    register_list,
    register_years,
)
from unionapp.db import Database
from unionapp.filenames import proposed_path
from unionapp.i18n import N_, _
from unionapp.labels import label
from unionapp.org import home_unit
from unionapp.text import format_date, format_moment

COLUMNS: list[Column[RegisterEntry]] = [
    Column("serial", N_("Register no."), lambda r: r.serial, CENTER, 90),
    Column("recipient", N_("Name"), lambda r: r.recipient, width=220),
    Column("type", N_("Type"), lambda r: label(RECIPIENT_TYPE, r.recipient_type), width=80),
    Column("unit", N_("Group / unit"), lambda r: r.unit, width=220),
    Column("kind", N_("Award kind"), lambda r: r.award_kind, width=220),
    Column("decision", N_("Decision no."), lambda r: r.decision_number, width=110),
    Column("decided_on", N_("Decision date"), lambda r: format_date(r.decided_on), CENTER, 95),
    Column("first", N_("First printed"),
           lambda r: format_date(r.first_printed_at.astimezone().date()), CENTER, 95),
    Column("prints", N_("Prints"), lambda r: r.prints, RIGHT, 60),
    Column("removed", N_("Note"),
           lambda r: _("award removed from its decision") if r.removed else "", width=200),
]

DESIGNS = {"full": N_("full design"), "blank": N_("onto a blank")}


class AwardRegisterDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(_("Award register"))
        years = register_years(db)
        self.year = combo([(_("All years"), None)] + [(str(y), y) for y in years])
        if years:
            self.year.setCurrentIndex(1)  # the latest year's book
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(_("Search by a person's name"))
        self.model: WindowedModel[RegisterEntry] = WindowedModel(COLUMNS)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.horizontalHeader().setStretchLastSection(True)
        for i, column in enumerate(COLUMNS):
            self.view.setColumnWidth(i, column.width)
        self.view.doubleClicked.connect(lambda _i: self.show_log())
        self.footer = QLabel()
        log = QPushButton(_("Print history…"))
        log.clicked.connect(self.show_log)
        export = QPushButton(_("Export to Excel…"))
        export.clicked.connect(self.export)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Year:")))
        top.addWidget(self.year)
        top.addWidget(self.search, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.footer, 1)
        for button in (log, export, close):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self.resize(1100, 600)
        self._timer = after_pause(self, self.reload)
        self.search.textChanged.connect(self._timer.start)
        self.year.currentIndexChanged.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        self.model.set_source(register_list(self.db, year=self.year.currentData(),
                                            text=self.search.text()))
        self.footer.setText(_("{count} certificates").format(count=self.model.rowCount()))

    def current(self) -> RegisterEntry | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def log_text(self, entry: RegisterEntry) -> str:
        lines = [_("Certificate {serial} — {name}").format(serial=entry.serial,
                                                           name=entry.recipient)]
        for n, row in enumerate(print_log(self.db, entry.uuid), start=1):
            when = format_moment(row.printed_at)
            kind = _("reprint") if row.reprint else _("first print")
            lines.append(f"{n}. {when} — {row.by_user} — {_(DESIGNS.get(row.design, row.design))}"
                         f" — {kind}")
        return "\n".join(lines)

    def show_log(self) -> None:
        entry = self.current()
        if entry is not None:
            tell(self, _("Print history"), self.log_text(entry))

    def export(self, target: Path | None = None) -> Path | None:
        if target is None:
            year = self.year.currentData()
            name = f"so-khen-thuong-{year}" if year else "so-khen-thuong"
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Export the award register"), str(proposed_path(name, ".xlsx")),
                _("Excel workbooks (*.xlsx);;CSV (*.csv)"))
            if not chosen:
                return None
            target = Path(chosen)
        db, year, out = self.db, self.year.currentData(), target
        written: list[Path] = []
        run_op(self, lambda _a: export_register(db, out, year=year,
                                                unit_name=home_unit(db).name),
               db=db, file=out, said=_("Wrote the award register to {file}.").format(
                   file=out.name), on_done=lambda _result: written.append(out))
        return written[0] if written else None
