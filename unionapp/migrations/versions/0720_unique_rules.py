"""Unique rules as partial unique indexes: a unit's live members never share a CCCD number;
a source's packages are numbered once each way.

Services check these rules first and say so plainly; the indexes make sure no race between
two writers can break them. A database that already breaks a rule (two live members of one
unit with the same CCCD, from before) keeps all its data: that index is then left out, and
the service's check and the one-writer lock keep new duplicates away.

Revision ID: 0720
Revises: 0600
Create Date: 2026-12-04
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0720"
down_revision = "0600"
branch_labels = None
depends_on = None

LIVE_CCCD = "deleted_at IS NULL AND national_id IS NOT NULL"
log = logging.getLogger("alembic.runtime.migration")


def _clashes(sql: str) -> int:
    return int(op.get_bind().execute(sa.text(sql)).scalar() or 0)


def upgrade() -> None:
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


def downgrade() -> None:
    for table, index in (("exchange_log", "ux_exchange_log_direction_source_sequence"),
                         ("member", "ux_member_owner_national_id")):
        if index in {i["name"] for i in sa.inspect(op.get_bind()).get_indexes(table)}:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_index(index)
