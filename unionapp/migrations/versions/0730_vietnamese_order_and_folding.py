"""Vietnamese order and folding: recompute the stored derived columns

Names that differ only by tone are different names: the sort key now groups each word of a
name whole (its letters, then its tone), given name first, then family and middle names.
Folding reads the look-alike Ð (U+00D0) as Đ. Both are stored in derived columns
(``member.name_folded``, ``member.sort_key``, ``activity.title_folded``,
``initiative.title_folded``) and in the member search index, whose rowids are ranks in name
order: all are recomputed here. No schema change; nothing but derived data is touched.

Revision ID: 0730
Revises: 0710
Create Date: 2026-12-05
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0730"
down_revision = "0710"
branch_labels = None
depends_on = None

# --- frozen copies of unionapp.text as of this revision (migrations never import app code) --

_INVISIBLE: dict[int, str | None] = dict.fromkeys(
    [0xAD, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065), 0xFEFF])
_LOOK_ALIKES = {0xD0: "Đ", 0xF0: "đ"}
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_CODE = {ch: chr(0x41 + i) for i, ch in enumerate(_ALPHABET)}
_MODIFIERS = {"\u0306", "\u0302", "\u031b"}
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}


def _clean(text: str | None, table: dict[int, Any]) -> str:
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFC", text).translate(table).split())


def _fold(text: str | None, table: dict[int, Any]) -> str:
    words = []
    for word in _clean(text, table).split(" "):
        decomposed = unicodedata.normalize("NFD", word.casefold().translate(table))
        words.append("".join(c for c in decomposed if not unicodedata.combining(c))
                     .replace("đ", "d"))
    return " ".join(words) if text else ""


def _letters(word: str) -> tuple[str, str]:
    primary, tones = [], []
    for ch in unicodedata.normalize("NFC", word.casefold()):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize(
            "NFC", "".join(c for c in parts if not unicodedata.combining(c) or c in _MODIFIERS))
        tones.append(next((_TONES[c] for c in parts if c in _TONES), "0"))
        if base in _LETTER_CODE:
            primary.append(_LETTER_CODE[base])
        elif base.isdigit() and base.isascii():
            primary.append(base)
        else:
            primary.append(f"~{ord(base[:1] or ' '):05x}")
    return "".join(primary), "".join(tones)


def _birth(value: Any, year: int | None) -> str:
    if isinstance(value, str) and value:
        value = date.fromisoformat(value[:10])
    if isinstance(value, date):
        return f"{value.year:04d}{value.month:02d}{value.day:02d}"
    return f"{year:04d}0000" if year is not None else "99999999"


def _new_key(name: str, born: str) -> str:
    """This revision's key: each word whole (letters, then tone), given name first."""
    words = name.split(" ") if name else []
    codes = [_letters(w) for w in words[-1:] + words[:-1]]
    return "!".join(p + "#" + t for p, t in codes) + " " + born


def _old_key(name: str, born: str) -> str:
    """Revision 0600's key: all letters (given name first), then all tones."""
    words = name.split(" ") if name else []
    given = [_letters(w) for w in words[-1:]]
    rest = [_letters(w) for w in words[:-1]]
    return " ".join(("!".join(p for p, _t in given), "!".join(p for p, _t in rest),
                     "!".join(t for _p, t in given), "!".join(t for _p, t in rest), born))


# --- the search index, as migration 0300 built it ---------------------------------------------

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


def _recompute(key: Callable[[str, str], str], table: dict[int, Any]) -> None:
    bind = op.get_bind()
    changed = []
    for member_id, name, born, year, folded, sort_key in bind.execute(sa.text(
            "SELECT id, full_name, date_of_birth, birth_year, name_folded, sort_key "
            "FROM member")):
        new_folded = _fold(name, table)
        new_key = key(_clean(name, table), _birth(born, year))
        if (new_folded, new_key) != (folded, sort_key):
            changed.append({"i": member_id, "f": new_folded, "k": new_key})
    for start in range(0, len(changed), 10_000):
        bind.execute(sa.text("UPDATE member SET name_folded = :f, sort_key = :k WHERE id = :i"),
                     changed[start:start + 10_000])
    for entity in ("activity", "initiative"):
        titles = [{"i": i, "f": _fold(title, table)} for i, title, folded in bind.execute(
            sa.text(f"SELECT id, title, title_folded FROM {entity}"))
            if _fold(title, table) != folded]
        if titles:
            bind.execute(sa.text(f"UPDATE {entity} SET title_folded = :f WHERE id = :i"), titles)
    if bind.dialect.name == "sqlite":  # ranks follow the new order
        op.execute("DELETE FROM member_search_text")
        op.execute(f"INSERT INTO member_search_text (rank, member_id, text) "
                   f"SELECT row_number() OVER (ORDER BY sort_key, id) * {SPACING}, id, t "
                   f"FROM ({ROWS}) AS rows")
        op.execute("INSERT INTO member_search (member_search) VALUES ('rebuild')")


def upgrade() -> None:
    _recompute(_new_key, {**_INVISIBLE, **_LOOK_ALIKES})


def downgrade() -> None:
    _recompute(_old_key, _INVISIBLE)
