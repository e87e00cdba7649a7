"""Taking a package in, always in two steps: check and preview (a dry run that writes nothing
anywhere), then commit.

Checks run in this order, and the first that fails refuses the package with a message: the
zip's directory (:mod:`.reader`), the signature of the manifest, each file's size, row count
and SHA-256, the schema version (newer major: "update the program"; older: rows migrated),
the kind of package and its sender, its place in the sender's sequence, then every row (types,
references, ownership). A refused package exits with an error and leaves the database
byte for byte as it was; the attempt goes to the log file in the data folder instead.

The commit first finds, reading only, whether the package would change anything (not already
imported, not held, not refused by the checks before merge); then a backup is made — once for
a whole batch of packages, before any write transaction, so that nobody else waits on the
write lock while the file is copied — and the package is checked again and merged in one
transaction of its own, which also writes the import log row (package UUID, hash, sequence,
summary) and one audit row. A refused package in a batch leaves the others committed. Last,
any package held for a missing predecessor that can now follow is applied in order.

Every step works on what the package names, not on the whole database it goes into: lookups
go by UUID through indexes, new records get ids in a row (their bookkeeping is appended), the
search index places the new members gap by gap, and the one backup of a batch is the only
step that reads the whole database. (What still grows with the database is the number of
index pages a package's random UUIDs land on: measured in ``bench/exchange.py``.)
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..backups import backup_before
from ..db import Database
from ..i18n import _
from ..models import ExchangeLog, PeerRole
from ..permissions import Permission, require
from ..progress import NO_PROGRESS, Progress
from . import moves
from .format import MANIFEST, SCHEMA_MAJOR, SCHEMA_MINOR, SIGNATURE, Kind, files_for
from .keys import peer_key, verify
from .manifest import Manifest, ManifestError, files_of, parse, parse_json, schema_version_of
from .manifest import signer_of as manifest_signer
from .merge import Merger, Plan, decode_files
from .reader import (
    DEFAULT_LIMITS,
    Limits,
    PackageZip,
    ReadFile,
    Refused,
    load_bytes,
    read_file,
    sha256,
    split_lines,
)
from .state import (
    IMPORT,
    apply_ack,
    audit,
    held_packages,
    hold,
    last_applied,
    log_attempt,
    no_gc,
)
from .summary import FileCheck, ImportSummary, Message, Outcome, PackageInfo, Status, status_of

# Older package schemas, by major version: each step turns a package of that version into
# one of the next (manifest content and each file's lines). None exist yet: schema 1 is the
# first; a change of major version adds its step here.
Migration = Callable[[dict[str, Any], dict[str, list[Any]]],
                     tuple[dict[str, Any], dict[str, list[Any]]]]
MIGRATIONS: dict[int, Migration] = {}


class _NothingToCommit(Exception):
    pass


@dataclass
class _Checked:
    """A package whose envelope passed every check."""

    data: bytes
    info: PackageInfo
    manifest: Manifest
    lines: dict[str, list[Any]]
    files: tuple[FileCheck, ...]
    strict: bool
    warnings: list[Message] = field(default_factory=list)
    from_held: bool = False  # a held package being applied (it is in the held folder)


def check_package(db: Database, source: Path | str | bytes, **options: Any) -> ImportSummary:
    """The dry run: everything an import would do, said and not done."""
    return import_package(db, source, dry_run=True, **options)


class Batch:
    """Packages taken in together: one backup, made just before the first write transaction
    of the batch (none at all when nothing is to be written)."""

    def __init__(self) -> None:
        self.backed_up = False
        self.backup: Path | None = None

    def ensure_backup(self, db: Database) -> Path | None:
        if not self.backed_up:
            self.backup = backup_before(db, "before-import")  # UserError: nothing imported
            self.backed_up = True
        return self.backup


def import_package(db: Database, source: Path | str | bytes, *, dry_run: bool = False,
                   file_name: str | None = None, limits: Limits = DEFAULT_LIMITS,
                   progress: Progress = NO_PROGRESS, apply_held: bool = True,
                   from_held: bool = False, batch: Batch | None = None) -> ImportSummary:
    """Check a package and, unless ``dry_run``, merge it (see the module docstring).
    ``batch``: the batch this package belongs to (its backup is made once)."""
    require(db, Permission.EXCHANGE_IMPORT)
    with no_gc():
        return _import(db, source, dry_run=dry_run, file_name=file_name, limits=limits,
                       progress=progress, apply_held=apply_held, from_held=from_held,
                       batch=batch or Batch())


def import_packages(db: Database, sources: Sequence[Path | bytes], *, dry_run: bool = False,
                    file_names: Sequence[str] | None = None, limits: Limits = DEFAULT_LIMITS,
                    progress: Progress = NO_PROGRESS) -> list[ImportSummary]:
    """Several packages (files, or bytes read before with their ``file_names``), each checked
    and applied in its own transaction, in the order given, with one backup made just before
    the first that changes anything (a parent union taking in its branches' packages of the
    month copies its database once, not each time). A package refused leaves the others as
    they are: those before it stay committed, those after it are still taken in. Meanwhile
    SQLite copies its WAL into the database file less often (``Database.batch_of_writes``):
    pages that package after package rewrites are copied once."""
    require(db, Permission.EXCHANGE_IMPORT)
    batch = Batch()
    summaries = []
    with contextlib.nullcontext() if dry_run else db.batch_of_writes():  # (see there)
        for i, source in enumerate(sources):
            progress(i, len(sources), _("Package {number} of {count}…").format(
                number=i + 1, count=len(sources)))
            summaries.append(import_package(
                db, source, dry_run=dry_run, limits=limits, batch=batch,
                file_name=file_names[i] if file_names is not None else None))
    progress(len(sources), len(sources), "")
    return summaries


def _import(db: Database, source: Path | str | bytes, *, dry_run: bool, file_name: str | None,
            limits: Limits, progress: Progress, apply_held: bool,
            from_held: bool, batch: Batch) -> ImportSummary:
    if file_name is None:
        file_name = "" if isinstance(source, bytes) else str(source)
    info = PackageInfo()
    files: tuple[FileCheck, ...] = ()
    try:
        progress(0, 0, _("Reading the package…"))
        data = source if isinstance(source, bytes) else load_bytes(Path(source), limits)
        info = replace(info, sha256=sha256(data))
        checked = _read_and_verify(db, data, info, limits, progress)
    except Refused as refusal:
        files = getattr(refusal, "files", ())
        info = getattr(refusal, "info", info)
        summary = ImportSummary(
            status=Status.ERROR, dry_run=dry_run, outcome=Outcome.REFUSED, file_name=file_name,
            package=info, files=files, errors=(Message(refusal.code, refusal.message,
                                                       file=refusal.file, line=refusal.line),))
        _log(summary, dry_run)
        return summary
    checked.from_held = from_held
    if dry_run:
        with db.read() as s:
            return _run(db, s, checked, file_name, dry_run=True, progress=progress,
                        backup=None)
    # Reading only: is there anything to write? (Already imported, held, refused: no backup,
    # no write lock.)
    with db.read() as s:
        early = _early_summary(s, db, checked, file_name)
    if early is None:
        backup = batch.ensure_backup(db)
        try:
            with db.transaction() as s:
                summary = _run(db, s, checked, file_name, dry_run=False, progress=progress,
                               backup=backup)
                if summary.outcome != Outcome.COMMITTED:
                    raise _NothingToCommit()
        except _NothingToCommit:
            pass  # nothing was written; the transaction is rolled back all the same
        except IntegrityError as error:
            # A rule of the database the checks did not foresee: everything is rolled back.
            summary = ImportSummary(
                status=Status.ERROR, dry_run=False, outcome=Outcome.REFUSED,
                file_name=file_name, package=checked.info, files=checked.files,
                errors=(Message("database_rule", _(
                    "The package clashes with records already here ({detail}); it is refused "
                    "and nothing was changed.").format(detail=str(error.orig)[:200])),))
    else:
        summary = early
    _log(summary, dry_run)
    if summary.outcome == Outcome.HELD and not summary.refused:
        home = db.home_unit_uuid
        assert home is not None
        hold(home, checked.manifest.source_uuid, checked.manifest.sequence, checked.info.sha256,
             checked.data)
    if summary.outcome == Outcome.COMMITTED and apply_held:
        applied = _apply_held(db, checked.manifest.source_uuid, limits, progress, batch)
        if applied:
            summary = replace(summary, held_applied=tuple(applied))
    return summary


def _log(summary: ImportSummary, dry_run: bool) -> None:
    if not dry_run and summary.outcome != Outcome.COMMITTED:
        log_attempt({"file": summary.file_name, "sha256": summary.package.sha256,
                     "package": summary.package.uuid, "source": summary.package.source_code,
                     "sequence": summary.package.sequence, "status": summary.status,
                     "outcome": summary.outcome,
                     "errors": [e.as_json() for e in summary.errors[:20]],
                     "warnings": [w.as_json() for w in summary.warnings]})


def _refuse(code: str, message: str, info: PackageInfo,
            files: tuple[FileCheck, ...] = ()) -> Refused:
    refusal = Refused(code, message)
    refusal.info = info  # type: ignore[attr-defined]
    refusal.files = files  # type: ignore[attr-defined]
    return refusal


def _read_and_verify(db: Database, data: bytes, info: PackageInfo, limits: Limits,
                     progress: Progress) -> _Checked:
    package = PackageZip(data, limits)
    names = set(package.names)
    if MANIFEST not in names:
        raise _refuse("no_manifest", _("This is not a data package of this program (it has no "
                                       "manifest)."), info)
    if SIGNATURE not in names:
        raise _refuse("not_signed", _("The package is not signed; it is refused."), info)
    manifest_bytes = package.read_small(MANIFEST, limits.max_manifest_bytes)
    signature_text = package.read_small(SIGNATURE, limits.max_signature_bytes)
    try:
        content = parse_json(manifest_bytes)
        signer = manifest_signer(content)
    except ManifestError as error:
        raise _refuse("bad_manifest", _("The package's manifest is not valid: {reason}.").format(
            reason=error), info) from None
    source = content.get("source") if isinstance(content.get("source"), dict) else {}
    info = replace(info, source_uuid=str(signer), source_code=str(source.get("code", ""))[:40],
                   source_name=str(source.get("name", ""))[:300],
                   uuid=str(content.get("package_uuid", ""))[:40] or None,
                   kind=str(content.get("kind", ""))[:30] or None,
                   sequence=_int_or_none(content.get("sequence")),
                   base_sequence=_int_or_none(content.get("base_sequence")),
                   schema_version=str(content.get("schema_version", ""))[:20] or None,
                   app_version=str(content.get("app_version", ""))[:40],
                   created_at=str(content.get("created_at", ""))[:40] or None,
                   full=content.get("full") if isinstance(content.get("full"), bool) else None,
                   key_fingerprint=str(content.get("key_fingerprint", ""))[:50])

    # 1. The signature, with the key enrolled for the unit the manifest names.
    with db.read() as s:
        peer = peer_key(s, signer)
        peer_role = peer.role if peer else None
        peer_key_b64 = peer.public_key if peer else ""
        peer_fingerprint = peer.fingerprint if peer else ""
    if signer == db.home_unit_uuid:
        raise _refuse("own_package", _("This package was made by this database itself."), info)
    if peer is None:
        info = replace(info, signature="unknown_key")
        left = moves.former_parent(db, signer, info.source_code)  # a parent this union left
        if left is not None:
            raise _refuse(left.code, left.message, info)
        raise _refuse("unknown_key", _(
            "The package is signed by {code} — {name}, whose key is not enrolled here. Ask them "
            "for their public key file, check its fingerprint by phone, and enrol it "
            "(File ▸ Signing keys, or: unionapp keys trust FILE --org-unit CODE).").format(
            code=info.source_code or "?", name=info.source_name or "?"), info)
    try:
        signature = base64.b64decode(signature_text.strip(), validate=True)
    except (binascii.Error, ValueError):
        signature = b""
    if len(signature) != 64 or not verify(peer_key_b64, signature, manifest_bytes):
        info = replace(info, signature="invalid")
        if info.key_fingerprint and info.key_fingerprint != peer_fingerprint:
            message = _("The package is signed with another key than the one enrolled for "
                        "{code} ({fingerprint}). If they made a new key, check its fingerprint "
                        "by phone and enrol it again.").format(code=info.source_code,
                                                               fingerprint=peer_fingerprint)
        else:
            message = _("The signature does not match the package: the file was altered or "
                        "forged. It is refused.")
        raise _refuse("bad_signature", message, info)
    info = replace(info, signature="valid", key_fingerprint=peer_fingerprint)

    # 2. Every entry the manifest names, and nothing else; sizes, row counts and hashes.
    try:
        entries = files_of(content)
    except ManifestError as error:
        if _newer_major(content):
            raise _newer(info) from None
        raise _refuse("bad_manifest", _("The package's manifest is not valid: {reason}.").format(
            reason=error), info) from None
    listed = [e.path for e in entries]
    expected = {MANIFEST, SIGNATURE, *listed}
    if len(set(listed)) != len(listed) or MANIFEST in listed or SIGNATURE in listed:
        raise _refuse("bad_manifest", _("The manifest lists a file twice."), info)
    extra = sorted(names - expected)
    if extra:
        raise _refuse("extra_entry", _("The package holds a file its manifest does not list "
                                       "({name}); it is refused.").format(name=extra[0]), info)
    missing = sorted(expected - names)
    if missing:
        raise _refuse("missing_entry", _("A file listed in the manifest is missing from the "
                                         "package ({name}); it is refused.").format(
            name=missing[0]), info)
    # Each file is read only up to its signed size, hashed as it comes, and checked before
    # the next is read: a file swapped for a bigger one is refused at its first extra byte.
    reads: list[ReadFile] = []
    checks: list[FileCheck] = []
    for i, entry in enumerate(entries):
        progress(i, len(entries), _("Checking {name}…").format(name=entry.path))
        try:
            read = read_file(package, entry.path, entry.bytes)
        except Refused as refusal:
            if refusal.code != "hash_mismatch":
                raise
            checks.append(FileCheck(entry.path, entry.entity, entry.rows, 0, entry.bytes,
                                    package.infos[entry.path].file_size, False))
            raise _refuse(refusal.code, refusal.message, info, tuple(checks)) from None
        reads.append(read)
        check = FileCheck(entry.path, entry.entity, entry.rows, read.rows, entry.bytes,
                          read.bytes, read.sha256 == entry.sha256)
        checks.append(check)
        if not check.sha256_ok or check.read_bytes != check.declared_bytes:
            raise _refuse("hash_mismatch", _(
                "The content of {name} differs from what the sender signed (the file was damaged "
                "or altered); it is refused.").format(name=check.path), info, tuple(checks))
        if check.read_rows != check.declared_rows:
            raise _refuse("row_count_mismatch", _(
                "{name} has {read} rows but its manifest says {declared}; it is refused.").format(
                name=check.path, read=check.read_rows, declared=check.declared_rows),
                info, tuple(checks))
    files = tuple(checks)

    lines = {read.path: split_lines(read, limits.max_line_bytes) for read in reads}
    del reads

    # 3. The schema version.
    warnings: list[Message] = []
    major, minor = _version(content, info, files)
    if major > SCHEMA_MAJOR:
        raise _newer(info, files)
    while major < SCHEMA_MAJOR:
        step = MIGRATIONS.get(major)
        if step is None:
            raise _refuse("old_schema", _("The package was made by a much older version of the "
                                          "program (format {version}), which this one no longer "
                                          "reads. Ask for a new package.").format(
                version=info.schema_version), info, files)
        content, lines = step(content, lines)
        major, minor = _version(content, info, files)
    strict = minor <= SCHEMA_MINOR
    if not strict:
        warnings.append(Message("newer_minor", _(
            "The package was made by a newer version of the program; information this version "
            "does not know is left out. Update the program when you can.")))
    try:
        manifest = parse(content)
    except ManifestError as error:
        raise _refuse("bad_manifest", _("The package's manifest is not valid: {reason}.").format(
            reason=error), info, files) from None

    # 4. The kind of package, its sender's role here, and its layout.
    parent_mode = db.mode == "parent"
    if parent_mode and manifest.kind != Kind.BRANCH_EXPORT:
        raise _refuse("wrong_kind", _("This package holds a parent union's reference data; a "
                                      "parent union's database does not take it."), info, files)
    if not parent_mode and manifest.kind != Kind.BRANCH_EXPORT and peer_role != PeerRole.PARENT:
        raise _refuse("wrong_kind", _("This package is not from this branch's parent union."),
                      info, files)
    if not parent_mode and manifest.kind == Kind.BRANCH_EXPORT:
        raise _refuse("wrong_kind", _("This is a branch's package: import it into the parent "
                                      "union's database, not into a branch's."), info, files)
    if parent_mode and peer_role != PeerRole.BRANCH:
        raise _refuse("wrong_kind", _("{code} is not enrolled here as a branch.").format(
            code=info.source_code), info, files)
    layout = files_for(manifest.kind)
    known = [e for e in manifest.files if e.path in layout]
    misplaced = [e.path for e in known] != layout or any(
        e.path != f"data/{e.entity}.jsonl" and e.path != layout[-1] for e in known)
    if misplaced and (strict or not set(layout) <= {e.path for e in manifest.files}):
        raise _refuse("bad_manifest", _("The package's files are not the ones a package of "
                                        "this kind has."), info, files)
    return _Checked(data, info, manifest, lines, files, strict, warnings)


def _int_or_none(value: Any) -> int | None:
    return value if type(value) is int else None


def _newer_major(content: dict[str, Any]) -> bool:
    try:
        return schema_version_of(content)[0] > SCHEMA_MAJOR
    except ManifestError:
        return False


def _newer(info: PackageInfo, files: tuple[FileCheck, ...] = ()) -> Refused:
    return _refuse("newer_schema", _(
        "The package was made by a newer version of the program (format {version}). Update "
        "the program to import it.").format(version=info.schema_version), info, files)


def _version(content: dict[str, Any], info: PackageInfo,
             files: tuple[FileCheck, ...]) -> tuple[int, int]:
    try:
        return schema_version_of(content)
    except ManifestError as error:
        raise _refuse("bad_manifest", _("The package's manifest is not valid: {reason}.").format(
            reason=error), info, files) from None


# --- sequence, rows, merge -------------------------------------------------------------------


# How far beyond the last package applied from a source the next may be numbered: packages
# made and never sent (tests, lost sticks) leave gaps, but not of thousands. A larger number
# is a forgery or a mistake, and taking it would make every later real package look old.
MAX_SEQUENCE_STEP = 1000


def checks_before_merge(s: Session, db: Database, checked: _Checked) -> tuple[str | None,
                                                                             Message | None]:
    """Everything decided about a package before its rows are looked at, reading only:
    (outcome, message) when it is not simply the next to merge — already imported, older
    than what arrived, held for a missing predecessor, or refused. The one place for checks
    of this kind (a package from a branch that left, …)."""
    return _sequence_outcome(s, db, checked)


def _early_summary(s: Session, db: Database, checked: _Checked,
                   file_name: str) -> ImportSummary | None:
    """The summary of a package that will not be merged (None: it is to be merged)."""
    outcome, message = checks_before_merge(s, db, checked)
    if outcome is None:
        return None
    assert message is not None
    base = dict(dry_run=False, file_name=file_name, package=checked.info, files=checked.files)
    if outcome == Outcome.REFUSED:
        return ImportSummary(status=Status.ERROR, outcome=outcome, errors=(message,), **base)
    return ImportSummary(status=Status.WARNING, outcome=outcome,
                         warnings=(*checked.warnings, message), **base)


def _sequence_outcome(s: Session, db: Database, checked: _Checked) -> tuple[str | None,
                                                                            Message | None]:
    """Where the package sits in its sender's sequence: (outcome, message) when it is not
    simply the next to apply."""
    m = checked.manifest
    sha = checked.info.sha256
    logged = s.scalar(select(ExchangeLog).where(ExchangeLog.package_uuid == m.package_uuid))
    if logged is not None:
        if logged.sha256 == sha:
            return Outcome.ALREADY_IMPORTED, Message("already_imported", _(
                "This package ({code}, number {sequence}) was already imported on {date}; "
                "nothing changed.").format(code=m.source_code, sequence=m.sequence,
                                           date=logged.at.astimezone().strftime("%d/%m/%Y")))
        return Outcome.REFUSED, Message("same_package_other_content", _(
            "A package with this identity but different content was already imported; this "
            "file is refused."))
    applied = last_applied(s, m.source_uuid)
    if m.sequence > applied + MAX_SEQUENCE_STEP:
        return Outcome.REFUSED, Message("implausible_sequence", _(
            "The package says it is number {sequence} from {code}, but the last one imported "
            "from {code} is number {last}: no real package jumps that far. It is refused; ask "
            "{code} for a new package.").format(sequence=m.sequence, code=m.source_code,
                                                last=applied))
    same = s.scalar(select(ExchangeLog).where(ExchangeLog.direction == IMPORT,
                                              ExchangeLog.source_uuid == m.source_uuid,
                                              ExchangeLog.sequence == m.sequence))
    if same is not None:
        return Outcome.REFUSED, _same_sequence(m)
    home = db.home_unit_uuid
    assert home is not None
    for number, short, _path in held_packages(home, m.source_uuid):
        if number == m.sequence and not checked.from_held:
            if sha.startswith(short):
                return Outcome.HELD, Message("already_held", _(
                    "This package is already held, waiting for package number {first} from "
                    "{code}.").format(first=applied + 1, code=m.source_code))
            return Outcome.REFUSED, _same_sequence(m)
    if m.sequence <= applied:
        return Outcome.SUPERSEDED, Message("superseded", _(
            "Package number {sequence} from {code} is older than number {last}, already "
            "imported, which carried its content; nothing changed.").format(
            sequence=m.sequence, code=m.source_code, last=applied))
    if m.base_sequence > applied:
        return Outcome.HELD, Message("sequence_gap", _(
            "Packages {first} to {last} from {code} have not been imported yet. This package "
            "(number {sequence}) is held and will be applied after them; ask {code} for the "
            "missing ones, or for a full export.").format(
            first=applied + 1, last=m.base_sequence, code=m.source_code, sequence=m.sequence))
    return None, None


def _same_sequence(m: Manifest) -> Message:
    return Message("same_sequence_other_content", _(
        "Package number {sequence} from {code} was already received with different content; "
        "this file is refused. Ask {code} what happened (a database restored from an old "
        "backup?) and for a full export.").format(sequence=m.sequence, code=m.source_code))


def _run(db: Database, s: Session, checked: _Checked, file_name: str, *, dry_run: bool,
         progress: Progress, backup: Path | None) -> ImportSummary:
    m = checked.manifest
    base = dict(dry_run=dry_run, file_name=file_name, package=checked.info, files=checked.files)
    outcome, message = checks_before_merge(s, db, checked)
    if outcome == Outcome.REFUSED:
        assert message is not None
        return ImportSummary(status=Status.ERROR, outcome=outcome, errors=(message,), **base)
    if outcome is not None:
        assert message is not None
        return ImportSummary(status=Status.WARNING, outcome=outcome,
                             warnings=(*checked.warnings, message), **base)

    plan = Plan()
    frames = decode_files(m, checked.lines, plan, strict=checked.strict)
    checked.lines = {}  # the frames hold it all now: let the parsed lines go
    refused, handed_over = moves.before_merge(s, db, m, frames, plan)  # branches that moved
    if refused is not None:
        return ImportSummary(status=Status.ERROR, outcome=Outcome.REFUSED, errors=(refused,),
                             **base)
    merger = Merger(s, m, frames, plan, progress=progress)
    merger.handed_over = handed_over
    merger.referable = moves.transferred_away(s, m)  # members it sent to another branch
    if plan.problem_count == 0:
        merger.plan_merge()
    warnings = list(checked.warnings) + plan.warnings
    if plan.problem_count:
        errors = list(plan.problems)
        if plan.problem_count > len(errors):
            errors.append(Message("more_errors", _("… and {count} more problems.").format(
                count=plan.problem_count - len(errors))))
        errors.insert(0, Message("rejected_rows", _(
            "{count} records of the package are not acceptable; the package is refused and "
            "nothing was changed.").format(count=plan.problem_count)))
        return ImportSummary(status=Status.ERROR, outcome=Outcome.REFUSED,
                             entities=plan.counts, errors=tuple(errors),
                             warnings=tuple(warnings), **base)
    conflicts = plan.conflict_summaries()
    notes: list[Message] = []
    if dry_run:
        return ImportSummary(status=status_of((), warnings, conflicts), outcome=Outcome.CHECKED,
                             entities=plan.counts, conflicts=conflicts,
                             warnings=tuple(warnings), **base)

    if backup is None:
        warnings.append(Message("no_backup", _("No backup was made: this database is on a "
                                               "server, whose own backups protect it.")))
    merger.apply(package_uuid=m.package_uuid)
    notes.extend(moves.after_merge(s, db, m))  # a move made by the parent union
    home = db.home_unit_uuid
    for ack in m.acks:
        if ack.org_unit_uuid == home:
            assert home is not None
            if apply_ack(s, home, ack.sequence):
                notes.append(Message("acknowledged", _(
                    "{code} confirms it has imported our packages up to number {sequence}; "
                    "the next export carries only what changed since.").format(
                    code=m.source_code, sequence=ack.sequence)))
    summary = ImportSummary(status=status_of((), warnings, conflicts),
                            outcome=Outcome.COMMITTED, entities=plan.counts, conflicts=conflicts,
                            warnings=tuple(warnings), notes=tuple(notes),
                            backup_file=str(backup) if backup else None, **base)
    total = sum(sum(c.as_json().values()) for c in plan.counts.values())
    s.add(ExchangeLog(user=db.user, direction=IMPORT, kind=m.kind, package_uuid=m.package_uuid,
                      source_uuid=m.source_uuid, sequence=m.sequence,
                      base_sequence=m.base_sequence, full=m.full, sha256=checked.info.sha256,
                      created_at=m.created_at, file_name=file_name[:500],
                      backup_file=str(backup or "")[:500], rows=total, status="applied",
                      summary=summary.as_json()))
    audit(s, db.user, "import", "package",
          f"package {m.sequence} from {m.source_code}: +{summary.total('created')} "
          f"~{summary.total('updated')} -{summary.total('deleted')} conflicts {len(conflicts)}",
          details={"package_uuid": str(m.package_uuid), "sha256": checked.info.sha256,
                   "sequence": m.sequence, "source": str(m.source_uuid)})
    return summary


def _apply_held(db: Database, source: uuid.UUID, limits: Limits,
                progress: Progress, batch: Batch) -> list[ImportSummary]:
    """Packages held for ``source`` that can follow now, in order (part of the same batch:
    no second backup)."""
    home = db.home_unit_uuid
    assert home is not None
    applied: list[ImportSummary] = []
    for _number, _short, path in held_packages(home, source):
        summary = import_package(db, path, limits=limits, progress=progress, apply_held=False,
                                 file_name=str(path), from_held=True, batch=batch)
        if summary.outcome == Outcome.HELD and not summary.refused:
            break  # still waiting for an earlier one
        path.unlink(missing_ok=True)
        if summary.outcome == Outcome.COMMITTED:
            applied.append(summary)
    return applied
