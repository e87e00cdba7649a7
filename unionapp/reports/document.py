"""A report as a document, before it is an .xlsx or a PDF: the letterhead, the title and the
period, then tables, then the signature blocks. Both writers draw this same value, so the two
files can't say different things.

Branch reports show each section of the definition; a parent union's report over its
branches starts with one row per branch and the totals, then the sections' totals (less those
marked ``branch_only``), then the branches whose latest data is older than the period's end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..letterhead import PaperSetup
from ..text import format_date
from .catalogue import COUNT, FIGURES, LIST, MAPPING, MONEY
from .definitions import Column, Definition, Period, Row, Section

TEXT, DATE, INDEX = "text", "date", "index"  # INDEX: the STT column
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


@dataclass(frozen=True)
class TableRow:
    cells: tuple[Any, ...]  # text, whole numbers (counts and đồng), dates, or None
    bold: bool = False
    indent: int = 0  # of the label


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    kinds: tuple[str, ...]  # per column: text, count, money or date
    widths: tuple[float, ...]  # relative
    rows: tuple[TableRow, ...]
    label: int = 1  # the column of names (wraps, indents)

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass(frozen=True)
class Document:
    setup: PaperSetup
    heading: str
    lines: tuple[str, ...]  # under the heading: the period, the unit reported on
    tables: tuple[Table, ...]
    notes: tuple[str, ...]  # after the tables
    landscape: bool = False


@dataclass(frozen=True)
class BranchRow:
    code: str
    name: str
    figures: dict[str, Any]
    last_package: datetime | None  # when its latest package here was made (None: never)
    sent: bool  # that package is dated on or after the period's end


def fill(text: str, period: Period) -> str:
    return text.replace("{from}", format_date(period.start)).replace("{to}",
                                                                     format_date(period.end))


def _value(figures: dict[str, Any], figure: str, key: str = "", fld: str = "") -> int:
    value = figures.get(figure, 0)
    if FIGURES[figure].kind == MAPPING:
        value = lookup(value, key)
    if isinstance(value, dict):
        value = value.get(fld, 0)
    return int(value or 0)


def lookup(mapping: dict[str, Any], key: str) -> Any:
    """An entry of a breakdown by its name, whatever the case and accents; 0 if absent."""
    from ..text import fold

    if key in mapping:
        return mapping[key]
    wanted = fold(key)
    return next((v for k, v in mapping.items() if fold(k) == wanted), 0)


def _figures_table(title: str, rows: tuple[Row, ...], figures: dict[str, Any],
                   period: Period) -> Table:
    out, number = [], 0
    for row in rows:
        label = fill(row.label, period)
        if row.indent == 0:
            number += 1
        out.append(TableRow((number if row.indent == 0 else None, label, row.unit,
                             _value(figures, row.figure, row.key, row.field)),
                            bold=row.bold, indent=row.indent))
    return Table(title, ("STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"),
                 (INDEX, TEXT, TEXT, COUNT), (8, 62, 15, 18), tuple(out))


def _breakdown_table(title: str, section: Section, figures: dict[str, Any]) -> Table:
    spec = FIGURES[section.breakdown]
    value = figures.get(section.breakdown)
    if spec.kind == LIST:
        entries = [(item.get("title", ""), item) for item in value or []]
    else:
        entries = list((value or {}).items())
    columns: tuple[Column, ...] = section.columns
    rows = []
    for number, (name, entry) in enumerate(entries, start=1):
        cells: list[Any] = [number, str(name)]
        for column in columns:
            cell = entry.get(column.field) if isinstance(entry, dict) else entry
            cells.append(cell if column.kind in (TEXT, DATE) else int(cell or 0))
        rows.append(TableRow(tuple(cells)))
    if section.total and rows:
        totals: list[Any] = [None, "Cộng"]
        for index, column in enumerate(columns, start=2):
            totals.append(sum(r.cells[index] for r in rows) if column.kind not in (TEXT, DATE)
                          else "")
        rows.append(TableRow(tuple(totals), bold=True))
    narrow = [12 if c.kind == DATE else 14 for c in columns]
    label = max(30, 100 - 8 - sum(narrow))
    return Table(title, ("STT", section.key_title or "", *(c.title for c in columns)),
                 (INDEX, TEXT, *(c.kind for c in columns)), (8, label, *narrow), tuple(rows))


def branch_tables(definition: Definition, figures: dict[str, Any], period: Period, *,
                  parent: bool = False, first_number: int = 1) -> list[Table]:
    """The definition's sections as tables, numbered I, II… from ``first_number``."""
    tables = []
    number = first_number
    for section in definition.sections:
        if parent and section.branch_only:
            continue
        title = f"{ROMAN[number - 1]}. {fill(section.title, period).upper()}"
        number += 1
        if section.breakdown:
            tables.append(_breakdown_table(title, section, figures))
        else:
            tables.append(_figures_table(title, section.rows, figures, period))
    return tables


def branches_table(title: str, definition: Definition, rows: list[BranchRow],
                   totals: dict[str, Any]) -> Table:
    """One row per branch, the definition's ``by_branch`` figures, and the totals."""
    columns = definition.by_branch
    out = [TableRow((n, row.name, *(_value(row.figures, c.figure) for c in columns)))
           for n, row in enumerate(rows, start=1)]
    out.append(TableRow((None, "Tổng cộng", *(_value(totals, c.figure) for c in columns)),
                        bold=True))
    narrow = [(14 if c.kind == MONEY else 11) for c in columns]
    return Table(title, ("STT", "Công đoàn cơ sở", *(c.title for c in columns)),
                 (INDEX, TEXT, *(c.kind for c in columns)),
                 (7, max(36, 160 - sum(narrow)), *narrow), tuple(out))


def not_sent_table(title: str, rows: list[BranchRow]) -> Table:
    out = [TableRow((n, row.name, row.code,
                     row.last_package.astimezone().date() if row.last_package else
                     "Chưa gửi lần nào"))
           for n, row in enumerate((r for r in rows if not r.sent), start=1)]
    return Table(title, ("STT", "Công đoàn cơ sở", "Mã", "Gói dữ liệu gần nhất lập ngày"),
                 (INDEX, TEXT, TEXT, DATE), (8, 62, 20, 30), tuple(out))


def period_lines(definition: Definition, period: Period, scope_name: str) -> tuple[str, ...]:
    lines = [f"({fill(definition.period_text, period)})"]
    if scope_name:
        lines.append(f"Đơn vị: {scope_name}")
    return tuple(lines)
