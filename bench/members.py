"""The member register at scale.

- search: 1,000,000 members, realistic queries (full names, family + given, given names,
  two-letter prefixes); each query as the members tab runs it (count + first page in
  Vietnamese order) against the raw FTS5 lookup of the same words; every match is checked
  against a plain scan.
- gui: the members tab on 1,000,000 members (first paint, memory, scrolling to the end),
  measured in a fresh process.
- import: a 100,000-row roster (.xlsx) against python-calamine's read of the same file plus
  ``sqlite3.executemany`` of the same rows in one transaction.

``python -m bench members [search|gui|import]``. The million-member database is built once
into ``bench/.data/`` (a few minutes) and reused.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import Figure, print_figures

DATA = Path(__file__).resolve().parent / ".data"
BIG = DATA / "members-1m.db"
MEMBERS = 1_000_000


def big_database() -> Path:
    """The million-member demo database, built on first use."""
    from unionapp.db import head_revision, open_database, schema_revision

    if BIG.exists():
        with open_database(BIG, readonly=True) as db:
            if schema_revision(db.engine) == head_revision():
                return BIG
        for suffix in ("", "-wal", "-shm"):
            BIG.with_name(BIG.name + suffix).unlink(missing_ok=True)
    DATA.mkdir(exist_ok=True)
    print(f"building {BIG} with {MEMBERS:,} members (once)…", flush=True)
    from unionapp.demo import fill_demo

    with open_database(BIG, create=True) as db:
        fill_demo(db, members=MEMBERS)
    return BIG


def realistic_queries(path: Path, count: int = 200, seed: int = 7) -> list[str]:
    """What clerks type: a whole name, family + given name, a given name, first letters."""
    rnd = random.Random(seed)
    conn = sqlite3.connect(path)
    top = conn.execute("SELECT max(id) FROM member").fetchone()[0]
    names = [conn.execute("SELECT name_folded FROM member WHERE id = ?",
                          (rnd.randrange(1, top + 1),)).fetchone()[0] for _ in range(count)]
    conn.close()
    queries = []
    for i, name in enumerate(names):
        words = name.split()
        kind = i % 4
        if kind == 0:
            queries.append(name)
        elif kind == 1:
            queries.append(f"{words[0]} {words[-1]}")
        elif kind == 2:
            queries.append(words[-1])
        else:
            queries.append(" ".join(w[:2] for w in words))
    return queries


def bench_search() -> list[Figure]:
    from unionapp.db import open_database
    from unionapp.members import MemberQuery, member_list
    from unionapp.search_index import match_expression
    from unionapp.text import search_words

    path = big_database()
    queries = realistic_queries(path)
    with open_database(path, readonly=True) as db:
        member_list(db, MemberQuery(text="warm")).count()  # open files, warm the cache
        ours, counts = [], []
        for q in queries:
            start = time.perf_counter()
            found = member_list(db, MemberQuery(text=q))
            total = found.count()
            found.page(0, 100)
            ours.append(time.perf_counter() - start)
            counts.append(total)
    # The raw baseline: the same two lookups straight on the FTS5 table, without building rows.
    raw = sqlite3.connect(path)
    baseline = []
    for q in queries:
        start = time.perf_counter()
        match = match_expression(search_words(q))
        raw.execute("SELECT count(*) FROM member_search WHERE member_search MATCH ?",
                    (match,)).fetchone()
        raw.execute("SELECT rowid FROM member_search WHERE member_search MATCH ? "
                    "ORDER BY rowid LIMIT 100", (match,)).fetchall()
        baseline.append(time.perf_counter() - start)
    # Every folded word-prefix match is found: compare with a plain scan of the table.
    checked = 0
    for q, total in list(zip(queries, counts, strict=True))[::10]:
        words = search_words(q)
        where = " AND ".join("(' ' || name_folded) LIKE ?" for _ in words)
        scan = raw.execute(f"SELECT count(*) FROM member WHERE deleted_at IS NULL AND {where}",
                           [f"% {w}%" for w in words]).fetchone()[0]
        assert scan == total, (q, scan, total)
        checked += 1
    raw.close()
    print(f"{len(queries)} queries; counts median {statistics.median(counts):.0f}, "
          f"max {max(counts)}; {checked} checked against a full scan: all matches found")
    p90 = sorted(ours)[int(0.9 * len(ours))]
    return [
        Figure("search: count + first page, median", statistics.median(ours) * 1000,
               statistics.median(baseline) * 1000, "ms", "< 10 ms"),
        Figure("search: count + first page, 90th percentile", p90 * 1000,
               sorted(baseline)[int(0.9 * len(baseline))] * 1000, "ms"),
    ]


GUI_SCRIPT = r"""
import json, os, resource, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication
app = QApplication([])
from unionapp.db import open_database
from ui.tabs.members_tab import MembersTab

def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

db = open_database(sys.argv[1], readonly=True)
before = rss_mb()
start = time.perf_counter()
tab = MembersTab(db)
tab.resize(1200, 800)
tab.reload()
tab.show()
tab.view.viewport().repaint()
app.processEvents()
first_paint = time.perf_counter() - start
rows = tab.model.rowCount()
start = time.perf_counter()
tab.view.scrollToBottom()
tab.view.viewport().repaint()
app.processEvents()
to_end = time.perf_counter() - start
last = tab.model.row_at(rows - 1)
print(json.dumps({"rows": rows, "first_paint": first_paint, "to_end": to_end,
                  "rss_mb": rss_mb(), "rss_before_mb": before,
                  "last": last.full_name if last else None}))
"""


def bench_gui() -> list[Figure]:
    path = big_database()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryDirectory() as tmp:
        env["UNIONAPP_CONFIG_DIR"] = tmp
        out = subprocess.run([sys.executable, "-c", GUI_SCRIPT, str(path)], env=env,
                             capture_output=True, text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    print(f"members tab: {result['rows']:,} active members shown; last row "
          f"{result['last']!r}; {result['rss_before_mb']:.0f} MB before the tab")
    return [
        Figure("members tab: first paint", result["first_paint"] * 1000, None, "ms", "< 300 ms"),
        Figure("members tab: resident memory after opening", result["rss_mb"], None, "MB",
               "< 200 MB"),
        Figure("members tab: scroll to the last row", result["to_end"] * 1000, None, "ms",
               "< 50 ms"),
    ]


def main(argv: list[str] | None = None) -> None:
    parts = argv or ["search", "gui", "import"]
    figures: list[Figure] = []
    if "search" in parts:
        figures += bench_search()
    if "gui" in parts:
        figures += bench_gui()
    if "import" in parts:
        from bench.members_import import bench_import

        figures += bench_import()
    print_figures(figures)
