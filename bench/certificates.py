"""Certificates: 1,000 pages in one PDF against raw ReportLab, and memory and speed of long
runs (1,000 and 10,000 pages, each in a fresh child process so its peak RSS is its own).

Baseline ("raw"): the same page's text — every line of the full design, same fonts, sizes
and positions — drawn straight onto a canvas with ``drawString``, with no template, no
shrink-to-fit and no ornaments. It is the cheapest way to produce that page, so the ratio is
strict: our pages also carry the border and the drum emblem (drawn once per document into a
shared form), fit every text to its box and go through the template.

End to end: ``print_certificates`` on a database with a 1,000-recipient decision: reading
the recipients, numbering them in the award register (and logging the prints), rendering.

Memory (issue 14, point 4): peak RSS of a fresh process that opens a branch database (built
beforehand by another process) and prints its decision of N certificates end to end.
Target: peak at 10,000 ≤ peak at 1,000 + 20 MB, at ≥ 0.5× the pages/s of raw ReportLab
writing the same 10,000 pages.
"""

from __future__ import annotations

import gc
import io
import json
import subprocess
import sys
import tempfile
import time
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


def _rss_mb(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _branch_with_decision(folder: Path, count: int) -> tuple[object, object]:
    from unionapp import awards, org
    from unionapp.bulk import insert_records
    from unionapp.db import open_database
    from unionapp.models import Member, OrgUnit

    db = open_database(folder / "b.db", create=True, user="bench")
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
    return db, decision


def end_to_end(count: int) -> float:
    """Seconds for ``print_certificates`` of a decision with ``count`` people."""
    with tempfile.TemporaryDirectory() as tmp:
        db, decision = _branch_with_decision(Path(tmp), count)
        try:
            seconds, _summary = timed(lambda: print_certificates(
                db, decision, out=Path(tmp) / "all.pdf"))  # type: ignore[arg-type]
            return seconds
        finally:
            db.close()  # type: ignore[attr-defined]


def child(kind: str, count: int, folder: str) -> dict[str, float]:
    """One measurement in this (fresh) process: ``make`` builds a branch with a decision of
    ``count`` recipients in ``folder``; ``e2e`` opens it and prints the decision; ``raw``
    draws the same number of pages with raw ReportLab into one file."""
    from unionapp.awards import find_decision
    from unionapp.db import open_database

    if kind == "make":
        db, _decision = _branch_with_decision(Path(folder), count)
        db.close()  # type: ignore[attr-defined]
        return {}
    out = Path(folder) / f"{kind}.pdf"
    if kind == "e2e":
        db = open_database(Path(folder) / "b.db", user="bench")
        decision = find_decision(db, "15/QĐ-CĐCS").uuid
        people = []
    else:
        people = recipients(count)
    gc.collect()
    base = _rss_mb("VmRSS")
    start = time.perf_counter()
    if kind == "e2e":
        print_certificates(db, decision, out=out)
        db.close()
    else:
        raw(str(out), people)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mb": _rss_mb("VmHWM"), "base_mb": base,
            "size_mb": out.stat().st_size / 1e6}


def _in_child(kind: str, count: int, folder: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-m", "bench.certificates", "--child", kind,
                           str(count), str(folder)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


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
    """Each figure from a fresh process: its peak RSS is the whole run's (the database is
    built beforehand by another process, so building it does not count)."""
    runs = {}
    for n in (1000, 10000):
        with tempfile.TemporaryDirectory() as tmp:
            _in_child("make", n, Path(tmp))
            runs[("e2e", n)] = _in_child("e2e", n, Path(tmp))
            runs[("raw", n)] = _in_child("raw", n, Path(tmp))
    small, big, raw_big = runs[("e2e", 1000)], runs[("e2e", 10000)], runs[("raw", 10000)]
    figures = [Figure(f"peak RSS printing {n:,} certificates end to end".replace(",", "."),
                      runs[("e2e", n)]["peak_mb"], runs[("raw", n)]["peak_mb"], "MB",
                      "baseline: raw ReportLab, one document")
               for n in (1000, 10000)]
    figures += [
        Figure("peak RSS growth 1.000 → 10.000 certificates", big["peak_mb"] - small["peak_mb"],
               None, "MB", "≤ 20 MB"),
        Figure("10.000 certificates end to end (pages/s)", 10000 / big["seconds"],
               10000 / raw_big["seconds"], "pages/s", "≥ 0.5× raw"),
        Figure("10.000 certificates, file size", big["size_mb"], raw_big["size_mb"], "MB"),
    ]
    return figures


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    print(json.dumps(child(sys.argv[2], int(sys.argv[3]), sys.argv[4])))
