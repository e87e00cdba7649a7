"""The costs of a reorganisation at a large branch, each beside a baseline from the same run:

- ``hooks``: importing a branch's full package into its parent union, with the checks of
  unionapp.exchange.moves (moves and transferred members) against the same import with those
  hooks switched off;
- ``transfer``: 500 members transferred out (signed file and letters) and taken in at another
  branch, against raw sqlite3 copying the same member and movement rows;
- ``close``: ending the branch's activity (archive of every register as .xlsx and PDF, final
  full package, database copy) against the raw steps it is made of (the package export alone
  and the SQLite backup).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

from bench.report import Figure, print_figures, timed

MEMBERS = 20_000
TRANSFERRED = 500


def main(parts: list[str] | None = None) -> None:
    parts = parts or ["hooks", "transfer", "close"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["UNIONAPP_DATA_DIR"] = str(root / "data")
        from unionapp.db import open_database
        from unionapp.demo import PARENT_CODE, PARENT_NAME, fill_demo
        from unionapp.exchange import export_package, keys
        from unionapp.org import init_database

        branch = open_database(root / "branch.db", create=True, user="bench")
        fill_demo(branch, members=MEMBERS, today=date.today())
        keys.init_keys(branch)
        keys.export_public(branch, root / "branch.key")
        parent = open_database(root / "parent.db", create=True, user="bench")
        init_database(parent, code=PARENT_CODE, name=PARENT_NAME, parent_mode=True)
        keys.init_keys(parent)
        keys.trust(parent, root / "branch.key", "VNCPT")
        parent.close()
        package = root / "full.zip"
        export_package(branch, package, full=True)
        figures: list[Figure] = []
        if "hooks" in parts:
            figures += _hooks(root, package)
        if "transfer" in parts:
            figures += _transfer(root, branch)
        if "close" in parts:
            figures += _close(root, branch)
        branch.close()
        print_figures(figures)


def _hooks(root: Path, package: Path) -> list[Figure]:
    import time

    import unionapp.exchange.importer as importer
    from unionapp.db import open_database
    from unionapp.exchange import import_package

    real = importer.moves.before_merge, importer.moves.after_merge
    spent: list[float] = []

    def measured(*args: object, **kwargs: object) -> object:
        start = time.perf_counter()
        result = real[0](*args, **kwargs)
        spent.append(time.perf_counter() - start)
        return result

    def run(name: str, hooks: bool) -> float:
        copy = root / f"{name}.db"
        shutil.copy(root / "parent.db", copy)
        if hooks:
            importer.moves.before_merge, importer.moves.after_merge = measured, real[1]
        else:
            importer.moves.before_merge = lambda *_a, **_k: (None, {})
            importer.moves.after_merge = lambda *_a, **_k: []
        try:
            with open_database(copy, user="bench") as db:
                seconds, summary = timed(lambda: import_package(db, package))
        finally:
            importer.moves.before_merge, importer.moves.after_merge = real
        assert summary.outcome == "committed", summary.text()
        copy.unlink()
        return seconds

    # Alternated, best of two each: the machine is shared, one run alone says little.
    runs = [(run(f"run{i}", hooks), hooks) for i, hooks in enumerate((False, True) * 2)]
    without = min(t for t, hooks in runs if not hooks)
    with_hooks = min(t for t, hooks in runs if hooks)
    return [Figure(f"import of a {MEMBERS:,}-member full package", with_hooks, without,
                   target="≈ 1× (hooks off)"),
            Figure("  of which the reorganisation checks", min(spent), with_hooks)]


def _transfer(root: Path, branch: object) -> list[Figure]:
    from sqlalchemy import select

    from unionapp import transfers
    from unionapp.db import Database, open_database
    from unionapp.exchange import keys
    from unionapp.models import Member, MemberStatus
    from unionapp.org import init_database

    assert isinstance(branch, Database)
    other = open_database(root / "other.db", create=True, user="bench")
    init_database(other, code="CDCS-KHAC", name="Công đoàn cơ sở Khác", parent_code="X",
                  parent_name="X")
    keys.trust(other, root / "branch.key", "VNCPT")
    with branch.read() as s:
        who = list(s.scalars(select(Member.uuid).where(Member.status == MemberStatus.ACTIVE)
                             .order_by(Member.id).limit(TRANSFERRED)))
    shutil.copy(root / "branch.db", root / "raw-source.db")
    out_seconds, _result = timed(lambda: transfers.transfer_out(
        branch, who, to_branch_code="CDCS-KHAC", out=root / "t.zip", letter=root / "t.pdf"))
    in_seconds, summary = timed(lambda: transfers.transfer_in(other, root / "t.zip"))
    assert summary.outcome == "committed"
    other.close()

    def raw() -> None:
        source = sqlite3.connect(root / "raw-source.db")
        target = sqlite3.connect(root / "raw-target.db")
        for table, key in (("member", "id"), ("movement", "member_id")):
            rows = source.execute(f"select * from {table} where {key} in (select id from "
                                  f"member order by id limit {TRANSFERRED})").fetchall()
            columns = [c[1] for c in source.execute(f"pragma table_info({table})")]
            target.execute(f"create table if not exists {table} ({', '.join(columns)})")
            target.executemany(f"insert into {table} values ({', '.join('?' * len(columns))})",
                               rows)
        target.commit()
        target.close()
        source.close()

    raw_seconds, _none = timed(raw)
    return [Figure(f"transfer out {TRANSFERRED} members (file + letters)", out_seconds,
                   raw_seconds, target="seconds, not minutes"),
            Figure(f"transfer in {TRANSFERRED} members", in_seconds, raw_seconds)]


def _close(root: Path, branch: object) -> list[Figure]:
    from unionapp import closing
    from unionapp.db import Database
    from unionapp.exchange import export_package

    assert isinstance(branch, Database)
    shutil.copy(root / "branch.db", root / "raw.db")
    from unionapp.db import open_database

    with open_database(root / "raw.db", user="bench") as raw_db:
        package_seconds, _r = timed(lambda: export_package(raw_db, root / "raw.zip",
                                                           full=True))
        backup_seconds, _p = timed(lambda: raw_db.backup(root / "raw-copy.db"))
    seconds, result = timed(lambda: closing.close_branch(
        branch, on=date.today(), archive_dir=root / "archive"))
    size = sum(f.path.stat().st_size for f in result.files) / 1e6
    return [Figure(f"close a {MEMBERS:,}-member branch (archive {size:.0f} MB)", seconds,
                   package_seconds + backup_seconds, target="package + copy alone")]


if __name__ == "__main__":
    main()
