"""Exchange packages: export and import of a 100,000-member branch against raw baselines
measured in the same run, and a parent union importing 200 branch packages.

Baselines: *export* — every synced table read with plain ``sqlite3`` and written as JSON Lines
into a zip with SHA-256 per file (no joins, no signature, no bookkeeping); *import* — the same
files parsed and upserted by UUID with ``executemany`` into plain tables, in one transaction.

    python -m bench exchange            # 100,000 members, 200 × 500
    python -m bench exchange big        # only the big branch (or: many)
    BENCH_MEMBERS=20000 BENCH_BRANCHES=40 python -m bench exchange   # quicker
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import tempfile
import time
import uuid
import zipfile
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


def many_branches(folder: Path) -> list[Figure]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from unionapp.db import open_database
    from unionapp.demo import fill_demo
    from unionapp.exchange import export_package, import_package, import_packages, keys

    template_db = open_database(folder / "template.db", create=True, user="bench")
    fill_demo(template_db, members=BRANCH_MEMBERS)
    keys.init_keys(template_db)
    parent = _parent(folder / "parent200.db")
    keep = {str(parent.home_unit_uuid)}
    _enrol(parent, template_db, folder, "VNCPT")
    template_path = folder / "template.zip"
    export_package(template_db, template_path, full=True)
    template = template_path.read_bytes()
    template_db.close()

    packages, sources = [], []
    for n in range(BRANCHES):
        private = Ed25519PrivateKey.generate()
        raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        source = uuid.uuid5(uuid.NAMESPACE_OID, f"branch {n}")
        code = f"CS{n:03d}"
        sources.append((source, code, raw))
        packages.append(_rekeyed(template, n, private, source, code, keep))
    _enrol_many(parent, folder, sources)
    start = time.perf_counter()
    times = []
    for data in packages:
        one = time.perf_counter()
        summary = import_package(parent, data)
        assert summary.outcome == "committed", summary.text()
        times.append(time.perf_counter() - one)
    total = time.perf_counter() - start
    records = summary.total("created")
    # The fixed cost of a package: every check but the merge (signature, hashes, rows read),
    # as when the same package comes again.
    checks = _once(lambda: [import_package(parent, d, dry_run=True) for d in packages[:20]]) / 20
    backup = _once(lambda: parent.backup(folder / "probe.db"))
    parent.close()

    # The same month's packages taken in as one batch: one backup before all.
    batch_parent = _parent(folder / "parent200-batch.db")
    _enrol_many(batch_parent, folder, sources)
    files = []
    for n, data in enumerate(packages):
        path = folder / f"p{n:03d}.zip"
        path.write_bytes(data)
        files.append(path)
    start = time.perf_counter()
    summaries = import_packages(batch_parent, files)
    batch = time.perf_counter() - start
    assert all(s.outcome == "committed" for s in summaries)
    batch_parent.close()
    return [
        Figure(f"parent imports {BRANCHES} packages × {BRANCH_MEMBERS} members, one by one",
               total),
        Figure(f"  per package, mean ({records:,} records each)", total / BRANCHES),
        Figure("  per package: last 20 vs first 20 (mean)", sum(times[-20:]) / 20,
               sum(times[:20]) / 20),
        Figure("  per-package overhead: checks only (dry run, repeat)", checks),
        Figure("  backup of the full parent db (one before each)", backup),
        Figure(f"the same {BRANCHES} packages as one batch (one backup)", batch, total),
        Figure("  per package, mean", batch / BRANCHES),
    ]


def main(parts: list[str] | None = None) -> None:
    """Parts: ``big`` (one 100,000-member branch), ``many`` (200 small branches); both by
    default."""
    parts = parts or ["big", "many"]
    with tempfile.TemporaryDirectory(prefix="bench-exchange-") as tmp:
        folder = Path(tmp)
        os.environ["UNIONAPP_DATA_DIR"] = str(folder / "data")
        figures = []
        if "big" in parts:
            figures += big_branch(folder)
            print_figures(figures)  # long runs: show the first half as soon as it is known
        if "many" in parts:
            figures += many_branches(folder)
    print_figures(figures)
