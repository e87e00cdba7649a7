"""Writing the spreadsheets clerks open in Excel or LibreOffice (reading lives in
``unionapp.rosters``).

Safety: a cell whose text starts with ``=``, ``+``, ``-``, ``@``, tab or CR would become a
formula in Excel ("CSV injection"); we always write such text as text. xlsxwriter writes
formulas from strings unless told not to, so ``strings_to_formulas`` is off; in CSV such a
cell gets a leading ``'``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | date | None


def neutralise(text: str) -> str:
    """``=1+1`` → ``'=1+1``: shown as typed, never run (for CSV, where types are lost)."""
    return "'" + text if text.startswith(FORMULA_START) else text


@dataclass
class Sheet:
    """A table to write: title lines above it, a header row, data rows, column widths."""

    headers: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    title_lines: Sequence[str] = ()
    widths: Sequence[float] = ()
    name: str = "Sheet1"
    # Lines under the table; a pair of texts goes left and right (e.g. two signature titles).
    footer_lines: Sequence[str | tuple[str, str]] = ()
    money_columns: set[int] = field(default_factory=set)


def write_xlsx(path: Path, sheet: Sheet) -> int:
    """Write ``sheet`` to an .xlsx file; dates as real dates shown dd/mm/yyyy, the header
    frozen, text never turned into formulas. Returns the number of data rows."""
    import xlsxwriter  # loaded when a file is written, not with every list that can export

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                               "strings_to_numbers": False,
                                               "strings_to_urls": False,
                                               "constant_memory": True})
    try:
        ws = workbook.add_worksheet(sheet.name[:31])
        title = workbook.add_format({"bold": True, "font_name": "Times New Roman",
                                     "font_size": 13, "align": "center"})
        header = workbook.add_format({"bold": True, "font_name": "Times New Roman",
                                      "border": 1, "align": "center", "valign": "vcenter",
                                      "text_wrap": True, "bg_color": "#E8EEF7"})
        text = workbook.add_format({"font_name": "Times New Roman", "border": 1})
        day = workbook.add_format({"font_name": "Times New Roman", "border": 1,
                                   "num_format": "dd/mm/yyyy", "align": "center"})
        money = workbook.add_format({"font_name": "Times New Roman", "border": 1,
                                     "num_format": "#,##0"})
        width = max(len(sheet.headers), 1)
        row = 0
        for line in sheet.title_lines:
            ws.merge_range(row, 0, row, width - 1, line, title) if width > 1 else \
                ws.write_string(row, 0, line, title)
            row += 1
        if sheet.title_lines:
            row += 1
        for col, name in enumerate(sheet.headers):
            ws.write_string(row, col, name, header)
        ws.freeze_panes(row + 1, 0)
        for col, w in enumerate(sheet.widths):
            ws.set_column(col, col, w)
        count = 0
        for values in sheet.rows:
            row += 1
            count += 1
            for col, value in enumerate(values):
                if value is None or value == "":
                    ws.write_blank(row, col, None, text)
                elif isinstance(value, datetime):
                    ws.write_datetime(row, col, value.replace(tzinfo=None), day)
                elif isinstance(value, date):
                    ws.write_datetime(row, col, datetime(value.year, value.month, value.day),
                                      day)
                elif isinstance(value, bool):
                    ws.write_string(row, col, "x" if value else "", text)
                elif isinstance(value, int | float):
                    ws.write_number(row, col, value,
                                    money if col in sheet.money_columns else text)
                else:
                    ws.write_string(row, col, str(value), text)  # text stays text
        bold = workbook.add_format({"bold": True, "font_name": "Times New Roman",
                                    "align": "center"})
        for line in sheet.footer_lines:
            row += 2
            if isinstance(line, tuple):
                ws.write_string(row, 1, line[0], bold)
                ws.write_string(row, max(width - 4, 2), line[1], bold)
            else:
                ws.write_string(row, 0, line)
    finally:
        workbook.close()
    return count


def write_csv(path: Path, sheet: Sheet) -> int:
    """UTF-8 with BOM (so Excel reads Vietnamese right), dates dd/mm/yyyy, formula-looking
    text neutralised. Title lines are left out: a CSV is for machines."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([neutralise(h) for h in sheet.headers])
        for values in sheet.rows:
            writer.writerow([_csv_cell(v) for v in values])
            count += 1
    return count


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return neutralise(str(value))


def write_table(path: Path, sheet: Sheet) -> int:
    """Write by the file's extension (.xlsx or .csv)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return write_xlsx(path, sheet)
    if suffix == ".csv":
        return write_csv(path, sheet)
    from .errors import UserError
    from .i18n import _

    raise UserError(_("Can't write {name}: choose a file ending in .xlsx or .csv.").format(
        name=path.name))
