"""Members moving between branches (chuyển sinh hoạt công đoàn): the member keeps one UUID and
both histories.

Out
    :func:`transfer_out` records a dated "transfer out" for each member (status
    ``transferred_out``, the destination named), and in the same transaction writes the letter
    (:mod:`unionapp.transfer_letter`) and a transfer file: a zip holding the members, their
    relatives and their movements, with a manifest signed by this branch's Ed25519 key (the
    key of :mod:`unionapp.exchange.keys`).

In
    The receiving branch enrols the sender's public key once (``keys trust FILE --org-unit
    CODE``, a "peer" branch), then :func:`transfer_in` checks the file as the exchange checks a
    package — read in memory with the same safe zip reader, signature, hashes, every row — and
    refuses a file meant for another branch. The members arrive with their UUIDs, relatives and
    past movements, and a "transfer in" from the sender. The same file twice changes nothing.
    :func:`transfer_in_by_letter` records a member coming from a branch that does not use the
    program, from the letter's data, with the same movement.

A parent union that holds both branches keeps one record of the member: see
:mod:`unionapp.exchange.moves`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import os
import re
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .backups import backup_before
from .bulk import audit_summary
from .db import Database
from .errors import NotFound, UserError, ValidationError
from .i18n import _
from .labels import GENDER_JSON, MEMBER_STATUS, label
from .letterhead import issuer_in
from .members import MemberInput, validate_member
from .models import (
    ExchangeLog,
    Member,
    MemberRelative,
    MemberStatus,
    Movement,
    MovementKind,
    OrgKind,
    OrgUnit,
    utcnow,
)
from .org import subtree
from .permissions import Permission, require
from .reorg import code_key
from .text import clean, format_birth, format_date

FORMAT = "unionapp-member-transfer"
VERSION = 1
MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"
ENTITIES = ("member", "member_relative", "movement")
DIRECTION = "transfer"  # in the exchange log, beside the packages' export / import
LETTER_SUFFIX = "GGT-CĐCS"
MAX_FILE = 32 * 1024 * 1024
MAX_MEMBERS = 5_000


def _file(entity: str) -> str:
    return f"data/{entity}.jsonl"


# --- values in the file ----------------------------------------------------------------------


def _wire(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind in ("uuid", "ref"):
        return str(value)
    if kind == "date":
        return value.isoformat()
    if kind == "datetime":
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
    return value


def _rows(s: Session, entity: str, objects: Iterable[Any]) -> list[dict[str, Any]]:
    """Records as the exchange writes them (references by UUID)."""
    from .exchange.format import BY_NAME

    spec = BY_NAME[entity]
    uuids: dict[str, dict[int, uuid.UUID]] = {}
    out = []
    for obj in objects:
        row = {}
        for f in spec.fields:
            value = getattr(obj, f.column)
            if f.is_ref and value is not None:
                target = f.target or ""
                if target not in uuids:
                    table = BY_NAME[target].table
                    uuids[target] = dict(s.execute(select(table.c.id, table.c.uuid)).all())
                value = uuids[target][value]
            row[f.name] = _wire(f.kind, value)
        row["base_version"] = None
        out.append(row)
    return out


# --- out ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransferredMember:
    uuid: uuid.UUID
    full_name: str
    letter_number: str
    action: str = ""  # on arrival: created / returned


@dataclass(frozen=True)
class TransferOutResult:
    transfer_uuid: uuid.UUID
    file: Path
    letter: Path | None
    to_code: str
    to_name: str
    on: date
    sha256: str
    members: tuple[TransferredMember, ...]

    def as_json(self) -> dict[str, Any]:
        return {"transfer_uuid": str(self.transfer_uuid), "file": str(self.file),
                "letter": str(self.letter) if self.letter else None,
                "to_branch_code": self.to_code, "to_branch_name": self.to_name,
                "on": self.on.isoformat(), "sha256": self.sha256,
                "members": [{"uuid": str(m.uuid), "full_name": m.full_name,
                             "letter_number": m.letter_number,
                             "status": MemberStatus.TRANSFERRED_OUT} for m in self.members]}

    def text(self) -> str:
        lines = [_("{count} members transferred out to {to} on {date}.").format(
            count=len(self.members), to=self.to_name or self.to_code, date=format_date(self.on))]
        lines += [f"  {m.letter_number}\t{m.full_name}" for m in self.members]
        lines.append(_("Transfer file (give it to the receiving branch): {path}").format(
            path=self.file))
        if self.letter:
            lines.append(_("Letters to print and sign: {path}").format(path=self.letter))
        return "\n".join(lines)


def _letter_numbers(s: Session, year: int, count: int) -> list[str]:
    """The next letter numbers of the year: ``n/GGT-CĐCS``, n from 1 each year."""
    used = s.scalars(select(Movement.decision_ref).where(
        Movement.kind == MovementKind.TRANSFER_OUT,
        Movement.occurred_on >= date(year, 1, 1), Movement.occurred_on <= date(year, 12, 31),
        Movement.decision_ref.like(f"%/{LETTER_SUFFIX}"),
        Movement.owner_uuid == s.info.get("home_unit_uuid")))
    last = max((int(m.group(1)) for ref in used if (m := re.match(r"(\d+)/", ref))), default=0)
    return [f"{last + i}/{LETTER_SUFFIX}" for i in range(1, count + 1)]


def transfer_out(db: Database, member_uuids: Sequence[uuid.UUID], *, to_branch_code: str,
                 out: Path, to_branch_name: str = "", letter: Path | None = None,
                 on: date | None = None, reason: str = "", signer_name: str = "",
                 today: date | None = None) -> TransferOutResult:
    """Transfer ``member_uuids`` to the branch ``to_branch_code`` on ``on`` (today): their
    status becomes "transferred out", the signed transfer file is written to ``out`` and,
    with ``letter``, the letters to sign. All or nothing."""
    from .exchange.keys import own_public, signing_key
    from .transfer_letter import Letter, write_letters

    require(db, Permission.MEMBERS_TRANSFER)
    today = today or date.today()
    on = on or today
    code, to_name = clean(to_branch_code), clean(to_branch_name)
    if not code:
        raise UserError(_("Give the code of the branch the members transfer to."))
    if on > today:
        raise UserError(_("The date of a movement can't be in the future."))
    wanted = list(dict.fromkeys(member_uuids))
    if not wanted:
        raise UserError(_("Choose the members who transfer."))
    if len(wanted) > MAX_MEMBERS:
        raise UserError(_("At most {count} members can transfer in one file.").format(
            count=MAX_MEMBERS))
    if out.is_dir() or (letter is not None and letter.is_dir()):
        raise UserError(_("{path} is a folder; choose a file name.").format(
            path=out if out.is_dir() else letter))
    home_uuid = db.home_unit_uuid
    if home_uuid is None or db.mode == "parent":
        raise UserError(_("Members transfer between branches: this is not a branch's "
                          "database."))
    private = signing_key(db)  # before anything changes: no key, no transfer
    key = own_public(db)
    assert key is not None
    if code_key(code) == code_key(key.code):
        raise UserError(_("The members are already in this union ({code}).").format(code=code))
    transfer = uuid.uuid4()
    written: list[Path] = []
    try:
        with db.transaction() as s:
            home = s.scalar(select(OrgUnit).where(OrgUnit.uuid == home_uuid))
            assert home is not None
            to_name = to_name or code
            chosen = []
            for member_uuid in wanted:
                member = s.scalar(select(Member).where(Member.uuid == member_uuid,
                                                       Member.deleted_at.is_(None)))
                if member is None:
                    raise NotFound(_("No such member."))
                if member.status != MemberStatus.ACTIVE:
                    raise UserError(_("{name} is “{status}”: only an active member transfers "
                                      "out.").format(name=member.full_name,
                                                     status=label(MEMBER_STATUS, member.status)))
                last = s.scalar(select(func.max(Movement.occurred_on)).where(
                    Movement.member_id == member.id, Movement.deleted_at.is_(None)))
                if last is not None and on < last:
                    raise UserError(_("{name}: the date is before the member's last recorded "
                                      "movement ({date}).").format(name=member.full_name,
                                                                   date=format_date(last)))
                chosen.append(member)
            numbers = _letter_numbers(s, on.year, len(chosen))
            # The receiving branch, when it is known here (enrolled as a peer): by identity.
            known = s.scalar(select(OrgUnit.uuid).where(OrgUnit.code == code,
                                                        OrgUnit.kind == OrgKind.BRANCH))
            moved = []
            for member, number in zip(chosen, numbers, strict=True):
                s.add(Movement(member=member, kind=MovementKind.TRANSFER_OUT, occurred_on=on,
                               from_unit=member.org_unit.name, to_unit=to_name,
                               decision_ref=number, note=clean(reason),
                               other_unit_code=code, other_unit_uuid=known))
                member.status = MemberStatus.TRANSFERRED_OUT
                moved.append(TransferredMember(member.uuid, member.full_name, number))
            s.flush()
            ids = [m.id for m in chosen]
            relatives = s.scalars(select(MemberRelative).where(
                MemberRelative.member_id.in_(ids), MemberRelative.deleted_at.is_(None))
                .order_by(MemberRelative.id)).all()
            movements = s.scalars(select(Movement).where(
                Movement.member_id.in_(ids), Movement.deleted_at.is_(None))
                .order_by(Movement.occurred_on, Movement.id)).all()
            content = {"member": _rows(s, "member", chosen),
                       "member_relative": _rows(s, "member_relative", relatives),
                       "movement": _rows(s, "movement", movements)}
            data = _zip(content, {
                "format": FORMAT, "version": VERSION, "transfer_uuid": str(transfer),
                "created_at": datetime.now(UTC).isoformat(),
                "from": {"uuid": str(home.uuid), "code": home.code, "name": home.name,
                         "place": home.place},
                "to": {"code": code, "name": to_name,
                       "uuid": str(known) if known else None},
                "on": on.isoformat(), "reason": clean(reason),
                "key_fingerprint": key.fingerprint}, private)
            _write(out, data)
            written.append(out)
            if letter is not None:
                people = {m.id: m for m in chosen}
                write_letters(letter, Letter(
                    issuer=issuer_in(s, home.uuid, on), place=home.place, day=on,
                    to_name=to_name, reason=clean(reason), signer_name=clean(signer_name)
                    or _chair(s), members=[_letter_member(people[m.id], n.letter_number)
                                           for m, n in zip(chosen, moved, strict=True)]))
                written.append(letter)
            sha = hashlib.sha256(data).hexdigest()
            audit_summary(s, user=s.info.get("user", db.user), action="transfer_out",
                          entity="member", summary=f"{len(chosen)} members to {code}",
                          details={"transfer_uuid": str(transfer), "to": code,
                                   "members": [str(m.uuid) for m in moved], "sha256": sha})
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return TransferOutResult(transfer, out, letter, code, to_name, on, sha, tuple(moved))


def _chair(s: Session) -> str:
    return s.scalar(select(Member.full_name).where(
        Member.union_role == "Chủ tịch", Member.status == MemberStatus.ACTIVE,
        Member.deleted_at.is_(None)).limit(1)) or ""


def _letter_member(m: Member, number: str) -> Any:
    from .transfer_letter import LetterMember

    return LetterMember(number=number, full_name=m.full_name,
                        gender=GENDER_JSON.get(m.gender or "", ""),
                        birth=format_birth(m.date_of_birth, m.birth_year),
                        ethnicity=m.ethnicity, hometown=m.hometown,
                        national_id=m.national_id or "", joined_on=m.joined_on,
                        card_number=m.card_number, group=m.org_unit.name,
                        job_title=m.job_title, union_role=m.union_role)


def _zip(content: dict[str, list[dict[str, Any]]], manifest: dict[str, Any],
         private: Any) -> bytes:
    """The file's bytes: data files, then the manifest listing them, then its signature."""
    from .exchange.keys import b64

    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    buffer = io.BytesIO()
    files = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for entity in ENTITIES:
            body = "".join(dumps(row) + "\n" for row in content[entity]).encode("utf-8")
            zf.writestr(_file(entity), body)
            files.append({"path": _file(entity), "entity": entity, "rows": len(content[entity]),
                          "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()})
        manifest_bytes = json.dumps({**manifest, "files": files}, ensure_ascii=False,
                                    indent=2).encode("utf-8")
        zf.writestr(MANIFEST, manifest_bytes)
        zf.writestr(SIGNATURE, b64(private.sign(manifest_bytes)) + "\n")
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> None:
    """Through a ``.part`` file, flushed to the device, read back and compared."""
    part = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with part.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(part, path)
        same = path.read_bytes() == data
    except OSError as error:
        part.unlink(missing_ok=True)
        raise UserError(_("Could not write {path}: {reason}").format(
            path=path, reason=error.strerror or error)) from None
    if not same:
        path.unlink(missing_ok=True)
        raise UserError(_("The copy written to {path} does not match the package (the drive "
                          "may be faulty). It was removed; try again, or use another drive.")
                        .format(path=path))


# --- in ------------------------------------------------------------------------------------------


class Outcome:
    CHECKED = "checked"
    COMMITTED = "committed"
    ALREADY_IMPORTED = "already_imported"


@dataclass(frozen=True)
class TransferInSummary:
    outcome: str
    dry_run: bool
    transfer_uuid: str
    from_code: str
    from_name: str
    to_code: str
    on: str
    members: tuple[TransferredMember, ...]
    relatives: int
    movements: int
    file_name: str
    backup_file: str | None = None
    notes: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        return {"status": "ok", "outcome": self.outcome, "dry_run": self.dry_run,
                "transfer_uuid": self.transfer_uuid, "from_branch_code": self.from_code,
                "from_branch_name": self.from_name, "to_branch_code": self.to_code,
                "on": self.on, "file": self.file_name, "backup_file": self.backup_file,
                "members": [{"uuid": str(m.uuid), "full_name": m.full_name,
                             "letter_number": m.letter_number, "action": m.action}
                            for m in self.members],
                "relatives": self.relatives, "movements": self.movements,
                "notes": list(self.notes)}

    def text(self) -> str:
        head = {Outcome.CHECKED: _("Checked: the transfer can be imported (nothing was written "
                                   "yet)."),
                Outcome.COMMITTED: _("Imported."),
                Outcome.ALREADY_IMPORTED: _("This transfer file was already imported; nothing "
                                            "changed.")}[self.outcome]
        lines = [head, _("{count} members from {code} — {name}, transferred on {date}.").format(
            count=len(self.members), code=self.from_code, name=self.from_name,
            date=format_date(date.fromisoformat(self.on)))]
        lines += [f"  {m.full_name}" for m in self.members]
        lines += list(self.notes)
        return "\n".join(lines)


@dataclass
class _Read:
    sha256: str
    manifest: dict[str, Any]
    rows: dict[str, list[tuple[dict[str, Any], int]]]  # canonical values, file line
    sender: uuid.UUID
    transfer: uuid.UUID
    on: date


def _refused(message: str) -> UserError:
    return UserError(message + " " + _("Nothing was imported."))


def read_transfer(db: Database, path: Path) -> _Read:
    """The file, checked before anything is believed: size, zip, signature with the sender's
    enrolled key, each file's hash, every row; refuses a file meant for another branch."""
    from .exchange.format import BY_NAME, decode_row
    from .exchange.keys import peer_key, verify
    from .exchange.reader import Limits, PackageZip, Refused, load_bytes, read_file, split_lines

    limits = Limits(max_package_bytes=MAX_FILE, max_entries=8, max_manifest_bytes=256 * 1024)
    try:
        data = load_bytes(path, limits)
        package = PackageZip(data, limits)
        names = set(package.names)
        expected = {MANIFEST, SIGNATURE, *(_file(e) for e in ENTITIES)}
        if names != expected:
            raise _refused(_("{path} is not a member transfer file of this program.").format(
                path=path))
        manifest_bytes = package.read_small(MANIFEST, limits.max_manifest_bytes)
        signature_text = package.read_small(SIGNATURE, limits.max_signature_bytes)
        manifest = json.loads(manifest_bytes.decode("utf-8"))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _refused(_("{path} is not a member transfer file of this program.").format(
                path=path))
        if manifest.get("version") != VERSION:
            raise _refused(_("The transfer file was made by another version of the program "
                             "(format {version}). Update the program.").format(
                version=str(manifest.get("version"))[:10]))
        source, target = manifest["from"], manifest["to"]
        sender = uuid.UUID(str(source["uuid"]))
        transfer = uuid.UUID(str(manifest["transfer_uuid"]))
        on = date.fromisoformat(str(manifest["on"]))
        sender_code, sender_name = clean(str(source["code"]))[:40], clean(str(source["name"]))
        to_code, to_name = clean(str(target["code"]))[:40], clean(str(target.get("name", "")))
        entries = {str(e["path"]): e for e in manifest["files"]}
    except Refused as refusal:
        raise _refused(refusal.message) from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError):
        raise _refused(_("{path} is not a member transfer file of this program.").format(
            path=path)) from None
    home = db.home_unit_uuid
    with db.read() as s:
        unit = s.scalar(select(OrgUnit).where(OrgUnit.uuid == home))
        peer = peer_key(s, sender)
        peer_public = peer.public_key if peer else ""
    if unit is None:
        raise NotFound(_("This database has not been set up yet: run unionapp init."))
    to_uuid = target.get("uuid")
    if code_key(to_code) != code_key(unit.code) or db.mode == "parent" or (
            to_uuid and str(to_uuid) != str(unit.uuid)):
        raise _refused(_("This transfer file is for {code} — {name}, not for this union "
                         "({own}).").format(code=to_code, name=to_name, own=unit.code))
    if peer is None:
        raise _refused(_("The file is signed by {code} — {name}, whose key is not enrolled "
                         "here. Ask them for their public key file, check its fingerprint by "
                         "phone, and enrol it (File ▸ Signing keys, or: unionapp keys trust "
                         "FILE --org-unit {code}).").format(code=sender_code, name=sender_name))
    try:
        signature = base64.b64decode(signature_text.strip(), validate=True)
    except (binascii.Error, ValueError):
        signature = b""
    if len(signature) != 64 or not verify(peer_public, signature, manifest_bytes):
        raise _refused(_("The signature does not match the file: it was altered or forged, "
                         "or signed with another key than the one enrolled for {code}.").format(
            code=sender_code))
    rows: dict[str, list[tuple[dict[str, Any], int]]] = {}
    try:
        for entity in ENTITIES:
            read = read_file(package, _file(entity))
            entry = entries.get(_file(entity))
            if entry is None or read.sha256 != entry.get("sha256"):
                raise _refused(_("The content of {name} differs from what the sender signed "
                                 "(the file was damaged or altered).").format(
                    name=_file(entity)))
            spec = BY_NAME[entity]
            rows[entity] = []
            for n, obj in enumerate(split_lines(read, limits.max_line_bytes), start=1):
                values, _base, wrong = decode_row(spec, obj)
                if wrong:
                    raise _refused(_("{file}, line {line}: {problem}").format(
                        file=_file(entity), line=n, problem="; ".join(
                            f"“{name}”: {why}" if name else why for name, why in wrong[:3])))
                rows[entity].append((values, n))
    except Refused as refusal:
        raise _refused(refusal.message) from None
    members = {v["uuid"] for v, _n in rows["member"]}
    if not members or len(members) > MAX_MEMBERS:
        raise _refused(_("The transfer file holds no member."))
    for entity in ("member_relative", "movement"):
        for values, n in rows[entity]:
            if values["member_uuid"] not in members:
                raise _refused(_("{file}, line {line}: the record belongs to a member who is "
                                 "not in the file.").format(file=_file(entity), line=n))
    return _Read(hashlib.sha256(data).hexdigest(), manifest, rows, sender, transfer, on)


def _python(entity: str, values: dict[str, Any]) -> dict[str, Any]:
    from .exchange.format import BY_NAME
    from .exchange.storage import to_python

    spec = BY_NAME[entity]
    return {f.name: to_python(f.kind, values[f.name]) for f in spec.fields}


def transfer_in(db: Database, path: Path, *, dry_run: bool = False,
                group: uuid.UUID | None = None, on: date | None = None,
                today: date | None = None) -> TransferInSummary:
    """Take in the members of a transfer file (see the module docstring). ``group``: the union
    group they join (the branch itself by default); ``on``: the day they arrive (today)."""
    if not dry_run:
        require(db, Permission.MEMBERS_TRANSFER)
    today = today or date.today()
    read = read_transfer(db, path)
    source = read.manifest["from"]
    on = on or today
    if on < read.on or on > today:
        raise UserError(_("The day of arrival must be between the transfer's date ({date}) and "
                          "today.").format(date=format_date(read.on)))
    home = db.home_unit_uuid
    assert home is not None
    with db.read() as s:
        logged = s.scalar(select(ExchangeLog).where(ExchangeLog.package_uuid == read.transfer))
        target = _group(s, home, group)
        # The same file again: nothing to plan, nothing to change.
        plan = [(v, "") for v, _n in read.rows["member"]] if logged is not None else \
            _plan(s, read)
    people = tuple(TransferredMember(uuid.UUID(v["uuid"]), v["full_name"], _letter(read, v),
                                     action) for v, action in plan)
    common = dict(transfer_uuid=str(read.transfer), from_code=str(source["code"])[:40],
                  from_name=str(source["name"])[:300], to_code=str(read.manifest["to"]["code"]),
                  on=read.on.isoformat(), members=people, relatives=len(read.rows[
                      "member_relative"]), movements=len(read.rows["movement"]),
                  file_name=str(path))
    if logged is not None:
        if logged.sha256 != read.sha256:
            raise _refused(_("A transfer file with this identity but different content was "
                             "already imported; this one is refused."))
        return TransferInSummary(outcome=Outcome.ALREADY_IMPORTED, dry_run=dry_run, **common)
    if dry_run:
        return TransferInSummary(outcome=Outcome.CHECKED, dry_run=True, **common)
    backup = backup_before(db, "before-import")
    with db.transaction() as s:
        _apply(s, read, target, on)
        s.add(ExchangeLog(user=s.info.get("user", db.user), direction=DIRECTION,
                          kind="member_transfer", package_uuid=read.transfer,
                          source_uuid=read.sender, sequence=0, sha256=read.sha256,
                          created_at=_moment(read.manifest.get("created_at")),
                          file_name=str(path)[:500], backup_file=str(backup or "")[:500],
                          rows=sum(len(r) for r in read.rows.values()), status="applied",
                          summary={"members": [str(m.uuid) for m in people]}))
        audit_summary(s, user=s.info.get("user", db.user), action="transfer_in",
                      entity="member", summary=f"{len(people)} members from {source['code']}",
                      details={"transfer_uuid": str(read.transfer), "sha256": read.sha256})
    return TransferInSummary(outcome=Outcome.COMMITTED, dry_run=False,
                             backup_file=str(backup) if backup else None, **common)


def _moment(text: Any) -> datetime:
    try:
        value = datetime.fromisoformat(str(text))
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    except ValueError:
        return utcnow()


def _letter(read: _Read, values: dict[str, Any]) -> str:
    for movement, _n in reversed(read.rows["movement"]):
        if movement["member_uuid"] == values["uuid"] and (
                movement["kind"] == MovementKind.TRANSFER_OUT):
            return str(movement["decision_ref"] or "")
    return ""


def _group(s: Session, home: uuid.UUID, group: uuid.UUID | None) -> OrgUnit:
    unit = s.scalar(select(OrgUnit).where(OrgUnit.uuid == (group or home)))
    if unit is None or unit.deleted_at is not None or unit.uuid not in subtree(s, home) or (
            unit.kind not in (OrgKind.GROUP, OrgKind.BRANCH)):
        raise NotFound(_("Choose a union group of this branch."))
    s.expunge(unit)
    return unit


def _plan(s: Session, read: _Read) -> list[tuple[dict[str, Any], str]]:
    """Per member of the file: created (new here) or returned (back after leaving)."""
    out = []
    for values, _n in read.rows["member"]:
        here = s.scalar(select(Member).where(Member.uuid == uuid.UUID(values["uuid"])))
        if here is not None and here.deleted_at is None and here.status == MemberStatus.ACTIVE:
            raise _refused(_("{name} is already an active member of this union.").format(
                name=here.full_name))
        national_id = values.get("national_id")
        if national_id:
            other = s.scalar(select(Member.full_name).where(
                Member.national_id == national_id, Member.deleted_at.is_(None),
                Member.uuid != uuid.UUID(values["uuid"])))
            if other is not None:
                raise _refused(_("The CCCD number {number} of {name} already belongs to {other} "
                                 "here.").format(number=national_id, name=values["full_name"],
                                                 other=other))
        out.append((values, "returned" if here is not None else "created"))
    return out


_NOT_COPIED = {"uuid", "owner_uuid", "created_at", "updated_at", "version", "deleted_at",
               "org_unit_uuid", "status", "member_uuid"}


def _apply(s: Session, read: _Read, group: OrgUnit, on: date) -> None:
    home = s.info["home_unit_uuid"]
    source = read.manifest["from"]
    letters: dict[str, str] = {}
    for values, _n in read.rows["member"]:
        data = _python("member", values)
        member = s.scalar(select(Member).where(Member.uuid == data["uuid"]))
        if member is None:
            member = Member(uuid=data["uuid"])
            s.add(member)
        for name, value in data.items():
            if name not in _NOT_COPIED:
                setattr(member, name, value)
        member.org_unit_id = group.id
        member.status = MemberStatus.ACTIVE
        member.owner_uuid = home
        member.deleted_at = None
        letters[values["uuid"]] = _letter(read, values)
    s.flush()
    ids = dict(s.execute(select(Member.uuid, Member.id).where(
        Member.uuid.in_([uuid.UUID(v["uuid"]) for v, _n in read.rows["member"]]))).all())
    # The record's version continues the sender's, so a parent union holding both branches
    # takes this copy as the newer one.
    versions = dict(s.execute(select(Member.id, Member.version).where(
        Member.id.in_(list(ids.values())))).all())
    for values, _n in read.rows["member"]:
        local = ids[uuid.UUID(values["uuid"])]
        s.execute(update(Member).where(Member.id == local).values(
            version=max(versions[local], values["version"] + 1)))
    for values, _n in read.rows["member_relative"]:
        data = _python("member_relative", values)
        relative = s.scalar(select(MemberRelative).where(MemberRelative.uuid == data["uuid"]))
        if relative is None:
            relative = MemberRelative(uuid=data["uuid"])
            s.add(relative)
        for name, value in data.items():
            if name not in _NOT_COPIED:
                setattr(relative, name, value)
        relative.member_id = ids[data["member_uuid"]]
        relative.owner_uuid = home
        relative.deleted_at = None
    known = set(s.scalars(select(Movement.uuid).where(Movement.uuid.in_(
        [uuid.UUID(v["uuid"]) for v, _n in read.rows["movement"]]))))
    history = []
    for values, _n in read.rows["movement"]:
        data = _python("movement", values)
        if data["uuid"] in known:
            continue
        row = {name: value for name, value in data.items() if name != "member_uuid"}
        row["member_id"] = ids[data["member_uuid"]]
        history.append(row)
    if history:  # the sender's records of the member's past, as they are (owner, version)
        from .bulk import insert_records

        insert_records(s, Movement, history, owner=home)
    for values, _n in read.rows["member"]:
        s.add(Movement(member_id=ids[uuid.UUID(values["uuid"])], kind=MovementKind.TRANSFER_IN,
                       occurred_on=on, from_unit=clean(str(source.get("name", "")))[:300],
                       decision_ref=letters[values["uuid"]][:100],
                       other_unit_uuid=read.sender,
                       other_unit_code=clean(str(source.get("code", "")))[:40]))
    s.flush()
    from .bulk import reindex_members

    reindex_members(s, list(ids.values()))


# --- in, from a letter -----------------------------------------------------------------------


def transfer_in_by_letter(db: Database, data: MemberInput, *, from_branch: str,
                          letter_number: str = "", letter_date: date | None = None,
                          on: date | None = None, from_branch_code: str = "",
                          today: date | None = None) -> TransferredMember:
    """A member coming from a branch that does not use the program, typed from the letter:
    a new record with the same "transfer in" movement a file would give."""
    require(db, Permission.MEMBERS_TRANSFER)
    today = today or date.today()
    on = on or today
    from_branch = clean(from_branch)
    if not from_branch:
        raise UserError(_("Give the branch the member comes from, as the letter names it."))
    if on > today:
        raise UserError(_("The date of a movement can't be in the future."))
    if letter_date is not None and (letter_date > on):
        raise UserError(_("The letter's date is after the day of arrival."))
    data = data.cleaned()
    home = db.home_unit_uuid
    with db.transaction() as s:
        problems = validate_member(data, session=s, today=today)
        if problems:
            raise ValidationError(problems)
        unit = _group(s, home, data.org_unit) if home else None
        if unit is None:
            raise NotFound(_("This database has not been set up yet: run unionapp init."))
        fields_ = {k: getattr(data, k) for k in MemberInput.__dataclass_fields__
                   if k not in ("org_unit", "extra")}
        member = Member(org_unit_id=unit.id, status=MemberStatus.ACTIVE, **fields_)
        s.add(member)
        note = _("Letter dated {date}").format(date=format_date(letter_date)) \
            if letter_date else ""
        s.add(Movement(member=member, kind=MovementKind.TRANSFER_IN, occurred_on=on,
                       from_unit=from_branch, decision_ref=clean(letter_number)[:100],
                       note=note, other_unit_code=clean(from_branch_code)[:40]))
        s.flush()
        return TransferredMember(member.uuid, member.full_name, clean(letter_number), "created")
