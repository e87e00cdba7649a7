"""The exchange's record bookkeeping made compact: on SQLite its rows live in their key's own
b-tree (WITHOUT ROWID: one b-tree written per record a package brings, not a table and the
index of its key), and the index of pending sequences holds only the records sent and not yet
acknowledged (a parent union's records, hundreds of thousands, never are). Every row is kept.

Revision ID: 0830
Revises: 0720
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0830"
down_revision = "0720"
branch_labels = None
depends_on = None

PENDING = "pending_sequence IS NOT NULL"
COLUMNS = "entity, record_id, base_version, pending_version, pending_sequence"


def _copy_table(*, with_rowid: bool) -> None:
    """SQLite: the table made again (with or without its rowid), every row copied."""
    op.create_table(
        "exchange_record_copy",
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("record_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("pending_version", sa.Integer(), nullable=True),
        sa.Column("pending_sequence", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("entity", "record_id", name="pk_exchange_record"),
        sqlite_with_rowid=with_rowid,
    )
    # In key order: the new b-tree is filled from its start to its end.
    op.execute(f"INSERT INTO exchange_record_copy ({COLUMNS}) SELECT {COLUMNS} "
               f"FROM exchange_record ORDER BY entity, record_id")
    op.drop_index("ix_exchange_record_pending_sequence", table_name="exchange_record")
    op.drop_table("exchange_record")
    op.rename_table("exchange_record_copy", "exchange_record")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _copy_table(with_rowid=False)
    else:
        op.drop_index("ix_exchange_record_pending_sequence", table_name="exchange_record")
    op.create_index("ix_exchange_record_pending_sequence", "exchange_record",
                    ["pending_sequence"], unique=False, sqlite_where=sa.text(PENDING),
                    postgresql_where=sa.text(PENDING))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _copy_table(with_rowid=True)
    else:
        op.drop_index("ix_exchange_record_pending_sequence", table_name="exchange_record")
    op.create_index("ix_exchange_record_pending_sequence", "exchange_record",
                    ["pending_sequence"], unique=False)
