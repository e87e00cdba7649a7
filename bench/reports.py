"""Reports over 1,000,000 members (the members bench's database, built once in
``bench/.data/``): the members report and the statistics form, made end to end into an .xlsx
(figures, document, file), against raw ``GROUP BY``s of the same figures in the same run.

Two raw baselines, plain ``sqlite3``, nothing written:
- **today**: the figures from each member's status today — one GROUP BY over the register by
  unit, gender, ethnicity, religion, union role and age band, one over the period's
  movements; the cheapest possible, and blind to history (the target is ≤ 2× this one);
- **history**: the same figures with each member's status on the day taken from their last
  movement up to it (a window function over the movements), as the reports count them; its
  totals must equal the report's.
For the statistics form both add the support, award and activity GROUP BYs.

``python -m bench reports``.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.members import big_database
from bench.report import Figure, print_figures, timed

STATUS_KINDS = "('admission','transfer_in','transfer_out','exit','retirement','death')"


def _band_sql(end: date) -> str:
    from unionapp.reports.definitions import common

    parts = ["WHEN birth_year IS NULL THEN -2"]
    for index, band in enumerate(common().age_bands):
        conditions = []
        if band.max_age is not None:
            conditions.append(f"birth_year >= {end.year - band.max_age}")
        if band.min_age is not None:
            conditions.append(f"birth_year <= {end.year - band.min_age}")
        parts.append(f"WHEN {' AND '.join(conditions)} THEN {index}")
    return "CASE " + " ".join(parts) + " ELSE -1 END"


def _cube(rows: list[Any]) -> dict[str, int]:
    totals: Counter[str] = Counter()
    for _unit, gender, _eth, _rel, role, _band, n, *rest in rows:
        totals["total"] += n
        totals["women"] += n if gender == "female" else 0
        totals["officers"] += n if role else 0
        if rest:
            totals["at_start"] += rest[0]
    return dict(totals)


def raw_today(conn: sqlite3.Connection, start: date, end: date) -> dict[str, int]:
    before = start - timedelta(days=1)
    figures = _cube(conn.execute(
        f"SELECT org_unit_id, gender, ethnicity, religion, union_role, {_band_sql(end)}, "
        "count(*), sum(joined_on IS NULL OR joined_on <= ?) FROM member "
        "WHERE deleted_at IS NULL AND status = 'active' AND (joined_on IS NULL OR joined_on <= ?)"
        " GROUP BY 1, 2, 3, 4, 5, 6", (before.isoformat(), end.isoformat())).fetchall())
    moves = conn.execute(
        "SELECT m.org_unit_id, mv.kind, count(*) FROM movement mv JOIN member m "
        "ON m.id = mv.member_id WHERE mv.deleted_at IS NULL AND m.deleted_at IS NULL "
        f"AND mv.kind IN {STATUS_KINDS} AND mv.occurred_on BETWEEN ? AND ? GROUP BY 1, 2",
        (start.isoformat(), end.isoformat())).fetchall()
    figures["admitted"] = sum(n for _u, kind, n in moves if kind == "admission")
    return figures


def _last_kind(day: date) -> str:
    return (
        "SELECT member_id, kind FROM (SELECT member_id, kind, row_number() OVER ("
        "PARTITION BY member_id ORDER BY occurred_on IS NULL, occurred_on DESC, id DESC) AS rn "
        f"FROM movement WHERE deleted_at IS NULL AND kind IN {STATUS_KINDS} AND "
        f"(occurred_on IS NULL OR occurred_on <= '{day.isoformat()}')) WHERE rn = 1")


def raw_history(conn: sqlite3.Connection, start: date, end: date) -> dict[str, int]:
    before = start - timedelta(days=1)
    figures = _cube(conn.execute(
        f"WITH last AS ({_last_kind(end)}) "
        f"SELECT org_unit_id, gender, ethnicity, religion, union_role, {_band_sql(end)}, "
        "count(*) FROM member JOIN last ON last.member_id = member.id "
        "WHERE member.deleted_at IS NULL AND last.kind IN ('admission', 'transfer_in') "
        "GROUP BY 1, 2, 3, 4, 5, 6").fetchall())
    figures["at_start"] = conn.execute(
        f"WITH last AS ({_last_kind(before)}) SELECT count(*) FROM member JOIN last "
        "ON last.member_id = member.id WHERE member.deleted_at IS NULL "
        "AND last.kind IN ('admission', 'transfer_in')").fetchone()[0]
    moves = conn.execute(
        "SELECT m.org_unit_id, mv.kind, count(*) FROM movement mv JOIN member m "
        "ON m.id = mv.member_id WHERE mv.deleted_at IS NULL AND m.deleted_at IS NULL "
        f"AND mv.kind IN {STATUS_KINDS} AND mv.occurred_on BETWEEN ? AND ? GROUP BY 1, 2",
        (start.isoformat(), end.isoformat())).fetchall()
    figures["admitted"] = sum(n for _u, kind, n in moves if kind == "admission")
    return figures


def raw_others(conn: sqlite3.Connection, start: date, end: date) -> None:
    """Support, awards and activities of the period, by unit (the statistics form's rest)."""
    period = (start.isoformat(), end.isoformat())
    conn.execute("SELECT m.org_unit_id, k.name, count(*), count(DISTINCT c.member_id), "
                 "sum(c.amount) FROM support_case c JOIN member m ON m.id = c.member_id "
                 "JOIN support_kind k ON k.id = c.kind_id WHERE c.deleted_at IS NULL AND "
                 "c.status IN ('paid', 'closed') AND c.occurred_on BETWEEN ? AND ? "
                 "GROUP BY 1, 2", period).fetchall()
    conn.execute("SELECT f.id, f.budget, sum(CASE WHEN c.status IN ('approved', 'paid', "
                 "'closed') THEN c.amount ELSE 0 END) FROM support_fund f LEFT JOIN "
                 "support_case c ON c.fund_id = f.id AND c.occurred_on <= ? WHERE f.year = ? "
                 "GROUP BY 1, 2", (end.isoformat(), end.year)).fetchall()
    conn.execute("SELECT a.decision_id, coalesce(m.org_unit_id, a.recipient_unit_id), "
                 "a.member_id IS NOT NULL, count(*), sum(a.amount) FROM award a JOIN "
                 "award_decision d ON d.id = a.decision_id LEFT JOIN member m ON "
                 "m.id = a.member_id WHERE a.deleted_at IS NULL AND d.decided_on BETWEEN ? "
                 "AND ? GROUP BY 1, 2, 3", period).fetchall()
    conn.execute("SELECT org_unit_id, count(*), sum(estimated_benefit) FROM initiative WHERE "
                 "submitted_on BETWEEN ? AND ? GROUP BY 1", period).fetchall()
    conn.execute("SELECT a.org_unit_id, a.kind, count(DISTINCT a.id), count(p.id) FROM "
                 "activity a LEFT JOIN participation p ON p.activity_id = a.id WHERE "
                 "a.starts_on <= ? AND coalesce(a.ends_on, a.starts_on) >= ? GROUP BY 1, 2",
                 (end.isoformat(), start.isoformat())).fetchall()


def main(parts: list[str] | None = None) -> None:
    from unionapp.db import open_database
    from unionapp.reports import ReportRequest, make_report
    from unionapp.reports.periods import last_reporting_date, start_for

    path = big_database()
    end = last_reporting_date(date.today())
    start = start_for(end)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp, open_database(path, readonly=True) as db:
        conn = sqlite3.connect(path)
        conn.execute("SELECT count(*) FROM member").fetchone()  # open the file, warm up
        made: dict[str, Any] = {}
        for kind in ("members", "statistics"):
            out = Path(tmp) / f"{kind}.xlsx"
            ours, result = timed(lambda kind=kind, out=out: make_report(
                db, ReportRequest(kind, out, start=start, end=end)), repeat=2)
            made[kind] = result
            today, expected = timed(lambda: raw_today(conn, start, end), repeat=2)
            history, wanted = timed(lambda: raw_history(conn, start, end), repeat=2)
            if kind == "statistics":
                rest, _none = timed(lambda: raw_others(conn, start, end), repeat=2)
                today += rest
                history += rest
            got = result.figures
            for key in ("total", "women", "officers", "at_start", "admitted"):
                assert got[f"members.{key}"] == wanted[key], (key, got[f"members.{key}"],
                                                              wanted[key])
            figures += [
                Figure(f"{kind} report (.xlsx) vs raw GROUP BY, status today", ours, today,
                       "s", "≤ 2×"),
                Figure(f"{kind} report (.xlsx) vs raw GROUP BY, status on the day", ours,
                       history, "s"),
            ]
            del expected
        pdf = Path(tmp) / "statistics.pdf"
        ours, _result = timed(lambda: make_report(db, ReportRequest("statistics", pdf,
                                                                    start=start, end=end)))
        figures.append(Figure("statistics report (.pdf)", ours, None, "s"))
        conn.close()
    members = made["members"].figures
    print(f"period {start:%d/%m/%Y} – {end:%d/%m/%Y}: {members['members.total']:,} active "
          f"members on the last day ({members['members.at_start']:,} the day before the "
          f"first; {members['members.admitted']:,} admitted); totals equal the raw "
          "history baseline's")
    print_figures(figures)
