"""Local bookkeeping of the exchange with the parent union (never travels in packages):
trusted keys, the log of packages made and taken in, each record's last shared version, and
the conflicts waiting for a person. See :mod:`unionapp.exchange` for how they are used."""

from __future__ import annotations

import uuid as uuid_mod
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class PeerRole:
    BRANCH = "branch"  # a branch enrolled under this parent union
    PARENT = "parent"  # this branch's parent union
    PEER = "peer"  # another branch, whose member transfer files this branch accepts


class ExchangePeer(Base):
    """A unit whose packages this database accepts: its Ed25519 public key, checked by
    phone (fingerprint) when it was enrolled."""

    __tablename__ = "exchange_peer"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_uuid: Mapped[uuid_mod.UUID] = mapped_column(unique=True)
    role: Mapped[str] = mapped_column(String(20))
    public_key: Mapped[str] = mapped_column(String(100))  # raw 32 bytes, base64
    fingerprint: Mapped[str] = mapped_column(String(50))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    enrolled_by: Mapped[str] = mapped_column(String(100), default="")


class ExchangeLog(Base):
    """A package this database wrote (``export``) or applied (``import``). Refused and held
    packages are not here: refusing must leave the database untouched."""

    __tablename__ = "exchange_log"
    __table_args__ = (
        Index("ix_exchange_log_source_sequence", "source_uuid", "sequence"),
        # Each source's packages are numbered once each way (exports here, imports from it).
        Index("ux_exchange_log_direction_source_sequence", "direction", "source_uuid",
              "sequence", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user: Mapped[str] = mapped_column(String(100), default="")
    direction: Mapped[str] = mapped_column(String(10))  # export / import
    kind: Mapped[str] = mapped_column(String(30))  # branch_export / reference_data
    package_uuid: Mapped[uuid_mod.UUID] = mapped_column(unique=True)
    source_uuid: Mapped[uuid_mod.UUID]
    sequence: Mapped[int]
    base_sequence: Mapped[int] = mapped_column(default=0)
    full: Mapped[bool] = mapped_column(default=False)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime]  # when the package was made
    file_name: Mapped[str] = mapped_column(String(500), default="")
    backup_file: Mapped[str] = mapped_column(String(500), default="")
    rows: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="")  # written / failed / applied
    acked_at: Mapped[datetime | None]  # exports: when the receiver confirmed it
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)


PENDING = "pending_sequence IS NOT NULL"


class ExchangeRecord(Base):
    """Per record, the last version both sides are known to hold (``base_version``), and for
    records this database owns, the version sent in the newest export not yet acknowledged.

    Keyed by the record's table and local id, not its UUID: the records a package brings
    get ids in a row, so their bookkeeping is written at the end of the index, not on a
    random page of it each (a parent union's database grows by a branch's package at a time)."""

    __tablename__ = "exchange_record"
    __table_args__ = (
        # Only records sent and not yet acknowledged have a pending sequence: the index holds
        # those alone (a parent union's hundreds of thousands of records have none).
        Index("ix_exchange_record_pending_sequence", "pending_sequence",
              sqlite_where=text(PENDING), postgresql_where=text(PENDING)),
        # SQLite: the rows live in their key's own b-tree (one b-tree written per row, not a
        # table and its key's index: ~40% quicker to fill, ~60% smaller).
        {"sqlite_with_rowid": False},
    )

    entity: Mapped[str] = mapped_column(String(50), primary_key=True)
    record_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    base_version: Mapped[int | None]
    pending_version: Mapped[int | None]
    pending_sequence: Mapped[int | None]


class ConflictCode:
    BOTH_CHANGED = "both_changed"  # changed here and by the owner since they last agreed
    UPDATE_AFTER_DELETE = "update_after_delete"  # the owner changed a record deleted here


class ExchangeConflict(Base):
    """Both versions of a record changed on both sides, kept until a person decides."""

    __tablename__ = "exchange_conflict"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    package_uuid: Mapped[uuid_mod.UUID]
    source_uuid: Mapped[uuid_mod.UUID] = mapped_column(index=True)
    entity: Mapped[str] = mapped_column(String(50))
    record_uuid: Mapped[uuid_mod.UUID] = mapped_column(index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(300), default="")
    file: Mapped[str] = mapped_column(String(100), default="")
    line: Mapped[int] = mapped_column(default=0)
    ours: Mapped[dict[str, Any]] = mapped_column(JSON)  # both in package form (UUID refs)
    theirs: Mapped[dict[str, Any]] = mapped_column(JSON)
    kept: Mapped[str] = mapped_column(String(10))  # which one the record holds now
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str] = mapped_column(String(100), default="")
    resolution: Mapped[str] = mapped_column(String(10), default="")  # ours / theirs
