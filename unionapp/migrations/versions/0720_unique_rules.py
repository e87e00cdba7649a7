"""Unique rules as partial unique indexes, and the exchange's record bookkeeping keyed by
local id.

- A unit's live members never share a CCCD number; a source's packages are numbered once each
  way. Services check these rules first and say so plainly; the indexes make sure no race
  between two writers can break them. A database that already breaks a rule (two live members
  of one unit with the same CCCD, from before) keeps all its data: that index is then left
  out, and the service's check and the one-writer lock keep new duplicates away.
- ``exchange_record`` is keyed by (table, local id) instead of the record's UUID: a package's
  new records get ids in a row, so their rows go to the end of the index instead of a random
  page each. Every row is kept, found again by its UUID.

Revision ID: 0720
Revises: 0730
Create Date: 2026-12-04
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0720"
down_revision = "0730"
branch_labels = None
depends_on = None

LIVE_CCCD = "deleted_at IS NULL AND national_id IS NOT NULL"
log = logging.getLogger("alembic.runtime.migration")


def _clashes(sql: str) -> int:
    return int(op.get_bind().execute(sa.text(sql)).scalar() or 0)


def _rekey_exchange_record() -> None:
    bind = op.get_bind()
    tables = set(sa.inspect(bind).get_table_names())
    # SQLite's constraint names belong to their table; PostgreSQL's must differ meanwhile.
    sqlite = bind.dialect.name == "sqlite"
    op.create_table(
        "exchange_record_new",
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("record_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("pending_version", sa.Integer(), nullable=True),
        sa.Column("pending_sequence", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("entity", "record_id", name="pk_exchange_record" if sqlite
                                else "pk_exchange_record_new"),
    )
    entities = [e for (e,) in bind.execute(sa.text("SELECT DISTINCT entity FROM exchange_record"))]
    for entity in entities:
        if entity not in tables:
            log.warning("exchange_record: rows of an unknown table %r left out", entity)
            continue
        bind.execute(sa.text(
            f'INSERT INTO exchange_record_new (entity, record_id, base_version, '
            f'pending_version, pending_sequence) SELECT r.entity, t.id, r.base_version, '
            f'r.pending_version, r.pending_sequence FROM exchange_record r '
            f'JOIN "{entity}" t ON t.uuid = r.record_uuid WHERE r.entity = :entity'),
            {"entity": entity})
    with op.batch_alter_table("exchange_record", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_record_pending_sequence")
    op.drop_table("exchange_record")
    op.rename_table("exchange_record_new", "exchange_record")
    if not sqlite:
        op.execute("ALTER TABLE exchange_record RENAME CONSTRAINT pk_exchange_record_new "
                    "TO pk_exchange_record")
    with op.batch_alter_table("exchange_record", schema=None) as batch_op:
        batch_op.create_index("ix_exchange_record_pending_sequence", ["pending_sequence"],
                              unique=False)


def upgrade() -> None:
    _rekey_exchange_record()
    if _clashes(f"SELECT count(*) FROM (SELECT 1 FROM member WHERE {LIVE_CCCD} "
                "GROUP BY owner_uuid, national_id HAVING count(*) > 1) AS twice"):
        log.warning("member: live members share a CCCD number; ux_member_owner_national_id "
                    "is left out")
    else:
        with op.batch_alter_table("member", schema=None) as batch_op:
            batch_op.create_index("ux_member_owner_national_id", ["owner_uuid", "national_id"],
                                  unique=True, sqlite_where=sa.text(LIVE_CCCD),
                                  postgresql_where=sa.text(LIVE_CCCD))
    if _clashes("SELECT count(*) FROM (SELECT 1 FROM exchange_log "
                "GROUP BY direction, source_uuid, sequence HAVING count(*) > 1) AS twice"):
        log.warning("exchange_log: a package number is logged twice; "
                    "ux_exchange_log_direction_source_sequence is left out")
    else:
        with op.batch_alter_table("exchange_log", schema=None) as batch_op:
            batch_op.create_index("ux_exchange_log_direction_source_sequence",
                                  ["direction", "source_uuid", "sequence"], unique=True)


def _key_exchange_record_by_uuid() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.create_table(
        "exchange_record_old",
        sa.Column("record_uuid", sa.Uuid(), nullable=False),
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("pending_version", sa.Integer(), nullable=True),
        sa.Column("pending_sequence", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("record_uuid", name="pk_exchange_record" if sqlite
                                else "pk_exchange_record_old"),
    )
    tables = set(sa.inspect(bind).get_table_names())
    for (entity,) in bind.execute(sa.text("SELECT DISTINCT entity FROM exchange_record")):
        if entity in tables:
            bind.execute(sa.text(
                f'INSERT INTO exchange_record_old SELECT t.uuid, r.entity, r.base_version, '
                f'r.pending_version, r.pending_sequence FROM exchange_record r '
                f'JOIN "{entity}" t ON t.id = r.record_id WHERE r.entity = :entity'),
                {"entity": entity})
    with op.batch_alter_table("exchange_record", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_record_pending_sequence")
    op.drop_table("exchange_record")
    op.rename_table("exchange_record_old", "exchange_record")
    if not sqlite:
        op.execute("ALTER TABLE exchange_record RENAME CONSTRAINT pk_exchange_record_old "
                    "TO pk_exchange_record")
    with op.batch_alter_table("exchange_record", schema=None) as batch_op:
        batch_op.create_index("ix_exchange_record_pending_sequence", ["pending_sequence"],
                              unique=False)


def downgrade() -> None:
    for table, index in (("exchange_log", "ux_exchange_log_direction_source_sequence"),
                         ("member", "ux_member_owner_national_id")):
        if index in {i["name"] for i in sa.inspect(op.get_bind()).get_indexes(table)}:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_index(index)
    _key_exchange_record_by_uuid()
