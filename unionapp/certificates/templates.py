"""Certificate templates: layouts as data (JSON), read and checked before anything is drawn.

A template is ``<name>.json`` in the user's own folder (``<data folder>/certificates``, which
wins, so an office can adjust a layout without touching the program) or in the program's
``resources/certificates``. Positions and sizes are in millimetres from the page's top-left
corner, as measured with a ruler on paper; font sizes are in points. Each template has two
designs: ``full`` (the whole certificate, decorative border included, on plain paper) and
``blank`` (only the variable text, onto pre-printed paper — phôi).

An element's ``text`` may name fields in braces: ``"Số vào sổ: {serial}"`` (see FIELDS).
Text shrinks to fit its box (down to ``min_size``) and wraps up to ``max_lines`` lines.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem, ValidationError
from ..i18n import _
from ..pdf import SERIF, SERIF_BOLD, SERIF_BOLD_ITALIC, SERIF_ITALIC
from ..resources import resource
from ..settings import data_dir

MAX_TEMPLATE_BYTES = 1_000_000
MAX_LOGO_BYTES = 5_000_000
NAME = re.compile(r"[a-z0-9][a-z0-9_\-]{0,59}")

FONTS = {"regular": SERIF, "bold": SERIF_BOLD, "italic": SERIF_ITALIC,
         "bold-italic": SERIF_BOLD_ITALIC}
# The fields a text may use, in braces. Those of the second set differ from one recipient to
# the next; the others are the decision's and are drawn once per document.
DECISION_FIELDS = frozenset({
    "issuing_superior", "issuing_body", "title", "award_name", "place", "place_date",
    "decision_number", "decision_date", "year", "signer_on_behalf", "signer_title",
    "signer_name",
})
RECIPIENT_FIELDS = frozenset({"honorific", "recipient_name", "recipient", "unit", "reason",
                              "serial"})
FIELDS = DECISION_FIELDS | RECIPIENT_FIELDS
ALIGNS = ("left", "center", "right")
VALIGNS = ("top", "middle", "bottom")
DESIGNS = ("full", "blank")
HONORIFIC_KEYS = ("male", "female", "unknown")


@dataclass(frozen=True)
class Rule:
    """A short horizontal rule under a text (the motto's, the issuing body's)."""

    length: float | None  # mm; None: as long as the text's last line
    gap: float  # mm below the baseline
    thickness: float  # pt


@dataclass(frozen=True)
class TextElement:
    text: str
    x: float
    y: float
    width: float
    height: float
    font: str  # a registered ReportLab font name
    size: float
    min_size: float
    max_lines: int
    align: str
    valign: str
    color: str
    uppercase: bool
    leading: float  # line height as a multiple of the size
    spacing: float  # extra space between letters, pt
    rule: Rule | None
    fields: frozenset[str]

    @property
    def per_recipient(self) -> bool:
        return bool(self.fields & RECIPIENT_FIELDS)


@dataclass(frozen=True)
class LineElement:
    x1: float
    y1: float
    x2: float
    y2: float
    thickness: float
    color: str
    per_recipient: bool = False


@dataclass(frozen=True)
class Border:
    margin: float  # mm from the paper's edge to the outer frame
    band: float  # mm between the outer and the inner frame, filled with the pattern
    color: str  # frames
    accent: str  # pattern and corners


@dataclass(frozen=True)
class Emblem:
    """A faint bronze-drum sun behind the text (a common motif of Vietnamese certificates)."""

    x: float  # centre, mm
    y: float
    diameter: float
    color: str


@dataclass(frozen=True)
class Logo:
    path: Path
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Design:
    elements: tuple[TextElement | LineElement, ...]
    border: Border | None = None
    emblem: Emblem | None = None
    logo: Logo | None = None


@dataclass(frozen=True)
class Template:
    name: str  # the file's name without .json
    title: str  # what the clerk reads
    path: Path
    width: float  # mm
    height: float
    honorifics: dict[str, str]
    designs: dict[str, Design]


# --- where templates are ----------------------------------------------------------------------


def user_templates_dir() -> Path:
    return data_dir() / "certificates"


def template_dirs() -> list[Path]:
    """The folders searched, the user's first."""
    return [user_templates_dir(), resource("certificates")]


def template_names() -> list[str]:
    names: set[str] = set()
    for folder in template_dirs():
        if folder.is_dir():
            names.update(p.stem for p in folder.glob("*.json") if NAME.fullmatch(p.stem))
    return sorted(names)


def template_path(name: str) -> Path:
    if not NAME.fullmatch(name or ""):
        raise ValidationError([Problem(_("“{name}” is not a template name (letters, digits, “-” "
                                         "and “_” only).").format(name=name), "template")])
    for folder in template_dirs():
        path = folder / f"{name}.json"
        if path.is_file():
            return path
    raise ValidationError([Problem(_("There is no certificate template named “{name}”.").format(
        name=name), "template")])


def load_template(name: str) -> Template:
    """The template ``name``, checked (ValidationError names the file and every problem)."""
    return read_template(template_path(name))


# --- reading and checking ---------------------------------------------------------------------


class _Reader:
    """Reads values out of the JSON, collecting every problem with where it was found."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, where: str, message: str, fld: str | None = None) -> None:
        text = _("Certificate template {file}, {where}: {problem}").format(
            file=self.path.name, where=where, problem=message)
        self.problems.append(Problem(text, fld))

    def object(self, value: Any, where: str, known: set[str], required: set[str] = frozenset(),
               ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(where, _("a JSON object {…} is expected here."))
            return {}
        for key in sorted(set(value) - known):
            self.problem(where, _("the field “{field}” is unknown (known fields: {known}).")
                         .format(field=key, known=", ".join(sorted(known))), key)
        for key in sorted(required - set(value)):
            self.problem(where, _("the field “{field}” is missing.").format(field=key), key)
        return value

    def number(self, obj: dict[str, Any], key: str, where: str, default: float | None = None,
               low: float = 0, high: float = 1000) -> float:
        value = obj.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            if key in obj or default is None:
                self.problem(where, _("the field “{field}” must be a number.").format(field=key),
                             key)
            return default or 0.0
        if not low <= value <= high:
            self.problem(where, _("the field “{field}” must be between {low} and {high}.")
                         .format(field=key, low=f"{low:g}", high=f"{high:g}"), key)
        return float(value)

    def choice(self, obj: dict[str, Any], key: str, where: str, choices: Any,
               default: str) -> str:
        value = obj.get(key, default)
        if value not in choices:
            self.problem(where, _("the field “{field}” must be one of: {choices}.").format(
                field=key, choices=", ".join(choices)), key)
            return default
        return str(value)

    def color(self, obj: dict[str, Any], key: str, where: str, default: str) -> str:
        value = obj.get(key, default)
        if not isinstance(value, str) or not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            self.problem(where, _("the field “{field}” must be a colour written #rrggbb.")
                         .format(field=key), key)
            return default
        return value

    def flag(self, obj: dict[str, Any], key: str, where: str) -> bool:
        value = obj.get(key, False)
        if not isinstance(value, bool):
            self.problem(where, _("the field “{field}” must be true or false.").format(
                field=key), key)
            return False
        return value

    def text(self, obj: dict[str, Any], key: str, where: str, default: str = "") -> str:
        value = obj.get(key, default)
        if not isinstance(value, str):
            self.problem(where, _("the field “{field}” must be a text.").format(field=key), key)
            return default
        return value


def read_template(path: Path) -> Template:
    try:
        if path.stat().st_size > MAX_TEMPLATE_BYTES:
            raise ValidationError([Problem(_("The certificate template {file} is too large.")
                                           .format(file=path.name))])
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ValidationError([Problem(_("The certificate template {file} can't be read: "
                                         "{error}").format(file=path.name, error=error))]) from None
    except json.JSONDecodeError as error:
        raise ValidationError([Problem(_("The certificate template {file} is not valid JSON "
                                         "(line {line}, column {column}): {error}").format(
            file=path.name, line=error.lineno, column=error.colno, error=error.msg))]) from None
    r = _Reader(path)
    top = r.object(raw, _("top level"), {"title", "page", "honorifics", "designs", "note"},
                   {"title", "page", "designs"})
    page = r.object(top.get("page", {}), "page", {"width", "height"}, {"width", "height"})
    width = r.number(page, "width", "page", 297, 50, 1000)
    height = r.number(page, "height", "page", 210, 50, 1000)
    honorifics = {"male": "Ông", "female": "Bà", "unknown": "Ông/Bà"}
    given = r.object(top.get("honorifics", {}), "honorifics", set(HONORIFIC_KEYS))
    for key in HONORIFIC_KEYS:
        honorifics[key] = r.text(given, key, "honorifics", honorifics[key])
    designs_raw = r.object(top.get("designs", {}), "designs", set(DESIGNS), set(DESIGNS))
    designs = {name: _design(r, designs_raw.get(name, {}), name, path, width, height)
               for name in DESIGNS}
    if r.problems:
        raise ValidationError(r.problems)
    return Template(name=path.stem, title=r.text(top, "title", _("top level")), path=path,
                    width=width, height=height, honorifics=honorifics, designs=designs)


def _design(r: _Reader, raw: Any, name: str, path: Path, width: float, height: float) -> Design:
    where = _("design “{design}”").format(design=name)
    obj = r.object(raw, where, {"elements", "border", "emblem", "logo"}, {"elements"})
    elements_raw = obj.get("elements", [])
    if not isinstance(elements_raw, list):
        r.problem(where, _("“elements” must be a list [ … ]."), "elements")
        elements_raw = []
    elements: list[TextElement | LineElement] = []
    for n, raw_element in enumerate(elements_raw, start=1):
        at = _("design “{design}”, element {n}").format(design=name, n=n)
        if isinstance(raw_element, dict) and "line" in raw_element:
            elements.append(_line(r, raw_element, at, width, height))
        else:
            elements.append(_text(r, raw_element, at, width, height))
    border = emblem = logo = None
    if "border" in obj:
        b = r.object(obj["border"], where + " › border", {"margin", "band", "color", "accent"})
        border = Border(r.number(b, "margin", where + " › border", 8, 0, 40),
                        r.number(b, "band", where + " › border", 9, 2, 40),
                        r.color(b, "color", where + " › border", "#8b1a1a"),
                        r.color(b, "accent", where + " › border", "#c8a040"))
    if "emblem" in obj:
        at = where + " › emblem"
        e = r.object(obj["emblem"], at, {"x", "y", "diameter", "color"})
        emblem = Emblem(r.number(e, "x", at, width / 2, 0, width),
                        r.number(e, "y", at, height / 2, 0, height),
                        r.number(e, "diameter", at, 120, 10, 1000),
                        r.color(e, "color", at, "#f3e9cf"))
    if "logo" in obj:
        logo = _logo(r, obj["logo"], where + " › logo", path, width, height)
    return Design(tuple(elements), border, emblem, logo)


_TEXT_KEYS = {"text", "x", "y", "width", "height", "font", "size", "min_size", "max_lines",
              "align", "valign", "color", "uppercase", "leading", "spacing", "rule"}


def _text(r: _Reader, raw: Any, at: str, page_w: float, page_h: float) -> TextElement:
    obj = r.object(raw, at, _TEXT_KEYS, {"text", "x", "y", "width", "height", "size"})
    text = r.text(obj, "text", at)
    if isinstance(raw, dict) and isinstance(raw.get("text"), str):
        at = f"{at} (“{text[:40]}”)"
    fields = _fields(r, text, at)
    x, y = r.number(obj, "x", at, 0, 0, page_w), r.number(obj, "y", at, 0, 0, page_h)
    w, h = r.number(obj, "width", at, 10, 1, page_w), r.number(obj, "height", at, 5, 1, page_h)
    if x + w > page_w + 0.01 or y + h > page_h + 0.01:
        r.problem(at, _("the box goes beyond the page ({width} × {height} mm).").format(
            width=f"{page_w:g}", height=f"{page_h:g}"))
    size = r.number(obj, "size", at, 12, 4, 200)
    rule = None
    if "rule" in obj:
        rule_at = at + " › rule"
        ro = r.object(obj["rule"], rule_at, {"length", "gap", "thickness"})
        length = ro.get("length", "text")
        if length != "text":
            length = r.number(ro, "length", rule_at, 30, 1, page_w)
        rule = Rule(None if length == "text" else float(length),
                    r.number(ro, "gap", rule_at, 1.2, 0, 20),
                    r.number(ro, "thickness", rule_at, 0.6, 0.1, 5))
    return TextElement(
        text=text, x=x, y=y, width=w, height=h,
        font=FONTS[r.choice(obj, "font", at, list(FONTS), "regular")],
        size=size, min_size=r.number(obj, "min_size", at, min(size, 6), 4, 200),
        max_lines=int(r.number(obj, "max_lines", at, 1, 1, 20)),
        align=r.choice(obj, "align", at, ALIGNS, "center"),
        valign=r.choice(obj, "valign", at, VALIGNS, "middle"),
        color=r.color(obj, "color", at, "#000000"),
        uppercase=r.flag(obj, "uppercase", at),
        leading=r.number(obj, "leading", at, 1.25, 0.8, 3),
        spacing=r.number(obj, "spacing", at, 0, -2, 20),
        rule=rule, fields=fields)


def _fields(r: _Reader, text: str, at: str) -> frozenset[str]:
    names: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        r.problem(at, _("unbalanced braces { } in the text."), "text")
        return frozenset()
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in FIELDS or spec or conversion:
            r.problem(at, _("“{name}” is not a field; the fields are: {fields}.").format(
                name="{" + name + "}", fields=", ".join(sorted(FIELDS))), "text")
        else:
            names.add(name)
    return frozenset(names)


def _line(r: _Reader, raw: dict[str, Any], at: str, page_w: float, page_h: float) -> LineElement:
    obj = r.object(raw, at, {"line", "thickness", "color"}, {"line"})
    points = obj.get("line")
    if not (isinstance(points, list) and len(points) == 4
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in points)):
        r.problem(at, _("“line” must be four numbers [x1, y1, x2, y2] in mm."), "line")
        points = [0, 0, 0, 0]
    x1, y1, x2, y2 = (float(v) for v in points)
    if not (0 <= x1 <= page_w and 0 <= x2 <= page_w and 0 <= y1 <= page_h
            and 0 <= y2 <= page_h):
        r.problem(at, _("the line goes beyond the page."), "line")
    return LineElement(x1, y1, x2, y2, r.number(obj, "thickness", at, 0.6, 0.1, 10),
                       r.color(obj, "color", at, "#000000"))


def _logo(r: _Reader, raw: Any, at: str, template_path: Path, page_w: float,
          page_h: float) -> Logo | None:
    obj = r.object(raw, at, {"file", "x", "y", "width", "height"}, {"file", "x", "y", "width"})
    name = r.text(obj, "file", at)
    relative = Path(name)
    if not name or relative.is_absolute() or ".." in relative.parts or "\\" in name:
        r.problem(at, _("“file” must name an image beside the template (no folders above "
                        "it)."), "file")
        return None
    path = template_path.parent / relative
    if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        r.problem(at, _("the logo must be a PNG or JPEG image."), "file")
        return None
    if not path.is_file() or path.stat().st_size > MAX_LOGO_BYTES:
        r.problem(at, _("the image {file} is missing or larger than 5 MB.").format(file=name),
                  "file")
        return None
    width = r.number(obj, "width", at, 20, 1, page_w)
    return Logo(path, r.number(obj, "x", at, 0, 0, page_w), r.number(obj, "y", at, 0, 0, page_h),
                width, r.number(obj, "height", at, width, 1, page_h))

