"""Every change is stamped, versioned and written to the audit log in the same flush, and
the audit log is a hash chain that shows tampering.

The hook is attached to the program's own Session class, so no service can forget it.
Bulk paths that write with Core inserts (imports, packages) stamp their rows themselves and
write audit rows that summarise the operation.

**The chain.** Every audit row is written by :func:`write_entries` (the ORM hook, the bulk
paths and the importers all go through it; an ``AuditLog`` added to a session is routed
there too). It seals each row with ``hash = sha256(canonical JSON of [prev_hash, when, who,
role, action, entity, record, summary, before, after])``, where ``prev_hash`` is the hash
of the row written just before, and keeps the newest row's id and hash in
``database_info`` (``audit_head``). :func:`verify` walks the rows in order: a row edited
behind the program's back no longer matches its hash; a deleted row breaks the link of the
next one (or, at the end, the head); a row inserted by another tool has no valid seal. The
first broken row is named. Rows are never sealed after the fact (a row someone inserted
with ``sqlite3`` stays unsealed and is reported), except once: migration 0700 sealed the
rows that existed when a database was upgraded, as they were then.

The chain has no secret: it shows changes made with an ordinary database tool, not a
forger who recomputes every hash with this program's rules. Writers are serialised by the
database's write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: the transaction-level advisory
lock taken in ``Database.transaction``), so two transactions never chain onto one head.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event, func, insert, inspect, select, update
from sqlalchemy.orm import Session, UOWTransaction

from . import search_index
from .models import AuditLog, DatabaseInfo, Member, OrgUnit, Synced, utcnow

# Derived columns (recomputed from others) and bookkeeping that would only add noise.
_NOT_LOGGED = {"id", "name_folded", "sort_key", "title_folded", "updated_at", "version"}


class AuditedSession(Session):
    """The Session class of the program (see :mod:`unionapp.db`)."""


def to_json(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(obj: Synced) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {
        attr.key: to_json(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in _NOT_LOGGED
    }


def changes(obj: Synced) -> tuple[dict[str, Any], dict[str, Any]]:
    """The changed columns of ``obj``: their values before and after."""
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _NOT_LOGGED:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        before[attr.key] = to_json(old)
        after[attr.key] = to_json(new)
    return before, after


def _refresh_derived(obj: Synced) -> None:
    refresh = getattr(obj, "refresh_derived", None)
    if refresh is not None:
        refresh()


# --- the chain ------------------------------------------------------------------------------

HEAD_KEY = "audit_head"  # database_info: "<id of the newest row> <its hash>"
SEALED_KEY = "audit_sealed_at_upgrade"  # database_info: "<rows> <when>", set by migration 0700
SUMMARY_MAX = 500


def _moment(value: datetime) -> str:
    """A time as the chain hashes it: naive UTC to the microsecond (as stored)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")


def entry_hash(prev_hash: str, at: datetime, user: str, role: str, action: str, entity: str,
               entity_uuid: uuid.UUID | str | None, summary: str, before: Any,
               after: Any) -> str:
    """The seal of one audit row. Never change this: every existing chain depends on it
    (migration 0700 holds a frozen copy)."""
    payload = [prev_hash or "", _moment(at), user or "", role or "", action or "", entity or "",
               str(entity_uuid) if entity_uuid is not None else None, summary or "",
               before, after]
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_SCALARS = (str, int, float, bool, type(None))


def _plain(value: Any) -> bool:
    """Whether ``value`` is already what the JSON column gives back (the usual case)."""
    if isinstance(value, _SCALARS):
        return not isinstance(value, float) or value == value  # NaN is not JSON
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return False


def _as_stored(value: Any) -> Any:
    """``value`` as the JSON column gives it back (tuples become lists, keys strings…), so
    the seal computed now matches the one recomputed from the stored row."""
    if _plain(value):
        return value
    return json.loads(json.dumps(value, ensure_ascii=False, default=to_json))


def _uuid(value: Any) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


def read_head(session: Session) -> tuple[int, str]:
    """The id and hash of the newest audit row, as the program last wrote them."""
    value = session.connection().execute(
        select(DatabaseInfo.value).where(DatabaseInfo.key == HEAD_KEY)).scalar()
    if not value:
        return 0, ""
    number, _sep, digest = value.partition(" ")
    return (int(number) if number.isdigit() else 0), digest


def write_entries(session: Session, entries: Iterable[Mapping[str, Any]]) -> int:
    """Append audit rows, sealed into the chain: the one way audit rows are written.

    Each entry has ``action``, ``entity`` and optionally ``entity_uuid``, ``summary``,
    ``before``, ``after``, ``user`` and ``at`` (default: the session's user, now). The role
    is the signed-in account's (``session.info["role"]``). Runs inside the caller's write
    transaction; returns how many rows were written."""
    user = str(session.info.get("user") or "unknown")
    role = str(session.info.get("role") or "")
    now = utcnow()
    conn = session.connection()
    _head_id, prev = read_head(session)
    rows: list[dict[str, Any]] = []
    for entry in entries:
        row = {
            "at": entry.get("at") or now,
            "user": str(entry.get("user") or user)[:100],
            "role": str(entry.get("role") or role)[:20],
            "action": str(entry["action"])[:20],
            "entity": str(entry["entity"])[:50],
            "entity_uuid": _uuid(entry.get("entity_uuid")),
            "summary": str(entry.get("summary") or "")[:SUMMARY_MAX],
            "before": _as_stored(entry.get("before")),
            "after": _as_stored(entry.get("after")),
        }
        row["prev_hash"] = prev
        row["hash"] = prev = entry_hash(
            prev, row["at"], row["user"], row["role"], row["action"], row["entity"],
            row["entity_uuid"], row["summary"], row["before"], row["after"])
        rows.append(row)
    if not rows:
        return 0
    if conn.dialect.name == "sqlite":
        from .bulk import _sqlite_insert  # the fast path the bulk writers use (no cycle here)

        last_id = _sqlite_insert(session, AuditLog.__table__, rows)[-1]  # type: ignore[arg-type]
    else:
        conn.execute(insert(AuditLog), rows)
        # We hold the write lock: the highest id is the row just written.
        last_id = conn.execute(select(func.max(AuditLog.id))).scalar_one()
    head = f"{last_id} {prev}"
    done = conn.execute(update(DatabaseInfo).where(DatabaseInfo.key == HEAD_KEY)
                        .values(value=head))
    if done.rowcount == 0:
        conn.execute(insert(DatabaseInfo).values(key=HEAD_KEY, value=head))
    return len(rows)


@dataclass(frozen=True)
class BrokenEntry:
    """The first row where the chain does not hold, and why."""

    id: int
    problem: str  # changed / unsealed / missing_before / missing_after / no_head
    at: datetime | None
    user: str
    action: str
    entity: str
    entity_uuid: uuid.UUID | None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "problem": self.problem,
                "at": self.at.isoformat() if self.at else None, "user": self.user,
                "action": self.action, "entity": self.entity,
                "record": str(self.entity_uuid) if self.entity_uuid else None}


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    first_bad: BrokenEntry | None
    sealed_at_upgrade: int  # rows that existed when the database was upgraded (migration 0700)

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries,
                "first_bad": self.first_bad.as_json() if self.first_bad else None,
                "sealed_at_upgrade": self.sealed_at_upgrade}


_CHAIN_COLUMNS = (AuditLog.id, AuditLog.at, AuditLog.user, AuditLog.role, AuditLog.action,
                  AuditLog.entity, AuditLog.entity_uuid, AuditLog.summary, AuditLog.before,
                  AuditLog.after, AuditLog.prev_hash, AuditLog.hash)


def _chain_rows(session: Session) -> Iterator[Any]:
    result = session.execute(select(*_CHAIN_COLUMNS).order_by(AuditLog.id),
                             execution_options={"yield_per": 2000})
    yield from result


def check_chain(session: Session) -> ChainCheck:
    """Walk the whole audit log in order and find the first row that breaks the chain."""
    prev = ""
    count = 0
    last: Any = None
    bad: BrokenEntry | None = None

    def broken(row: Any, problem: str) -> BrokenEntry:
        return BrokenEntry(row.id, problem, row.at, row.user or "", row.action or "",
                           row.entity or "", row.entity_uuid)

    for row in _chain_rows(session):
        count += 1
        if bad is not None:
            continue
        if not row.hash:
            bad = broken(row, "unsealed")
        elif entry_hash(row.prev_hash or "", row.at, row.user, row.role, row.action, row.entity,
                        row.entity_uuid, row.summary, row.before, row.after) != row.hash:
            bad = broken(row, "changed")
        elif (row.prev_hash or "") != prev:
            bad = broken(row, "missing_before")
        prev = row.hash or ""
        last = row
    if bad is None:
        head_id, head_hash = read_head(session)
        at_end = (last.id, last.hash) if last is not None else (0, "")
        if head_hash and (head_id, head_hash) != at_end:
            bad = BrokenEntry(head_id, "missing_after", None, "", "", "", None)
        elif not head_hash and last is not None:  # the program's own record of it removed
            bad = BrokenEntry(last.id, "no_head", None, "", "", "", None)
    sealed = session.execute(
        select(DatabaseInfo.value).where(DatabaseInfo.key == SEALED_KEY)).scalar() or "0"
    sealed_rows = sealed.partition(" ")[0]
    return ChainCheck(bad is None, count, bad, int(sealed_rows) if sealed_rows.isdigit() else 0)


# --- the hook ---------------------------------------------------------------------------------


@event.listens_for(AuditedSession, "before_flush")
def _stamp_and_audit(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    if any(isinstance(obj, Synced) for obj in session.deleted):
        raise RuntimeError("records are never deleted: set deleted_at (a tombstone) instead")
    home = session.info.get("home_unit_uuid")
    now = utcnow()
    entries: list[dict[str, Any]] = []
    for obj in list(session.new):
        if isinstance(obj, AuditLog):  # added by hand: sealed like every other row
            session.expunge(obj)
            entries.append({c: getattr(obj, c) for c in (
                "at", "user", "role", "action", "entity", "entity_uuid", "summary", "before",
                "after")})
            continue
        if not isinstance(obj, Synced):
            continue
        if obj.uuid is None:
            obj.uuid = uuid.uuid4()
        if obj.owner_uuid is None:
            # A database's first unit owns itself; everything else belongs to the home unit.
            obj.owner_uuid = home if home is not None or not isinstance(obj, OrgUnit) else obj.uuid
            if obj.owner_uuid is None:
                raise ValueError(f"no owner for new {type(obj).__name__}: initialise first")
        obj.created_at = obj.created_at or now
        obj.updated_at = now
        _refresh_derived(obj)
        entries.append({"action": "create", "entity": obj.__tablename__,
                        "entity_uuid": obj.uuid, "after": snapshot(obj), "at": now})
    for obj in list(session.dirty):
        if not isinstance(obj, Synced) or not session.is_modified(obj):
            continue
        _refresh_derived(obj)
        before, after = changes(obj)
        if not after:
            continue
        obj.updated_at = now
        action = "update"
        if "deleted_at" in after:
            action = "delete" if after["deleted_at"] else "restore"
        entries.append({"action": action, "entity": obj.__tablename__,
                        "entity_uuid": obj.uuid, "before": before, "after": after, "at": now})
    if entries:
        write_entries(session, entries)
    changed = [o for o in (*session.new, *session.dirty) if isinstance(o, Member)]
    if changed:
        session.info.setdefault("members_changed", []).extend(changed)


@event.listens_for(AuditedSession, "after_flush")
def _reindex_members(session: Session, _context: UOWTransaction) -> None:
    """Keep the member search index in step with the members this flush wrote."""
    changed = session.info.pop("members_changed", None)
    if changed:
        conn = session.connection()
        if search_index.is_available(conn):
            search_index.refresh(conn, {m.id for m in changed})
