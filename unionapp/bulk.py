"""Fast writes for many rows at once (imports, packages, the demo), with the same stamps and
derived columns the ORM hook gives single records.

The ORM's ``add_all`` runs at about 12% of raw ``executemany`` here, and even Core inserts
spend most of their time converting each value. On SQLite, rows are therefore converted to
the database's own representation once, by column type, and written with the driver's
``executemany``, with ids handed out here (we hold the write lock: transactions begin
IMMEDIATE). Other databases take the Core path.
"""

from __future__ import annotations

import gc
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Table, Uuid, func, insert, select, update
from sqlalchemy.orm import Session

from . import search_index
from .audit import write_entries
from .models import Member, Synced, utcnow
from .models.base import UTCDateTime
from .org import subtree_ids
from .text import clean, fold_cleaned, person_sort_key_cleaned

CHUNK = 5_000


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk operation. Reading and checking a
    100,000-row roster creates millions of small objects, none of them cyclic garbage, and the
    collector's repeated passes over them cost a third of an import's time. Reference counting
    still frees everything; the collector runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def stamped(values: dict[str, Any], *, owner: uuid.UUID, now: datetime) -> dict[str, Any]:
    """``values`` with the sync columns of a new record filled in."""
    if "uuid" not in values:  # not setdefault: that would make a UUID even when one is given
        values["uuid"] = uuid.uuid4()
    values.setdefault("owner_uuid", owner)
    values.setdefault("created_at", now)
    values.setdefault("updated_at", now)
    values.setdefault("version", 1)
    values.setdefault("deleted_at", None)
    return values


def member_values(values: dict[str, Any]) -> dict[str, Any]:
    """Clean the name and add the derived search and sort keys, as ``Member`` does."""
    name = clean(values["full_name"])
    values["full_name"] = name
    if not values.get("name_folded"):  # an import has folded the names already
        values["name_folded"] = fold_cleaned(name)
    born: date | int | None = values.get("date_of_birth") or values.get("birth_year")
    values["sort_key"] = person_sort_key_cleaned(name, born)
    return values


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


# --- SQLite: values in the database's own representation ------------------------------------


@lru_cache(maxsize=1024)  # a batch's rows share one time stamp
def _sqlite_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:  # stored as naive UTC, as UTCDateTime does
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(sep=" ", timespec="microseconds")


def _converter(column_type: Any) -> Callable[[Any], Any] | None:
    if isinstance(column_type, Uuid):
        return lambda v: v.hex if isinstance(v, uuid.UUID) else v
    if isinstance(column_type, UTCDateTime | DateTime):
        return _sqlite_datetime
    if isinstance(column_type, Date):
        return lambda v: v.isoformat() if isinstance(v, date) else v
    if isinstance(column_type, Boolean):
        return lambda v: None if v is None else int(bool(v))
    if isinstance(column_type, JSON):
        return lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
    return None


def _default(column: Any) -> Any:
    default = column.default
    if default is not None and default.is_scalar:
        return default.arg
    return None


def _sqlite_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    conn = session.connection()
    first_id = int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1
    columns = list(table.columns)
    defaults = {c.name: _default(c) for c in columns}
    converted = [(i, convert) for i, c in enumerate(columns)
                 if (convert := _converter(c.type)) is not None]
    pick = itemgetter(*(c.name for c in columns))
    ids = list(range(first_id, first_id + len(rows)))
    tuples = []
    for values, new_id in zip(rows, ids, strict=True):
        values["id"] = new_id
        row = list(pick(defaults | values))
        for i, convert in converted:
            if row[i] is not None:
                row[i] = convert(row[i])
        tuples.append(row)
    names = ", ".join(f'"{c.name}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', tuples)
    finally:
        cursor.close()
    return ids


def insert_records(
    session: Session,
    model: type[Synced],
    rows: Iterable[dict[str, Any]],
    *,
    owner: uuid.UUID,
) -> list[int]:
    """Insert new records of ``model`` (each row a dict of column values, by column name).
    Returns their ids, in order."""
    now = utcnow()
    is_member = model is Member
    table: Table = model.__table__  # type: ignore[assignment]
    sqlite = session.connection().dialect.name == "sqlite"
    new_ids: list[int] = []
    for chunk in _chunks(rows, CHUNK):
        for values in chunk:
            stamped(values, owner=owner, now=now)
            if is_member:
                member_values(values)
        if sqlite:
            new_ids += _sqlite_insert(session, table, chunk)
        else:
            session.connection().execute(insert(table), chunk)
            uuids = [v["uuid"] for v in chunk]
            by_uuid = dict(session.connection().execute(
                select(table.c.uuid, table.c.id).where(table.c.uuid.in_(uuids))).all())
            new_ids += [by_uuid[u] for u in uuids]
    if is_member:
        reindex_members(session, new_ids)
    return new_ids


def reindex_members(session: Session, member_ids: list[int]) -> None:
    """After members were written with Core statements: bring the search index up to date."""
    conn = session.connection()
    if search_index.is_available(conn):
        search_index.refresh(conn, member_ids)


# --- Core writes to synced rows -------------------------------------------------------------
# The ORM hook of unionapp.audit keeps what is derived from synced rows in step (the member
# search index); Core statements bypass it. Every Core write to synced rows therefore goes
# through update_synced, or ends with after_core_write.


def after_core_write(session: Session, *, members: Iterable[int] = (),
                     moved_units: Iterable[int] = ()) -> None:
    """Bring what is derived from synced rows up to date after Core statements wrote them:
    the search index of the ``members`` written, and of every member under the units whose
    place in the tree changed (``moved_units``: their ancestors are indexed with them)."""
    changed = set(members)
    for unit_id in set(moved_units):
        changed |= set(session.scalars(select(Member.id).where(
            Member.org_unit_id.in_(subtree_ids(unit_id)))))
    if changed:
        reindex_members(session, sorted(changed))


def update_synced(session: Session, table: Table, record_id: int,
                  values: dict[str, Any]) -> None:
    """Write ``values`` (stamps included, as given) into one synced row with Core, keeping
    what is derived from it in step."""
    before = None
    if table.name == "org_unit" and "parent_id" in values:
        before = session.scalar(select(table.c.parent_id).where(table.c.id == record_id))
    session.execute(update(table).where(table.c.id == record_id).values(values))
    if table.name == "member":
        after_core_write(session, members=[record_id])
    elif table.name == "org_unit" and before != values.get("parent_id", before):
        after_core_write(session, moved_units=[record_id])


def audit_summary(session: Session, *, user: str, action: str, entity: str, summary: str,
                  details: dict[str, Any] | None = None) -> None:
    """One audit row for a whole bulk operation."""
    write_entries(session, [{"user": user, "action": action, "entity": entity,
                             "summary": summary, "after": details}])
