"""Member search index: FTS5 over folded names, rowid = rank in Vietnamese name order.

See unionapp/search_index.py for why. SQLite only; PostgreSQL searches with plain SQL.

Revision ID: 0300
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0300"
down_revision = "0001"
branch_labels = None
depends_on = None

# A frozen copy of unionapp.search_index's rebuild (migrations never import app code).
SPACING = 1 << 32
ROWS = """
WITH RECURSIVE chain(unit_id, ancestor_id) AS (
    SELECT id, id FROM org_unit
    UNION ALL
    SELECT chain.unit_id, org_unit.parent_id FROM chain
    JOIN org_unit ON org_unit.id = chain.ancestor_id WHERE org_unit.parent_id IS NOT NULL
), units(unit_id, tokens) AS (
    SELECT unit_id, group_concat('zzou' || ancestor_id, ' ') FROM chain GROUP BY unit_id
)
SELECT m.id AS id, m.sort_key AS sort_key,
       m.name_folded || ' zzlive zzst' || replace(m.status, '_', '') || ' zzg'
       || coalesce(m.gender, 'x')
       || ' ' || units.tokens
       || coalesce(' zzby' || coalesce(m.birth_year, strftime('%Y', m.date_of_birth)), '') AS t
FROM member m JOIN units ON units.unit_id = m.org_unit_id
WHERE m.deleted_at IS NULL
"""


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index("ix_member_sort")
        batch_op.create_index("ix_member_sort", ["sort_key", "id"], unique=False)
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE TABLE member_search_text (rank INTEGER PRIMARY KEY, "
               "member_id INTEGER NOT NULL UNIQUE REFERENCES member (id), text TEXT NOT NULL)")
    op.execute("CREATE VIRTUAL TABLE member_search USING fts5(text, "
               "content='member_search_text', content_rowid='rank', "
               "tokenize='unicode61 remove_diacritics 0', prefix='1 2 3 4 5 6', detail=none)")
    op.execute(f"INSERT INTO member_search_text (rank, member_id, text) "
               f"SELECT row_number() OVER (ORDER BY sort_key, id) * {SPACING}, id, t "
               f"FROM ({ROWS}) AS rows")
    op.execute("INSERT INTO member_search (member_search) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE member_search")
        op.execute("DROP TABLE member_search_text")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index("ix_member_sort")
        batch_op.create_index("ix_member_sort", ["sort_key"], unique=False)
