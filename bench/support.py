"""Support work at a large branch: a batch for thousands of members, the year's summary and
a filtered page of the list over tens of thousands of cases, the signature list's PDF.

Each figure is set beside a raw baseline measured in the same run (sqlite3 doing the same
writes or the same aggregate by hand), and printed as a ratio.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import uuid
from datetime import date, datetime
from pathlib import Path

from bench.report import Figure, print_figures, timed

MEMBERS = 5_000
EXTRA_CASES = 50_000


def main(parts: list[str] | None = None) -> None:
    """``python -m bench support`` (it has one part: everything above)."""
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["UNIONAPP_DATA_DIR"] = tmp
        from sqlalchemy import select

        from unionapp.bulk import insert_records
        from unionapp.db import open_database
        from unionapp.demo import fill_demo
        from unionapp.models import Member, SupportCase, SupportKind, SupportStatus
        from unionapp.support import CaseQuery, case_list, case_totals
        from unionapp.support.batches import (
            BatchInput,
            BatchSelection,
            batch_candidates,
            create_batch,
        )
        from unionapp.support.papers import signature_list_pdf
        from unionapp.support.summary import support_summary

        path = Path(tmp) / "bench.db"
        db = open_database(path, create=True, user="bench")
        today = date.today()
        fill_demo(db, members=MEMBERS, today=today)
        figures: list[Figure] = []

        # A batch for every active member, in one transaction.
        chosen = [c.member_uuid for c in batch_candidates(db, BatchSelection())]
        with db.read() as s:
            kind = s.scalar(select(SupportKind).where(SupportKind.code == "HI"))
            assert kind is not None
            kind_id, kind_uuid = kind.id, kind.uuid
            member_ids = list(s.scalars(select(Member.id).where(Member.uuid.in_(chosen[:900]))))
        data = BatchInput(title="Bench", kind=kind_uuid, occurred_on=today, amount=300_000)
        ours, result = timed(lambda: create_batch(db, data, chosen))
        assert result.count == len(chosen)
        raw = sqlite3.connect(path)

        def raw_batch() -> None:
            now = datetime.now().isoformat(" ")
            with raw:
                raw.execute("insert into support_batch (uuid, owner_uuid, title, kind_id, "
                            "occurred_on, amount, reason, paper_ref, criteria, created_at, "
                            "updated_at, version) values (?, ?, 'raw', ?, ?, 300000, '', '', '',"
                            " ?, ?, 1)", (uuid.uuid4().hex, uuid.uuid4().hex, kind_id,
                                          today.isoformat(), now, now))
                batch_id = raw.execute("select max(id) from support_batch").fetchone()[0]
                ids = (member_ids * (len(chosen) // len(member_ids) + 1))[: len(chosen)]
                raw.executemany(
                    "insert into support_case (uuid, owner_uuid, kind_id, member_id, "
                    "beneficiary_name, relation, occurred_on, amount, reason, paper_ref, status,"
                    " fund_id, batch_id, relative_id, created_at, updated_at, version) values "
                    "(?, ?, ?, ?, '', '', ?, 300000, '', '', 'approved', null, ?, null, ?, ?, 1)",
                    [(uuid.uuid4().hex, uuid.uuid4().hex, kind_id, m, today.isoformat(),
                      batch_id, now, now) for m in ids])
                first = raw.execute("select min(id) from support_case where batch_id = ?",
                                    (batch_id,)).fetchone()[0]
                raw.executemany(
                    "insert into support_case_event (uuid, owner_uuid, case_id, from_status, "
                    "to_status, at, by_user, note, effective_on, over_budget, created_at, "
                    "updated_at, version) values (?, ?, ?, ?, ?, ?, 'raw', '', ?, 0, ?, ?, 1)",
                    [(uuid.uuid4().hex, uuid.uuid4().hex, first + i, f, t, now,
                      today.isoformat(), now, now)
                     for i in range(len(ids))
                     for f, t in ((None, "proposed"), ("proposed", "approved"))])

        base, _r = timed(raw_batch)
        figures.append(Figure(f"batch of {len(chosen)} cases (one transaction)", ours, base,
                              target="≤ 3× raw executemany"))

        # Tens of thousands of cases over the year, then the summary and a filtered page.
        with db.transaction() as s:
            ids = list(s.scalars(select(Member.id)))
            kinds = list(s.scalars(select(SupportKind.id)))
            statuses = list(SupportStatus.ALL)
            insert_records(s, SupportCase, (
                {"kind_id": kinds[i % len(kinds)], "member_id": ids[i % len(ids)],
                 "beneficiary_name": "", "relation": "",
                 "occurred_on": date(today.year, 1 + i % 12, 1 + i % 28),
                 "amount": 100_000 * (1 + i % 20), "reason": "", "paper_ref": "",
                 "status": statuses[i % len(statuses)], "fund_id": None, "batch_id": None,
                 "relative_id": None}
                for i in range(EXTRA_CASES)), owner=db.home_unit_uuid)  # type: ignore[arg-type]
        ours, summary = timed(lambda: support_summary(db, today.year), repeat=5)
        assert summary.total.count > 0
        first, last = date(today.year, 1, 1).isoformat(), date(today.year, 12, 31).isoformat()

        def raw_summary() -> object:
            rows = raw.execute(
                "select kind_id, status, count(*), sum(amount) from support_case where "
                "deleted_at is null and occurred_on between ? and ? group by kind_id, status",
                (first, last)).fetchall()
            helped = raw.execute(
                "select count(distinct member_id) from support_case where deleted_at is null "
                "and occurred_on between ? and ? and status in ('paid', 'closed')",
                (first, last)).fetchone()
            return rows, helped

        base, _r = timed(raw_summary, repeat=5)
        figures.append(Figure("year's summary (by kind, status, people)", ours, base,
                              target="≤ 2× raw GROUP BY"))

        query = CaseQuery(kind_code="OM-DAU", status=SupportStatus.PAID,
                          date_from=date(today.year, 1, 1), date_to=date(today.year, 6, 30))

        def page() -> object:
            cases = case_list(db, query)
            return cases.count(), cases.page(0, 200), case_totals(db, query)

        ours, _r = timed(page, repeat=5)

        def raw_page() -> object:
            where = ("from support_case c join member m on m.id = c.member_id join support_kind k"
                     " on k.id = c.kind_id where c.deleted_at is null and k.code = 'OM-DAU' and "
                     "c.status = 'paid' and c.occurred_on between ? and ?")
            args = (first, date(today.year, 6, 30).isoformat())
            return (raw.execute(f"select count(*) {where}", args).fetchone(),
                    raw.execute(f"select c.uuid, m.full_name, c.amount {where} order by "
                                "c.occurred_on desc, c.id desc limit 200", args).fetchall(),
                    raw.execute(f"select c.status, count(*), sum(c.amount) {where} group by "
                                "c.status", args).fetchall())

        base, _r = timed(raw_page, repeat=5)
        figures.append(Figure("filtered list: count, first page, totals", ours, base,
                              target="≤ 3× raw SQL"))

        # The signature list of the batch: time per 100 rows (no raw baseline for a paper).
        pdf = Path(tmp) / "list.pdf"
        ours, paper = timed(lambda: signature_list_pdf(db, pdf, CaseQuery(batch=result.uuid)))
        figures.append(Figure(f"signature list PDF, per 100 of {paper.count} rows",
                              ours / paper.count * 100, unit="s"))
        raw.close()
        db.close()
        print(f"{MEMBERS} members, {EXTRA_CASES} extra cases")
        print_figures(figures)


if __name__ == "__main__":
    main()
