"""accounts (passwords, lockout) and the audit log's hash chain

Revision ID: 0700
Revises: 0600
Create Date: 2026-12-10 09:00:00

Existing audit rows are sealed into the chain here, as they are at the upgrade: from now on
an edit, deletion or insertion behind the program's back shows in ``unionapp audit verify``;
what was changed before the upgrade can't be told.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0700"
down_revision = "0600"
branch_labels = None
depends_on = None


# A frozen copy of unionapp.audit.entry_hash (migrations never import app code; the two must
# agree forever, a test checks they do).
def _moment(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")


def _entry_hash(prev_hash, at, user, role, action, entity, entity_uuid, summary, before,
                after) -> str:
    payload = [prev_hash or "", _moment(at), user or "", role or "", action or "", entity or "",
               str(entity_uuid) if entity_uuid is not None else None, summary or "",
               before, after]
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_audit = sa.table(
    "audit_log",
    sa.column("id", sa.Integer()),
    sa.column("at", sa.DateTime()),
    sa.column("user", sa.String()),
    sa.column("role", sa.String()),
    sa.column("action", sa.String()),
    sa.column("entity", sa.String()),
    sa.column("entity_uuid", sa.Uuid()),
    sa.column("summary", sa.String()),
    sa.column("before", sa.JSON()),
    sa.column("after", sa.JSON()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)
_info = sa.table("database_info", sa.column("key", sa.String()), sa.column("value", sa.String()))
_user = sa.table("app_user", sa.column("role", sa.String()))
CHUNK = 2000


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_hash", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("failed_tries", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("password_changed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_sign_in_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.alter_column("failed_tries", server_default=None)
        batch_op.alter_column("must_change_password", server_default=None)
    # Names recorded before accounts existed: "admin" was the set-up user, now the chair's role.
    op.execute(_user.update().where(_user.c.role == "admin").values(role="chair"))

    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=20), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_audit_log_entity_uuid", ["entity_uuid"], unique=False)
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("role", server_default=None)

    # Seal the rows that exist now, in order.
    conn = op.get_bind()
    prev, last_id, count = "", 0, 0
    after_id = 0
    while True:
        rows = conn.execute(sa.select(_audit).where(_audit.c.id > after_id)
                            .order_by(_audit.c.id).limit(CHUNK)).all()
        if not rows:
            break
        seals = []
        for r in rows:
            digest = _entry_hash(prev, r.at, r.user, r.role, r.action, r.entity, r.entity_uuid,
                                 r.summary, r.before, r.after)
            seals.append({"row_id": r.id, "p": prev, "h": digest})
            prev, last_id = digest, r.id
        conn.execute(_audit.update().where(_audit.c.id == sa.bindparam("row_id"))
                     .values(prev_hash=sa.bindparam("p"), hash=sa.bindparam("h")), seals)
        count += len(rows)
        after_id = rows[-1].id
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    conn.execute(_info.delete().where(_info.c.key.in_(("audit_head", "audit_sealed_at_upgrade"))))
    conn.execute(_info.insert(), [{"key": "audit_head", "value": f"{last_id} {prev}"},
                                  {"key": "audit_sealed_at_upgrade", "value": f"{count} {now}"}])


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(_info.delete().where(_info.c.key.in_(("audit_head", "audit_sealed_at_upgrade"))))
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_entity_uuid")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("role")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("last_sign_in_at")
        batch_op.drop_column("password_changed_at")
        batch_op.drop_column("must_change_password")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_tries")
        batch_op.drop_column("password_hash")
