"""The papers of support work: the signature list (danh sách ký nhận) of the people who
receive money, and the payment slip (phiếu chi) of one case.

Only cases whose money is spoken for (approved, paid, closed) are printed: nobody signs for a
proposal or a refusal. Like every paper, they are Vietnamese documents (see
:mod:`unionapp.letterhead`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy import select

from ..db import Database, timestamp
from ..errors import UserError
from ..filenames import safe_file_name
from ..i18n import _
from ..letterhead import NumberedCanvas, PaperSetup, Signer, header, issuer_on, para, signatures
from ..models import Member, MemberStatus, SupportStatus
from ..org import home_unit
from ..pdf import SERIF, SERIF_BOLD, keep_words_together, new_document, nfc
from ..progress import NO_PROGRESS, Progress
from ..settings import data_dir
from ..text import amount_in_words, format_date, format_vnd, place_date
from .cases import CaseDetail, CaseQuery, CaseRow, case_detail, case_rows_in_order, case_totals

CHAIR_ROLE = "Chủ tịch"
ROW_PAD = 8  # points above and below each name: room to sign
KEEP_ROWS = 2  # rows of the list that stay on the page of its total and signatures
HEAD_SHARE = 0.44  # letterhead.header's left column, where the issuing body is set


def papers_dir() -> Path:
    """Where printed papers are kept (in the user's data folder, beside the databases)."""
    path = data_dir() / "papers"
    path.mkdir(parents=True, exist_ok=True)
    return path


def paper_path(stem: str) -> Path:
    """A new file for a paper, named by what it is and when it was made."""
    base = papers_dir() / safe_file_name(f"{stem}-{timestamp()}")
    path, n = base.with_suffix(".pdf"), 1
    while path.exists():  # two papers in the same second
        n += 1
        path = base.with_name(f"{base.name}-{n}.pdf")
    return path


def paper_setup(db: Database, day: date | None = None) -> PaperSetup:
    """The usual issuer and signers: this union under its parent, its place, and its chair
    (the active member whose union role is "Chủ tịch")."""
    unit = home_unit(db)
    issuer = issuer_on(db, day or date.today())  # the parent in charge on the paper's date
    with db.read() as s:
        chair = s.scalar(
            select(Member.full_name).where(Member.union_role == CHAIR_ROLE,
                                           Member.status == MemberStatus.ACTIVE,
                                           Member.deleted_at.is_(None)).limit(1)
        )
    return PaperSetup(
        issuing_superior=issuer.superior,
        issuing_body=issuer.body,
        place=unit.place,
        day=day or date.today(),
        signers=(Signer("Người lập danh sách"), Signer("Kế toán"),
                 Signer("Chủ tịch", on_behalf="TM. Ban Chấp hành", name=chair or "")),
        superiors=issuer.superiors,
    )


@dataclass(frozen=True)
class PaperResult:
    path: Path
    count: int
    total: int


def date_line(day: date) -> str:
    """``Ngày 05 tháng 3 năm 2026``: the date of a paper without a place (Decree 30, as
    :func:`unionapp.text.place_date` writes it)."""
    return place_date("", day).removeprefix(", ").capitalize()


def _header(setup: PaperSetup, width: float, *, size: float = 11.5, **kwargs: object) -> Table:
    """The letterhead, with the unit's names broken into lines at good places (never
    inside a word: "PHÁT / TRIỂN")."""
    column = width * HEAD_SHARE - 1
    names = replace(
        setup,
        # The superior in charge on the paper's own date, fixed here with its line breaks.
        issuing_superior=keep_words_together(setup.superior.upper(), SERIF, size, column),
        superiors=(),
        issuing_body=keep_words_together(setup.issuing_body.upper(), SERIF_BOLD, size, column))
    return header(names, width, size=size, **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ListScope:
    """One choice of what a signature list holds, counted before printing: the cases
    ``query`` selects, or only ``case_uuids`` of them."""

    label: str
    query: CaseQuery
    case_uuids: tuple[uuid.UUID, ...] | None
    count: int  # cases that will be printed (approved, paid or closed)
    total: int
    left_out: int  # proposals and refusals: nobody signs for them


def list_scope(db: Database, label: str, query: CaseQuery,
               chosen: Sequence[CaseRow] | None = None) -> ListScope:
    """Count a choice: from the rows themselves when they were chosen, with one
    aggregate query for a whole list (a year of cases, a parent's lists)."""
    if chosen is not None:
        printed = [r for r in chosen if r.status in SupportStatus.COMMITTED]
        return ListScope(label, query, tuple(r.uuid for r in chosen), len(printed),
                         sum(r.amount for r in printed), len(chosen) - len(printed))
    totals = case_totals(db, query)
    count = sum(totals.by_status.get(s, (0, 0))[0] for s in SupportStatus.COMMITTED)
    total = sum(totals.by_status.get(s, (0, 0))[1] for s in SupportStatus.COMMITTED)
    return ListScope(label, query, None, count, total, totals.count - count)


def signature_rows(db: Database, query: CaseQuery,
                   case_uuids: Sequence[uuid.UUID] | None = None) -> tuple[list[CaseRow], int]:
    """The cases a signature list holds — those ``query`` selects (only ``case_uuids`` of
    them, when given) whose money is spoken for — and how many others were left out."""
    rows = case_rows_in_order(db, query)
    if case_uuids is not None:
        wanted = set(case_uuids)
        rows = [r for r in rows if r.uuid in wanted]
    printed = [r for r in rows if r.status in SupportStatus.COMMITTED]
    return printed, len(rows) - len(printed)


def _short_group(name: str) -> str:
    """The column says "Tổ công đoàn": the group's name without it."""
    return name.removeprefix("Tổ công đoàn ").removeprefix("Công đoàn bộ phận ")


def _content(row: CaseRow) -> str:
    if row.beneficiary_name:
        return f"{row.kind} ({row.relation} {row.beneficiary_name})".replace("( ", "(")
    return row.kind


def signature_list_pdf(
    db: Database,
    path: Path,
    query: CaseQuery,
    *,
    case_uuids: Sequence[uuid.UUID] | None = None,
    title: str = "",
    subtitle: str = "",
    setup: PaperSetup | None = None,
    progress: Progress = NO_PROGRESS,
) -> PaperResult:
    """The danh sách ký nhận of the cases ``query`` selects (only ``case_uuids`` of them,
    when given; approved, paid or closed), by group and name: STT, name, group, what for,
    amount, a signature column; the total in figures and in words; the signer blocks, on
    the page of the last rows (never a page of signatures alone)."""
    setup = setup or paper_setup(db)
    progress(0, 0, _("Reading the cases…"))
    rows, _left_out = signature_rows(db, query, case_uuids)
    if not rows:
        raise UserError(_("There is no approved or paid case in this list to sign for."))
    total = sum(r.amount for r in rows)
    page = A4
    left, right = 20 * mm, 15 * mm
    width = page[0] - left - right

    story: list[Flowable] = [_header(setup, width), Spacer(1, 6 * mm),
                             para("DANH SÁCH KÝ NHẬN", 14, bold=True)]
    for line in (title, subtitle):
        if line:
            story.append(para(line, 13, bold=line == title))
    story.append(Spacer(1, 4 * mm))

    cell = 11
    mixed = len({(r.kind_code, r.beneficiary_name) for r in rows}) > 1  # else: in the title
    heads = ["STT", "Họ và tên", "Tổ công đoàn", *(["Nội dung"] if mixed else []),
             "Số tiền (đồng)", "Ký nhận"]
    widths = [11 * mm, 45 * mm, 46 * mm if not mixed else 38 * mm,
              *([34 * mm] if mixed else []), 25 * mm]
    widths.append(width - sum(widths))
    padding = 8  # points, left and right

    def fit(text: str, column: int, size: float) -> object:
        """Plain text when it fits the column (fast), a wrapping paragraph when not."""
        if stringWidth(nfc(text), SERIF, size) <= widths[column] - padding:
            return nfc(text)
        return para(text, size, align=0)

    head = [para(h, cell, bold=True) for h in heads]
    body: list[list[object]] = []
    for n, row in enumerate(rows, start=1):
        if n % 200 == 0:
            progress(n, len(rows), _("Laying out the list…"))
        content = [fit(_content(row), 3, cell - 1)] if mixed else []
        body.append([str(n), fit(row.member_name, 1, cell),
                     fit(_short_group(row.group), 2, cell - 1), *content,
                     format_vnd(row.amount, unit=False), ""])
    money = len(heads) - 2
    total_row = ["", para("Tổng cộng", cell, bold=True), *[""] * (money - 2),
                 format_vnd(total, unit=False), ""]

    def table(rows_: list[list[object]], with_total: bool) -> Table:
        data = [head, *rows_, *([total_row] if with_total else [])]
        last = len(data) - 1
        t = Table(data, colWidths=widths, repeatRows=1)
        commands: list[tuple[object, ...]] = [
            ("FONT", (0, 0), (-1, -1), SERIF, cell),
            ("FONT", (2, 1), (money - 1, -1), SERIF, cell - 1),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (0, 0), (0, -1), "CENTER"),
            ("ALIGN", (money, 1), (money, -1), "RIGHT"),
            ("LEFTPADDING", (0, 0), (-1, -1), padding / 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), padding / 2),
            ("TOPPADDING", (0, 1), (-1, -1), ROW_PAD),
            ("BOTTOMPADDING", (0, 1), (-1, -1), ROW_PAD),
        ]
        if with_total:
            commands += [("FONT", (0, last), (-1, last), SERIF_BOLD, cell),
                         ("SPAN", (1, last), (money - 1, last)),
                         ("TOPPADDING", (0, last), (-1, last), 3),
                         ("BOTTOMPADDING", (0, last), (-1, last), 3)]
        t.setStyle(TableStyle(commands))
        return t

    progress(len(rows), len(rows), _("Writing the PDF…"))
    doc = new_document(path, page, leftMargin=left, rightMargin=right, topMargin=15 * mm,
                       bottomMargin=15 * mm, title="Danh sách ký nhận", author=setup.issuing_body)
    # Cut the list into one table per page here, measuring each row once: ReportLab would
    # re-measure all the remaining rows at every page break (quadratic for long lists).
    usable = doc.height - 12 - 2  # the frame's padding, and a little room
    first = usable - sum(f.wrap(width, usable)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                         for f in story)

    def height(cells: list[object], pad: float) -> float:
        tallest = cell * 1.2  # one line of plain text
        for value, w in zip(cells, widths, strict=True):
            if isinstance(value, Paragraph):
                tallest = max(tallest, value.wrap(w - padding, usable)[1])
        return tallest + 2 * pad

    head_h = height(head, 3)
    closing: list[Flowable] = [
        Spacer(1, 3 * mm),
        para(f"Bằng chữ: {amount_in_words(total)}.", 12, italic=True, align=0),
        Spacer(1, 6 * mm),
        signatures(setup.signers, width),
    ]
    # The last page holds its rows, the total row, the total in words and the signatures.
    closing_h = height(total_row, 3) + sum(f.wrap(width, usable)[1] for f in closing) + 6
    pages: list[list[tuple[list[object], float]]] = [[]]  # rows with their heights
    room, used = first, head_h
    for cells in body:
        h = height(cells, ROW_PAD)
        if pages[-1] and used + h > room:
            pages.append([])
            room, used = usable, head_h
        pages[-1].append((cells, h))
        used += h
    # The last page holds at least KEEP_ROWS rows with the total row, the total in words and
    # the signatures: rows move over from the page before when there is too little of either.
    if used + closing_h > room or (len(pages) > 1 and len(pages[-1]) < KEEP_ROWS):
        tail: list[tuple[list[object], float]] = []
        while pages and len(tail) < KEEP_ROWS:
            if pages[-1]:
                tail.insert(0, pages[-1].pop())
            if not pages[-1]:
                pages.pop()
        pages.append(tail)
    for i, page_rows in enumerate(pages):
        chunk = [cells for cells, _h in page_rows]
        if i:
            story.append(PageBreak())
        if i == len(pages) - 1:
            story.append(KeepTogether([table(chunk, with_total=True), *closing]))
        else:
            story.append(table(chunk, with_total=False))
    doc.build(story, canvasmaker=NumberedCanvas)
    return PaperResult(path, len(rows), total)


def _slip(case: CaseDetail, setup: PaperSetup, width: float) -> list[Flowable]:
    what = case.kind_name
    if case.beneficiary_name:
        what += f" – {case.relation} {case.beneficiary_name}".replace("  ", " ")
    if case.reason:
        what += f": {case.reason}"
    paid_on = next((e.effective_on for e in reversed(case.events)
                    if e.to_status == SupportStatus.PAID), setup.day)
    story: list[Flowable] = [
        _header(replace(setup, day=paid_on), width, number=case.paper_ref, dated=False,
                size=10),
        Spacer(1, 1 * mm),
        para("PHIẾU CHI", 14, bold=True),
        para(date_line(paid_on), 11, italic=True),
        Spacer(1, 2 * mm),
    ]
    lines = [
        ("Họ và tên người nhận tiền", case.member_name),
        ("Đơn vị", case.group),
        ("Lý do chi", f"{what} ({format_date(case.occurred_on)})"),
        ("Số tiền", f"{format_vnd(case.amount, unit=False)} đồng"),
        ("Bằng chữ", f"{amount_in_words(case.amount)}."),
    ]
    if case.fund:
        lines.append(("Nguồn chi", case.fund))
    if case.paper_ref:
        lines.append(("Kèm theo", f"hồ sơ số {case.paper_ref}"))
    if case.batch:
        lines.append(("Thuộc đợt", case.batch))
    for name, value in lines:
        story.append(para(f"{name}: {value}", 11.5, align=0, leading=15))
    story.append(Spacer(1, 2 * mm))
    signers = (Signer("Chủ tịch", on_behalf="TM. Ban Chấp hành",
                      name=setup.signers[-1].name if setup.signers else ""),
               Signer("Kế toán"), Signer("Người lập phiếu"), Signer("Thủ quỹ"),
               Signer("Người nhận tiền", name=case.member_name))
    story.append(signatures(signers, width, size=9.5, space=13 * mm, hint="(Ký, họ tên)"))
    return story


def payment_slips_pdf(
    db: Database,
    path: Path,
    case_uuids: Sequence[uuid.UUID],
    *,
    setup: PaperSetup | None = None,
    progress: Progress = NO_PROGRESS,
) -> PaperResult:
    """A payment slip (phiếu chi, A5 landscape) for each case, one per page."""
    setup = setup or paper_setup(db)
    cases = []
    for n, case_uuid in enumerate(case_uuids):
        progress(n, len(case_uuids), _("Reading the cases…"))
        case = case_detail(db, case_uuid)
        if case.status not in SupportStatus.COMMITTED:
            raise UserError(
                _("{name}'s case has not been approved: no payment slip yet.").format(
                    name=case.member_name)
            )
        cases.append(case)
    if not cases:
        raise UserError(_("Choose the cases to print a payment slip for."))
    page = landscape(A5)
    margin = 12 * mm
    width = page[0] - 2 * margin
    story: list[Flowable] = []
    for n, case in enumerate(cases):
        if n:
            story.append(PageBreak())
        story.extend(_slip(case, setup, width))
    progress(len(cases), len(cases), _("Writing the PDF…"))
    doc = new_document(path, page, leftMargin=margin, rightMargin=margin, topMargin=8 * mm,
                       bottomMargin=6 * mm, title="Phiếu chi", author=setup.issuing_body)
    doc.build(story)
    return PaperResult(path, len(cases), sum(c.amount for c in cases))
