"""Signing keys: this database's own Ed25519 key pair, and the public keys of the units whose
packages it accepts.

Where the private key lives: in a file of the user's data folder
(``keys/<unit uuid>.pem``, readable by the user only), never in the database. Database files
are copied all the time — automatic backups before every import and upgrade, copies sent for
help, a parent union's server shared by several people — and a key inside would travel with
every copy, letting anyone holding one sign packages as this unit. A lost key costs little: make
a new one (``keys init --replace``) and have the parent union enrol the new public key. The
public half is also kept in the database, so a key file that does not belong to it is noticed.

A fingerprint is six groups of five digits (about 100 bits), easy to read aloud over the
phone when a parent union enrols a branch's key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..bulk import update_synced
from ..db import Database, set_info
from ..errors import NotFound, UserError
from ..i18n import _
from ..models import (
    Activity,
    ExchangePeer,
    ExchangeRecord,
    Member,
    OrgKind,
    OrgUnit,
    PeerRole,
    utcnow,
)
from ..permissions import Permission, require
from ..reorg import follow_identity, parent_replaced
from ..settings import data_dir
from ..text import clean
from .state import audit

PUBLIC_KEY_FORMAT = "unionapp-public-key"
PUBLIC_KEY_INFO = "exchange_public_key"
MAX_KEY_FILE = 64 * 1024


@dataclass(frozen=True)
class KeyInfo:
    """A public key and the unit it belongs to."""

    unit_uuid: uuid.UUID
    code: str
    name: str
    kind: str
    public_key: str  # base64 of the raw 32 bytes
    fingerprint: str
    path: Path | None = None  # where the private key is (own key only)


@dataclass(frozen=True)
class PeerView:
    unit_uuid: uuid.UUID
    code: str
    name: str
    role: str
    fingerprint: str
    enrolled_at: str


def fingerprint(public_raw: bytes) -> str:
    """Six groups of five digits, for reading aloud."""
    digest = hashlib.sha256(b"unionapp-key-v1:" + public_raw).digest()
    groups = [int.from_bytes(digest[i * 5 : i * 5 + 5], "big") % 100_000 for i in range(6)]
    return " ".join(f"{g:05d}" for g in groups)


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def key_path(unit_uuid: uuid.UUID) -> Path:
    return data_dir() / "keys" / f"{unit_uuid}.pem"


def _home(db: Database) -> OrgUnit:
    with db.read() as s:
        unit = s.scalar(select(OrgUnit).where(OrgUnit.uuid == db.home_unit_uuid))
        if unit is None:
            raise NotFound(_("This database has not been set up yet: run unionapp init."))
        s.expunge(unit)
        return unit


def own_public(db: Database) -> KeyInfo | None:
    """This database's public key, or None before ``keys init``."""
    value = db.info(PUBLIC_KEY_INFO)
    if not value:
        return None
    home = _home(db)
    raw = base64.b64decode(value)
    return KeyInfo(home.uuid, home.code, home.name, home.kind, value, fingerprint(raw),
                   key_path(home.uuid))


def init_keys(db: Database, *, replace: bool = False) -> KeyInfo:
    """Make this database's key pair (once; ``replace`` makes a new one)."""
    db.check_writable()  # a closed branch keeps its key as it is
    require(db, Permission.EXCHANGE_KEYS)
    home = _home(db)
    if own_public(db) is not None and not replace:
        raise UserError(_("This database already has a signing key. To make a new one (the "
                          "parent union must then enrol it again), use keys init --replace."))
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    path = key_path(home.uuid)
    _write_private(path, pem)
    public = b64(_raw(private.public_key()))
    with db.transaction() as s:
        set_info(s, PUBLIC_KEY_INFO, public)
        audit(s, db.user, "key_init", "exchange_key",
              f"new signing key {fingerprint(_raw(private.public_key()))}")
    db.refresh_info()
    info = own_public(db)
    assert info is not None
    return info


def _write_private(path: Path, pem: bytes) -> None:
    """Write the key readable by this user only, replacing any older one atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def signing_key(db: Database) -> Ed25519PrivateKey:
    """The private key to sign this database's packages with."""
    info = own_public(db)
    if info is None:
        raise UserError(_("This database has no signing key yet. Create one first: "
                          "unionapp keys init (or File ▸ Signing keys)."))
    assert info.path is not None
    try:
        data = info.path.read_bytes()
    except OSError:
        raise UserError(_("The signing key file {path} is missing. Restore it from your backup, "
                          "or make a new key (keys init --replace) and send the new public key "
                          "to the parent union.").format(path=info.path)) from None
    try:
        private = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        private = None
    if not isinstance(private, Ed25519PrivateKey) or b64(_raw(private.public_key())) != (
        info.public_key
    ):
        raise UserError(_("The signing key file {path} does not belong to this database.").format(
            path=info.path))
    return private


def sign(private: Ed25519PrivateKey, data: bytes) -> bytes:
    return private.sign(data)


def verify(public_b64: str, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64)).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


# --- public key files -------------------------------------------------------------------------


def export_public(db: Database, dest: Path) -> KeyInfo:
    """Write this database's public key (with its unit) to ``dest``, to give to the other side."""
    info = own_public(db)
    if info is None:
        raise UserError(_("This database has no signing key yet. Create one first: "
                          "unionapp keys init (or File ▸ Signing keys)."))
    content = {
        "format": PUBLIC_KEY_FORMAT,
        "version": 1,
        "org_unit": {"uuid": str(info.unit_uuid), "code": info.code, "name": info.name,
                     "kind": info.kind},
        "public_key": info.public_key,
        "fingerprint": info.fingerprint,
    }
    dest.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return info


def read_public_key_file(path: Path) -> KeyInfo:
    """A public key file, checked (it comes from outside: bounded and validated)."""
    def bad() -> UserError:
        return UserError(_("{path} is not a public key file of this program.").format(path=path))

    try:
        with path.open("rb") as f:
            data = f.read(MAX_KEY_FILE + 1)
    except OSError as error:
        raise UserError(_("Cannot read {path}: {reason}").format(
            path=path, reason=error.strerror or error)) from None
    if len(data) > MAX_KEY_FILE:
        raise bad()
    try:
        content = json.loads(data.decode("utf-8"))
        unit = content["org_unit"]
        raw = base64.b64decode(content["public_key"], validate=True)
        info = KeyInfo(
            unit_uuid=uuid.UUID(str(unit["uuid"])),
            code=clean(str(unit["code"]))[:40],
            name=clean(str(unit["name"]))[:300],
            kind=str(unit["kind"]),
            public_key=b64(raw),
            fingerprint=fingerprint(raw),
        )
        Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise bad() from None
    if content.get("format") != PUBLIC_KEY_FORMAT or info.kind not in OrgKind.ALL:
        raise bad()
    return info


def _never_synced(s: Session, unit: OrgUnit) -> bool:
    return s.get(ExchangeRecord, ("org_unit", unit.id)) is None


def _referenced(s: Session, unit: OrgUnit) -> bool:
    """Whether records hang on ``unit`` (then its identity may no longer change)."""
    checks = [
        exists().where(Member.org_unit_id == unit.id),
        exists().where(Activity.org_unit_id == unit.id),
        exists().where(OrgUnit.parent_id == unit.id),
    ]
    return any(s.scalar(select(check)) for check in checks)


def trust(db: Database, path: Path, org_unit_code: str) -> PeerView:
    """Enrol the public key in ``path`` for the unit ``org_unit_code``.

    In a parent union's database this enrols a branch under it (creating the branch's unit
    with the branch's own identity when it is not there yet); in a branch's database it
    enrols the parent union, whose reference data the branch will then accept, or another
    branch, whose member transfer files it will then accept.
    """
    require(db, Permission.EXCHANGE_KEYS)
    key = read_public_key_file(path)
    code = clean(org_unit_code)
    home_uuid = db.home_unit_uuid
    if home_uuid is None:
        raise NotFound(_("This database has not been set up yet: run unionapp init."))
    if key.unit_uuid == home_uuid:
        raise UserError(_("This is this database's own key; enrol the other side's key."))
    parent_mode = db.mode == "parent"
    peer_branch = not parent_mode and key.kind == OrgKind.BRANCH  # for member transfers
    role = PeerRole.BRANCH if parent_mode else PeerRole.PEER if peer_branch else PeerRole.PARENT
    expected = OrgKind.BRANCH if parent_mode or peer_branch else OrgKind.PARENT_UNION
    if key.kind != expected:
        raise UserError(
            _("This key belongs to a branch; enrol it in the parent union's database.")
            if key.kind == OrgKind.BRANCH
            else _("This key is not a branch's key; a parent union enrols its branches' keys.")
            if parent_mode
            else _("This key is not a parent union's key; a branch enrols its parent's key."))
    with db.transaction() as s:
        home = s.scalar(select(OrgUnit).where(OrgUnit.uuid == home_uuid))
        assert home is not None
        unit = _unit_for_key(s, key, code, home, parent_mode)
        if not parent_mode and not peer_branch:
            other = s.scalar(select(ExchangePeer).where(ExchangePeer.role == PeerRole.PARENT,
                                                        ExchangePeer.org_unit_uuid != unit.uuid))
            if other is not None:  # the branch moved to another parent union
                s.delete(other)
            if home.parent_id != unit.id:
                parent_replaced(s, home, home.parent, unit)  # the history follows
                home.parent = unit
        peer = s.scalar(select(ExchangePeer).where(ExchangePeer.org_unit_uuid == key.unit_uuid))
        if peer is None:
            peer = ExchangePeer(org_unit_uuid=key.unit_uuid)
            s.add(peer)
        peer.role = role
        peer.public_key = key.public_key
        peer.fingerprint = key.fingerprint
        peer.code = unit.code
        peer.name = unit.name
        peer.enrolled_at = utcnow()
        peer.enrolled_by = db.user
        audit(s, db.user, "key_trust", "exchange_peer",
              f"trusted key {key.fingerprint} of {unit.code}", entity_uuid=key.unit_uuid,
              details={"org_unit_uuid": str(key.unit_uuid), "fingerprint": key.fingerprint,
                       "role": role})
        s.flush()
        return PeerView(key.unit_uuid, unit.code, unit.name, role, key.fingerprint,
                        peer.enrolled_at.isoformat())


def _unit_for_key(s: Session, key: KeyInfo, code: str, home: OrgUnit,
                  parent_mode: bool) -> OrgUnit:
    """The unit a key is enrolled for: found by code, made if missing, and given the key's
    identity (UUID) if it was a local stand-in that never travelled."""
    if not code:
        raise UserError(_("Give the code of the unit this key belongs to."))
    by_uuid = s.scalar(select(OrgUnit).where(OrgUnit.uuid == key.unit_uuid))
    by_code = s.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if by_uuid is not None:
        if by_code is not None and by_code.id != by_uuid.id:
            raise UserError(_("The code {code} belongs to another unit than this key's "
                              "({other}).").format(code=code, other=by_uuid.code))
        return by_uuid
    if by_code is None:
        unit = OrgUnit(uuid=key.unit_uuid, owner_uuid=key.unit_uuid, code=code,
                       name=key.name or code, kind=key.kind,
                       parent=home if parent_mode else None, place=home.place)
        s.add(unit)
        s.flush()
    else:
        if by_code.kind != key.kind:
            raise UserError(_("The unit {code} here is not of the same kind as this key's "
                              "unit.").format(code=code))
        if parent_mode and by_code.parent_id != home.id:
            raise UserError(_("The unit {code} is not directly under this parent union.").format(
                code=code))
        if not _never_synced(s, by_code) or (parent_mode and _referenced(s, by_code)):
            raise UserError(_("The unit {code} here already has its own identity and data; "
                              "it can't take this key's unit.").format(code=code))
        # A stand-in made locally (e.g. the parent union typed in at set-up) takes the real
        # identity; local references use ids, and recorded moves follow it.
        follow_identity(s, by_code.uuid, key.unit_uuid)
        update_synced(s, OrgUnit.__table__, by_code.id,  # type: ignore[arg-type]
                      {"uuid": key.unit_uuid, "owner_uuid": key.unit_uuid})
        s.expire(by_code)
        unit = by_code
    # The owner's first package may bring any version of this unit: it replaces the stand-in.
    s.add(ExchangeRecord(entity="org_unit", record_id=unit.id, base_version=unit.version))
    return unit


def peers(db: Database) -> list[PeerView]:
    with db.read() as s:
        rows = s.scalars(select(ExchangePeer).order_by(ExchangePeer.code)).all()
        return [PeerView(p.org_unit_uuid, p.code, p.name, p.role, p.fingerprint,
                         p.enrolled_at.isoformat()) for p in rows]


def peer_key(s: Session, unit_uuid: uuid.UUID) -> ExchangePeer | None:
    return s.scalar(select(ExchangePeer).where(ExchangePeer.org_unit_uuid == unit_uuid))
