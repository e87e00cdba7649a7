"""Accounts and the audit chain: what signing in, the role checks and sealing every audit row
cost, each beside a raw baseline measured in the same run.

- ``signin``: our ``sign_in`` (Argon2id check + the account's bookkeeping) against argon2-cffi
  verifying the same hash alone; argon2-cffi's default parameters for comparison.
- ``checks``: 300 member edits with the role checked (a clerk signed in) against the same
  edits with the checks switched off.
- ``chain``: 100,000 audit rows written through ``audit.write_entries`` (each sealed) against
  a raw executemany of the same rows unsealed; ``audit verify`` over them against reading
  the same rows.

``python -m bench accounts [signin|checks|chain]``
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.report import Figure, print_figures, timed

ROWS = 100_000
EDITS = 300


def _median_ms(fn: Any, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def signin(tmp: Path) -> list[Figure]:
    from argon2 import PasswordHasher

    from unionapp import accounts
    from unionapp.db import open_database
    from unionapp.org import init_database

    with open_database(tmp / "signin.db", create=True, user="bench") as db:
        init_database(db, code="B", name="Bench")
        accounts.add_user(db, "chair", "chair", "mat-khau-bench")
        with db.read() as s:
            from sqlalchemy import select

            from unionapp.models import User
            stored = s.scalar(select(User.password_hash))
        ours = _median_ms(lambda: accounts.sign_in(db, "chair", "mat-khau-bench"), 21)
        raw = _median_ms(lambda: accounts.hasher().verify(stored, "mat-khau-bench"), 21)
        default = PasswordHasher()
        default_hash = default.hash("mat-khau-bench")
        heavier = _median_ms(lambda: default.verify(default_hash, "mat-khau-bench"), 11)
    h = accounts.hasher()
    return [
        Figure(f"sign in (Argon2id t={h.time_cost} m={h.memory_cost // 1024} MiB "
               f"p={h.parallelism})", ours, raw, "ms", "no visible delay (< 100 ms)"),
        Figure("argon2-cffi defaults (t=3 m=64 MiB p=4), verify", heavier, None, "ms"),
    ]


def checks(tmp: Path) -> list[Figure]:
    from unionapp import accounts, members
    from unionapp.db import open_database
    from unionapp.members import MemberInput
    from unionapp.org import init_database

    figures = []
    with open_database(tmp / "checks-none.db", create=True, user="bench") as db:
        init_database(db, code="B", name="Bench")  # no accounts: every check asks the database
        row = members.create_member(db, MemberInput(full_name="Nguyễn Văn Bench"))
        figures.append(_edits(db, row.uuid, "no accounts"))
    with open_database(tmp / "checks.db", create=True, user="bench") as db:
        init_database(db, code="B", name="Bench")
        accounts.add_user(db, "chair", "chair", "mat-khau-bench")
        accounts.sign_in(db, "chair", "mat-khau-bench")
        accounts.add_user(db, "clerk", "clerk", "mat-khau-bench")
        accounts.sign_in(db, "clerk", "mat-khau-bench")
        row = members.create_member(db, MemberInput(full_name="Nguyễn Văn Bench"))
        figures.append(_edits(db, row.uuid, "a clerk signed in"))
    return figures


def _edits(db: Any, member: uuid.UUID, who: str) -> Figure:
    from unionapp import db as db_module
    from unionapp import members
    from unionapp.members import MemberInput

    def edits() -> None:
        for i in range(EDITS):
            members.update_member(db, member, MemberInput(full_name="Nguyễn Văn Bench",
                                                          phone=f"09{i:08d}"))

    ours, _ = timed(edits)
    saved = (members.require, members.sees_personal_data, db_module.check_write)
    members.require = lambda db, permission: None  # type: ignore[assignment]
    members.sees_personal_data = lambda db: True  # type: ignore[assignment]
    db_module.check_write = lambda db: None  # type: ignore[assignment]
    try:
        raw, _ = timed(edits)
    finally:
        members.require, members.sees_personal_data, db_module.check_write = saved
    return Figure(f"{EDITS} member edits, checked ({who})", ours, raw, "s",
                  "≈ 1× (checks are cheap)")


def chain(tmp: Path) -> list[Figure]:
    from unionapp.audit import check_chain, write_entries
    from unionapp.db import open_database
    from unionapp.org import init_database

    path = tmp / "chain.db"
    now = datetime.now(UTC)
    entries = [{"at": now, "user": "bench", "action": "update", "entity": "member",
                "entity_uuid": uuid.uuid4(), "summary": "Nhập từ ds.xlsx",
                "before": {"phone": f"09{i:08d}", "job_title": "Giảng viên"},
                "after": {"phone": f"08{i:08d}", "job_title": "Giảng viên chính"}}
               for i in range(ROWS)]
    with open_database(path, create=True, user="bench") as db:
        init_database(db, code="B", name="Bench")

        def sealed() -> None:
            with db.transaction() as s:
                write_entries(s, entries)

        ours, _ = timed(sealed)
        with db.read() as s:
            verify, result = timed(lambda: check_chain(s))
        assert result.ok

        def core() -> None:  # how the roster importer wrote its rows before the chain
            from sqlalchemy import insert

            from unionapp.models import AuditLog
            with db.transaction() as s:
                s.execute(insert(AuditLog), [dict(e) for e in entries])

        before, _ = timed(core)
    raw_path = tmp / "raw.db"
    raw = sqlite3.connect(raw_path)
    raw.execute('create table audit_log (id integer primary key, at text, user text, '
                'role text, action text, entity text, entity_uuid text, summary text, '
                '"before" text, "after" text, prev_hash text, hash text)')
    import json

    def unsealed() -> None:
        raw.executemany(
            'insert into audit_log (at, user, role, action, entity, entity_uuid, summary, '
            '"before", "after") values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
            [(e["at"].isoformat(), e["user"], "", e["action"], e["entity"],
              e["entity_uuid"].hex, e["summary"], json.dumps(e["before"]),
              json.dumps(e["after"])) for e in entries])
        raw.commit()

    baseline, _ = timed(unsealed)
    read, _ = timed(lambda: raw.execute("select * from audit_log").fetchall())
    raw.close()
    return [Figure(f"{ROWS:,} audit rows written, sealed", ours, baseline, "s"),
            Figure("  the same, Core insert unsealed (before)", before, baseline, "s"),
            Figure(f"audit verify over {ROWS:,} rows", verify, read, "s")]


PARTS = {"signin": signin, "checks": checks, "chain": chain}


def main(parts: list[str] | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["UNIONAPP_DATA_DIR"] = tmp
        figures: list[Figure] = []
        for name in parts or list(PARTS):
            figures += PARTS[name](Path(tmp))
        print_figures(figures)
