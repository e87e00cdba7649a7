"""Drawing certificates from a template: one page per recipient, streamed to the PDF.

What is the same on every page of a batch (the border, the motto, the issuing body, the
title, the signer) is drawn once into a form that each page reuses; only the recipient's
lines are drawn per page. Text is NFC, shrinks to fit its box and wraps into balanced lines.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas

from ..models import Gender
from ..pdf import Target, join_pdfs, new_canvas, nfc, register_fonts
from ..text import clean, format_date, place_date
from .decoration import draw_border, draw_emblem, draw_logo
from .templates import Design, LineElement, Template, TextElement

CHUNK_PAGES = 500  # pages a document holds before it is saved: ReportLab keeps them till then
FLOOR_SIZE = 5.0  # pt: below the element's min_size only when nothing else fits
STATIC_FORM = "certificate_static"


@dataclass(frozen=True)
class DecisionText:
    """The decision's part of a certificate: the same on every page of a batch."""

    issuing_superior: str
    issuing_body: str
    title: str  # GIẤY KHEN
    award_name: str
    place: str
    decided_on: date
    decision_number: str
    year: int | None
    signer_on_behalf: str
    signer_title: str
    signer_name: str

    def values(self) -> dict[str, str]:
        return {
            "issuing_superior": self.issuing_superior,
            "issuing_body": self.issuing_body,
            "title": self.title,
            "award_name": self.award_name,
            "place": self.place,
            "place_date": place_date(self.place, self.decided_on) if self.place
            else place_date("", self.decided_on).lstrip(", ").capitalize(),
            "decision_number": self.decision_number,
            "decision_date": format_date(self.decided_on),
            "year": str(self.year or self.decided_on.year),
            "signer_on_behalf": self.signer_on_behalf,
            "signer_title": self.signer_title,
            "signer_name": self.signer_name,
        }


@dataclass(frozen=True)
class RecipientText:
    """One recipient's part: a person (with gender) or a collective (a unit's name)."""

    is_person: bool
    name: str
    gender: str | None
    unit: str  # a person's group; a collective's parent unit
    reason: str
    serial: str

    def values(self, honorifics: dict[str, str]) -> dict[str, str]:
        honorific = ""
        if self.is_person:
            key = {Gender.MALE: "male", Gender.FEMALE: "female"}.get(self.gender or "", "unknown")
            honorific = honorifics[key]
        return {
            "honorific": honorific,
            "recipient_name": self.name,
            "recipient": clean(f"{honorific} {self.name}"),
            "unit": self.unit,
            "reason": self.reason,
            "serial": self.serial,
        }


@dataclass(frozen=True)
class Layout:
    size: float
    lines: tuple[str, ...]


def _width(text: str, font: str, size: float, spacing: float) -> float:
    return stringWidth(text, font, size) + spacing * max(len(text) - 1, 0)


@lru_cache(maxsize=512)  # bounded: names differ on every page, reasons and units repeat
def fit(element: TextElement, text: str) -> Layout:
    """The largest size (≤ the element's) at which ``text`` fits the box in at most
    ``max_lines`` lines, with the lines balanced (pretix's shrink-to-fit, plus even lines)."""
    register_fonts()
    box_w, box_h = element.width * mm, element.height * mm
    size = element.size
    if element.max_lines == 1:
        natural = _width(text, element.font, size, element.spacing)
        if natural > box_w:
            size = max(FLOOR_SIZE, size * box_w / natural * 0.999)
        size = min(size, box_h * size / _block(element, size, 1))
        return Layout(max(size, FLOOR_SIZE), (text,))
    while True:
        lines = _wrap(text, element, size, box_w)
        fits = len(lines) <= element.max_lines and _block(element, size, len(lines)) <= box_h
        if fits or size <= FLOOR_SIZE:
            return Layout(size, tuple(_balance(text, element, size, box_w, len(lines))))
        step = 0.5 if size > element.min_size else 0.25
        size = max(FLOOR_SIZE, size - step)


def _wrap(text: str, element: TextElement, size: float, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(simpleSplit(paragraph, element.font, size, width) or [""])
    return lines


def _balance(text: str, element: TextElement, size: float, width: float, count: int,
             ) -> list[str]:
    """The same number of lines, as even as possible, preferring to break before an opening
    quote or after punctuation (``… phong trào thi đua / “Lao động giỏi…”``), never inside
    a quoted phrase when it can be helped."""
    best = _wrap(text, element, size, width)
    words = text.split()
    if count < 2 or "\n" in text or len(words) > 60 or len(best) != count:
        return best

    def measure(a: int, b: int) -> float:
        return _width(" ".join(words[a:b]), element.font, size, element.spacing)

    def bonus(i: int) -> float:  # a break before words[i]
        before, after = words[i - 1], words[i]
        if after[:1] in "“(\"" or before[-1:] in ",;:.)”":
            return (0.18 * width) ** 2
        return 0.0

    n = len(words)
    # cost[k][i]: the best way to set words[:i] in k lines; Σ (box width − line width)².
    inf = float("inf")
    cost = [[inf] * (n + 1) for _ in range(count + 1)]
    back = [[0] * (n + 1) for _ in range(count + 1)]
    cost[0][0] = 0.0
    for k in range(1, count + 1):
        for i in range(1, n + 1):
            for j in range(k - 1, i):
                if cost[k - 1][j] == inf:
                    continue
                line = measure(j, i)
                if line > width:
                    continue
                value = cost[k - 1][j] + (width - line) ** 2 - (bonus(j) if j else 0.0)
                if value < cost[k][i]:
                    cost[k][i], back[k][i] = value, j
    if cost[count][n] == inf:
        return best
    lines, i = [], n
    for k in range(count, 0, -1):
        j = back[k][i]
        lines.append(" ".join(words[j:i]))
        i = j
    return lines[::-1]


def _block(element: TextElement, size: float, count: int) -> float:
    """Height of ``count`` lines: ascent of the first to descent of the last."""
    ascent, descent = getAscentDescent(element.font, size)
    return (count - 1) * size * element.leading + ascent - descent


def draw_text(c: Canvas, element: TextElement, text: str, page_h: float) -> None:
    """Draw one text element (already filled in) in its box."""
    text = nfc(text).upper() if element.uppercase else nfc(text)
    if not text.strip():
        return
    layout = fit(element, text)
    size, lines = layout.size, layout.lines
    ascent, _descent = getAscentDescent(element.font, size)
    block = _block(element, size, len(lines))
    top = page_h - element.y * mm
    box_h = element.height * mm
    if element.valign == "top":
        first = top - ascent
    elif element.valign == "bottom":
        first = top - box_h + block - ascent
    else:
        first = top - (box_h - block) / 2 - ascent
    left, box_w = element.x * mm, element.width * mm
    c.setFillColor(HexColor(element.color))
    c.setFont(element.font, size)
    baseline, line_w = first, 0.0
    for line in lines:
        line_w = _width(line, element.font, size, element.spacing)
        if element.align == "center":
            x = left + (box_w - line_w) / 2
        elif element.align == "right":
            x = left + box_w - line_w
        else:
            x = left
        c.drawString(x, baseline, line, charSpace=element.spacing)
        baseline -= size * element.leading
    if element.rule is not None:
        rule = element.rule
        length = line_w if rule.length is None else rule.length * mm
        last = baseline + size * element.leading
        y = last - rule.gap * mm - abs(_descent) * 0.5
        if element.align == "center":
            x0 = left + (box_w - length) / 2
        elif element.align == "right":
            x0 = left + box_w - length
        else:
            x0 = left
        c.setStrokeColor(HexColor(element.color))
        c.setLineWidth(rule.thickness)
        c.line(x0, y, x0 + length, y)


def draw_line(c: Canvas, element: LineElement, page_h: float) -> None:
    c.setStrokeColor(HexColor(element.color))
    c.setLineWidth(element.thickness)
    c.line(element.x1 * mm, page_h - element.y1 * mm, element.x2 * mm, page_h - element.y2 * mm)


def fill(text: str, values: dict[str, str]) -> str:
    """A template text with its fields filled in (fields were checked on loading)."""
    return text.format_map(values) if "{" in text else text


class CertificateDocument:
    """A PDF of certificates of one decision, written page by page.

    ``offset`` (mm, right and down) moves everything printed: the calibration of the printer
    that will print onto pre-printed blanks.
    """

    def __init__(self, target: Target, template: Template, design: str, decision: DecisionText,
                 *, offset: tuple[float, float] = (0.0, 0.0), title: str = ""):
        self.template = template
        self.design: Design = template.designs[design]
        self.decision = decision.values()
        self.offset = offset
        self.page_w, self.page_h = template.width * mm, template.height * mm
        self.canvas = new_canvas(target, (self.page_w, self.page_h))
        self.canvas.setTitle(title or f"{decision.title} — {decision.decision_number}")
        self.canvas.setAuthor(decision.issuing_body)
        self.canvas.setCreator("unionapp")
        self.pages = 0
        self._static = [e for e in self.design.elements if not e.per_recipient]
        self._variable = [e for e in self.design.elements if e.per_recipient]
        self._draw_static_form()

    def _draw_static_form(self) -> None:
        c = self.canvas
        c.beginForm(STATIC_FORM)
        if self.design.border is not None:
            draw_border(c, self.design.border, self.page_w, self.page_h)
        if self.design.emblem is not None:
            draw_emblem(c, self.design.emblem, self.page_h)
        if self.design.logo is not None:
            draw_logo(c, self.design.logo, self.page_h)
        self._draw(self._static, self.decision)
        c.endForm()

    def _draw(self, elements: list[TextElement | LineElement], values: dict[str, str]) -> None:
        for element in elements:
            if isinstance(element, LineElement):
                draw_line(self.canvas, element, self.page_h)
            else:
                draw_text(self.canvas, element, fill(element.text, values), self.page_h)

    def add(self, recipient: RecipientText) -> None:
        """One more page: the shared form, then this recipient's lines."""
        c = self.canvas
        dx, dy = self.offset
        if dx or dy:
            c.translate(dx * mm, -dy * mm)
        c.doForm(STATIC_FORM)
        values = {**self.decision, **recipient.values(self.template.honorifics)}
        self._draw(self._variable, values)
        c.showPage()
        self.pages += 1

    def close(self) -> None:
        self.canvas.save()


class CertificateRun:
    """Every page of a run into one file, however long. ReportLab holds a document's pages
    in memory until it saves it, so a run is written as documents of :data:`CHUNK_PAGES`
    pages, joined at :meth:`close`: memory stays flat (issue 14: 10,000 certificates)."""

    def __init__(self, path: Path, template: Template, design: str, decision: DecisionText,
                 *, offset: tuple[float, float] = (0.0, 0.0)):
        self.path, self.template, self.design, self.decision = path, template, design, decision
        self.offset = offset
        self.pages = 0
        self.parts: list[Path] = []
        self.folder: Path | None = None
        self.document: CertificateDocument | None = None

    def add(self, recipient: RecipientText) -> None:
        if self.document is None:
            if self.pages == 0:
                target = self.path
            else:  # a long run: the first document becomes the first of the parts
                if self.folder is None:
                    self.folder = Path(tempfile.mkdtemp(prefix=".parts-", dir=self.path.parent))
                    first = self.folder / "00000000.pdf"
                    self.path.replace(first)
                    self.parts.append(first)
                target = self.folder / f"{self.pages:08d}.pdf"
                self.parts.append(target)
            self.document = CertificateDocument(target, self.template, self.design,
                                                self.decision, offset=self.offset)
        self.document.add(recipient)
        self.pages += 1
        if self.document.pages >= CHUNK_PAGES:
            self.document.close()
            self.document = None

    def close(self) -> int:
        """Save (joining the parts of a long run); returns the number of pages."""
        if self.document is not None:
            self.document.close()
            self.document = None
        if self.parts:
            try:
                join_pdfs(self.parts, self.path,
                          title=f"{self.decision.title} — {self.decision.decision_number}",
                          author=self.decision.issuing_body)
            finally:
                self.abort()
        return self.pages

    def abort(self) -> None:
        """Remove the parts (the caller removes ``path``)."""
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
        self.parts = []
