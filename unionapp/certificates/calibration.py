"""Printer calibration for pre-printed blanks (phôi): an x/y offset in millimetres per
printer, kept in this PC's user settings, and a test page to measure it with.

Each printer feeds paper a little off; on a blank, text must land in its printed frame. The
clerk prints the test page, measures from the paper's edges to the cross marks (20 mm by
design) and enters the difference; the offset then moves everything printed onto blanks.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm

from ..i18n import _
from ..pdf import SERIF, SERIF_BOLD, new_canvas, nfc
from ..settings import Settings
from .templates import TextElement, load_template

SETTINGS_KEY = "certificate_offsets"  # {printer name: [x mm, y mm]}
MAX_OFFSET = 30.0
MARK = 20.0  # mm from the paper's edges to the cross marks


def _offsets(settings: Settings) -> dict[str, list[float]]:
    raw = settings.extra.get(SETTINGS_KEY)
    return raw if isinstance(raw, dict) else {}


def printer_offset(settings: Settings, printer: str) -> tuple[float, float]:
    """The saved offset of ``printer`` (0, 0 when it was never calibrated)."""
    value = _offsets(settings).get(printer)
    if (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, int | float) for v in value)):
        return float(value[0]), float(value[1])
    return 0.0, 0.0


def save_printer_offset(settings: Settings, printer: str, offset: tuple[float, float]) -> None:
    """Remember ``offset`` (mm, right and down) for ``printer`` on this PC."""
    x, y = (round(max(-MAX_OFFSET, min(MAX_OFFSET, v)), 1) for v in offset)
    offsets = dict(_offsets(settings))
    offsets[printer] = [x, y]
    settings.extra[SETTINGS_KEY] = offsets
    settings.save()


def calibration_page(out: Path, *, printer: str = "", offset: tuple[float, float] = (0.0, 0.0),
                     template: str = "giay_khen") -> Path:
    """An A4-landscape test page: cross marks 20 mm from each edge and the frames of the
    blank design's texts, all moved by ``offset`` as certificates would be."""
    layout = load_template(template)
    page_w, page_h = layout.width * mm, layout.height * mm
    c = new_canvas(out, (page_w, page_h))
    c.setTitle(_("Printer calibration page"))
    dx, dy = offset
    c.translate(dx * mm, -dy * mm)
    grey, red = HexColor("#8a8a8a"), HexColor("#c00000")
    # The frames of the blank design's texts, so the page can be held against a blank.
    c.setDash(2, 2)
    c.setLineWidth(0.4)
    for element in layout.designs["blank"].elements:
        if isinstance(element, TextElement):
            c.setStrokeColor(grey)
            c.rect(element.x * mm, page_h - (element.y + element.height) * mm,
                   element.width * mm, element.height * mm)
            c.setFillColor(grey)
            c.setFont(SERIF, 7)
            c.drawString(element.x * mm + 1, page_h - element.y * mm - 7, nfc(element.text))
    c.setDash()
    # Cross marks 20 mm from the edges: what the clerk measures with a ruler.
    c.setStrokeColor(red)
    c.setLineWidth(0.5)
    for x, y in ((MARK, MARK), (layout.width - MARK, MARK), (MARK, layout.height - MARK),
                 (layout.width - MARK, layout.height - MARK)):
        cx, cy = x * mm, page_h - y * mm
        c.line(cx - 6 * mm, cy, cx + 6 * mm, cy)
        c.line(cx, cy - 6 * mm, cx, cy + 6 * mm)
        c.circle(cx, cy, 2 * mm)
    # Instructions, in the free band between the issuer's frames and the recipient's.
    c.setFillColor(HexColor("#000000"))
    c.setFont(SERIF_BOLD, 15)
    c.drawCentredString(page_w / 2, page_h - 52 * mm, nfc(_("PRINTER CALIBRATION PAGE")))
    c.setFont(SERIF, 10.5)
    lines = [
        _("Printer: {printer}").format(printer=printer or _("(not named)")),
        _("Offset used for this page: {x} mm across, {y} mm down.").format(
            x=f"{dx:+.1f}".replace(".", ","), y=f"{dy:+.1f}".replace(".", ",")),
        _("Measure from the left edge of the paper to the centre of the top-left cross: it "
          "should be 20 mm."),
        _("If you measure 22 mm, add −2 to the offset across; if 18 mm, add +2. Do the same "
          "from the top edge for the offset down."),
        _("Then print this page again: the crosses must be 20 mm from the edges. Dashed "
          "frames show where the texts go on a blank."),
    ]
    y = page_h - 59 * mm
    for line in lines:
        c.drawCentredString(page_w / 2, y, nfc(line))
        y -= 4.6 * mm
    c.showPage()
    c.save()
    return out
