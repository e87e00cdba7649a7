"""The parent's own form: a copy of its .xlsx with ``{{members.women}}``-style placeholders
filled in. Everything else of the file stays as it was made — formatting, merged cells,
formulas (kept as written and never evaluated; the spreadsheet program recalculates them when
it opens the copy). Placeholders nobody knows are left as they are and reported.

What a placeholder may name:
- a figure: ``{{members.women}}``, ``{{support.amount}}`` (see :mod:`.catalogue`);
- an entry of a breakdown: ``{{members.by_group.Tổ công đoàn Văn phòng}}``,
  ``{{support.by_kind.Việc hiếu.amount}}`` (names compared without case and accents);
- the report itself: ``{{report.from}}``, ``{{report.to}}``, ``{{report.date}}``,
  ``{{report.place_date}}``, ``{{report.title}}``, ``{{unit.name}}``, ``{{unit.code}}``,
  ``{{unit.superior}}``.
A cell holding one placeholder alone gets the value itself (a number stays a number); text
around placeholders gets them written out (``1.500.000``, ``31/05/2025``).

The form comes from outside, so it is checked before openpyxl reads it (size, zip bomb,
DTD: :func:`unionapp.rosters.reading.sniff`), and refused if it holds far more cells than a
form has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..i18n import _
from ..rosters.reading import check_file, sniff
from ..spreadsheets import FORMULA_START
from ..text import fold, format_date, format_vnd
from .catalogue import COUNT, FIGURES, MAPPING, MONEY

MAX_FORM_BYTES = 10 * 1024 * 1024
MAX_FORM_CELLS = 500_000  # cells actually present, over all sheets
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]{1,300}?)\s*\}\}")


@dataclass(frozen=True)
class Unknown:
    """A placeholder the program does not know, where it is."""

    sheet: str
    cell: str
    name: str

    def as_json(self) -> dict[str, str]:
        return {"sheet": self.sheet, "cell": self.cell, "placeholder": self.name}

    def text(self) -> str:
        return f"{self.sheet}!{self.cell}: {{{{{self.name}}}}}"


class Missing(KeyError):
    pass


def resolve(name: str, figures: dict[str, Any], meta: dict[str, Any]) -> Any:
    """The value ``name`` stands for; :class:`Missing` if it names nothing known."""
    if name in meta:
        return meta[name]
    spec = FIGURES.get(name)
    if spec is not None and spec.kind in (COUNT, MONEY) and name in figures:
        return figures[name]
    for figure, spec in FIGURES.items():
        if spec.kind != MAPPING or not name.startswith(figure + ".") or figure not in figures:
            continue
        rest = name[len(figure) + 1:]
        key, fld = rest, ""
        if spec.fields:
            key, _dot, fld = rest.rpartition(".")
            if fld not in spec.fields:
                raise Missing(name)
        wanted = fold(key)
        entry = next((v for k, v in figures[figure].items() if fold(k) == wanted), None)
        if entry is None:
            if spec.open_keys:  # nobody of that ethnicity, religion…: zero
                return 0
            raise Missing(name)
        return entry[fld] if fld else entry
    raise Missing(name)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, int):
        return format_vnd(value, unit=False)
    if isinstance(value, date):
        return format_date(value)
    return str(value)


def _set_text(cell: Any, text: str) -> None:
    """Text stays text: openpyxl would take a string starting with "=" for a formula."""
    cell.value = text
    if text.startswith(FORMULA_START):
        cell.data_type = "s"


def _bad(path: Path, reason: str) -> UserError:
    return UserError(_("Can't use the form {name}: {reason}").format(name=path.name,
                                                                       reason=reason))


def read_form(path: Path) -> Any:
    """The form's workbook, after the checks every untrusted spreadsheet gets."""
    import openpyxl  # only here: a good second of start-up

    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise _bad(path, _("the file can't be opened ({error}).").format(error=error)) from None
    if size > MAX_FORM_BYTES:
        raise _bad(path, _("the file is larger than {size} MB.").format(
            size=MAX_FORM_BYTES // 1024 // 1024))
    if sniff(path) != "xlsx":
        raise _bad(path, _("a form must be an Excel workbook (.xlsx)."))
    check_file(path, "xlsx")  # zip bombs, DTDs, absurd extents: before openpyxl reads it
    try:
        workbook = openpyxl.load_workbook(path, keep_links=False, keep_vba=False)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise _bad(path, _("the file is damaged or not an Excel workbook ({error}).").format(
            error=type(error).__name__)) from None
    cells = sum(ws.max_row * ws.max_column for ws in workbook.worksheets)
    if cells > MAX_FORM_CELLS:
        raise _bad(path, _("it has far more cells than a form has ({cells}).").format(
            cells=f"{cells:,}".replace(",", ".")))
    return workbook


def placeholders(workbook: Any) -> list[tuple[Any, str, list[str]]]:
    """(cell, its text, the names in it) for every cell with placeholders."""
    found = []
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "s" and isinstance(cell.value, str) and "{{" in cell.value:
                    names = [m.group(1) for m in PLACEHOLDER.finditer(cell.value)]
                    if names:
                        found.append((cell, cell.value, names))
    return found


def fill_form(workbook: Any, figures: dict[str, Any], meta: dict[str, Any]) -> list[Unknown]:
    """Fill every placeholder of ``workbook`` in place; returns those left unknown."""
    unknown: list[Unknown] = []
    for cell, text, names in placeholders(workbook):
        values: dict[str, Any] = {}
        for name in names:
            try:
                values[name] = resolve(name, figures, meta)
            except Missing:
                unknown.append(Unknown(cell.parent.title, cell.coordinate, name))
        whole = PLACEHOLDER.fullmatch(text.strip())
        if whole and whole.group(1) in values:
            value = values[whole.group(1)]
            if isinstance(value, bool) or not isinstance(value, int | date):
                _set_text(cell, _as_text(value))
            else:
                cell.value = value
                if isinstance(value, date) and cell.number_format == "General":
                    cell.number_format = "DD/MM/YYYY"
            continue

        def written(match: re.Match[str], values: dict[str, Any] = values) -> str:
            name = match.group(1)
            return _as_text(values[name]) if name in values else match.group(0)

        _set_text(cell, PLACEHOLDER.sub(written, text))
    # The copy's formulas have no computed values yet: have them computed when it opens.
    workbook.calculation.fullCalcOnLoad = True
    return unknown
