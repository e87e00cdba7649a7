"""Making a package: a branch's own records (full, or what changed since the last package the
parent acknowledged), or a parent union's reference data with its acknowledgements.

The package is written to a local temporary file, then copied to the destination (often a USB
stick) and read back there to check its SHA-256: removable drives do lose writes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Select, and_, or_, select, type_coerce, update
from sqlalchemy.orm import Session
from sqlalchemy.types import NULLTYPE

from .. import __version__
from ..db import Database
from ..errors import UserError
from ..i18n import _
from ..models import ExchangeLog, ExchangePeer, ExchangeRecord, OrgUnit, PeerRole
from ..org import subtree
from ..permissions import Permission, require
from ..progress import NO_PROGRESS, Progress
from ..text import format_count
from .format import (
    BY_NAME,
    MANIFEST,
    REFERENCE_ACTIVITY_KINDS,
    SCHEMA_VERSION,
    SIGNATURE,
    TOMBSTONES,
    EntitySpec,
    Kind,
    entities_for,
    moment_wire,
    now_utc,
)
from .keys import b64, own_public, signing_key
from .manifest import Ack, FileEntry, Manifest
from .moves import full_export_needed
from .state import EXPORT, audit, last_acked_export, last_applied, next_export_sequence, no_gc
from .storage import Storage, reader

COMPRESSION_LEVEL = 6


@dataclass(frozen=True)
class ExportResult:
    path: str
    package_uuid: str
    sha256: str
    kind: str
    sequence: int
    base_sequence: int
    full: bool
    bytes: int
    rows: dict[str, int] = field(default_factory=dict)
    tombstones: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, "total_rows": self.total_rows}

    def text(self) -> str:
        return _("Wrote {path}: package number {sequence} ({what}), {rows} records, SHA-256 "
                 "{hash}. The copy was read back and checked.").format(
            path=self.path, sequence=self.sequence,
            what=_("full") if self.full or not self.base_sequence else _(
                "changes since number {base}").format(base=self.base_sequence),
            rows=format_count(self.total_rows), hash=self.sha256)


class _HashingWriter:
    """Counts and hashes what goes into one zip entry."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.digest = hashlib.sha256()
        self.bytes = 0
        self.rows = 0

    def write_line(self, data: bytes) -> None:
        self.stream.write(data)
        self.digest.update(data)
        self.bytes += len(data)
        self.rows += 1

    def write_lines(self, lines: list[str]) -> None:
        data = ("\n".join(lines) + "\n").encode("utf-8")
        self.stream.write(data)
        self.digest.update(data)
        self.bytes += len(data)
        self.rows += len(lines)


def _encoders(spec: EntitySpec) -> list[Any]:
    """Per field, how a stored value becomes its package form (None: as it is)."""
    canonical = reader("datetime")
    assert canonical is not None

    def moment(raw: Any) -> Any:
        return None if raw is None else moment_wire(canonical(raw))

    def nullable(convert: Any) -> Any:
        return lambda raw: None if raw is None else convert(raw)

    out = []
    for f in spec.fields:
        convert = moment if f.kind == "datetime" else reader(f.kind)
        out.append(nullable(convert) if convert is not None and convert is not moment
                   else convert)
    return out


def _statement(spec: EntitySpec, kind: str, scope: dict[uuid.UUID, int], home: uuid.UUID,
               full: bool) -> Select[Any]:
    table = spec.table
    columns: list[Any] = []
    joins: list[tuple[Any, Any]] = []
    for f in spec.fields:  # read untyped: values are converted once, by _encoders
        if f.is_ref:
            target = BY_NAME[f.target].table.alias()  # type: ignore[index]
            columns.append(type_coerce(target.c.uuid, NULLTYPE))
            joins.append((target, table.c[f.column] == target.c.id))
        else:
            columns.append(type_coerce(table.c[f.column], NULLTYPE))
    record = ExchangeRecord.__table__
    base = record.c.base_version
    stmt = select(*columns, base, table.c.id).select_from(table)  # the id: for bookkeeping
    for target, on in joins:
        stmt = stmt.outerjoin(target, on)
    stmt = stmt.outerjoin(record, and_(record.c.entity == spec.name,
                                       record.c.record_id == table.c.id))
    if kind == Kind.BRANCH_EXPORT:
        if spec.name == "org_unit":
            stmt = stmt.where(table.c.id.in_(list(scope.values())))
        else:
            stmt = stmt.where(table.c.owner_uuid.in_(list(scope)))
        if not full:
            stmt = stmt.where(or_(base.is_(None), table.c.version != base))
    else:
        stmt = stmt.where(table.c.owner_uuid == home)
        if spec.name == "activity":
            stmt = stmt.where(table.c.kind.in_(REFERENCE_ACTIVITY_KINDS))
    return stmt.order_by(table.c.id)


def export_package(db: Database, dest: Path | str, *, full: bool = False,
                   progress: Progress = NO_PROGRESS) -> ExportResult:
    """Write this database's next package to ``dest``. A branch sends its own records; a
    parent union sends its reference data (always whole) with acknowledgements."""
    require(db, Permission.EXCHANGE_EXPORT)
    with no_gc():
        return _export(db, Path(dest), full=full, progress=progress)


# Times a package is made again when another export took its number meanwhile.
ATTEMPTS = 3


class _NumberTaken(Exception):
    pass


@dataclass
class _Made:
    """A package written to a local file from a snapshot, not yet recorded."""

    sequence: int
    base_sequence: int
    package_uuid: uuid.UUID
    created: datetime
    rows: dict[str, int]
    sent: list[tuple[int, str, int, bool]]
    sha: str
    full: bool


def _export(db: Database, dest: Path, *, full: bool, progress: Progress) -> ExportResult:
    """The records are read from one snapshot and the zip written with no lock held (others
    keep working meanwhile); only the bookkeeping — the number taken, what each record's
    version was, the log and audit rows — is committed, in a short write transaction, which
    first checks that no other export took the number in between (then the package is made
    again with the next)."""
    private = signing_key(db)
    key = own_public(db)
    assert key is not None
    home = db.home_unit_uuid
    assert home is not None
    kind = Kind.REFERENCE_DATA if db.mode == "parent" else Kind.BRANCH_EXPORT
    full = full or kind == Kind.REFERENCE_DATA
    if dest.is_dir():
        raise UserError(_("{path} is a folder; choose a file name.").format(path=dest))
    workdir = Path(tempfile.mkdtemp(prefix="unionapp-export-"))
    tmp = workdir / "package.zip"
    try:
        for _attempt in range(ATTEMPTS):
            made = _write_package(db, tmp, kind=kind, full=full, home=home, private=private,
                                  fingerprint=key.fingerprint, progress=progress)
            try:
                _record(db, made, kind=kind, home=home, dest=dest)
                break
            except _NumberTaken:
                continue
        else:
            raise UserError(_("Other packages were being made at the same time; nothing was "
                              "written. Try again."))
        size = tmp.stat().st_size
        try:
            _deliver(tmp, dest, made.sha)
        except UserError:
            with db.transaction() as s:
                s.execute(update(ExchangeLog).where(
                    ExchangeLog.package_uuid == made.package_uuid).values(status="failed"))
            raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    progress(1, 1, "")
    return ExportResult(path=str(dest), package_uuid=str(made.package_uuid), sha256=made.sha,
                        kind=kind, sequence=made.sequence, base_sequence=made.base_sequence,
                        full=made.full, bytes=size, rows=made.rows,
                        tombstones=sum(1 for r in made.sent if r[3]))


def _write_package(db: Database, tmp: Path, *, kind: str, full: bool, home: uuid.UUID,
                   private: Any, fingerprint: str, progress: Progress) -> _Made:
    """The next package, from one snapshot of the database, to the local file ``tmp``."""
    with db.snapshot() as s:
        sequence = next_export_sequence(s, home)
        # After a move to a new parent, everything goes until the new parent acknowledges.
        full = full or (kind == Kind.BRANCH_EXPORT and full_export_needed(s, home))
        base_sequence = 0 if full else last_acked_export(s, home)
        scope = subtree(s, home)
        unit = s.scalar(select(OrgUnit).where(OrgUnit.uuid == home))
        assert unit is not None
        package_uuid = uuid.uuid4()
        created = now_utc()
        sent: list[tuple[int, str, int, bool]] = []
        rows: dict[str, int] = {}
        files: list[FileEntry] = []
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED,
                             compresslevel=COMPRESSION_LEVEL) as zf:
            tombstones: list[bytes] = []
            specs = entities_for(kind)
            for i, spec in enumerate(specs):
                progress(i, len(specs) + 1, _("Writing {entity}…").format(
                    entity=_(spec.label).lower()))
                with zf.open(spec.file, "w") as stream:
                    writer = _HashingWriter(stream)
                    rows[spec.name] = _write_entity(
                        s, spec, _statement(spec, kind, scope, home, full), writer,
                        tombstones, sent, progress)
                files.append(FileEntry(spec.file, spec.name, writer.bytes, writer.rows,
                                       writer.digest.hexdigest()))
            with zf.open(TOMBSTONES, "w") as stream:
                writer = _HashingWriter(stream)
                for line in tombstones:
                    writer.write_line(line)
            files.append(FileEntry(TOMBSTONES, "tombstones", writer.bytes, writer.rows,
                                   writer.digest.hexdigest()))
            manifest = Manifest(
                package_uuid=package_uuid, kind=kind, schema_version=SCHEMA_VERSION,
                app_version=__version__, source_uuid=home, source_code=unit.code,
                source_name=unit.name, key_fingerprint=fingerprint, sequence=sequence,
                base_sequence=base_sequence, full=full, created_at=created,
                files=tuple(files), acks=tuple(_acks(s)) if kind == Kind.REFERENCE_DATA
                else ())
            manifest_bytes = manifest.to_bytes()
            zf.writestr(MANIFEST, manifest_bytes)
            zf.writestr(SIGNATURE, b64(private.sign(manifest_bytes)) + "\n")
    progress(len(specs), len(specs) + 1, _("Checking the package…"))
    return _Made(sequence, base_sequence, package_uuid, created, rows, sent,
                 _file_sha256(tmp), full)


def _record(db: Database, made: _Made, *, kind: str, home: uuid.UUID, dest: Path) -> None:
    """The bookkeeping of a package made, in one short write transaction."""
    with db.transaction() as s:
        if next_export_sequence(s, home) != made.sequence:
            raise _NumberTaken()
        if kind == Kind.BRANCH_EXPORT:
            # What this package carried becomes the base of later deltas once the parent
            # acknowledges it (see the module docstring of unionapp.exchange).
            Storage(s).upsert_many(
                "exchange_record", ["entity", "record_id", "pending_version",
                                    "pending_sequence"], ("entity", "record_id"),
                ["pending_version", "pending_sequence"],
                sorted((entity, record_id, version, made.sequence)
                       for record_id, entity, version, _deleted in made.sent))
        total = sum(made.rows.values())
        s.add(ExchangeLog(user=db.user, direction=EXPORT, kind=kind,
                          package_uuid=made.package_uuid, source_uuid=home,
                          sequence=made.sequence, base_sequence=made.base_sequence,
                          full=made.full,
                          sha256=made.sha, created_at=made.created, file_name=str(dest),
                          rows=total, status="written"))
        audit(s, db.user, "export", "package",
              f"package {made.sequence} ({kind}, {total} records) to {dest}",
              details={"package_uuid": str(made.package_uuid), "sha256": made.sha,
                       "sequence": made.sequence, "rows": made.rows})


def _write_entity(s: Session, spec: EntitySpec, stmt: Select[Any], writer: _HashingWriter,
                  tombstones: list[bytes], sent: list[tuple[int, str, int, bool]],
                  progress: Progress) -> int:
    """Write the rows of ``stmt`` (tombstones aside); returns how many records there were,
    and adds (local id, entity, version, deleted) of each to ``sent``. Rows come in batches
    converted column by column (quicker than value by value)."""
    encoders = _encoders(spec)
    names = [f.name for f in spec.fields] + ["base_version"]
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    at = {f.name: i for i, f in enumerate(spec.fields)}
    count = 0
    result = s.connection().execute(stmt.execution_options(yield_per=5000))
    for batch in result.partitions():
        columns = list(zip(*batch, strict=True))
        ids = columns.pop()
        for i, convert in enumerate(encoders):
            if convert is not None:
                columns[i] = tuple(map(convert, columns[i]))
        lines = []
        for values in zip(*columns, strict=True):
            obj = dict(zip(names, values, strict=True))
            if values[at["deleted_at"]] is not None:
                tombstones.append(dumps({"entity": spec.name, "row": obj}).encode() + b"\n")
            else:
                lines.append(dumps(obj))
        if lines:
            writer.write_lines(lines)
        sent.extend(zip(ids, [spec.name] * len(batch), columns[at["version"]],
                        [d is not None for d in columns[at["deleted_at"]]], strict=True))
        count += len(batch)
        progress.check()
    return count


def _acks(s: Session) -> list[Ack]:
    """For each enrolled branch, the last of its packages applied here."""
    acks = []
    for (unit_uuid,) in s.execute(select(ExchangePeer.org_unit_uuid).where(
            ExchangePeer.role == PeerRole.BRANCH).order_by(ExchangePeer.code)):
        sequence = last_applied(s, unit_uuid)
        if sequence:
            acks.append(Ack(unit_uuid, sequence))
    return acks


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _deliver(tmp: Path, dest: Path, sha: str) -> None:
    """Copy to ``dest`` (through a ``.part`` file), flush it to the device, read it back."""
    part = dest.with_name(dest.name + ".part")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("rb") as src, part.open("wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.replace(part, dest)
        copied = _file_sha256(dest)
    except OSError as error:
        part.unlink(missing_ok=True)
        raise UserError(_("Could not write {path}: {reason}").format(
            path=dest, reason=error.strerror or error)) from None
    if copied != sha:
        dest.unlink(missing_ok=True)
        raise UserError(_("The copy written to {path} does not match the package (the drive "
                          "may be faulty). It was removed; try again, or use another drive.")
                        .format(path=dest))

