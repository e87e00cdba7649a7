"""What the papers a union office prints share, as platypus pieces: the header (issuing body
top left under its superior, national motto top right, place and date), signer blocks, and
page numbers.

The papers are Vietnamese documents whatever language the interface speaks: the motto and the
forms' wording follow the rules for union documents (933/QĐ-TLĐ; Decree 30/2020/NĐ-CP for the
date line), so their text is written here in Vietnamese, not translated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from .pdf import SERIF, SERIF_ITALIC, nfc, style
from .text import place_date

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_LINE = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Signer:
    """One signature block: ``TM. BAN CHẤP HÀNH`` / ``CHỦ TỊCH`` / (space) / name."""

    title: str
    on_behalf: str = ""
    name: str = ""


@dataclass(frozen=True)
class PaperSetup:
    """Who issues a paper, where and when, and who signs it."""

    issuing_superior: str  # e.g. CÔNG ĐOÀN VIÊN CHỨC THÀNH PHỐ HÀ NỘI
    issuing_body: str  # e.g. CÔNG ĐOÀN CƠ SỞ VIỆN …
    place: str
    day: date
    signers: tuple[Signer, ...] = ()


def escape(text: str) -> str:
    """Text for a Paragraph (which reads a little markup): NFC, with &, < and > escaped."""
    return nfc(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def para(text: str, size: float = 12, *, bold: bool = False, italic: bool = False,
         align: int = 1, leading: float | None = None, **kwargs: Any) -> Paragraph:
    key = f"p{size}{bold}{italic}{align}{leading}"
    return Paragraph(escape(text), style(key, size=size, bold=bold, italic=italic, align=align,
                                         leading=leading, **kwargs))


def header(setup: PaperSetup, width: float, *, number: str = "", dated: bool = True,
           size: float = 11.5) -> Table:
    """The two-column head of a document: issuing body left, motto right, then (under the
    motto) the place and date."""
    left: list[Flowable] = []
    if setup.issuing_superior:
        left.append(para(setup.issuing_superior.upper(), size))
    left.append(para(setup.issuing_body.upper(), size, bold=True))
    left.append(HRFlowable(width="35%", thickness=0.6, color=colors.black, spaceBefore=2,
                           spaceAfter=3, hAlign="CENTER"))
    if number:
        left.append(para(f"Số: {number}", size + 0.5))
    right: list[Flowable] = [
        para(MOTTO, size, bold=True),
        para(MOTTO_LINE, size + 1, bold=True),
        HRFlowable(width="52%", thickness=0.6, color=colors.black, spaceBefore=1,
                   spaceAfter=4, hAlign="CENTER"),
    ]
    if dated:
        right.append(para(place_date(setup.place, setup.day) if setup.place else
                          place_date("", setup.day).removeprefix(", ").capitalize(),
                          size + 0.5, italic=True))
    table = Table([[left, right]], colWidths=[width * 0.44, width * 0.56])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                               ("FONT", (0, 0), (-1, -1), SERIF, size),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def signatures(signers: Sequence[Signer], width: float, *, size: float = 12,
               space: float = 24 * mm, hint: str = "(Ký, ghi rõ họ tên)") -> Table:
    """Signer blocks side by side, each centred: on behalf of, title, hint, space, name."""
    blocks, names = [], []
    for signer in signers:
        block: list[Flowable] = []
        if signer.on_behalf:
            block.append(para(signer.on_behalf.upper(), size, bold=True))
        block.append(para(signer.title.upper(), size, bold=True))
        if hint:
            block.append(para(hint, size - 1, italic=True))
        blocks.append(block)
        names.append(para(signer.name, size, bold=True))
    # Names on a row of their own, so they line up whatever the titles' lengths.
    table = Table([blocks, names], colWidths=[width / max(len(signers), 1)] * len(signers))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                               ("FONT", (0, 0), (-1, -1), SERIF, size),
                               ("TOPPADDING", (0, 1), (-1, 1), space),
                               ("LEFTPADDING", (0, 0), (-1, -1), 2),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 2)]))
    return table


class NumberedCanvas(Canvas):
    """A canvas that writes "Trang i/n" at the foot of every page of a multi-page paper
    (pages are kept until the end, when their count is known)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        count = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            if count > 1:
                self.setFont(SERIF_ITALIC, 9)
                self.drawCentredString(self._pagesize[0] / 2, 8 * mm,
                                       f"Trang {self._pageNumber}/{count}")
            super().showPage()
        super().save()
