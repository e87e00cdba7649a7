"""reorganisation: dated parents with their header lines, transfers' other branch, closing

Revision ID: 0710
Revises: 0700
Create Date: 2026-12-04 09:00:00

- ``org_unit.closed_on``: the day a branch ended its activity.
- ``movement.other_unit_uuid`` / ``other_unit_code``: a transfer's other branch.
- ``org_unit_move`` names units by UUID, code and name instead of local keys (a move travels
  to databases that never knew one of the parents), with the header lines documents print
  before and after the move. Rows already there keep their meaning: their units' identities
  are copied from the ``org_unit`` rows the old keys pointed to.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0710"
down_revision = "0700"
branch_labels = None
depends_on = None

_TEXT = {  # new text columns of org_unit_move and their lengths
    "old_parent_code": 40, "old_parent_name": 300, "old_superior_line": 300,
    "old_issuer_line": 300, "new_parent_code": 40, "new_parent_name": 300,
    "superior_line": 300, "issuer_line": 300,
}


def upgrade() -> None:
    with op.batch_alter_table("org_unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_on", sa.Date(), nullable=True))

    with op.batch_alter_table("movement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("other_unit_uuid", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("other_unit_code", sa.String(length=40), nullable=False,
                                      server_default=""))
    with op.batch_alter_table("movement", schema=None) as batch_op:
        batch_op.alter_column("other_unit_code", existing_type=sa.String(length=40),
                              server_default=None)
        batch_op.create_index(batch_op.f("ix_movement_other_unit_uuid"), ["other_unit_uuid"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_movement_other_unit_code"), ["other_unit_code"],
                              unique=False)

    with op.batch_alter_table("org_unit_move", schema=None) as batch_op:
        batch_op.add_column(sa.Column("org_unit_uuid", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("old_parent_uuid", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("new_parent_uuid", sa.Uuid(), nullable=True))
        for name, length in _TEXT.items():
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=False,
                                          server_default=""))
    # The units the old keys named, by identity (correlated subqueries: SQLite and PostgreSQL).
    unit = "(SELECT {column} FROM org_unit u WHERE u.id = org_unit_move.{key})"
    op.execute(
        "UPDATE org_unit_move SET "
        f"org_unit_uuid = {unit.format(column='uuid', key='org_unit_id')}, "
        f"old_parent_uuid = {unit.format(column='uuid', key='old_parent_id')}, "
        f"old_parent_code = COALESCE({unit.format(column='code', key='old_parent_id')}, ''), "
        f"old_parent_name = COALESCE({unit.format(column='name', key='old_parent_id')}, ''), "
        f"new_parent_uuid = {unit.format(column='uuid', key='new_parent_id')}, "
        f"new_parent_code = COALESCE({unit.format(column='code', key='new_parent_id')}, ''), "
        f"new_parent_name = COALESCE({unit.format(column='name', key='new_parent_id')}, '')")
    # Header lines stay empty: documents then print the parent's name in capitals (Python's
    # upper case knows Vietnamese letters; SQLite's does not).
    with op.batch_alter_table("org_unit_move", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_unit_move_org_unit_id"))
        batch_op.drop_constraint("fk_org_unit_move_org_unit_id_org_unit", type_="foreignkey")
        batch_op.drop_constraint("fk_org_unit_move_old_parent_id_org_unit", type_="foreignkey")
        batch_op.drop_constraint("fk_org_unit_move_new_parent_id_org_unit", type_="foreignkey")
        batch_op.drop_column("org_unit_id")
        batch_op.drop_column("old_parent_id")
        batch_op.drop_column("new_parent_id")
        batch_op.alter_column("org_unit_uuid", existing_type=sa.Uuid(), nullable=False)
        for name, length in _TEXT.items():
            batch_op.alter_column(name, existing_type=sa.String(length=length),
                                  server_default=None)
        batch_op.create_index(batch_op.f("ix_org_unit_move_org_unit_uuid"), ["org_unit_uuid"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("org_unit_move", schema=None) as batch_op:
        batch_op.add_column(sa.Column("org_unit_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("old_parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("new_parent_id", sa.Integer(), nullable=True))
    key = "(SELECT id FROM org_unit u WHERE u.uuid = org_unit_move.{column})"
    op.execute(
        "UPDATE org_unit_move SET "
        f"org_unit_id = {key.format(column='org_unit_uuid')}, "
        f"old_parent_id = {key.format(column='old_parent_uuid')}, "
        f"new_parent_id = {key.format(column='new_parent_uuid')}")
    op.execute("DELETE FROM org_unit_move WHERE org_unit_id IS NULL")
    with op.batch_alter_table("org_unit_move", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_unit_move_org_unit_uuid"))
        for name in (*_TEXT, "org_unit_uuid", "old_parent_uuid", "new_parent_uuid"):
            batch_op.drop_column(name)
        batch_op.alter_column("org_unit_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key("fk_org_unit_move_org_unit_id_org_unit", "org_unit",
                                    ["org_unit_id"], ["id"])
        batch_op.create_foreign_key("fk_org_unit_move_old_parent_id_org_unit", "org_unit",
                                    ["old_parent_id"], ["id"])
        batch_op.create_foreign_key("fk_org_unit_move_new_parent_id_org_unit", "org_unit",
                                    ["new_parent_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_org_unit_move_org_unit_id"), ["org_unit_id"],
                              unique=False)

    with op.batch_alter_table("movement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_movement_other_unit_code"))
        batch_op.drop_index(batch_op.f("ix_movement_other_unit_uuid"))
        batch_op.drop_column("other_unit_code")
        batch_op.drop_column("other_unit_uuid")

    with op.batch_alter_table("org_unit", schema=None) as batch_op:
        batch_op.drop_column("closed_on")
