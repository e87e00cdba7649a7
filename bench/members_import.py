"""Importing a 100,000-row roster (.xlsx) against the raw baseline: python-calamine's read of
the same file plus ``sqlite3.executemany`` of the same rows in one transaction (same SQLite
settings as the program: WAL, synchronous FULL). Part of ``python -m bench members``."""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

from bench.report import Figure

DATA = Path(__file__).resolve().parent / ".data"
ROWS = 100_000
HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Tôn giáo", "Số CCCD",
           "Quê quán", "Chức vụ", "Trình độ", "Ngày vào CĐ", "Số thẻ ĐV", "Tổ công đoàn",
           "Điện thoại"]


def roster(rows: int = ROWS) -> Path:
    """A realistic roster: title lines, one header row, dates as real Excel dates."""
    path = DATA / f"roster-{rows}.xlsx"
    if path.exists():
        return path
    from unionapp.demo import ETHNICITY, GROUPS, JOB, RELIGION, _People
    from unionapp.models import Gender

    DATA.mkdir(exist_ok=True)
    rnd = random.Random(100)
    people = _People(rnd)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Danh sách")
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write(0, 0, "CÔNG ĐOÀN VIÊN CHỨC THÀNH PHỐ HÀ NỘI")
    sheet.write(2, 3, "DANH SÁCH ĐOÀN VIÊN CÔNG ĐOÀN")
    sheet.write_row(4, 0, HEADERS)
    today = date(2026, 1, 1)
    for n in range(1, rows + 1):
        gender = Gender.FEMALE if rnd.random() < 0.55 else Gender.MALE
        born = today - timedelta(days=rnd.randint(23 * 365, 60 * 365))
        joined = born + timedelta(days=rnd.randint(22 * 365, 23 * 365))
        r = 4 + n
        sheet.write_number(r, 0, n)
        sheet.write_string(r, 1, people.name(gender))
        sheet.write_datetime(r, 2, born, day)
        sheet.write_string(r, 3, "Nữ" if gender == Gender.FEMALE else "Nam")
        sheet.write_string(r, 4, rnd.choice(ETHNICITY))
        sheet.write_string(r, 5, rnd.choice(RELIGION))
        sheet.write_string(r, 6, people.national_id(gender, born))
        sheet.write_string(r, 7, rnd.choice(["Hà Nội", "Nam Định", "Thái Bình", "Nghệ An"]))
        sheet.write_string(r, 8, rnd.choice(JOB))
        sheet.write_string(r, 9, rnd.choice(["Đại học", "Thạc sĩ", "Tiến sĩ", "Cao đẳng"]))
        sheet.write_datetime(r, 10, joined, day)
        sheet.write_string(r, 11, f"HN-{n:06d}")
        sheet.write_string(r, 12, rnd.choice(GROUPS))
        sheet.write_string(r, 13, "09" + f"{rnd.randrange(10**8):08d}")
    book.close()
    return path


FIELDS = ["stt", "full_name", "date_of_birth", "gender", "ethnicity", "religion", "national_id",
          "hometown", "job_title", "education", "joined_on", "card_number", "group", "phone"]


def _raw(path: Path, db: Path, *, real_table: bool) -> float:
    """calamine's read plus one ``executemany`` of the same rows, either into the program's
    own member table (its columns, indexes and settings: the database's irreducible share) or
    into a plain table of text columns."""
    import uuid

    from python_calamine import CalamineWorkbook

    from unionapp.db import open_database
    from unionapp.org import init_database

    with open_database(db, create=True) as database:
        init_database(database, code="BENCH", name="Công đoàn cơ sở Đo hiệu năng")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA cache_size = -32768")
    start = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[5:]
    if real_table:
        names = ["uuid", "owner_uuid", "org_unit_id", "full_name", "name_folded", "sort_key",
                 "date_of_birth", "birth_year", "gender", "ethnicity", "religion", "national_id",
                 "card_number", "phone", "email", "hometown", "address", "job_title",
                 "union_role", "education", "political_theory", "joined_on", "status", "notes",
                 "created_at", "updated_at", "version"]
        data = [(uuid.uuid4().hex, "0" * 32, 1, r[1], r[1], r[1], str(r[2]), 1980, r[3], r[4],
                 r[5], r[6], r[11], r[13], "", r[7], "", r[8], "", r[9], "", str(r[10]),
                 "active", "", "2026-01-01 00:00:00", "2026-01-01 00:00:00", 1) for r in rows]
        sql = f"INSERT INTO member ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    else:
        conn.execute(f"CREATE TABLE roster ({', '.join(f'c{i} TEXT' for i in range(14))})")
        data = [tuple(str(v) for v in row) for row in rows]
        sql = f"INSERT INTO roster VALUES ({', '.join('?' * 14)})"
    with conn:
        conn.executemany(sql, data)
    conn.close()
    return time.perf_counter() - start


def _ours(path: Path, db: Path) -> tuple[float, int, dict[str, float]]:
    from unionapp.db import open_database
    from unionapp.org import init_database
    from unionapp.progress import Progress
    from unionapp.rosters.importing import import_roster

    phases: dict[str, float] = {}
    last = [time.perf_counter(), ""]

    def report(_done: int, _total: int, message: str) -> None:
        if message and message != last[1]:
            now = time.perf_counter()
            phases[str(last[1]) or "start"] = phases.get(str(last[1]) or "start", 0) + \
                now - float(last[0])
            last[0], last[1] = now, message

    with open_database(db, create=True) as database:
        init_database(database, code="BENCH", name="Công đoàn cơ sở Đo hiệu năng")
        start = time.perf_counter()
        last[0] = start
        summary = import_roster(database, path, progress=Progress(report=report))
        elapsed = time.perf_counter() - start
        phases[str(last[1])] = phases.get(str(last[1]), 0) + time.perf_counter() - float(last[0])
    return elapsed, summary.created, phases


def bench_import() -> list[Figure]:
    path = roster()
    with tempfile.TemporaryDirectory() as tmp:
        raw = min(_raw(path, Path(tmp) / f"raw{i}.db", real_table=True) for i in range(2))
        plain = min(_raw(path, Path(tmp) / f"plain{i}.db", real_table=False) for i in range(2))
        ours, created, phases = min((_ours(path, Path(tmp) / f"ours{i}.db") for i in range(2)),
                                    key=lambda r: r[0])
    assert created == ROWS, created
    print(f"import: {created:,} members created; phases: "
          + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
    return [
        Figure(f"import {ROWS:,}-row roster vs read + insert into the member table", ours,
               raw, "s", "≤ 2× baseline"),
        Figure(f"import {ROWS:,}-row roster vs read + insert into a plain table", ours, plain,
               "s"),
    ]


def main(argv: list[str]) -> None:
    """``python -m bench members_import``: this benchmark alone."""
    from bench.report import print_figures

    print_figures(bench_import())
