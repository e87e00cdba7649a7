"""Records as plain dicts, for comparing two databases record by record.

Written independently of the exchange code: every column except the local ``id``, with each
foreign key replaced by the UUID it points to.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from unionapp.db import Database
from unionapp.models import Synced


def records(db: Database, model: type[Synced]) -> dict[uuid.UUID, dict[str, Any]]:
    table = model.__table__
    out: dict[uuid.UUID, dict[str, Any]] = {}
    with db.read() as s:
        targets: dict[str, dict[int, uuid.UUID]] = {}
        for column in table.columns:
            for fk in column.foreign_keys:
                target = fk.column.table
                if target.name not in targets:
                    targets[target.name] = {i: u for i, u in s.execute(
                        select(target.c.id, target.c.uuid))}
        for row in s.execute(select(table)):
            values = dict(row._mapping)
            values.pop("id")
            for column in table.columns:
                if column.foreign_keys and values[column.name] is not None:
                    target = next(iter(column.foreign_keys)).column.table.name
                    values[column.name] = targets[target][values[column.name]]
            out[values["uuid"]] = values
    return out


def assert_same_records(source: Database, copy: Database, model: type[Synced],
                        uuids: set[uuid.UUID]) -> None:
    """Every record of ``uuids`` is in ``copy`` exactly as in ``source``."""
    mine, theirs = records(source, model), records(copy, model)
    for record in uuids:
        assert record in theirs, f"{model.__tablename__} {record} missing"
        assert theirs[record] == mine[record], (
            model.__tablename__,
            {k: (v, theirs[record].get(k)) for k, v in mine[record].items()
             if theirs[record].get(k) != v})
