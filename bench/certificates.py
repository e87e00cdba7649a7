"""Certificates: 1,000 pages in one PDF against raw ReportLab, and memory as the batch grows.

Baseline ("raw"): the same page's text — every line of the full design, same fonts, sizes
and positions — drawn straight onto a canvas with ``drawString``, with no template, no
shrink-to-fit and no ornaments. It is the cheapest way to produce that page, so the ratio is
strict: our pages also carry the border and the drum emblem (drawn once per document into a
shared form), fit every text to its box and go through the template.

End to end: ``print_certificates`` on a database with a 1,000-recipient decision: reading
the recipients, numbering them in the award register (and logging the prints), rendering.
"""

from __future__ import annotations

import gc
import io
import tempfile
import tracemalloc
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from sqlalchemy import select

from bench.report import Figure, print_figures, timed
from unionapp.certificates import print_certificates
from unionapp.certificates.printing import sample_texts
from unionapp.certificates.render import CertificateDocument, RecipientText, fill
from unionapp.certificates.templates import TextElement, load_template
from unionapp.pdf import new_canvas, nfc

PAGES = 1000


def recipients(count: int) -> list[RecipientText]:
    _decision, samples = sample_texts()
    out = []
    for i in range(count):
        base = samples[i % 2]
        out.append(RecipientText(True, f"{base.name} {i}", base.gender, base.unit, base.reason,
                                 f"{i + 1}/2024"))
    return out


def raw(target: io.BytesIO | str, people: list[RecipientText], *,
        recipient_lines_only: bool = False) -> None:
    """The page's text drawn directly: positions computed once, no fitting, no ornaments.
    ``recipient_lines_only``: only the lines that change per recipient (what our renderer
    draws per page; the rest is in the shared form)."""
    template = load_template("giay_khen")
    decision, _samples = sample_texts()
    values = decision.values()
    page_h = template.height * mm
    lines = []
    for element in template.designs["full"].elements:
        if isinstance(element, TextElement) and (element.per_recipient
                                                 or not recipient_lines_only):
            lines.append((element, element.x * mm + element.width * mm / 2,
                          page_h - (element.y + element.height * 0.75) * mm))
    c = new_canvas(target, (template.width * mm, page_h))
    for person in people:
        page_values = {**values, **person.values(template.honorifics)}
        for element, x, y in lines:
            c.setFont(element.font, element.size * 0.8)
            c.drawCentredString(x, y, nfc(fill(element.text, page_values)))
        c.showPage()
    c.save()


def ours(target: io.BytesIO | str, people: list[RecipientText], design: str = "full") -> None:
    decision, _samples = sample_texts()
    document = CertificateDocument(target, load_template("giay_khen"), design, decision)
    for person in people:
        document.add(person)
    document.close()


def peak_mb(count: int) -> tuple[float, int]:
    """Peak traced memory (MB) while rendering ``count`` pages to a file, and the file size."""
    people = recipients(count)
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "c.pdf")
        gc.collect()
        tracemalloc.start()
        ours(path, people)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return peak / 1e6, Path(path).stat().st_size


def end_to_end(count: int) -> float:
    """Seconds for ``print_certificates`` of a decision with ``count`` people."""
    from unionapp import awards, org
    from unionapp.bulk import insert_records
    from unionapp.db import open_database
    from unionapp.models import Member, OrgUnit

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "b.db", create=True, user="bench")
        try:
            org.init_database(db, code="B", name="Công đoàn cơ sở Thử", place="Hà Nội")
            group = org.add_group(db, code="T1", name="Tổ công đoàn Văn phòng")
            with db.transaction() as s:
                unit_id = s.scalar(select(OrgUnit.id).where(OrgUnit.uuid == group.uuid))
                insert_records(s, Member, ({"org_unit_id": unit_id, "full_name":
                                            f"Nguyễn Thị Thu Hằng {i}", "gender": "female"}
                                           for i in range(count)), owner=db.home_unit_uuid)
                member_uuids = list(s.scalars(select(Member.uuid)))
            data = awards.decision_defaults(db, today=date(2024, 12, 27))
            data.number, data.signer_name = "15/QĐ-CĐCS", "Lê Hồng Hạnh"
            data.reason = "Đã có thành tích xuất sắc trong phong trào thi đua năm 2024"
            decision = awards.create_decision(db, data).uuid
            awards.add_member_recipients(db, decision, member_uuids)
            seconds, _summary = timed(lambda: print_certificates(
                db, decision, out=Path(tmp) / "all.pdf"))
            return seconds
        finally:
            db.close()


def main(argv: list[str] | None = None) -> None:
    """Parts: ``speed`` and ``memory`` (both by default)."""
    parts = set(argv or ("speed", "memory"))
    figures = speed() if "speed" in parts else []
    if "memory" in parts:
        figures += memory()
    print_figures(figures)


def speed() -> list[Figure]:
    people = recipients(PAGES)
    ours(io.BytesIO(), people[:20])  # warm up: fonts loaded, layouts cached
    raw_s, _ = timed(lambda: raw(io.BytesIO(), people), repeat=3)
    raw_lines_s, _ = timed(lambda: raw(io.BytesIO(), people, recipient_lines_only=True),
                           repeat=3)
    full_s, _ = timed(lambda: ours(io.BytesIO(), people), repeat=3)
    blank_s, _ = timed(lambda: ours(io.BytesIO(), people, "blank"), repeat=3)
    e2e_s = end_to_end(PAGES)
    figures = [
        Figure(f"{PAGES} pages, full design (pages/s)", PAGES / full_s, PAGES / raw_s,
               "pages/s", "≥ 0.5× raw"),
        Figure(f"{PAGES} pages, blank design (pages/s)", PAGES / blank_s, PAGES / raw_s,
               "pages/s", "≥ 0.5× raw"),
        Figure(f"{PAGES} pages with register, end to end", PAGES / e2e_s, PAGES / raw_s,
               "pages/s", "≥ 0.5× raw"),
        Figure("full design vs raw drawing only its per-page lines", PAGES / full_s,
               PAGES / raw_lines_s, "pages/s", "(template overhead)"),
    ]
    return figures


def memory() -> list[Figure]:
    figures = []
    sizes = {}
    for count in (250, 500, 1000, 2000):
        peak, size = peak_mb(count)
        sizes[count] = (peak, size)
        figures.append(Figure(f"peak memory rendering {count} pages", peak, None, "MB"))
    growth = (sizes[2000][0] - sizes[500][0]) / 1500 * 1000
    per_page = (sizes[2000][1] - sizes[500][1]) / 1500 / 1000
    figures.append(Figure("memory growth per page (ReportLab's page tree)", growth, None, "kB",
                          f"the file grows {per_page:.2f} kB/page"))
    return figures
