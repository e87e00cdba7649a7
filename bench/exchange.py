"""Exchange packages: export and import of a 100,000-member branch against raw baselines
measured in the same run, and a parent union importing 200 branch packages as one batch, on
SQLite and on PostgreSQL (each beside its raw baseline: the same packages parsed and written
to plain tables).

Baselines: *export* — every synced table read with plain ``sqlite3`` and written as JSON Lines
into a zip with SHA-256 per file (no joins, no signature, no bookkeeping); *import* — the same
files parsed and upserted by UUID with ``executemany`` into plain tables, in one transaction.

    python -m bench exchange            # 100,000 members, 200 × 500
    python -m bench exchange big        # only the big branch (or: many, many-sqlite, many-pg,
                                        # swapped)
    BENCH_MEMBERS=20000 BENCH_BRANCHES=40 python -m bench exchange   # quicker
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import json
import os
import shutil
import sqlite3
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.report import Figure, print_figures

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "100000"))
BRANCHES = int(os.environ.get("BENCH_BRANCHES", "200"))
BRANCH_MEMBERS = int(os.environ.get("BENCH_BRANCH_MEMBERS", "500"))


def _tables() -> list[str]:
    from unionapp.exchange.format import ENTITIES

    return [spec.name for spec in ENTITIES]


# --- baselines ---------------------------------------------------------------------------------


def raw_export(db_path: Path, dest: Path) -> int:
    """Plain JSON lines in a zip with a SHA-256 per file: the least any export must do."""
    conn = sqlite3.connect(db_path)
    rows = 0
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for table in _tables():
            cursor = conn.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cursor.description]
            digest = hashlib.sha256()
            with zf.open(f"data/{table}.jsonl", "w") as out:
                for row in cursor:
                    line = json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False,
                                      separators=(",", ":")).encode() + b"\n"
                    digest.update(line)
                    out.write(line)
                    rows += 1
            zf.writestr(f"data/{table}.sha256", digest.hexdigest())
    conn.close()
    return rows


def raw_import(package: Path, db_path: Path) -> int:
    """Parse every line and upsert it by UUID with executemany, in one transaction."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    rows = 0
    conn.execute("BEGIN IMMEDIATE")
    with zipfile.ZipFile(package) as zf:
        for name in zf.namelist():
            if not name.endswith(".jsonl"):
                continue
            table = name[5:-6]
            data = [json.loads(line) for line in zf.read(name).splitlines()]
            if not data:
                continue
            columns = list(data[0])
            conn.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(columns)})")
            conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS ix_{table} ON {table} (uuid)")
            placeholders = ", ".join("?" for _ in columns)
            updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "uuid")
            conn.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) "
                f"ON CONFLICT(uuid) DO UPDATE SET {updates}",
                [tuple(r[c] for c in columns) for r in data])
            rows += len(data)
    conn.execute("COMMIT")
    conn.close()
    return rows


# --- set-up ---------------------------------------------------------------------------------


def _parent(path: Path) -> Any:
    from unionapp.db import open_database
    from unionapp.demo import PARENT_CODE, PARENT_NAME
    from unionapp.exchange import keys
    from unionapp.org import init_database

    db = open_database(path, create=True, user="bench")
    init_database(db, code=PARENT_CODE, name=PARENT_NAME, parent_mode=True)
    keys.init_keys(db)
    return db


def _enrol(parent: Any, branch: Any, folder: Path, code: str) -> None:
    from unionapp.exchange import keys

    key_file = folder / f"{code}.key"
    keys.export_public(branch, key_file)
    keys.trust(parent, key_file, code)


def big_branch(folder: Path) -> list[Figure]:
    from unionapp.db import open_database
    from unionapp.demo import fill_demo
    from unionapp.exchange import export_package, import_package, keys

    figures = []
    branch_path = folder / "branch.db"
    branch = open_database(branch_path, create=True, user="bench")
    start = time.perf_counter()
    fill_demo(branch, members=MEMBERS)
    figures.append(Figure(f"set-up: demo branch of {MEMBERS:,} members", time.perf_counter()
                          - start))
    keys.init_keys(branch)
    parent = _parent(folder / "parent.db")
    _enrol(parent, branch, folder, "VNCPT")
    branch.close()
    branch = open_database(branch_path, user="bench")

    raw_zip = folder / "raw.zip"
    base_export, raw_rows = _best(lambda: raw_export(branch_path, raw_zip))
    ours_zip = folder / "usb" / "package.zip"
    ours_export, result = _best(lambda: export_package(branch, ours_zip, full=True))
    figures.append(Figure(f"export, full ({result.total_rows:,} rows; raw {raw_rows:,})",
                          ours_export, base_export, target="≤ 2× baseline"))

    raw_db = folder / "raw-import.db"
    base_import = _once(lambda: raw_import(raw_zip, raw_db))
    start = time.perf_counter()
    summary = import_package(parent, ours_zip)
    ours_import = time.perf_counter() - start
    assert summary.outcome == "committed", summary.text()
    figures.append(Figure(f"import into empty parent ({summary.total('created'):,} created)",
                          ours_import, base_import, target="≤ 2× baseline"))
    start = time.perf_counter()
    dry = import_package(parent, ours_zip, dry_run=True)
    figures.append(Figure("  same package again (dry run: already imported)",
                          time.perf_counter() - start))
    assert dry.outcome == "already_imported"
    backup = folder / "backup-probe.db"
    start = time.perf_counter()
    parent.backup(backup)
    figures.append(Figure("  of which the backup before import (after it, full db)",
                          time.perf_counter() - start))
    branch.close()
    parent.close()
    return figures


def _best(fn: Any, repeat: int = 2) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def _once(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# --- 200 branches --------------------------------------------------------------------------------


def _rekeyed(template: bytes, n: int, private: Any, source: uuid.UUID, code: str,
             keep: set[str]) -> bytes:
    """The template package as if made by another branch: every record's UUID and the unit
    codes changed, signed with that branch's key."""
    import base64

    with zipfile.ZipFile(io.BytesIO(template)) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    manifest = json.loads(parts.pop("manifest.json"))
    parts.pop("manifest.sig")
    old_source = manifest["source"]["org_unit_uuid"]
    mapping: dict[str, str] = {old_source: str(source)}

    def new(value: str) -> str:
        if value not in mapping:
            mapping[value] = str(uuid.uuid5(uuid.NAMESPACE_OID, f"{n}:{value}"))
        return mapping[value]

    for name, body in parts.items():
        out = []
        for line in body.splitlines():
            row = json.loads(line)
            target = row.get("row", row)
            for key, value in target.items():
                if key.endswith("uuid") and isinstance(value, str) and value not in keep:
                    target[key] = new(value)
            if "code" in target and name.endswith("org_unit.jsonl"):
                target["code"] = code if target["uuid"] == str(source) else \
                    f"{code}-{target['code'][-3:]}"
            out.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode())
        parts[name] = b"".join(line + b"\n" for line in out)
    for entry in manifest["files"]:
        body = parts[entry["path"]]
        entry.update(bytes=len(body), rows=body.count(b"\n"),
                     sha256=hashlib.sha256(body).hexdigest())
    manifest["source"].update(org_unit_uuid=str(source), code=code)
    manifest["package_uuid"] = str(uuid.uuid5(uuid.NAMESPACE_OID, f"package {n}"))
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    out_zip = io.BytesIO()
    with zipfile.ZipFile(out_zip, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
        zf.writestr("manifest.json", manifest_bytes)
        zf.writestr("manifest.sig", base64.b64encode(private.sign(manifest_bytes)) + b"\n")
    return out_zip.getvalue()


def _enrol_many(parent: Any, folder: Path, sources: list[tuple[uuid.UUID, str, bytes]]) -> None:
    from unionapp.exchange import keys

    for source, code, raw in sources:
        key_file = folder / f"{code}.key"
        key_file.write_text(json.dumps({
            "format": keys.PUBLIC_KEY_FORMAT, "version": 1,
            "org_unit": {"uuid": str(source), "code": code, "name": f"Công đoàn cơ sở {code}",
                         "kind": "branch"},
            "public_key": keys.b64(raw)}), encoding="utf-8")
        keys.trust(parent, key_file, code)


def _packages(folder: Path) -> tuple[list[Path], list[tuple[uuid.UUID, str, bytes]]]:
    """The month's packages of BRANCHES branches (a demo branch's package made again under
    each branch's identity and key), written to files; and the branches' keys."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from unionapp.db import open_database
    from unionapp.demo import fill_demo
    from unionapp.exchange import export_package, keys

    template_db = open_database(folder / "template.db", create=True, user="bench")
    fill_demo(template_db, members=BRANCH_MEMBERS)
    keys.init_keys(template_db)
    template_path = folder / "template.zip"
    export_package(template_db, template_path, full=True)
    template = template_path.read_bytes()
    template_db.close()
    files, sources = [], []
    for n in range(BRANCHES):
        private = Ed25519PrivateKey.generate()
        raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        source = uuid.uuid5(uuid.NAMESPACE_OID, f"branch {n}")
        code = f"CS{n:03d}"
        sources.append((source, code, raw))
        path = folder / f"p{n:03d}.zip"
        path.write_bytes(_rekeyed(template, n, private, source, code, set()))
        files.append(path)
    return files, sources


def _batch(db: Any, files: list[Path]) -> tuple[list[float], float]:
    """Import ``files`` as one batch: each package's time, and the batch's one backup."""
    from unionapp.exchange import import_packages, importer
    from unionapp.progress import Progress

    marks: list[float] = []
    backup: list[float] = []
    real = importer.backup_before

    def timed_backup(database: Any, reason: str) -> Any:
        start = time.perf_counter()
        try:
            return real(database, reason)
        finally:
            backup.append(time.perf_counter() - start)

    importer.backup_before = timed_backup
    try:
        summaries = import_packages(db, files, progress=Progress(
            lambda done, total, text: marks.append(time.perf_counter())))
    finally:
        importer.backup_before = real
    assert all(s.outcome == "committed" for s in summaries), [
        s.text() for s in summaries if s.outcome != "committed"][:1]
    return [b - a for a, b in itertools.pairwise(marks)], sum(backup)


def _raw_many(files: list[Path], db_path: Path) -> list[float]:
    """The raw baseline of each package, one transaction each, into one plain database."""
    times = []
    for path in files:
        start = time.perf_counter()
        raw_import(path, db_path)
        times.append(time.perf_counter() - start)
    return times


def _spread(label: str, ours: list[float], raw: list[float], total: float,
            raw_total: float, target: str) -> list[Figure]:
    first, last = sum(ours[:20]) / 20, sum(ours[-20:]) / 20
    raw_first, raw_last = sum(raw[:20]) / 20, sum(raw[-20:]) / 20
    return [
        Figure(f"{label}: {len(ours)} packages × {BRANCH_MEMBERS}, one batch", total, raw_total,
               target=target),
        Figure("  per package, first 20 (mean)", first, raw_first),
        Figure("  per package, last 20 (mean)", last, raw_last),
        Figure("  ours: last 20 vs first 20", last, first, target="≤ 1.2×"),
        Figure("  raw: last 20 vs first 20", raw_last, raw_first),
    ]


def many_sqlite(folder: Path, files: list[Path], sources: list[Any]) -> list[Figure]:
    raw = _raw_many(files, folder / "raw-many.db")
    parent = _parent(folder / "parent200.db")
    _enrol_many(parent, folder, sources)
    start = time.perf_counter()
    times, backup = _batch(parent, files)
    total = time.perf_counter() - start
    full_backup = _once(lambda: parent.backup(folder / "probe.db"))
    parent.close()
    return [*_spread("SQLite", times, raw, total, sum(raw), "< 60 s"),
            Figure("  the one backup (before the first package)", backup),
            Figure("  a backup of the full parent db (at the end)",
                   full_backup)]


# --- PostgreSQL -------------------------------------------------------------------------------


@contextlib.contextmanager
def _pg_server(folder: Path) -> Iterator[str]:
    """The admin URL of a PostgreSQL server: UNIONAPP_TEST_PG_URL's when set, else of a
    throw-away server started here (as tools/pg-test-server does, but with the server's
    default durability — fsync on, as a parent union's server has it)."""
    import subprocess

    admin_url = os.environ.get("UNIONAPP_TEST_PG_URL")
    if admin_url:
        yield admin_url
        return
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not binaries:
        raise RuntimeError("no PostgreSQL server binaries")
    bin_dir, data, port = binaries[-1], folder / "pg" / "data", "54431"
    as_owner = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    data.parent.mkdir(parents=True)
    if os.getuid() == 0:
        shutil.chown(data.parent, "postgres")
    subprocess.run([*as_owner, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
                    "-A", "trust", "-E", "UTF8", "--no-locale"], check=True,
                   capture_output=True)
    subprocess.run([*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data), "-l",
                    str(data.parent / "server.log"), "-w", "start", "-o",
                    f"-p {port} -k {data.parent} -c listen_addresses=127.0.0.1"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast",
                        "stop"], check=False, capture_output=True)


@contextlib.contextmanager
def _pg_database(admin_url: str) -> Iterator[str]:
    """A new, empty database on the server, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"bench_exchange_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def raw_import_pg(package: Path, url: str) -> int:
    """The raw baseline on PostgreSQL: every line parsed, then COPY into plain tables with
    a UUID primary key, in one transaction."""
    import psycopg

    rows = 0
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn, \
            conn.cursor() as cur, zipfile.ZipFile(package) as zf:
        for name in zf.namelist():
            if not name.endswith(".jsonl"):
                continue
            table = "raw_" + name[5:-6]
            data = [json.loads(line) for line in zf.read(name).splitlines()]
            if not data:
                continue
            columns = [c for c in data[0] if c != "row"]
            if "row" in data[0]:  # tombstones: whole records, kept as JSON text
                columns = ["uuid", "row"]
                data = [{"uuid": r["row"]["uuid"], "row": json.dumps(r["row"])} for r in data]
            cur.execute(f"CREATE TABLE IF NOT EXISTS {table} (uuid uuid PRIMARY KEY, "
                        + ", ".join(f"{c} text" for c in columns if c != "uuid") + ")")
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for r in data:
                    copy.write_row([None if r[c] is None else str(r[c]) for c in columns])
            rows += len(data)
    return rows


def many_postgres(folder: Path, files: list[Path], sources: list[Any]) -> list[Figure]:
    from sqlalchemy import create_engine, text

    with _pg_server(folder) as server:
        with _pg_database(server) as url:
            engine = create_engine(url)
            with engine.connect() as conn:
                fsync = conn.execute(text("SHOW fsync")).scalar()
            engine.dispose()
            raw = []
            for path in files:
                start = time.perf_counter()
                raw_import_pg(path, url)
                raw.append(time.perf_counter() - start)
        with _pg_database(server) as url:
            parent = _parent(url)
            _enrol_many(parent, folder, sources)
            start = time.perf_counter()
            times, _backup = _batch(parent, files)
            total = time.perf_counter() - start
            parent.close()
    return _spread(f"PostgreSQL (fsync {fsync})", times, raw, total, sum(raw), "< 90 s")


def many_branches(folder: Path, engines: tuple[str, ...] = ("sqlite", "postgresql")
                  ) -> list[Figure]:
    files, sources = _packages(folder)
    figures = []
    if "sqlite" in engines:
        figures += many_sqlite(folder, files, sources)
        print_figures(figures)
    if "postgresql" in engines:
        figures += many_postgres(folder, files, sources)
    return figures


# --- a hostile package: genuine manifest and signature, two data files swapped -----------------

# Peak memory from /proc (VmHWM): getrusage's maxrss of a child also counts its parent's
# pages from before exec on Linux.
_MEASURE = """
import sys, time
from pathlib import Path
from unionapp.db import open_database
from unionapp.exchange import import_package
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
db = open_database(sys.argv[1], user="bench")
start = time.perf_counter()
summary = import_package(db, Path(sys.argv[2]), dry_run=sys.argv[3] == "dry")
took = time.perf_counter() - start
code = summary.errors[0].code if summary.errors else summary.outcome
print(took, peak(), code)
"""


def _measured(db_path: Path, package: Path, mode: str) -> tuple[float, float, str]:
    """(seconds, peak RSS in MiB, outcome) of one import in a fresh process."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _MEASURE, str(db_path), str(package), mode],
                         check=True, capture_output=True, text=True, env=os.environ).stdout
    took, peak, code = out.split()
    return float(took), float(peak), code


def swapped_files(folder: Path) -> list[Figure]:
    """Issue 17, point 15: two data files of a real package swapped for 2 GiB each (deflated
    ~80:1, under the ratio cap); the manifest and its signature untouched."""
    from tests.exchange.packages import swapped
    from unionapp.db import open_database
    from unionapp.demo import fill_demo
    from unionapp.exchange import export_package, keys

    members = int(os.environ.get("BENCH_SWAP_MEMBERS", "20000"))
    branch = open_database(folder / "swap-branch.db", create=True, user="bench")
    fill_demo(branch, members=members)
    keys.init_keys(branch)
    genuine = folder / "genuine.zip"
    export_package(branch, genuine, full=True)
    parent = _parent(folder / "swap-parent.db")
    _enrol(parent, branch, folder, "VNCPT")
    branch.close()
    parent.close()
    hostile = folder / "swapped.zip"
    hostile.write_bytes(swapped(genuine.read_bytes(),
                                {"data/member.jsonl", "data/support_case_event.jsonl"}, 2048))
    real_time, real_peak, _code = _measured(folder / "swap-parent.db", genuine, "dry")
    took, peak, code = _measured(folder / "swap-parent.db", hostile, "import")
    mb = hostile.stat().st_size / 1e6
    return [
        Figure(f"swapped package ({mb:.0f} MB, 2 × 2 GiB) refused: {code}", took, real_time,
               target="≪ 1 s"),
        Figure(f"  peak RSS (MiB) beside a genuine {members:,}-member package's check", peak,
               real_peak, unit="MiB", target="≤ 100 MB more than idle"),
    ]


def main(parts: list[str] | None = None) -> None:
    """Parts: ``big`` (one 100,000-member branch), ``many`` (200 small branches into a
    parent on SQLite and on PostgreSQL; ``many-sqlite`` or ``many-pg`` for one), ``swapped`` (a
    hostile package refused: time and peak memory); ``big`` and ``many`` by default."""
    parts = parts or ["big", "many"]
    with tempfile.TemporaryDirectory(prefix="bench-exchange-") as tmp:
        folder = Path(tmp)
        if os.getuid() == 0:  # a throw-away PostgreSQL server runs as 'postgres'
            os.chmod(folder, 0o755)
        os.environ["UNIONAPP_DATA_DIR"] = str(folder / "data")
        figures = []
        if "big" in parts:
            figures += big_branch(folder)
            print_figures(figures)  # long runs: show the first half as soon as it is known
        engines = tuple(engine for part, engine in (("many-sqlite", "sqlite"),
                                                    ("many-pg", "postgresql"))
                        if "many" in parts or part in parts)
        if engines:
            figures += many_branches(folder, engines)
        if "swapped" in parts:
            figures += swapped_files(folder)
    print_figures(figures)
