"""Values as the exchange handles them, and as each database stores them.

Packages hold hundreds of thousands of values; turning each into a Python object (UUID, date,
datetime) and back costs more than the rest of an import. So the exchange works on canonical
text — UUIDs ``xxxxxxxx-xxxx-…`` in lower case, dates ``YYYY-MM-DD``, moments in UTC
``YYYY-MM-DD HH:MM:SS.ffffff`` — and reads and writes the tables straight through the driver
(``executemany`` with tuples), converting only where a database's storage differs: SQLite
keeps UUIDs as 32 hex digits and dates and moments as exactly that text (SQLAlchemy's own
storage format); PostgreSQL returns objects and takes text, casting it to the column's type.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

MOMENT = "%Y-%m-%d %H:%M:%S.%f"


def uuid_text(raw: Any) -> str | None:
    if raw is None:
        return None
    if type(raw) is str:
        if len(raw) == 32:
            return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"
        return raw.lower()
    return str(raw)


def _date_text(raw: Any) -> str | None:
    if raw is None or type(raw) is str:
        return raw
    return raw.isoformat()


def _moment_text(raw: Any) -> str | None:
    if raw is None:
        return None
    if type(raw) is str:
        return raw if len(raw) == 26 else moment_canonical(datetime.fromisoformat(raw))
    return moment_canonical(raw)


def _bool(raw: Any) -> bool | None:
    return None if raw is None else bool(raw)


def moment_canonical(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime(MOMENT)


READERS: dict[str, Callable[[Any], Any]] = {
    "uuid": uuid_text, "ref": uuid_text, "date": _date_text, "datetime": _moment_text,
    "bool": _bool,
}


def reader(kind: str) -> Callable[[Any], Any] | None:
    """How to turn a stored value of ``kind`` into canonical form (None: it already is)."""
    return READERS.get(kind)


class Storage:
    """The conversions of one database (SQLite or PostgreSQL), and many rows written at once
    straight through the driver (``executemany`` with tuples: no per-value processing)."""

    def __init__(self, session: Session):
        self.session = session
        dialect = session.get_bind().dialect
        self.sqlite = dialect.name == "sqlite"
        self.mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.quote = dialect.identifier_preparer.quote

    @contextmanager
    def big_cache(self, kib: int = 64 * 1024) -> Iterator[None]:
        """A larger SQLite page cache while many rows go into indexed tables (SQLite's 2 MB
        default makes it re-read index pages it just wrote; ~40% slower for big packages)."""
        if not self.sqlite:
            yield
            return
        connection = self.session.connection()
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql(f"PRAGMA cache_size = {-int(kib)}")
        try:
            yield
        finally:
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")

    def _run(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        connection = self.session.connection()
        for start in range(0, len(rows), 10_000):
            connection.exec_driver_sql(sql, rows[start:start + 10_000])

    # PostgreSQL takes many rows best in one statement: new rows through COPY, updates and
    # upserts from arrays (one parameter a column, unnest()-ed on the server). executemany
    # there sends a statement a row (pipelined): ~6 times slower for a branch's package.

    def insert_many(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self.sqlite:
            self._run(f"INSERT INTO {self.quote(table)} ({self._names(columns)}) "
                      f"VALUES ({', '.join(self.mark for _ in columns)})", rows)
            return
        cursor = self.session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            with cursor.copy(f"COPY {self.quote(table)} ({self._names(columns)}) "
                             "FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()

    def new_ids(self, table: str, count: int) -> list[int]:
        """Ids for ``count`` new rows of ``table`` (inside a write transaction: SQLite holds
        the write lock, so the next ids are the ones after the highest; PostgreSQL takes them
        from the table's sequence)."""
        if not count:
            return []
        if self.sqlite:
            highest = self.session.connection().exec_driver_sql(
                f"SELECT coalesce(max(id), 0) FROM {self.quote(table)}").scalar()
            return list(range(int(highest) + 1, int(highest) + 1 + count))
        return list(self.session.connection().exec_driver_sql(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            (table, count)).scalars())

    def update_many(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        """Each row: the new values of ``columns``, then the id of the row to change."""
        if not rows:
            return
        if self.sqlite:
            sets = ", ".join(f"{self.quote(c)} = {self.mark}" for c in columns)
            self._run(f"UPDATE {self.quote(table)} SET {sets} WHERE id = {self.mark}", rows)
            return
        names = [*columns, "id"]
        sets = ", ".join(f"{self.quote(c)} = v.{self.quote(c)}" for c in columns)
        self._arrays(f"UPDATE {self.quote(table)} AS t SET {sets} "
                     f"FROM {self._unnest(table, names)} WHERE t.id = v.id", rows)

    def upsert_many(self, table: str, columns: list[str], key: tuple[str, ...],
                    changed: list[str], rows: list[tuple[Any, ...]]) -> None:
        """Insert ``rows``, or where their ``key`` (columns) is taken, update ``changed``."""
        if not rows:
            return
        sets = ", ".join(f"{self.quote(c)} = excluded.{self.quote(c)}" for c in changed)
        conflict = f"ON CONFLICT ({self._names(list(key))}) DO UPDATE SET {sets}"
        if self.sqlite:
            self._run(f"INSERT INTO {self.quote(table)} ({self._names(columns)}) "
                      f"VALUES ({', '.join(self.mark for _ in columns)}) {conflict}", rows)
            return
        self._arrays(f"INSERT INTO {self.quote(table)} ({self._names(columns)}) "
                     f"SELECT * FROM {self._unnest(table, columns)} {conflict}", rows)

    def _unnest(self, table: str, columns: list[str]) -> str:
        """``unnest(%s::type[], …) AS v(columns…)``: one array parameter a column."""
        from ..models import Base

        described = Base.metadata.tables[table].columns
        dialect = self.session.get_bind().dialect
        # (A collation is no part of an array's type: the column applies its own.)
        types = [re.sub(r' COLLATE "[^"]*"', "", described[name].type.compile(dialect=dialect))
                 for name in columns]
        arrays = ", ".join(f"%s::{kind}[]" for kind in types)
        return f"unnest({arrays}) AS v({self._names(columns)})"

    def _arrays(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        connection = self.session.connection()
        for start in range(0, len(rows), 50_000):
            part = rows[start:start + 50_000]
            connection.exec_driver_sql(sql, tuple(list(c) for c in zip(*part, strict=True)))

    def select_in(self, table: str, columns: list[str], key: str, keys: list[Any], *,
                  kind: str = "uuid", where: tuple[str, Any] | None = None
                  ) -> Iterable[tuple[Any, ...]]:
        """Rows of ``table`` whose ``key`` is among ``keys`` (canonical UUIDs, ids or text,
        as ``kind`` says) — and whose column ``where[0]`` holds ``where[1]`` — in one
        statement whatever their number: SQLite reads them from one JSON array, PostgreSQL
        from one array parameter."""
        if not keys:
            return []
        names = self._names(columns)
        also, params = "", ()
        if where is not None:
            also, params = f"{self.quote(where[0])} = {self.mark} AND ", (where[1],)
        if self.sqlite:
            values = [k.replace("-", "") for k in keys] if kind == "uuid" else list(keys)
            sql = (f"SELECT {names} FROM {self.quote(table)} WHERE {also}{self.quote(key)} IN "
                   f"(SELECT value FROM json_each(?))")
            return self.session.connection().exec_driver_sql(sql, (*params, json.dumps(values)))
        cast = {"uuid": "uuid[]", "int": "integer[]", "text": "text[]"}[kind]
        sql = (f"SELECT {names} FROM {self.quote(table)} "
               f"WHERE {also}{self.quote(key)} = ANY(%s::{cast})")
        return self.session.connection().exec_driver_sql(sql, (*params, list(keys)))

    def _names(self, columns: list[str]) -> str:
        return ", ".join(self.quote(c) for c in columns)

    def uuid_out(self, canonical: str | None) -> Any:
        if canonical is None:
            return None
        return canonical.replace("-", "") if self.sqlite else canonical

    def uuid_column(self, values: list[str | None]) -> list[str | None]:
        """``uuid_out`` for a column of UUIDs (some columns may hold none)."""
        if not self.sqlite:
            return values
        if None not in values:
            return [v.replace("-", "") for v in values]  # type: ignore[union-attr]
        return [None if v is None else v.replace("-", "") for v in values]


def to_python(kind: str, canonical: Any) -> Any:
    """A canonical value as the ORM wants it (for the rare record written through it)."""
    if canonical is None:
        return None
    if kind in ("uuid", "ref"):
        return uuid.UUID(canonical)
    if kind == "date":
        return date.fromisoformat(canonical)
    if kind == "datetime":
        return datetime.fromisoformat(canonical).replace(tzinfo=UTC)
    return canonical
