"""The archive of a branch that ends its activity: its registers as spreadsheets (.xlsx) and as
PDF for printing and keeping — the member register, the award register, the support ledger,
the award decisions with their recipients, and the audit trail of every change.

Each register is read once and written twice, from the same rows. Everything here only reads
the database, so it works on a closed (read-only) branch too: the archive can be made again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer, Table, TableStyle
from sqlalchemy import select

from .db import Database
from .i18n import _
from .labels import GENDER, MEMBER_STATUS, MOVEMENT, SUPPORT_STATUS, label
from .letterhead import para
from .members import MemberQuery, member_list
from .models import AuditLog
from .org import home_unit
from .pdf import SERIF, SERIF_BOLD, SERIF_ITALIC, new_document, nfc
from .progress import NO_PROGRESS, Progress
from .spreadsheets import Cell, Sheet, write_xlsx
from .text import format_birth, format_date, format_moment, format_vnd

PDF_ROWS = 25  # rows per table (about a page: ReportLab splits long tables slowly)
PDF_LINES = 6  # lines of one cell in the PDF (the spreadsheet keeps every word)


@dataclass(frozen=True)
class Register:
    stem: str  # file name without extension
    title: str
    headers: list[str]
    widths: list[float]  # relative column widths
    rows: list[list[Cell]]
    money: set[int]


@dataclass(frozen=True)
class ArchiveFile:
    path: Path
    what: str
    rows: int
    sha256: str

    def as_json(self) -> dict[str, Any]:
        return {"file": self.path.name, "what": self.what, "rows": self.rows,
                "sha256": self.sha256}


def _members(db: Database) -> Register:
    rows: list[list[Cell]] = []
    for n, m in enumerate(member_list(db, MemberQuery()).all(), start=1):
        rows.append([n, m.full_name, format_birth(m.date_of_birth, m.birth_year),
                     label(GENDER, m.gender), m.national_id or "", m.org_unit, m.joined_on,
                     m.card_number, m.union_role or m.job_title, label(MEMBER_STATUS, m.status)])
    return Register("so-doan-vien", _("MEMBER REGISTER"),
                    [_("No."), _("Full name"), _("Date of birth"), _("Gender"), _("CCCD number"),
                     _("Union group"), _("Admission date"), _("Card number"), _("Role"),
                     _("Status")], [5, 24, 11, 7, 13, 30, 11, 13, 20, 14], rows, set())


def _movements(db: Database) -> Register:
    from .models import Member, Movement

    rows: list[list[Cell]] = []
    with db.read() as s:
        found = s.execute(select(Member.full_name, Movement.kind, Movement.occurred_on,
                                 Movement.from_unit, Movement.to_unit, Movement.decision_ref,
                                 Movement.note).join(Member, Movement.member_id == Member.id)
                          .where(Movement.deleted_at.is_(None))
                          .order_by(Member.sort_key, Movement.occurred_on, Movement.id)).all()
    for n, (name, kind, day, source, target, ref, note) in enumerate(found, start=1):
        rows.append([n, name, label(MOVEMENT, kind), day, source, target, ref, note])
    return Register("bien-dong-doan-vien", _("MEMBERS' MOVEMENTS"),
                    [_("No."), _("Full name"), _("Movement"), _("Date"), _("From"), _("To"),
                     _("Reference"), _("Note")], [5, 24, 15, 11, 28, 28, 14, 25], rows, set())


def _award_register(db: Database) -> Register:
    from .certificates.register import register_list

    rows: list[list[Cell]] = []
    for e in register_list(db).all():
        rows.append([e.serial, e.recipient, e.unit, e.award_kind, e.decision_number,
                     e.decided_on, e.first_printed_at.astimezone().date(), e.prints,
                     _("award removed from its decision") if e.removed else ""])
    return Register("so-khen-thuong", _("AWARD REGISTER"),
                    [_("Register no."), _("Name"), _("Group / unit"), _("Award kind"),
                     _("Decision no."), _("Decision date"), _("First printed"), _("Prints"),
                     _("Note")], [10, 26, 28, 26, 14, 11, 11, 7, 18], rows, set())


def _decisions(db: Database) -> Register:
    from .awards import award_list, decision_list

    rows: list[list[Cell]] = []
    decisions = sorted(decision_list(db).all(), key=lambda d: (d.decided_on, d.number))
    for d in decisions:
        recipients = award_list(db, d.uuid).all()
        if not recipients:
            rows.append([d.number, d.decided_on, d.award_kind, d.issuing_body, "", "", None,
                         "", d.reason])
        for r in recipients:
            rows.append([d.number, d.decided_on, d.award_kind, d.issuing_body, r.name, r.unit,
                         r.amount, r.serial, r.reason or d.reason])
    return Register("quyet-dinh-khen-thuong", _("AWARD DECISIONS AND THEIR RECIPIENTS"),
                    [_("Decision no."), _("Decision date"), _("Award kind"), _("Issuing body"),
                     _("Recipient"), _("Group / unit"), _("Amount (VND)"), _("Register no."),
                     _("Reason")], [13, 11, 22, 28, 24, 26, 12, 10, 36], rows, {6})


def _support(db: Database) -> Register:
    from .support import CaseQuery, case_list

    rows: list[list[Cell]] = []
    for n, c in enumerate(case_list(db, CaseQuery()).all(), start=1):
        rows.append([n, c.occurred_on, c.member_name, c.group, c.beneficiary_name, c.kind,
                     c.amount, label(SUPPORT_STATUS, c.status), c.fund, c.reason, c.paper_ref])
    return Register("so-cham-lo-ho-tro", _("SUPPORT LEDGER"),
                    [_("No."), _("Date"), _("Member"), _("Union group"), _("Beneficiary"),
                     _("Kind of support"), _("Amount (VND)"), _("Status"), _("Fund"),
                     _("Reason"), _("Paper reference")],
                    [5, 11, 22, 24, 18, 22, 12, 11, 20, 30, 12], rows, {6})


def _changes(entry: AuditLog) -> str:
    if not entry.after and not entry.before:
        return ""
    after = entry.after or {}
    return json.dumps(after, ensure_ascii=False, default=str)[:2000]


def _audit(db: Database) -> Register:
    rows: list[list[Cell]] = []
    with db.read() as s:
        for n, entry in enumerate(s.scalars(select(AuditLog).order_by(AuditLog.id)), start=1):
            rows.append([n, format_moment(entry.at), entry.user, entry.action, entry.entity,
                         str(entry.entity_uuid or ""), entry.summary, _changes(entry)])
    return Register("nhat-ky-thay-doi", _("AUDIT TRAIL"),
                    [_("No."), _("When"), _("User"), _("Action"), _("Record"), _("UUID"),
                     _("Summary"), _("Values after the change")],
                    [6, 14, 12, 10, 14, 30, 30, 60], rows, set())


REGISTERS: tuple[Callable[[Database], Register], ...] = (
    _members, _movements, _award_register, _decisions, _support, _audit)


def _text(value: Cell, money: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_moment(value)
    if isinstance(value, date):
        return format_date(value)
    if money and isinstance(value, int):
        return format_vnd(value, unit=False)
    return str(value)


def write_pdf(path: Path, register: Register, unit_name: str, as_of: date) -> None:
    """The register as an A4 landscape PDF: title, then the table a page's worth at a time."""
    page = landscape(A4)
    margin = 10 * mm
    width = page[0] - 2 * margin
    total = sum(register.widths)
    widths = [width * w / total for w in register.widths]
    size = 8

    def cell(value: Cell, column: int) -> str:
        """Plain text, wrapped here into lines (a table draws a string's lines as they are:
        many times quicker than a Paragraph, which is measured again at every step)."""
        text = nfc(_text(value, column in register.money))
        room = widths[column] - 4
        if stringWidth(text, SERIF, size) <= room:
            return text
        lines = simpleSplit(text[:PDF_LINES * 80], SERIF, size, room)
        if len(lines) > PDF_LINES:
            lines = [*lines[:PDF_LINES - 1], lines[PDF_LINES - 1] + " …"]
        return "\n".join(lines)

    head = [para(h, size, bold=True, leading=size * 1.2) for h in register.headers]
    story: list[Flowable] = [para(unit_name.upper(), 11, bold=True),
                             para(register.title, 13, bold=True),
                             para(_("(as of {date})").format(date=format_date(as_of)), 10,
                                  italic=True), Spacer(1, 4 * mm)]
    if not register.rows:
        story.append(para(_("(nothing recorded)"), 10, italic=True))
    for start in range(0, len(register.rows), PDF_ROWS):
        chunk = register.rows[start:start + PDF_ROWS]
        data = [head, *([cell(v, i) for i, v in enumerate(row)] for row in chunk)]
        table = Table(data, colWidths=widths, repeatRows=1)
        commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), SERIF, size),
            ("FONT", (0, 0), (-1, 0), SERIF_BOLD, size),
            ("GRID", (0, 0), (-1, -1), 0.4, (0, 0, 0)),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ("LEADING", (0, 0), (-1, -1), size * 1.2),
        ]
        commands += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i in register.money]
        table.setStyle(TableStyle(commands))
        story.append(table)

    def number(canvas: Any, doc: Any) -> None:
        canvas.setFont(SERIF_ITALIC, 8)
        canvas.drawRightString(page[0] - margin, 5 * mm, f"Trang {doc.page}")

    doc = new_document(path, page, leftMargin=margin, rightMargin=margin, topMargin=margin,
                       bottomMargin=10 * mm, title=register.title, author=unit_name)
    doc.build(story, onFirstPage=number, onLaterPages=number)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write_registers(db: Database, folder: Path, *, as_of: date,
                    progress: Progress = NO_PROGRESS) -> list[ArchiveFile]:
    """Every register into ``folder``, each as .xlsx and .pdf. Returns the files written."""
    unit = home_unit(db)
    files: list[ArchiveFile] = []
    for i, make in enumerate(REGISTERS):
        progress(i, len(REGISTERS), _("Writing the archive…"))
        register = make(db)
        sheet = Sheet(headers=register.headers, rows=register.rows,
                      title_lines=[unit.name.upper(), register.title,
                                   _("(as of {date})").format(date=format_date(as_of))],
                      widths=[w * 0.9 for w in register.widths], name=register.title[:31],
                      money_columns=register.money)
        xlsx = folder / f"{register.stem}.xlsx"
        write_xlsx(xlsx, sheet)
        pdf = folder / f"{register.stem}.pdf"
        write_pdf(pdf, register, unit.name, as_of)
        for path in (xlsx, pdf):
            files.append(ArchiveFile(path, register.title, len(register.rows), sha256_of(path)))
    return files


def describe(files: Sequence[ArchiveFile]) -> str:
    return "\n".join(f"{f.path.name}\t{f.rows}\t{f.sha256}" for f in files)
