"""PDF basics every printed paper shares (certificates, signature lists, slips, reports).

- One Times-compatible font with full Vietnamese coverage (Liberation Serif, SIL OFL, in
  ``resources/fonts/``), embedded and subset by ReportLab, and set as each document's
  *initial* font: otherwise ReportLab refers to an unembedded Helvetica on every page.
- Text is drawn NFC: decomposed marks render overlapped.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import IO, Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from .resources import resource

SERIF = "LiberationSerif"
SERIF_BOLD = "LiberationSerif-Bold"
SERIF_ITALIC = "LiberationSerif-Italic"
SERIF_BOLD_ITALIC = "LiberationSerif-BoldItalic"
_FILES = {
    SERIF: "LiberationSerif-Regular.ttf",
    SERIF_BOLD: "LiberationSerif-Bold.ttf",
    SERIF_ITALIC: "LiberationSerif-Italic.ttf",
    SERIF_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}
_registered = False


def register_fonts() -> None:
    """Register the embedded fonts with ReportLab (once per process)."""
    global _registered
    if _registered:
        return
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource("fonts", filename))))
    pdfmetrics.registerFontFamily(SERIF, normal=SERIF, bold=SERIF_BOLD, italic=SERIF_ITALIC,
                                  boldItalic=SERIF_BOLD_ITALIC)
    _registered = True


def nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


Target = str | Path | IO[bytes]


def new_canvas(target: Target, pagesize: tuple[float, float], **kwargs: Any) -> Canvas:
    """A canvas whose initial font is the embedded serif (see the module docstring)."""
    register_fonts()
    return Canvas(target if not isinstance(target, Path) else str(target), pagesize=pagesize,
                  initialFontName=SERIF, initialFontSize=12, pageCompression=1, **kwargs)


def new_document(target: Target, pagesize: tuple[float, float], **kwargs: Any) -> SimpleDocTemplate:
    """A platypus document (tables, long lists) with the same initial font."""
    register_fonts()
    return SimpleDocTemplate(target if not isinstance(target, Path) else str(target),
                             pagesize=pagesize, initialFontName=SERIF, initialFontSize=12,
                             **kwargs)


def style(name: str, *, size: float = 12, bold: bool = False, italic: bool = False,
          align: int = 0, leading: float | None = None, **kwargs: Any) -> ParagraphStyle:
    """A paragraph style in the embedded serif (align: 0 left, 1 centre, 2 right, 4 justify)."""
    register_fonts()
    font = {(False, False): SERIF, (True, False): SERIF_BOLD, (False, True): SERIF_ITALIC,
            (True, True): SERIF_BOLD_ITALIC}[(bold, italic)]
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.25,
                          alignment=align, **kwargs)
