"""Alembic environment. The program runs migrations through ``unionapp.db.upgrade`` with an
open connection; developers can also use the ``alembic`` command with ``alembic.ini``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from unionapp.db import described_by_models
from unionapp.models import Base
from unionapp.models.base import UTCDateTime

config = context.config


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    # Migrations must not import model code that may change later: our UTC datetime type
    # is a plain DateTime in the database.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite can't ALTER most things: Alembic rebuilds the table, keeping its rows.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
        include_name=described_by_models,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with create_engine(config.get_main_option("sqlalchemy.url") or "").begin() as conn:
        _run(conn)
