"""The full design's ornaments, drawn with vector strokes: a double frame with a band of
lozenges and corner rosettes, and a faint bronze-drum sun (mặt trống đồng) behind the text.

Drawn once per document into a form (XObject) that every page reuses, so they cost nothing
per certificate and keep the file small.
"""

from __future__ import annotations

import math

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .templates import Border, Emblem, Logo


def draw_border(c: Canvas, border: Border, page_w: float, page_h: float) -> None:
    """``page_w``/``page_h`` in points."""
    color, accent = HexColor(border.color), HexColor(border.accent)
    m, band = border.margin * mm, border.band * mm
    c.saveState()
    c.setLineJoin(0)
    # Outer frame: a strong line and a thin one inside it.
    c.setStrokeColor(color)
    c.setLineWidth(2.6)
    c.rect(m, m, page_w - 2 * m, page_h - 2 * m)
    c.setLineWidth(0.7)
    inset = 1.6 * mm
    c.rect(m + inset, m + inset, page_w - 2 * (m + inset), page_h - 2 * (m + inset))
    # Inner frame: thin in the frame's colour, then a gold line.
    inner = m + band
    c.rect(inner, inner, page_w - 2 * inner, page_h - 2 * inner)
    c.setStrokeColor(accent)
    c.setLineWidth(1.4)
    gold = inner + 1.3 * mm
    c.rect(gold, gold, page_w - 2 * gold, page_h - 2 * gold)
    # The band: a chain of lozenges along each side, between the corner squares.
    mid = m + inset + (band - inset) / 2  # the band's centre line, from the edge
    half = (band - inset) / 2 * 0.62  # a lozenge's half height
    _lozenge_run(c, m + band, page_w - m - band, mid, half, horizontal=True, color=color,
                 accent=accent)
    _lozenge_run(c, m + band, page_w - m - band, page_h - mid, half, horizontal=True,
                 color=color, accent=accent)
    _lozenge_run(c, m + band, page_h - m - band, mid, half, horizontal=False, color=color,
                 accent=accent)
    _lozenge_run(c, m + band, page_h - m - band, page_w - mid, half, horizontal=False,
                 color=color, accent=accent)
    # Corner squares with a rosette.
    side = band - inset
    for x, y in ((m + inset, m + inset), (page_w - m - band, m + inset),
                 (m + inset, page_h - m - band), (page_w - m - band, page_h - m - band)):
        c.setFillColor(color)
        c.rect(x, y, side, side, stroke=0, fill=1)
        _rosette(c, x + side / 2, y + side / 2, side * 0.42, accent)
    c.restoreState()


def _lozenge_run(c: Canvas, start: float, end: float, at: float, half: float, *,
                 horizontal: bool, color: object, accent: object) -> None:
    """Lozenges from ``start`` to ``end`` along one side, centred on the line ``at``."""
    length = end - start
    step = half * 2.6
    count = max(1, round(length / step))
    step = length / count
    c.setFillColor(accent)
    c.setStrokeColor(color)
    c.setLineWidth(0.4)
    for i in range(count):
        centre = start + step * (i + 0.5)
        cx, cy = (centre, at) if horizontal else (at, centre)
        along = step / 2 * 0.86
        path = c.beginPath()
        if horizontal:
            path.moveTo(cx - along, cy)
            path.lineTo(cx, cy + half)
            path.lineTo(cx + along, cy)
            path.lineTo(cx, cy - half)
        else:
            path.moveTo(cx, cy - along)
            path.lineTo(cx + half, cy)
            path.lineTo(cx, cy + along)
            path.lineTo(cx - half, cy)
        path.close()
        c.drawPath(path, stroke=1, fill=1)
        c.setFillColor(color)
        c.circle(cx, cy, half * 0.28, stroke=0, fill=1)
        c.setFillColor(accent)


def _rosette(c: Canvas, cx: float, cy: float, r: float, color: object) -> None:
    """An eight-petal rosette (petals as lozenges) with a centre dot."""
    c.setFillColor(color)
    for k in range(8):
        a = math.pi / 4 * k
        tip = (cx + r * math.cos(a), cy + r * math.sin(a))
        left = (cx + r * 0.38 * math.cos(a + 0.42), cy + r * 0.38 * math.sin(a + 0.42))
        right = (cx + r * 0.38 * math.cos(a - 0.42), cy + r * 0.38 * math.sin(a - 0.42))
        path = c.beginPath()
        path.moveTo(cx, cy)
        path.lineTo(*left)
        path.lineTo(*tip)
        path.lineTo(*right)
        path.close()
        c.drawPath(path, stroke=0, fill=1)
    c.circle(cx, cy, r * 0.16, stroke=0, fill=1)


def draw_emblem(c: Canvas, emblem: Emblem, page_h: float) -> None:
    """The face of a bronze drum: a star of fourteen rays inside rings of small motifs."""
    cx, cy, r = emblem.x * mm, page_h - emblem.y * mm, emblem.diameter * mm / 2
    color = HexColor(emblem.color)
    c.saveState()
    c.setStrokeColor(color)
    c.setFillColor(color)
    # The star.
    rays = 14
    path = c.beginPath()
    for k in range(rays * 2):
        radius = r * (0.30 if k % 2 == 0 else 0.11)
        a = math.pi / rays * k + math.pi / 2
        point = (cx + radius * math.cos(a), cy + radius * math.sin(a))
        if k == 0:
            path.moveTo(*point)
        else:
            path.lineTo(*point)
    path.close()
    c.drawPath(path, stroke=0, fill=1)
    # Rings, and between them the drum's bands: ticks, circles, ticks.
    for radius, width in ((0.34, 1.2), (0.40, 0.6), (0.52, 0.6), (0.58, 1.2), (0.66, 0.6),
                          (0.80, 0.6), (0.86, 1.2), (0.94, 0.6), (1.0, 1.6)):
        c.setLineWidth(width)
        c.circle(cx, cy, r * radius, stroke=1, fill=0)
    c.setLineWidth(0.6)
    for inner, outer, count in ((0.34, 0.40, 96), (0.58, 0.66, 120), (0.86, 0.94, 160)):
        for k in range(count):
            a = 2 * math.pi * k / count
            c.line(cx + r * inner * math.cos(a), cy + r * inner * math.sin(a),
                   cx + r * outer * math.cos(a), cy + r * outer * math.sin(a))
    for k in range(36):
        a = 2 * math.pi * k / 36
        c.circle(cx + r * 0.46 * math.cos(a), cy + r * 0.46 * math.sin(a), r * 0.035,
                 stroke=1, fill=0)
    for k in range(18):  # stylised birds of the outer band: small chevrons flying round
        a = 2 * math.pi * k / 18
        bx, by = cx + r * 0.73 * math.cos(a), cy + r * 0.73 * math.sin(a)
        tangent = a + math.pi / 2
        size = r * 0.045
        c.line(bx, by, bx - size * math.cos(tangent - 0.6), by - size * math.sin(tangent - 0.6))
        c.line(bx, by, bx - size * math.cos(tangent + 0.6), by - size * math.sin(tangent + 0.6))
    c.restoreState()


def draw_logo(c: Canvas, logo: Logo, page_h: float) -> None:
    c.drawImage(str(logo.path), logo.x * mm, page_h - (logo.y + logo.height) * mm,
                logo.width * mm, logo.height * mm, mask="auto", preserveAspectRatio=True,
                anchor="c")
