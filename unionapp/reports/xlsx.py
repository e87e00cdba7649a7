"""A report document as an .xlsx a clerk can print or send on: the letterhead in merged cells
(issuing body left, national motto right, place and date under the motto), the title and
period, the tables with their numbers as numbers (shown with thousands separators) and dates
as dates, then the signature blocks; A4, fitted to one page's width.

Text from the database is always written as text, never as a formula.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from ..letterhead import MOTTO, MOTTO_LINE
from ..text import place_date
from .document import DATE, INDEX, TEXT, Document, Table

FONT = "Times New Roman"
LABEL_WIDTH = 44
RIGHT_BLOCK = 50  # the motto's columns together, in character widths


class _Formats:
    def __init__(self, workbook: Any):
        def make(**options: Any) -> Any:
            return workbook.add_format({"font_name": FONT, "font_size": 12, "valign": "top",
                                        **options})

        self.superior = make(align="center", text_wrap=True)
        self.unit = make(align="center")
        self.body = make(align="center", bold=True, text_wrap=True)
        self.motto = make(align="center", bold=True, font_size=11.5)
        self.motto_line = make(align="center", bold=True, underline=1, font_size=12.5)
        self.place = make(align="center", italic=True, font_size=12.5)
        self.heading = make(align="center", bold=True, font_size=14, text_wrap=True,
                            valign="vcenter")
        self.line = make(align="center", italic=True, text_wrap=True)
        self.table_title = make(bold=True)
        self.header = make(bold=True, border=1, align="center", valign="vcenter",
                           text_wrap=True, bg_color="#E8EEF7", font_size=11)
        self.note = make(italic=True, text_wrap=True)
        self.signer = make(align="center", bold=True)
        self.hint = make(align="center", italic=True, font_size=11)
        self._cells: dict[tuple[str, bool, int], Any] = {}
        self._make = make

    def cell(self, kind: str, bold: bool = False, indent: int = 0) -> Any:
        key = (kind, bold, indent)
        if key not in self._cells:
            options: dict[str, Any] = {"border": 1, "bold": bold}
            if kind == TEXT:
                options.update(text_wrap=True, align="left", indent=indent)
            elif kind == DATE:
                options.update(num_format="dd/mm/yyyy", align="center")
            elif kind == INDEX:
                options.update(align="center")
            else:  # counts and đồng: whole numbers with thousands separators
                options.update(num_format="#,##0", align="right")
            self._cells[key] = self._make(**options)
        return self._cells[key]


def _widths(document: Document) -> list[float]:
    """Column widths shared by every table: STT, the names, then the numbers."""
    count = max([len(t.headers) for t in document.tables] + [4])
    numbers = count - 2
    each = max(12.0, RIGHT_BLOCK / numbers)
    return [6.0, LABEL_WIDTH if not document.landscape else 40.0] + [each] * numbers


def _merge(ws: Worksheet, row: int, first: int, last: int, value: str, fmt: Any) -> None:
    if first == last:
        ws.write_string(row, first, value, fmt)
    else:
        ws.merge_range(row, first, row, last, value, fmt)


def _write_cell(ws: Worksheet, row: int, col: int, value: Any, fmt: Any, text_fmt: Any) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "x" if value else "", text_fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, datetime):
        ws.write_datetime(row, col, value.replace(tzinfo=None), fmt)
    elif isinstance(value, date):
        ws.write_datetime(row, col, datetime(value.year, value.month, value.day), fmt)
    else:
        ws.write_string(row, col, str(value), text_fmt)  # text stays text


def _table(ws: Worksheet, f: _Formats, table: Table, row: int, last_col: int) -> int:
    _merge(ws, row, 0, last_col, table.title, f.table_title)
    row += 1
    for col, title in enumerate(table.headers):
        ws.write_string(row, col, title, f.header)
    ws.set_row(row, 32)
    for line in table.rows:
        row += 1
        for col, (value, kind) in enumerate(zip(line.cells, table.kinds, strict=True)):
            indent = line.indent if col == table.label else 0
            _write_cell(ws, row, col, value, f.cell(kind, line.bold, indent),
                        f.cell(TEXT, line.bold, indent))
    if not table.rows:
        row += 1
        _merge(ws, row, 0, len(table.headers) - 1, "(Không có số liệu)", f.note)
    return row + 2


def write_xlsx(document: Document, path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                               "strings_to_numbers": False,
                                               "strings_to_urls": False})
    try:
        workbook.set_properties({"title": document.heading, "subject": document.lines[0]
                                 if document.lines else "", "author": document.setup.issuing_body})
        ws = workbook.add_worksheet("Báo cáo")
        f = _Formats(workbook)
        widths = _widths(document)
        last = len(widths) - 1
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        setup = document.setup
        _merge(ws, 0, 0, 1, setup.issuing_superior.upper(), f.superior)
        _merge(ws, 1, 0, 1, setup.issuing_body.upper(), f.body)
        _merge(ws, 0, 2, last, MOTTO, f.motto)
        _merge(ws, 1, 2, last, MOTTO_LINE, f.motto_line)
        _merge(ws, 3, 2, last, place_date(setup.place, setup.day) if setup.place else
               place_date("", setup.day).removeprefix(", ").capitalize(), f.place)
        ws.set_row(1, 32)  # a long issuing body wraps onto two lines
        row = 5
        _merge(ws, row, 0, last, document.heading, f.heading)
        ws.set_row(row, 36)
        for line in document.lines:
            row += 1
            _merge(ws, row, 0, last, line, f.line)
        row += 2
        for table in document.tables:
            row = _table(ws, f, table, row, last)
        for note in document.notes:
            _merge(ws, row, 0, last, note, f.note)
            row += 2
        row = _signers(ws, f, document, row, last)
        ws.set_paper(9)  # A4
        if document.landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)  # one page wide, as many long as needed
        ws.set_margins(left=0.6, right=0.4, top=0.6, bottom=0.7)
        ws.center_horizontally()
        ws.set_footer("&CTrang &P/&N")
        ws.print_area(0, 0, row, last)
        ws.hide_gridlines(2)
    finally:
        workbook.close()


def _signers(ws: Worksheet, f: _Formats, document: Document, row: int, last: int) -> int:
    signers = document.setup.signers
    if not signers:
        return row
    # Two blocks: the preparer under the names, the one who signs for the union at right.
    spans = [(0, 1), (2, last)] if len(signers) == 2 else [
        (i * (last + 1) // len(signers), (i + 1) * (last + 1) // len(signers) - 1)
        for i in range(len(signers))]
    for (first, end), signer in zip(spans, signers, strict=False):
        r = row
        if signer.on_behalf:
            _merge(ws, r, first, end, signer.on_behalf.upper(), f.signer)
        r += 1
        _merge(ws, r, first, end, signer.title.upper(), f.signer)
        _merge(ws, r + 1, first, end, "(Ký, ghi rõ họ tên)", f.hint)
        if signer.name:
            _merge(ws, r + 6, first, end, signer.name, f.signer)
    return row + 7
