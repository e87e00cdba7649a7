"""The filtered list of cases as a spreadsheet (.xlsx or .csv) for the office's own records.

Written through :mod:`unionapp.spreadsheets`: values only, never formulas (the total is a
figure we computed, written as a line under the table), text that looks like a formula kept
as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..db import Database
from ..i18n import N_, _
from ..labels import SUPPORT_STATUS, label
from ..org import home_unit
from ..progress import NO_PROGRESS, Progress
from ..spreadsheets import Cell, Sheet, write_table
from ..text import amount_in_words, format_vnd
from .cases import CaseQuery, case_list, case_totals

HEADERS = [N_("No."), N_("Date"), N_("Member"), N_("Union group"), N_("Beneficiary"),
           N_("Relation"), N_("Kind of support"), N_("Amount (VND)"), N_("Status"), N_("Fund"),
           N_("Batch"), N_("Reason"), N_("Paper reference")]
WIDTHS = [6, 12, 26, 30, 24, 12, 24, 14, 12, 28, 30, 36, 14]
PAGE = 500


def export_cases(
    db: Database,
    path: Path,
    query: CaseQuery,
    *,
    title: str = "",
    progress: Progress = NO_PROGRESS,
) -> int:
    """Write the cases ``query`` selects to ``path`` (by its extension). Returns the count."""
    cases = case_list(db, query)
    count = cases.count()
    totals = case_totals(db, query)

    def rows() -> Iterator[list[Cell]]:
        n = 0
        for offset in range(0, count, PAGE):  # a page at a time: memory stays flat
            progress(offset, count, _("Writing the list…"))
            for r in cases.page(offset, PAGE):
                n += 1
                yield [n, r.occurred_on, r.member_name, r.group, r.beneficiary_name, r.relation,
                       r.kind, r.amount, label(SUPPORT_STATUS, r.status), r.fund, r.batch,
                       r.reason, r.paper_ref]

    sheet = Sheet(
        headers=[_(h) for h in HEADERS],
        rows=rows(),
        title_lines=[home_unit(db).name.upper(), title or _("SUPPORT CASES")],
        widths=WIDTHS,
        name=_("Support cases"),
        footer_lines=[
            _("Total: {count} cases, {amount} ({words}).").format(
                count=totals.count, amount=format_vnd(totals.amount),
                words=amount_in_words(totals.amount)),
        ],
        money_columns={7},
    )
    written = write_table(path, sheet)
    progress(count, count, _("Writing the list…"))
    return written
