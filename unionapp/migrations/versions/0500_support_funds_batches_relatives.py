"""support: yearly funds, batches, corrections of paid amounts, dated workflow steps;
members' relatives

Revision ID: 0500
Revises: 0300
Create Date: 2026-11-23

Existing workflow steps get the date they were recorded as their date on paper.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0500"
down_revision = "0300"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "support_fund",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("owner_uuid", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("budget", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_fund")),
        sa.UniqueConstraint(
            "owner_uuid", "code", "year", name=op.f("uq_support_fund_owner_uuid_code_year")
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_support_fund_uuid")),
    )
    with op.batch_alter_table("support_fund", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_support_fund_owner_uuid"), ["owner_uuid"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_support_fund_year"), ["year"], unique=False)

    op.create_table(
        "support_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("owner_uuid", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("paper_ref", sa.String(length=100), nullable=False),
        sa.Column("criteria", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["support_fund.id"], name=op.f("fk_support_batch_fund_id_support_fund")
        ),
        sa.ForeignKeyConstraint(
            ["kind_id"], ["support_kind.id"], name=op.f("fk_support_batch_kind_id_support_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_batch")),
        sa.UniqueConstraint("uuid", name=op.f("uq_support_batch_uuid")),
    )
    with op.batch_alter_table("support_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_support_batch_fund_id"), ["fund_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_support_batch_kind_id"), ["kind_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_support_batch_owner_uuid"), ["owner_uuid"], unique=False
        )

    op.create_table(
        "member_relative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("owner_uuid", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_member_relative_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_relative")),
        sa.UniqueConstraint("uuid", name=op.f("uq_member_relative_uuid")),
    )
    with op.batch_alter_table("member_relative", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_relative_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_member_relative_owner_uuid"), ["owner_uuid"], unique=False
        )

    op.create_table(
        "support_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("owner_uuid", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("old_amount", sa.Integer(), nullable=False),
        sa.Column("new_amount", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by_user", sa.String(length=100), nullable=False),
        sa.Column("over_budget", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["support_case.id"],
            name=op.f("fk_support_correction_case_id_support_case"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_correction")),
        sa.UniqueConstraint("uuid", name=op.f("uq_support_correction_uuid")),
    )
    with op.batch_alter_table("support_correction", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_support_correction_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_support_correction_owner_uuid"), ["owner_uuid"], unique=False
        )

    with op.batch_alter_table("support_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fund_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("relative_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_support_case_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_support_case_fund_id"), ["fund_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_support_case_relative_id"), ["relative_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_support_case_fund_id_support_fund"), "support_fund", ["fund_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_support_case_relative_id_member_relative"),
            "member_relative",
            ["relative_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_support_case_batch_id_support_batch"),
            "support_batch",
            ["batch_id"],
            ["id"],
        )

    with op.batch_alter_table("support_case_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("effective_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("over_budget", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Steps recorded before this revision: their date on paper is the day they were recorded.
    day = "date(at)" if op.get_bind().dialect.name == "sqlite" else "CAST(at AS DATE)"
    op.execute(f"UPDATE support_case_event SET effective_on = {day}")
    with op.batch_alter_table("support_case_event", schema=None) as batch_op:
        batch_op.alter_column("effective_on", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column("over_budget", existing_type=sa.Boolean(), server_default=None)

    with op.batch_alter_table("support_kind", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fund_code", sa.String(length=40), nullable=False, server_default="")
        )
    with op.batch_alter_table("support_kind", schema=None) as batch_op:
        batch_op.alter_column("fund_code", existing_type=sa.String(length=40), server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("support_kind", schema=None) as batch_op:
        batch_op.drop_column("fund_code")

    with op.batch_alter_table("support_case_event", schema=None) as batch_op:
        batch_op.drop_column("over_budget")
        batch_op.drop_column("effective_on")

    with op.batch_alter_table("support_case", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_support_case_batch_id_support_batch"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_support_case_relative_id_member_relative"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_support_case_fund_id_support_fund"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_support_case_relative_id"))
        batch_op.drop_index(batch_op.f("ix_support_case_fund_id"))
        batch_op.drop_index(batch_op.f("ix_support_case_batch_id"))
        batch_op.drop_column("relative_id")
        batch_op.drop_column("batch_id")
        batch_op.drop_column("fund_id")

    with op.batch_alter_table("support_correction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_correction_owner_uuid"))
        batch_op.drop_index(batch_op.f("ix_support_correction_case_id"))

    op.drop_table("support_correction")
    with op.batch_alter_table("member_relative", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_relative_owner_uuid"))
        batch_op.drop_index(batch_op.f("ix_member_relative_member_id"))

    op.drop_table("member_relative")
    with op.batch_alter_table("support_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_batch_owner_uuid"))
        batch_op.drop_index(batch_op.f("ix_support_batch_kind_id"))
        batch_op.drop_index(batch_op.f("ix_support_batch_fund_id"))

    op.drop_table("support_batch")
    with op.batch_alter_table("support_fund", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_fund_year"))
        batch_op.drop_index(batch_op.f("ix_support_fund_owner_uuid"))

    op.drop_table("support_fund")
