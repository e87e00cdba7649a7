"""File ▸ Export data file… / Import data file…: the exchange with the parent union.

Importing is always two steps in one dialog: *check and preview* (a dry run, in the
background, with progress and Cancel) shows the summary; only then may the user *import*, which
runs in the background too. Both steps use the same bytes, read once: the file on the USB stick
may not change between what was shown and what is written.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.exchange_words import KEY_EXPLAINED, contents_text
from ui.operations import Attempt, Changes, entity_changes, run_op
from ui.tasks import Task, run_task
from unionapp.db import Database
from unionapp.exchange import (
    ExportResult,
    ImportSummary,
    export_package,
    import_package,
    import_packages,
    keys,
)
from unionapp.exchange.format import BY_NAME
from unionapp.exchange.reader import Refused, load_bytes
from unionapp.exchange.summary import Status
from unionapp.filenames import proposed_path
from unionapp.i18n import N_, _
from unionapp.org import home_unit
from unionapp.progress import Progress
from unionapp.text import format_count, format_moment

STATUS_TEXT = {Status.OK: N_("OK"), Status.WARNING: N_("Needs attention"),
               Status.ERROR: N_("Refused")}
# The signing key in one sentence, said wherever a clerk first meets it.
SIGNATURE_PLAIN = {
    "valid": N_("The seal (signature) is right: the file comes from {name} and was not "
                "changed."),
    "invalid": N_("The seal (signature) does not match: the file was changed or is not from "
                  "{name}."),
    "unknown_key": N_("The file is sealed with a key not enrolled here: ask {name} for their "
                      "key file and enrol it (Signing keys)."),
}
COUNT_COLUMNS = ("created", "updated", "deleted", "unchanged", "rejected", "conflicts")


def count_titles() -> list[str]:
    return [_("Kind of record"), _("New"), _("Updated"), _("Deleted"), _("Unchanged"),
            _("Rejected"), _("Conflicts")]


class ImportDialog(QDialog):
    """Check and preview a package, then import it on request."""

    imported = Signal(object)  # the committed ImportSummary

    def __init__(self, db: Database, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.path = path
        self.data: bytes | None = None
        self.summary: ImportSummary | None = None
        self.task: Task | None = None
        self.setWindowTitle(_("Import data file"))
        self.resize(760, 620)
        self.headline = QLabel(_("Checking {name}…").format(name=path.name))
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.headline.setFont(font)
        self.about = QLabel()  # what the file is, in a clerk's words
        self.about.setWordWrap(True)
        self.counts = QTableWidget(0, len(COUNT_COLUMNS) + 1)
        self.counts.setHorizontalHeaderLabels(count_titles())
        fit_headers(self.counts, stretch=0)
        self.counts.verticalHeader().hide()
        self.counts.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Numbers, signatures and checksums for whoever supports the office: behind Chi tiết.
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.hide()
        self.details_button = details_toggle(self.details)
        self.buttons = QDialogButtonBox()
        self.commit_button = QPushButton(_("Import into the database"))
        self.commit_button.setEnabled(False)
        self.commit_button.clicked.connect(self.commit)
        self.buttons.addButton(self.commit_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText(_("Close"))
        self.close_button.clicked.connect(self.reject)
        self.buttons.addButton(self.details_button, QDialogButtonBox.ButtonRole.HelpRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.about)
        layout.addWidget(self.counts, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.details, 2)
        layout.addWidget(self.buttons)

    # -- step 1: check and preview ----------------------------------------------------------

    def check(self) -> None:
        path = self.path

        def work(progress: Progress) -> ImportSummary | Refused:
            try:
                data = load_bytes(path)
            except Refused as refusal:
                return refusal
            self.data = data
            return import_package(self.db, data, dry_run=True, file_name=str(path),
                                  progress=progress)

        self.task = run_task(self, work, on_done=self._checked, label=_("Checking the file…"))

    def _checked(self, result: ImportSummary | Refused) -> None:
        if isinstance(result, Refused):
            self.headline.setText(result.message)
            return
        self.show_summary(result)
        self.commit_button.setEnabled(not result.refused and result.outcome == "checked")
        if result.outcome != "checked":
            self.commit_button.hide()

    # -- step 2: import -------------------------------------------------------------------------

    def commit(self) -> None:
        data, path = self.data, self.path
        if data is None:
            return
        self.commit_button.setEnabled(False)

        def work(attempt: Attempt) -> ImportSummary:
            return import_package(self.db, data, file_name=str(path), progress=attempt.progress)

        self.task = run_op(self, work, db=self.db, changes=imported_changes,
                           said=lambda summary: summary.as_json()["message"],
                           on_done=self._committed, label=_("Importing…"), cancellable=True,
                           on_failed=lambda _error: self.commit_button.setEnabled(True),
                           on_cancelled=lambda: self.commit_button.setEnabled(True))

    def _committed(self, summary: ImportSummary) -> None:
        self.show_summary(summary)
        self.commit_button.hide()
        if summary.outcome == "committed":
            self.imported.emit(summary)

    # -- the summary ----------------------------------------------------------------------------

    def show_summary(self, summary: ImportSummary) -> None:
        self.summary = summary
        self.headline.setText(f"{_(STATUS_TEXT[summary.status])} — {summary.as_json()['message']}")
        color = {"ok": "#1b5e20", "warning": "#8a5300", "error": "#b71c1c"}[summary.status]
        self.headline.setStyleSheet(f"color: {color}")
        rows = [(name, counts) for name, counts in summary.entities.items()
                if any(counts.as_json().values())]
        self.counts.setRowCount(len(rows))
        for r, (name, counts) in enumerate(rows):
            label = _(BY_NAME[name].label) if name in BY_NAME else name
            self.counts.setItem(r, 0, QTableWidgetItem(label))
            for c, key in enumerate(COUNT_COLUMNS, start=1):
                item = QTableWidgetItem(format_count(getattr(counts, key)))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.counts.setItem(r, c, item)
        self.about.setText(package_text(summary))
        self.about.setVisible(bool(self.about.text()))
        self.problems.setText(problems_text(summary))
        self.problems.setVisible(bool(self.problems.text()))
        self.details.setPlainText(summary.text())


class BatchImportDialog(QDialog):
    """Several packages at once (a parent union's month of branch packages): each is checked
    and previewed, then all are imported in the order shown, one backup before the first.
    A package refused leaves the others imported."""

    imported = Signal(object)  # the committed ImportSummary objects

    def __init__(self, db: Database, paths: list[Path], parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.paths = paths
        self.data: list[bytes | None] = [None] * len(paths)
        self.summaries: list[ImportSummary | None] = [None] * len(paths)
        self.committed = False
        self.task: Task | None = None
        self.setWindowTitle(_("Import data files"))
        self.resize(820, 600)
        self.headline = QLabel(_("Checking {count} files…").format(count=len(paths)))
        self.headline.setWordWrap(True)
        self.table = QTableWidget(len(paths), 4)
        self.table.setHorizontalHeaderLabels([_("File"), _("Sent by"), _("Number"), _("Result")])
        fit_headers(self.table, stretch=3)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.currentCellChanged.connect(lambda row, *_args: self._show_details(row))
        for row, path in enumerate(paths):
            self.table.setItem(row, 0, QTableWidgetItem(path.name))
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.buttons = QDialogButtonBox()
        self.commit_button = QPushButton(_("Import them all into the database"))
        self.commit_button.setEnabled(False)
        self.commit_button.clicked.connect(self.commit)
        self.buttons.addButton(self.commit_button, QDialogButtonBox.ButtonRole.AcceptRole)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(_("Close"))
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.buttons)

    def check(self) -> None:
        paths = list(self.paths)

        def work(progress: Progress) -> list[tuple[bytes | None, ImportSummary | str]]:
            out: list[tuple[bytes | None, ImportSummary | str]] = []
            for i, path in enumerate(paths):
                progress(i, len(paths), _("Checking {name}…").format(name=path.name))
                try:
                    data = load_bytes(path)
                except Refused as refusal:
                    out.append((None, refusal.message))
                    continue
                out.append((data, import_package(self.db, data, dry_run=True,
                                                 file_name=str(path))))
            return out

        self.task = run_task(self, work, on_done=self._checked, label=_("Checking the files…"))

    def _checked(self, results: list[tuple[bytes | None, ImportSummary | str]]) -> None:
        importable = 0
        for row, (data, result) in enumerate(results):
            self.data[row] = data
            if isinstance(result, str):
                self._set_row(row, None, result)
                continue
            self.summaries[row] = result
            self._set_row(row, result, result.as_json()["message"])
            importable += result.outcome in ("checked", "held")
        self.headline.setText(_("{count} of {total} files can be imported. Each goes in on "
                                "its own: one refused leaves the others.").format(
            count=importable, total=len(results)))
        self.commit_button.setEnabled(importable > 0)
        self.table.selectRow(0)
        self._show_details(0)

    def _set_row(self, row: int, summary: ImportSummary | None, message: str) -> None:
        if summary is not None:
            self.table.setItem(row, 1, QTableWidgetItem(summary.package.source_code))
            number = summary.package.sequence
            self.table.setItem(row, 2, QTableWidgetItem("" if number is None else str(number)))
            message = f"{_(STATUS_TEXT[summary.status])} — {message}"
        item = QTableWidgetItem(message)
        item.setToolTip(message)
        self.table.setItem(row, 3, item)

    def _show_details(self, row: int) -> None:
        if 0 <= row < len(self.summaries) and self.summaries[row] is not None:
            self.details.setPlainText(self.summaries[row].text())  # type: ignore[union-attr]

    def commit(self) -> None:
        rows = [i for i, s in enumerate(self.summaries)
                if s is not None and self.data[i] is not None and s.outcome in ("checked",
                                                                                 "held")]
        data = [self.data[i] for i in rows]
        names = [str(self.paths[i]) for i in rows]
        self.commit_button.setEnabled(False)

        def work(attempt: Attempt) -> list[ImportSummary]:
            return import_packages(self.db, data, file_names=names,  # type: ignore[arg-type]
                                   progress=attempt.progress)

        def done(summaries: list[ImportSummary]) -> None:
            for row, summary in zip(rows, summaries, strict=True):
                self.summaries[row] = summary
                self._set_row(row, summary, summary.as_json()["message"])
            applied = [s for s in summaries if s.outcome == "committed"]
            self.committed = True
            self.headline.setText(_("{count} of {total} files imported.").format(
                count=len(applied), total=len(self.paths)))
            self.commit_button.hide()
            self._show_details(self.table.currentRow())
            if applied:
                self.imported.emit(applied)

        def said(summaries: list[ImportSummary]) -> str:
            return _("{count} of {total} files imported.").format(
                count=sum(s.outcome == "committed" for s in summaries), total=len(self.paths))

        self.task = run_op(self, work, db=self.db, said=said, on_done=done,
                           changes=lambda summaries: functools.reduce(
                               operator.or_, map(imported_changes, summaries), Changes.NONE),
                           label=_("Importing…"), cancellable=True,
                           on_failed=lambda _error: self.commit_button.setEnabled(True),
                           on_cancelled=lambda: self.commit_button.setEnabled(True))


def imported_changes(summary: ImportSummary) -> Changes:
    """What an import changed: the exchange log, and the kinds of records it wrote."""
    if summary.outcome != "committed":
        return Changes.EXCHANGE  # held, or already there: only the log
    return Changes.EXCHANGE | entity_changes(
        name for name, c in summary.entities.items() if c.created or c.updated or c.deleted)


def fit_headers(table: QTableWidget, stretch: int) -> None:
    """Each column as wide as its heading and values (no heading cut), ``stretch`` taking
    what is left."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def details_toggle(details: QWidget) -> QPushButton:
    """The "Chi tiết" button that shows or hides ``details``."""
    button = QPushButton(_("More details"))
    button.setCheckable(True)
    button.toggled.connect(details.setVisible)
    return button


def package_text(summary: ImportSummary) -> str:
    """Who made the file, which one it is and what it carries, and whether its seal holds:
    a few sentences a clerk can check (the numbers behind them are under Chi tiết)."""
    p = summary.package
    if not p.uuid:
        return ""
    name = f"{p.source_code} — {p.source_name}" if p.source_name else p.source_code
    lines = [_("Data file no. {number} from {name}, made on {moment}: {contents}.").format(
        number=p.sequence, name=name, moment=_made(p.created_at),
        contents=contents_text(bool(p.full), p.base_sequence or 0).lower())]
    seal = SIGNATURE_PLAIN.get(p.signature)
    if seal:
        lines.append(_(seal).format(name=name))
    total = sum(summary.total(k) for k in ("created", "updated", "deleted", "unchanged"))
    if summary.entities:
        lines.append(_("{total} records: {created} new, {updated} changed, {deleted} deleted, "
                       "{unchanged} unchanged.").format(
            total=format_count(total), created=format_count(summary.total("created")),
            updated=format_count(summary.total("updated")),
            deleted=format_count(summary.total("deleted")),
            unchanged=format_count(summary.total("unchanged"))))
    return "\n".join(lines)


def _made(created_at: str | None) -> str:
    try:
        return format_moment(datetime.fromisoformat(created_at)) if created_at else "—"
    except ValueError:
        return "—"


def problems_text(summary: ImportSummary) -> str:
    """Errors, warnings and conflicts as sentences (the first few; all under Chi tiết)."""
    lines = [f"• {e.message}" for e in summary.errors[:5]]
    if len(summary.errors) > 5:
        lines.append(_("… and {count} more errors (see More details)").format(
            count=format_count(len(summary.errors) - 5)))
    lines += [f"• {w.message}" for w in summary.warnings[:5]]
    for group in summary.conflict_groups():
        lines.append("• " + _("Conflicts ({count}): {message}").format(
            count=format_count(group["count"]), message=group["message"]))
    return "\n".join(lines)


def import_file(parent: QWidget, db: Database, path: Path | list[Path] | None = None
                ) -> ImportDialog | BatchImportDialog | None:
    """Ask for one package or several (unless given), then check and preview them; the
    views showing what an import wrote refresh by themselves (ui.operations)."""
    if path is None:
        chosen, _filter = QFileDialog.getOpenFileNames(
            parent, _("Import data file"), "", _("Data packages (*.zip);;All files (*)"))
        if not chosen:
            return None
        path = [Path(c) for c in chosen]
    paths = path if isinstance(path, list) else [path]
    dialog: ImportDialog | BatchImportDialog
    dialog = ImportDialog(db, paths[0], parent) if len(paths) == 1 else BatchImportDialog(
        db, paths, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.check()
    return dialog


# --- export ---------------------------------------------------------------------------------------


class ExportOptions(QDialog):
    """Where to write the package and whether whole or only the changes."""

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Export data file"))
        parent_mode = db.mode == "parent"
        text = (_("The package holds this parent union's reference data (units, award and "
                  "support kinds, emulation movements) for its branches, and confirms the "
                  "packages received from them.") if parent_mode else
                _("The package holds this branch's records for the parent union: by default "
                  "what changed since the last package the parent union confirmed."))
        info = QLabel(text)
        info.setWordWrap(True)
        self.full = QCheckBox(_("Everything, not only the changes"))
        self.full.setVisible(not parent_mode)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Choose where to save…"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addWidget(self.full)
        layout.addWidget(buttons)


def default_file_name(db: Database) -> str:
    """The package's proposed path: the unit's code and the day, in Documents."""
    unit = home_unit(db)
    return str(proposed_path(f"{unit.code}-{date.today():%Y%m%d}", ".zip"))


def export_file(parent: QWidget, db: Database, path: Path | None = None, *,
                full: bool | None = None,
                on_done: Callable[[ExportResult], None] | None = None) -> Task | None:
    """Ask what and where (unless given), then write the package in the background."""
    if keys.own_public(db) is None:
        if QMessageBox.question(parent, _("Export data file"), _(KEY_EXPLAINED) + "\n\n" + _(
                "This union has no signing key yet: make it now? (Then give the parent union "
                "your public key file: File ▸ Signing keys.)")
                ) != QMessageBox.StandardButton.Yes:
            return None
        made: list[object] = []
        run_op(parent, lambda _a: keys.init_keys(db), db=db, changes=Changes.EXCHANGE,
               on_done=made.append)
        if not made:
            return None
    if full is None:
        options = ExportOptions(db, parent)
        if not options.exec():
            return None
        full = options.full.isChecked()
    if path is None:
        chosen, _filter = QFileDialog.getSaveFileName(
            parent, _("Export data file"), default_file_name(db),
            _("Data packages (*.zip)"))
        if not chosen:
            return None
        path = Path(chosen if chosen.lower().endswith(".zip") else chosen + ".zip")
    target = path

    def work(attempt: Attempt) -> ExportResult:
        return export_package(db, target, full=bool(full), progress=attempt.progress)

    def done(result: ExportResult) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, _("Export data file"),
                          exported_text(result), QMessageBox.StandardButton.Ok, parent)
        box.setDetailedText(result.text())  # the checksum, for whoever supports the office
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        parent.setProperty("last_export", result.sha256)
        if on_done is not None:
            on_done(result)

    return run_op(parent, work, db=db, changes=Changes.EXCHANGE, on_done=done, file=target,
                  said=_("Wrote the data file {name}.").format(name=target.name),
                  label=_("Writing the data file…"), cancellable=True)


def exported_text(result: ExportResult) -> str:
    """The export's result for a clerk: which file, what it carries, where it went."""
    return _("Data file no. {number} is written ({contents}, {rows} records) to:\n{path}\n"
             "It was read back and checked. Send it to the parent union.").format(
        number=result.sequence, contents=contents_text(result.full, result.base_sequence).lower(),
        rows=format_count(result.total_rows), path=result.path)
