"""The Trao đổi dữ liệu tab: who sent what and when (a parent union sees its branches, the
late ones first; a branch sees its packages and whether they were confirmed), and the
conflicts waiting for a person: both versions side by side, keep ours or take theirs."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.exchange_words import KEY_EXPLAINED, contents_text
from ui.operations import Changes, Outcome, entity_changes, listen, run_op
from ui.roles import needs
from ui.widgets.empty_state import EmptyState
from unionapp.db import Database
from unionapp.exchange.format import BY_NAME
from unionapp.exchange.parent import (
    BranchState,
    ConflictRow,
    branch_statuses,
    exchange_log,
    field_label,
    field_value,
    open_conflicts,
    resolve_conflict,
)
from unionapp.i18n import N_, _
from unionapp.permissions import Permission
from unionapp.text import format_count, format_date

if TYPE_CHECKING:
    from ui.dialogs.keys import KeysDialog

STATE_TEXT = {
    BranchState.OK: N_("Up to date"),
    BranchState.LATE: N_("Late"),
    BranchState.NEVER: N_("Nothing received yet"),
    BranchState.HELD: N_("Waiting for a missing package"),
    BranchState.NOT_ENROLLED: N_("Key not enrolled"),
}
STATE_COLOR = {BranchState.LATE: "#b71c1c", BranchState.HELD: "#8a5300",
               BranchState.NOT_ENROLLED: "#8a5300", BranchState.NEVER: "#555555"}


def _day(moment: datetime | None) -> str:
    return format_date(moment.astimezone().date()) if moment else "—"


def _table(titles: list[str], stretch: int) -> QTableWidget:
    """Every column as wide as its heading and its values (none cut), one taking the rest."""
    table = QTableWidget(0, len(titles))
    table.setHorizontalHeaderLabels(titles)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    return table


def _fill(table: QTableWidget, rows: list[list[Any]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if isinstance(value, int) and not isinstance(value, bool):
                item = QTableWidgetItem(format_count(value))  # 4.236, as clerks write it
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            else:
                item = QTableWidgetItem("" if value is None else str(value))
            table.setItem(r, c, item)


def plain(text: str) -> str:
    """A menu's words without its shortcut mark (the same translation)."""
    return _(text).replace("&", "")


class ExchangeTab(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.parent_mode = db.mode == "parent"
        if self.parent_mode:
            self.packages = _table([_("Code"), _("Branch"), _("Last package"), _("Made on"),
                                    _("Received on"), _("State"), _("Conflicts")], 1)
            heading = _("Branches and their last package (late ones first)")
        else:
            self.packages = _table([_("Direction"), _("Number"), _("Contents"), _("Made on"),
                                    _("Records"), _("Confirmed by the parent union")], 2)
            heading = _("Packages made and received")
        self.conflicts = _table([_("Date"), _("Sent by"), _("Kind of record"), _("Which record"),
                                 _("Conflict")], 4)
        self.conflicts.itemSelectionChanged.connect(self._show_versions)
        self.versions = _table([_("Field"), _("Our version"), _("Their version")], 1)
        # The two versions are what the person compares: they share the width equally.
        self.versions.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.versions.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self.keep_ours = QPushButton(_("Keep our version"))
        self.take_theirs = QPushButton(_("Take their version"))
        self.keep_ours.clicked.connect(lambda: self.resolve("ours"))
        self.take_theirs.clicked.connect(lambda: self.resolve("theirs"))
        for button in (self.keep_ours, self.take_theirs):  # hidden from roles that may not
            needs(button, Permission.EXCHANGE_RESOLVE)
        self.conflict_count = QLabel()

        # What the tab is for, at hand: make and take in data files, the signing keys.
        self.export_button = needs(QPushButton(_("E&xport data file…")),
                                   Permission.EXCHANGE_EXPORT)
        self.export_button.clicked.connect(lambda: self.export())
        self.import_button = needs(QPushButton(_("&Import data file…")),
                                   Permission.EXCHANGE_IMPORT)
        self.import_button.clicked.connect(lambda: self.import_files())
        self.keys_button = QPushButton(_("Signing &keys…"))
        self.keys_button.clicked.connect(lambda: self.show_keys())
        actions = QHBoxLayout()
        actions.addWidget(QLabel("<b>" + heading + "</b>"), 1)
        for button in (self.export_button, self.import_button, self.keys_button):
            actions.addWidget(button)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.addLayout(actions)
        top_layout.addWidget(self.packages)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.addWidget(self.conflict_count)
        bottom_layout.addWidget(self.conflicts, 2)
        bottom_layout.addWidget(self.versions, 2)
        self.decision_row = QWidget()
        buttons = QHBoxLayout(self.decision_row)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addStretch(1)
        buttons.addWidget(self.keep_ours)
        buttons.addWidget(self.take_theirs)
        bottom_layout.addWidget(self.decision_row)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._conflicts: list[ConflictRow] = []
        self._empty_states()
        self.reload()
        listen(self.on_outcome)

    def on_outcome(self, outcome: Outcome) -> None:
        if outcome.touches(self.db, Changes.EXCHANGE | Changes.UNITS):
            self.reload()

    def _empty_states(self) -> None:
        if self.parent_mode:
            self.packages_empty = EmptyState(
                self.packages, _("No branch has sent a data file yet"), _(
                    "Enrol each branch's signing key (the key file it gives you, checked "
                    "with them over the phone), then import the data files they send."),
                [(plain("Signing &keys…"), self.show_keys),
                 (plain("&Import data file…"), self.import_files, Permission.EXCHANGE_IMPORT)],
                db=self.db)
        else:
            self.packages_empty = EmptyState(
                self.packages, _("No data file yet"), _(
                    "A data file carries the union's records to the parent union (on a USB "
                    "stick or by e-mail). {key} The first time: save your public key to a "
                    "file for the parent union to enrol, then export the data file.").format(
                    key=_(KEY_EXPLAINED)),
                [(plain("E&xport data file…"), self.export, Permission.EXCHANGE_EXPORT),
                 (plain("Signing &keys…"), self.show_keys),
                 (plain("&Import data file…"), self.import_files, Permission.EXCHANGE_IMPORT)],
                db=self.db)
        self.conflicts_empty = EmptyState(
            self.conflicts, _("No conflict is waiting"), _(
                "When a record was changed both here and by its owner, the two versions are "
                "shown here side by side for someone to choose."), db=self.db)

    # -- actions ---------------------------------------------------------------------------

    def export(self) -> Any:
        from ui.dialogs.exchange import export_file

        return export_file(self, self.db)

    def import_files(self) -> Any:
        from ui.dialogs.exchange import import_file

        return import_file(self, self.db)

    def show_keys(self) -> KeysDialog:
        from ui.dialogs.keys import KeysDialog

        dialog = KeysDialog(self.db, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def reload(self) -> None:
        if self.parent_mode:
            statuses = branch_statuses(self.db)
            _fill(self.packages, [[b.code, b.name, b.last_sequence or "—", _day(b.last_made_at),
                                   _day(b.last_imported_at), _(STATE_TEXT[b.state]),
                                   b.open_conflicts or ""] for b in statuses])
            for r, b in enumerate(statuses):
                if b.state in STATE_COLOR:
                    self.packages.item(r, 5).setForeground(QColor(STATE_COLOR[b.state]))
        else:
            rows = exchange_log(self.db)
            _fill(self.packages, [[
                _("Sent") if r.direction == "export" else _("Received from {code}").format(
                    code=r.source_code),
                r.sequence, contents_text(r.full, r.base_sequence),
                _day(r.made_at), r.rows,
                (_day(r.acked_at) if r.acked_at else _("Not yet")) if r.direction == "export"
                else "",
            ] for r in rows])
        self._conflicts = open_conflicts(self.db)
        _fill(self.conflicts, [[_day(c.at), c.source_code,
                                _(BY_NAME[c.entity].label) if c.entity in BY_NAME else c.entity,
                                c.name, c.message] for c in self._conflicts])
        waiting = _("Conflicts waiting for a decision: {count}").format(
            count=len(self._conflicts))
        self.conflict_count.setText(f"<b>{waiting}</b>")
        self._show_versions()

    def selected(self) -> ConflictRow | None:
        rows = self.conflicts.selectionModel().selectedRows()
        return self._conflicts[rows[0].row()] if rows else None

    def _show_versions(self) -> None:
        conflict = self.selected()
        differences = conflict.differences() if conflict else []
        _fill(self.versions, [[field_label(name), field_value(name, ours),
                               field_value(name, theirs)]
                              for name, ours, theirs in differences])
        for button in (self.keep_ours, self.take_theirs):
            button.setEnabled(conflict is not None)
        # Nothing to compare while no conflict waits: the list says so, in more room.
        self.versions.setVisible(bool(self._conflicts))
        self.decision_row.setVisible(bool(self._conflicts))

    def resolve(self, keep: str) -> None:
        conflict = self.selected()
        if conflict is None:
            return
        db = self.db
        # The record decided may show elsewhere with the other side's values.
        run_op(self, lambda _a: resolve_conflict(db, conflict.id, keep), db=db,
               changes=Changes.EXCHANGE | entity_changes([conflict.entity]),
               on_failed=lambda _error: self.reload())
