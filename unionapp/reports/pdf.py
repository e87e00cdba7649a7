"""A report document as a PDF with the same content as its .xlsx: the shared letterhead
(:mod:`unionapp.letterhead`), tables that repeat their header row on each page and fit the A4
width, the signature blocks, "Trang i/n" at the foot; fonts embedded."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ..letterhead import NumberedCanvas, header, para, signatures
from ..letterhead import escape as _escape
from ..pdf import SERIF, new_document, style
from ..text import format_date, format_vnd
from .document import DATE, INDEX, TEXT, Document
from .document import Table as ReportTable

LEFT, RIGHT, TOP, BOTTOM = 20 * mm, 15 * mm, 15 * mm, 18 * mm


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, int):
        return format_vnd(value, unit=False)
    if isinstance(value, datetime):
        return format_date(value.date())
    if isinstance(value, date):
        return format_date(value)
    return str(value)


def _table(table: ReportTable, width: float, size: float) -> list[Flowable]:
    head = style(f"rh{size}", size=size, bold=True, align=1)
    cell_styles = {(bold, indent, align): style(f"rc{size}{bold}{indent}{align}", size=size,
                                                bold=bold, align=align,
                                                leftIndent=indent * 4 * mm)
                   for bold in (False, True) for indent in range(4) for align in (0, 1, 2)}
    data: list[list[Any]] = [[Paragraph(_escape(h), head) for h in table.headers]]
    for row in table.rows:
        cells = []
        for col, (value, kind) in enumerate(zip(row.cells, table.kinds, strict=True)):
            if kind in (INDEX, DATE):
                align = 1
            elif kind == TEXT or isinstance(value, str):
                align = 0
            else:
                align = 2
            indent = row.indent if col == table.label else 0
            cells.append(Paragraph(_escape(_text(value)),
                                   cell_styles[(row.bold, indent, align)]))
        data.append(cells)
    if not table.rows:
        data.append([Paragraph(_escape("(Không có số liệu)"),
                               cell_styles[(False, 0, 0)])] + [""] * (len(table.headers) - 1))
    scale = width / sum(table.widths)
    grid = Table(data, colWidths=[w * scale for w in table.widths], repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF7")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (0, 0), (-1, -1), SERIF, size),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if not table.rows:
        commands.append(("SPAN", (0, 1), (-1, 1)))
    grid.setStyle(TableStyle(commands))
    title = para(table.title, size + 1, bold=True, align=0, spaceBefore=3 * mm,
                 spaceAfter=1.5 * mm)
    # The title never stays alone at the foot of a page.
    return [KeepTogether([title, grid])] if len(table.rows) < 25 else [title, grid]


def write_pdf(document: Document, path: Path) -> None:
    page = landscape(A4) if document.landscape else A4
    doc = new_document(path, page, leftMargin=LEFT, rightMargin=RIGHT, topMargin=TOP,
                       bottomMargin=BOTTOM, title=document.heading,
                       author=document.setup.issuing_body)
    width = page[0] - LEFT - RIGHT
    size = 9.5 if document.landscape else 11
    story: list[Flowable] = [header(document.setup, width), Spacer(1, 6 * mm),
                             para(document.heading, 14, bold=True)]
    for line in document.lines:
        story.append(para(line, 12, italic=True))
    story.append(Spacer(1, 3 * mm))
    for table in document.tables:
        story.extend(_table(table, width, size))
    for note in document.notes:
        story.append(para(note, size + 1, italic=True, align=0, spaceBefore=3 * mm))
    if document.setup.signers:
        story.append(Spacer(1, 6 * mm))
        story.append(KeepTogether([signatures(document.setup.signers, width, size=12)]))
    doc.build(story, canvasmaker=NumberedCanvas)

