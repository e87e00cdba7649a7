"""Adding a decision's recipients from a spreadsheet: choose the file, check the columns, see
every row with who it was found to be (or why not), then add them all — or nothing. Reading,
checking and writing run off the GUI thread with progress and Cancel."""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtWidgets import QWidget

from ui.dialogs.sheet_import import PreviewRowsModel, SheetImportDialog
from ui.operations import Attempt, Changes, run_op
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
# The meanings a column can be given here: the roster's, plus prize money and own reason.
MEANINGS = {**FIELD_LABELS, **EXTRA_LABELS}


class RowsModel(PreviewRowsModel[RecipientRow]):
    HEADERS = (N_("Row"), N_("Name in the file"), N_("Will be"), N_("Found as"),
               N_("Prize money"), N_("Problems"))

    def cells(self, row: RecipientRow) -> list[str]:
        problems = "; ".join(p.message for p in row.problems + row.warnings)
        return [str(row.row), row.name, _(ACTIONS[row.action]), row.matched,
                format_vnd(row.amount) if row.amount else "", problems]

    def colour(self, row: RecipientRow) -> str | None:
        return COLOURS.get(row.action)


class RecipientImportDialog(SheetImportDialog):
    """``result`` holds the summary once the recipients were added."""

    choose_title = N_("Choose the list")

    def __init__(self, db: Database, decision_uuid: uuid.UUID, number: str,
                 path: Path | None = None, parent: QWidget | None = None):
        super().__init__(RowsModel(), _("Add to the decision"), path, parent,
                         mapping_width=320)
        self.db = db
        self.decision_uuid = decision_uuid
        self.plan: RecipientPlan | None = None
        self.summary: RecipientImportSummary | None = None
        self.result: RecipientImportSummary | None = None
        self.setWindowTitle(_("Add recipients of {number} from a spreadsheet").format(
            number=number))
        self.resize(1050, 660)

    def load(self, columns: dict[int, str] | None = None) -> None:
        if self.path is None:
            return
        path, db, decision = self.path, self.db, self.decision_uuid
        sheet = self.current_sheet()

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
        self.show_sheets(plan.plan.sheet.sheet_names, plan.plan.sheet.sheet)
        self.show_mapping(layout.headers, {**layout.columns, **plan.extra}, MEANINGS)
        self._show_rows()
        self.summary_label.setText(_(
            "Header found on row {row}. Will add {persons} individuals and {collectives} "
            "collectives; {already} are already on the decision, {skipped} repeated; {errors} "
            "rows have errors and will be left out.").format(
            row=summary.header_row, persons=summary.persons, collectives=summary.collectives,
            already=summary.already, skipped=summary.skipped,
            errors=summary.error_rows))
        self.import_button.setEnabled(summary.added > 0)

    def preview_rows(self) -> list[RecipientRow]:
        return self.summary.rows if self.summary else []

    def has_problem(self, row: RecipientRow) -> bool:
        return row.action in ("error", "skip") or bool(row.warnings)

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

        def work(attempt: Attempt) -> RecipientImportSummary:
            return apply_recipients(db, decision, plan, attempt.progress)

        self.import_button.setEnabled(False)
        run_op(self, work, db=db, changes=Changes.AWARDS, on_done=self._imported,
               on_cancelled=lambda: self.import_button.setEnabled(True),
               on_failed=lambda _error: self.import_button.setEnabled(True),
               label=_("Adding recipients…"), cancellable=True,
               said=lambda done: _("Added {persons} individuals and {collectives} collectives "
                                   "from {file}.").format(persons=done.persons,
                                                          collectives=done.collectives,
                                                          file=Path(done.file).name))

    def _imported(self, summary: RecipientImportSummary) -> None:
        self.result = summary
        tell(self, self.windowTitle(), _(
            "Added {persons} individuals and {collectives} collectives from {file}.").format(
            persons=summary.persons, collectives=summary.collectives, file=summary.file))
        self.accept()
