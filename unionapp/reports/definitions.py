"""Report definitions: data, not code (``resources/reports/<kind>.json``, like the
certificate layouts). Each names the figures it shows (ids of :mod:`.catalogue`), its period
rule and its layout; ``common.json`` holds what all share: the reporting periods, the age
bands and the signature blocks. Everything is read and checked here before a report is made,
so a broken definition is refused with its file and place named, never half-drawn.

A definition::

    {"kind": "members", "order": 1, "title": "Đoàn viên",
     "heading": "BÁO CÁO TÌNH HÌNH ĐOÀN VIÊN CÔNG ĐOÀN",
     "families": ["members"],            # the figures it computes (and its JSON carries)
     "period_text": "Từ ngày {from} đến ngày {to}",
     "default_to": "today",              # or "reporting_date": the last 31/5, 30/11 or 31/12
     "file_stem": "bao-cao-doan-vien",
     "sections": [
        {"title": "Đoàn viên đến ngày {to}",
         "rows": [{"label": "Tổng số đoàn viên", "figure": "members.total", "bold": true}]},
        {"title": "Theo tổ công đoàn", "breakdown": "members.by_group",
         "key_title": "Tổ công đoàn", "total": true, "branch_only": true}],
     "by_branch": [{"title": "Tổng số đoàn viên", "figure": "members.total"}]}

``by_branch`` are the columns of a parent union's table, one row per branch.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..i18n import _
from ..resources import resource
from .catalogue import COUNT, FAMILIES, FIGURES, LIST, MAPPING, MONEY

MAX_DEFINITION_BYTES = 200_000
KIND = re.compile(r"[a-z][a-z0-9_]{0,39}")
DEFAULT_TO = ("today", "reporting_date")
COLUMN_KINDS = (COUNT, MONEY, "text", "date")


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: date
    end: date


@dataclass(frozen=True)
class PeriodRule:
    """A reporting period by its days in the year; ``years_before``: its start lies that many
    years before its end (1 December of the year before, for the union's statistics)."""

    id: str
    title: str
    start_month: int
    start_day: int
    years_before: int
    end_month: int
    end_day: int

    def ending_in(self, year: int) -> Period:
        return Period(date(year - self.years_before, self.start_month, self.start_day),
                      date(year, self.end_month, self.end_day))

    def ends_on(self, day: date) -> bool:
        return (day.month, day.day) == (self.end_month, self.end_day)


@dataclass(frozen=True)
class AgeBand:
    title: str
    min_age: int | None
    max_age: int | None


@dataclass(frozen=True)
class SignerSpec:
    title: str
    on_behalf: str = ""
    name: str = ""  # "chair": the chair's name, from the register; else left blank


@dataclass(frozen=True)
class Common:
    periods: tuple[PeriodRule, ...]
    age_bands: tuple[AgeBand, ...]
    signers: dict[str, tuple[SignerSpec, ...]]  # "branch" / "parent"


@dataclass(frozen=True)
class Column:
    title: str
    field: str = ""  # the number of a breakdown entry to show ("" when it has one)
    kind: str = COUNT
    figure: str = ""  # in a parent's table: the figure of each branch


@dataclass(frozen=True)
class Row:
    label: str
    figure: str
    key: str = ""  # one entry of a breakdown (e.g. an age band)
    field: str = ""
    unit: str = ""
    bold: bool = False
    indent: int = 0


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...] = ()
    breakdown: str = ""  # a breakdown or list figure shown as a table of its own
    key_title: str = ""  # the heading of its names' column
    columns: tuple[Column, ...] = ()
    total: bool = False  # a "Cộng" row under a breakdown
    branch_only: bool = False  # left out of a parent union's report over its branches


@dataclass(frozen=True)
class Definition:
    kind: str
    order: int
    title: str  # short, for lists and menus
    heading: str  # the document's title
    families: tuple[str, ...]
    period_text: str
    default_to: str
    file_stem: str
    sections: tuple[Section, ...]
    by_branch: tuple[Column, ...]

    @property
    def family(self) -> str | None:
        """The family the report is about (its JSON names its figures briefly), if one."""
        return self.kind if self.kind in self.families else None


class DefinitionError(UserError):
    pass


def _fail(path: Path, where: str, problem: str) -> DefinitionError:
    return DefinitionError(_("The report definition {name} is wrong at {where}: {problem}")
                           .format(name=path.name, where=where, problem=problem))


class _Reader:
    """Typed access to one JSON object, naming the place of every problem."""

    def __init__(self, path: Path, data: Any, where: str):
        if not isinstance(data, dict):
            raise _fail(path, where, _("an object {…} is expected."))
        self.path, self.data, self.where = path, data, where

    def fail(self, key: str, problem: str) -> DefinitionError:
        return _fail(self.path, f"{self.where}.{key}" if self.where else key, problem)

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise self.fail(key, _("a text is expected."))
        return value

    def number(self, key: str, default: int | None = None, *, low: int = 0,
               high: int = 10_000) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(key, _("a whole number from {low} to {high} is expected.").format(
                low=low, high=high))
        return value

    def optional_number(self, key: str) -> int | None:
        return None if self.data.get(key) is None else self.number(key, high=200)

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(key, _("true or false is expected."))
        return value

    def items(self, key: str, *, required: bool = True) -> list[_Reader]:
        value = self.data.get(key, [] if not required else None)
        if not isinstance(value, list) or (required and not value):
            raise self.fail(key, _("a list […] is expected."))
        return [_Reader(self.path, item, f"{self.where}.{key}[{i + 1}]".lstrip("."))
                for i, item in enumerate(value)]

    def child(self, key: str) -> _Reader:
        return _Reader(self.path, self.data.get(key), f"{self.where}.{key}".lstrip("."))


def _load_json(path: Path) -> Any:
    try:
        if path.stat().st_size > MAX_DEFINITION_BYTES:
            raise _fail(path, "", _("the file is too large."))
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise _fail(path, "", str(error)) from None


def _figure(r: _Reader, key: str, kinds: tuple[str, ...]) -> str:
    figure = r.text(key)
    spec = FIGURES.get(figure)
    if spec is None:
        raise r.fail(key, _("there is no figure “{figure}”.").format(figure=figure))
    if spec.kind not in kinds:
        raise r.fail(key, _("the figure “{figure}” can't be shown here.").format(figure=figure))
    return figure


def _column(r: _Reader, breakdown: str = "") -> Column:
    kind = r.text("kind", "")
    if kind and kind not in COLUMN_KINDS:
        raise r.fail("kind", _("one of {choices} is expected.").format(
            choices=", ".join(COLUMN_KINDS)))
    field = r.text("field", "")
    if breakdown:
        spec = FIGURES[breakdown]
        if spec.fields and field not in spec.fields:
            raise r.fail("field", _("one of {choices} is expected.").format(
                choices=", ".join(spec.fields)))
        if not spec.fields and field:
            raise r.fail("field", _("this breakdown has one number per entry."))
        if not kind:
            kind = MONEY if field in spec.money_fields or (
                not spec.fields and spec.kind == MONEY) else COUNT
    return Column(title=r.text("title"), field=field, kind=kind or COUNT)


def _row(r: _Reader) -> Row:
    figure = _figure(r, "figure", (COUNT, MONEY, MAPPING))
    spec = FIGURES[figure]
    key, field = r.text("key", ""), r.text("field", "")
    if spec.kind == MAPPING and not key:
        raise r.fail("key", _("a breakdown's row names one of its entries."))
    if spec.fields and field not in spec.fields:
        raise r.fail("field", _("one of {choices} is expected.").format(
            choices=", ".join(spec.fields)))
    return Row(label=r.text("label"), figure=figure, key=key, field=field,
               unit=r.text("unit", spec.unit if not field or field not in spec.money_fields
                           else "đồng"),
               bold=r.flag("bold"), indent=r.number("indent", 0, high=3))


def _section(r: _Reader) -> Section:
    common = dict(title=r.text("title"), branch_only=r.flag("branch_only"))
    if "breakdown" in r.data:
        figure = _figure(r, "breakdown", (MAPPING, LIST))
        spec = FIGURES[figure]
        columns = tuple(_column(c, figure) for c in r.items("columns", required=False))
        if not columns:
            if spec.fields:
                raise r.fail("columns", _("name the numbers to show."))
            columns = (Column(_default_value_title(spec.unit), "", COUNT),)
        return Section(breakdown=figure, key_title=r.text("key_title", ""),
                       columns=columns, total=r.flag("total"), **common)
    return Section(rows=tuple(_row(row) for row in r.items("rows")), **common)


def _default_value_title(unit: str) -> str:
    return "Số người" if unit == "người" else "Số lượng"


def read_definition(path: Path) -> Definition:
    r = _Reader(path, _load_json(path), "")
    kind = r.text("kind")
    if not KIND.fullmatch(kind):
        raise r.fail("kind", _("lower-case letters, digits and _ are expected."))
    families = r.data.get("families")
    if not isinstance(families, list) or not families or any(f not in FAMILIES
                                                             for f in families):
        raise r.fail("families", _("a list of {choices} is expected.").format(
            choices=", ".join(FAMILIES)))
    default_to = r.text("default_to", "today")
    if default_to not in DEFAULT_TO:
        raise r.fail("default_to", _("one of {choices} is expected.").format(
            choices=", ".join(DEFAULT_TO)))
    sections = tuple(_section(s) for s in r.items("sections"))
    for section in sections:
        used = [section.breakdown] if section.breakdown else [row.figure for row in
                                                              section.rows]
        for figure in used:
            if FIGURES[figure].family not in families and FIGURES[figure].family != "branches":
                raise r.fail("sections", _("the figure “{figure}” is not of this report's "
                                           "families.").format(figure=figure))
    by_branch = []
    for c in r.items("by_branch"):
        figure = _figure(c, "figure", (COUNT, MONEY))
        by_branch.append(Column(title=c.text("title"), figure=figure,
                                kind=FIGURES[figure].kind))
    stem = r.text("file_stem")
    if not re.fullmatch(r"[a-z0-9][a-z0-9\-]{0,59}", stem):
        raise r.fail("file_stem", _("lower-case letters, digits and - are expected."))
    return Definition(kind=kind, order=r.number("order", 100), title=r.text("title"),
                      heading=r.text("heading"), families=tuple(families),
                      period_text=r.text("period_text"), default_to=default_to,
                      file_stem=stem, sections=sections, by_branch=tuple(by_branch))


def read_common(path: Path) -> Common:
    r = _Reader(path, _load_json(path), "")
    periods = []
    for p in r.items("periods"):
        start, end = p.child("start"), p.child("end")
        rule = PeriodRule(id=p.text("id"), title=p.text("title"),
                          start_month=start.number("month", low=1, high=12),
                          start_day=start.number("day", low=1, high=31),
                          years_before=start.number("years_before", 0, high=1),
                          end_month=end.number("month", low=1, high=12),
                          end_day=end.number("day", low=1, high=31))
        try:
            period = rule.ending_in(2024)  # a leap year: 29 February would pass
        except ValueError:
            raise p.fail("end", _("not a real day of the year.")) from None
        if period.start > period.end:
            raise p.fail("start", _("the period starts after it ends."))
        periods.append(rule)
    bands = []
    for b in r.items("age_bands"):
        band = AgeBand(b.text("title"), b.optional_number("min"), b.optional_number("max"))
        if band.min_age is None and band.max_age is None:
            raise b.fail("min", _("give a lowest or a highest age."))
        bands.append(band)
    signers: dict[str, tuple[SignerSpec, ...]] = {}
    block = r.child("signers")
    for mode in ("branch", "parent"):
        signers[mode] = tuple(SignerSpec(s.text("title"), s.text("on_behalf", ""),
                                         s.text("name", "")) for s in block.items(mode))
    return Common(tuple(periods), tuple(bands), signers)


def definitions_dir() -> Path:
    return resource("reports")


@cache
def _all(folder: Path) -> tuple[Common, tuple[Definition, ...]]:
    common = read_common(folder / "common.json")
    found = [read_definition(p) for p in sorted(folder.glob("*.json"))
             if p.name != "common.json"]
    kinds = [d.kind for d in found]
    if len(set(kinds)) != len(kinds):
        raise DefinitionError(_("Two report definitions have the same kind."))
    return common, tuple(sorted(found, key=lambda d: (d.order, d.kind)))


def common() -> Common:
    return _all(definitions_dir())[0]


def definitions() -> tuple[Definition, ...]:
    """Every report the program can make, in menu order."""
    return _all(definitions_dir())[1]


def definition(kind: str) -> Definition:
    for found in definitions():
        if found.kind == kind:
            return found
    raise UserError(_("There is no report “{kind}”. The reports are: {kinds}.").format(
        kind=kind, kinds=", ".join(d.kind for d in definitions())))
