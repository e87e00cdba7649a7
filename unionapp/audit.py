"""Every change is stamped, versioned and written to the audit log in the same flush.

The hook is attached to the program's own Session class, so no service can forget it.
Bulk paths that write with Core inserts (imports, packages) stamp their rows themselves and
write one audit row that summarises the operation.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from . import search_index
from .models import AuditLog, Member, OrgUnit, Synced, utcnow

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


@event.listens_for(AuditedSession, "before_flush")
def _stamp_and_audit(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    if any(isinstance(obj, Synced) for obj in session.deleted):
        raise RuntimeError("records are never deleted: set deleted_at (a tombstone) instead")
    user = session.info.get("user") or "unknown"
    home = session.info.get("home_unit_uuid")
    now = utcnow()
    entries: list[AuditLog] = []
    for obj in list(session.new):
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
        entries.append(
            AuditLog(
                action="create", entity=obj.__tablename__, entity_uuid=obj.uuid, after=snapshot(obj)
            )
        )
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
        entries.append(
            AuditLog(
                action=action,
                entity=obj.__tablename__,
                entity_uuid=obj.uuid,
                before=before,
                after=after,
            )
        )
    for entry in entries:
        entry.user = user
        entry.at = now
        session.add(entry)
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
