"""What the papers a union office prints share, as platypus pieces: the header (issuing body
top left under its superior, national motto top right, place and date), signer blocks, and
page numbers.

The papers are Vietnamese documents whatever language the interface speaks: the motto and the
forms' wording follow the rules for union documents (933/QĐ-TLĐ; Decree 30/2020/NĐ-CP for the
date line), so their text is written here in Vietnamese, not translated.

The issuing body is named under the parent union in charge **on the document's own date**
(unions changed parents in 2025): :func:`issuer_on` gives the two header lines for a date,
from the history kept by :mod:`unionapp.reorg`. A certificate reprinted today for a 2024
decision keeps the 2024 header; a paper dated after a move names the new parent.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from .pdf import SERIF, SERIF_ITALIC, nfc, style
from .text import clean, fold, place_date

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .db import Database
    from .models import AwardDecision

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_LINE = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Signer:
    """One signature block: ``TM. BAN CHẤP HÀNH`` / ``CHỦ TỊCH`` / (space) / name."""

    title: str
    on_behalf: str = ""
    name: str = ""


# The first header line from each date on (None: from the start), oldest first.
Superiors = tuple[tuple[date | None, str], ...]


@dataclass(frozen=True)
class Issuer:
    """The two lines top left of a document: the superior, then the issuing body itself."""

    superior: str  # e.g. LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HÀ NỘI ("" when there is none)
    body: str  # e.g. Công đoàn cơ sở Viện … (the header writes it in capitals)
    superiors: Superiors = ()  # the unit's whole dated history, for papers re-dated later


def superior_on(superiors: Superiors, day: date) -> str:
    found = superiors[0][1] if superiors else ""
    for start, line in superiors:
        if start is None or start <= day:
            found = line
    return found


def issuer_in(s: Session, unit_uuid: uuid.UUID, day: date) -> Issuer:
    """The header lines of ``unit_uuid``'s documents dated ``day`` (inside a session)."""
    from sqlalchemy import select

    from .models import OrgUnit
    from .reorg import period_on, periods

    history = periods(s, unit_uuid)
    period = period_on(history, day)
    name = s.scalar(select(OrgUnit.name).where(OrgUnit.uuid == unit_uuid)) or ""
    return Issuer(period.superior_line, period.issuer_line or name,
                  tuple((p.starts_on, p.superior_line) for p in history))


def issuer_on(db: Database, day: date, unit: uuid.UUID | None = None) -> Issuer:
    """The header lines of the home unit's (or ``unit``'s) documents dated ``day``: its parent
    union in charge that day, then its own name as it stood then. For reports, decisions,
    letters and papers alike."""
    from .errors import NotFound
    from .i18n import _

    unit = unit or db.home_unit_uuid
    if unit is None:
        raise NotFound(_("This database has not been set up yet: run unionapp init."))
    with db.read() as s:
        return issuer_in(s, unit, day)


def _key(line: str) -> str:
    return " ".join(fold(line).split())


def dated_superior(s: Session, stored: str, day: date) -> str:
    """The superior line a document of this union dated ``day`` prints, given the one written
    on it (``stored``): when that names one of the unit's parents (or is empty), the parent in
    charge on ``day``; a document of another body (a Bằng khen of the province, say) keeps
    the superior it names."""
    from .reorg import period_on, periods

    stored = clean(stored)
    home = _home(s)
    if home is None:
        return stored
    history = periods(s, home)
    known = {_key(p.superior_line) for p in history} | {_key(p.parent_name) for p in history}
    if stored and _key(stored) not in known:
        return stored
    return period_on(history, day).superior_line or stored


def _home(s: Session) -> uuid.UUID | None:
    """The home unit of the session's database (set on write sessions, read otherwise)."""
    home = s.info.get("home_unit_uuid")
    if home is None:
        from .models import DatabaseInfo

        row = s.get(DatabaseInfo, "home_unit_uuid")
        home = uuid.UUID(row.value) if row is not None and row.value else None
    return home


def superior_for(db: Database, stored: str, day: date) -> str:
    """:func:`dated_superior` for a form being filled (its date changed)."""
    with db.read() as s:
        return dated_superior(s, stored, day)


def decision_superior(decision: AwardDecision) -> str:
    """The superior line of a decision's certificates, for its own date (see
    :func:`dated_superior`); an empty one stays empty (the clerk chose no superior)."""
    from sqlalchemy.orm import object_session

    s = object_session(decision)
    if s is None or not clean(decision.issuing_superior):
        return clean(decision.issuing_superior)
    return dated_superior(s, decision.issuing_superior, decision.decided_on)


@dataclass(frozen=True)
class PaperSetup:
    """Who issues a paper, where and when, and who signs it."""

    issuing_superior: str  # e.g. LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HÀ NỘI
    issuing_body: str  # e.g. CÔNG ĐOÀN CƠ SỞ VIỆN …
    place: str
    day: date
    signers: tuple[Signer, ...] = ()
    # The issuer's dated superiors (from issuer_on): the header then names the one in charge
    # on ``day``, even for a copy of the setup re-dated with ``dataclasses.replace``.
    superiors: Superiors = ()

    @property
    def superior(self) -> str:
        return superior_on(self.superiors, self.day) if self.superiors else \
            self.issuing_superior


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
    if setup.superior:
        left.append(para(setup.superior.upper(), size))
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
