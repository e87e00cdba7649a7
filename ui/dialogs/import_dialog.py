"""Importing a roster: choose a file, check the column mapping, see every row with what will
happen to it and why, then import — or not. Reading, checking and writing run off the GUI
thread with progress and Cancel; cancelling leaves the database as it was."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from ui.dialogs.sheet_import import PreviewRowsModel, SheetImportDialog
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


class RowsModel(PreviewRowsModel[RowPlan]):
    HEADERS = (N_("Row"), N_("Full name"), N_("Date of birth"), N_("Action"), N_("Problems"))

    def cells(self, row: RowPlan) -> list[str]:
        data = row.candidate.data
        return [str(row.candidate.row), data.full_name,
                format_birth(data.date_of_birth, data.birth_year),
                _(ACTIONS.get(row.action, row.action)), _problems(row)]

    def colour(self, row: RowPlan) -> str | None:
        return ACTION_COLOURS.get(row.action)


class ImportDialog(SheetImportDialog):
    choose_title = N_("Choose a roster")

    def __init__(self, db: Database, path: Path | None = None, parent: QWidget | None = None):
        super().__init__(RowsModel(), _("Import"), path, parent, mapping_width=330)
        self.db = db
        self.plan: Plan | None = None
        self.summary: ImportSummary | None = None
        self.result_summary: ImportSummary | None = None
        self.setWindowTitle(_("Import members from a spreadsheet"))
        self.resize(1000, 680)

    # -- steps ----------------------------------------------------------------------------

    def load(self, columns: dict[int, str] | None = None) -> None:
        """Read and check the file in the background."""
        if self.path is None:
            return
        path, db = self.path, self.db
        sheet = self.current_sheet()
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
        self.show_sheets(plan.sheet.sheet_names, plan.sheet.sheet)
        self.show_mapping(plan.layout.headers, plan.layout.columns, FIELD_LABELS)
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

    def preview_rows(self) -> list[RowPlan]:
        return self.summary.rows if self.summary else []

    def has_problem(self, row: RowPlan) -> bool:
        return row.action in ("error", "skip") or bool(row.candidate.warnings)

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
