"""Importing a roster: choose a file, check the column mapping, see every row with what will
happen to it and why, decide what the file only suggests (splitting a "job, unit" column,
creating the groups it names), then import — or not. Reading, checking and writing run off
the GUI thread with progress and Cancel; cancelling leaves the database as it was. The rules
are the core's (``importing.preview``, ``check_plan``, ``apply``): this window only asks."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QMessageBox, QWidget

from ui.dialogs.sheet_import import PreviewRowsModel, SheetImportDialog
from ui.operations import Attempt, Changes, run_op
from ui.tasks import run_task
from unionapp.db import Database
from unionapp.i18n import N_, _
from unionapp.progress import Progress
from unionapp.rosters.importing import (
    ImportOptions,
    ImportSummary,
    Plan,
    RowPlan,
    apply,
    check_plan,
    preview,
    remember_mapping,
    summary_lines,
)
from unionapp.rosters.layout import FIELD_LABELS
from unionapp.text import format_birth, format_vnd

ACTIONS = {
    "create": N_("New"),
    "update": N_("Update"),
    "unchanged": N_("Unchanged"),
    "skip": N_("Skipped"),
    "error": N_("Error"),
}
ACTION_COLOURS = {"error": "#fdecea", "skip": "#fff6e0", "update": "#eaf4ff"}


def _problems(row: RowPlan) -> str:
    """The row's problems, then what the check noted (why it matches someone, what changes)."""
    texts = [f"{p.field}: {p.message}" if p.field else p.message for p in row.problems]
    return "; ".join(texts + row.notes)


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
        # What the file only suggests: the clerk decides, and the rows are checked again.
        self.split_box = QCheckBox()
        self.create_groups_box = QCheckBox()
        for box in (self.split_box, self.create_groups_box):
            box.hide()
            box.toggled.connect(self._options_changed)
        choices = QHBoxLayout()
        choices.addWidget(self.split_box)
        choices.addWidget(self.create_groups_box)
        choices.addStretch(1)
        layout = self.layout()
        assert layout is not None
        layout.insertLayout(layout.count() - 1, choices)  # type: ignore[attr-defined]

    def options(self) -> ImportOptions:
        offered = self.summary is not None and self.summary.split is not None
        split = self.split_box.isChecked() if offered else None
        return ImportOptions(split_job_unit=split,
                             create_groups=self.create_groups_box.isChecked())

    # -- steps ----------------------------------------------------------------------------

    def load(self, columns: dict[int, str] | None = None) -> None:
        """Read and check the file in the background."""
        if self.path is None:
            return
        path, db = self.path, self.db
        sheet = self.current_sheet()
        options = ImportOptions(create_groups=self.create_groups_box.isChecked())

        def work(progress: Progress) -> tuple[Plan, ImportSummary]:
            return preview(db, path, sheet=sheet, columns=columns, options=options,
                           progress=progress)

        self.import_button.setEnabled(False)
        run_task(self, work, on_done=self._loaded, label=_("Reading {name}…").format(
            name=path.name))

    def _options_changed(self) -> None:
        """The clerk changed a choice: the file is not read again, only checked."""
        if self.plan is None or self.summary is None or self._showing:
            return
        plan, db, options = self.plan, self.db, self.options()

        def work(progress: Progress) -> ImportSummary:
            return check_plan(db, plan, options, progress)

        self.import_button.setEnabled(False)
        run_task(self, work, on_done=lambda summary: self._loaded((plan, summary)),
                 label=_("Checking the rows…"))

    _showing = False

    def _loaded(self, result: tuple[Plan, ImportSummary]) -> None:
        self.plan, self.summary = result
        plan, summary = result
        self.show_sheets(plan.sheet.sheet_names, plan.sheet.sheet)
        self.show_mapping(plan.layout.headers, plan.layout.columns, FIELD_LABELS)
        self._show_rows()
        self._showing = True  # setting the boxes must not check the rows again
        try:
            self._show_choices(summary)
        finally:
            self._showing = False
        text = _("Header found on row {row}. Will create {created}, update {updated}, leave "
                 "{unchanged} unchanged, skip {skipped}; {errors} rows have errors.").format(
            row=summary.header_row, created=summary.created, updated=summary.updated,
            unchanged=summary.unchanged, skipped=summary.skipped, errors=summary.error_rows)
        self.summary_label.setText("\n".join([text, *summary_lines(summary)[1:]]))
        self.import_button.setEnabled(summary.created + summary.updated > 0)

    def _show_choices(self, summary: ImportSummary) -> None:
        offer = summary.split
        self.split_box.setVisible(offer is not None)
        if offer is not None:
            cell, job, unit = offer.examples[0]
            self.split_box.setText(_("Split “{column}” into job title and unit (“{cell}” → "
                                     "{job} | {unit})").format(column=offer.column, cell=cell,
                                                               job=job, unit=unit))
            self.split_box.setChecked(offer.split)
        groups = sorted({*summary.groups_missing, *summary.groups_created})
        self.create_groups_box.setVisible(bool(groups))
        if groups:
            self.create_groups_box.setText(_("Create the {count} groups the file names: "
                                             "{names}").format(count=len(groups),
                                                               names=", ".join(groups[:6])
                                                               + (", …" if len(groups) > 6
                                                                  else "")))
            self.create_groups_box.setChecked(bool(summary.groups_created))

    def preview_rows(self) -> list[RowPlan]:
        return self.summary.rows if self.summary else []

    def has_problem(self, row: RowPlan) -> bool:
        return row.action in ("error", "skip") or bool(row.problems)

    def remap(self) -> None:
        columns = self.chosen_columns()
        if self.plan is not None:
            self.plan.layout.columns = columns
            remember_mapping(self.plan.layout)  # the next file of this shape maps like this
        self.load(columns)

    def do_import(self) -> None:
        if self.plan is None or self.summary is None:
            return
        plan, summary, db = self.plan, self.summary, self.db

        def work(attempt: Attempt) -> ImportSummary:
            # What the preview showed is written, unless the register changed meanwhile.
            return apply(db, plan, summary, summary.options, attempt.progress)

        self.import_button.setEnabled(False)
        run_op(self, work, db=db, changes=Changes.MEMBERS | Changes.UNITS,  # groups made too
               on_done=self._imported, on_cancelled=lambda: self._cancelled(),
               on_failed=lambda _error: self.import_button.setEnabled(True),
               label=_("Importing {name}…").format(name=plan.sheet.file), cancellable=True,
               said=lambda done: _("Imported {file}: {created} created, {updated} updated.")
               .format(file=Path(done.file).name, created=format_vnd(done.created, unit=False),
                       updated=format_vnd(done.updated, unit=False)))

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
            errors=summary.error_rows))
        self.accept()
