"""What every stored record shares: identity, time stamps, version, owner and tombstone.

Every record is ready to travel between a branch and its parent union from day one:
- ``uuid`` never changes and names the record everywhere (packages, audit log, CLI JSON);
- ``id`` is a local integer key, used only inside one database for joins;
- ``version`` goes up by one on every change (SQLAlchemy's ``version_id_col``, which also
  refuses a write based on a stale copy);
- ``owner_uuid`` names the org unit whose copy is authoritative (by UUID, so a unit can own
  itself and packages carry it as is); by default, the unit this database belongs to;
- deleting sets ``deleted_at`` (a tombstone); rows never vanish.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Date, DateTime, Integer, MetaData, String, Uuid
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time, stored as naive UTC (SQLite has no time zones) and read back aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware (UTC) datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        date: Date(),
        uuid.UUID: Uuid(),
        dict[str, Any]: JSON(),
    }


def sort_key_type(length: int) -> String:
    """A column of ASCII sort keys: byte order everywhere (PostgreSQL would otherwise apply
    the server's locale collation)."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Synced:
    """Mixin for every record that travels in packages (see the module docstring)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-10)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4, sort_order=-9)
    owner_uuid: Mapped[uuid.UUID] = mapped_column(Uuid, index=True, sort_order=-8)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, sort_order=90)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, sort_order=91)
    version: Mapped[int] = mapped_column(default=1, sort_order=92)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None, sort_order=93)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}
