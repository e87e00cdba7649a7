"""Lists as windows onto queries: a row count and pages on demand, in the database's order.

The GUI's table models and the command line read the same ``ListQuery`` objects; nothing
loads a whole table into memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select

from .db import Database

Row = TypeVar("Row")


@dataclass(frozen=True)
class ListQuery(Generic[Row]):
    """A filtered statement, its order, and how to turn a result row into a frozen value."""

    db: Database
    statement: Select[Any]
    order_by: tuple[Any, ...]
    to_row: Callable[[Any], Row]

    def count(self) -> int:
        with self.db.read() as s:
            return s.scalar(select(func.count()).select_from(self.statement.subquery())) or 0

    def page(self, offset: int, limit: int) -> list[Row]:
        """Rows ``offset … offset + limit - 1`` in order."""
        with self.db.read() as s:
            stmt = self.statement.order_by(*self.order_by).offset(offset).limit(limit)
            return [self.to_row(r) for r in s.execute(stmt)]

    def all(self) -> list[Row]:
        with self.db.read() as s:
            return [self.to_row(r) for r in s.execute(self.statement.order_by(*self.order_by))]
