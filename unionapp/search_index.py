"""The member search index (SQLite): FTS5 over folded names, read in Vietnamese order.

Why it looks like this (measured on 1,000,000 members):
- Search folds in Python (``đ`` → ``d``, which FTS5's ``remove_diacritics`` doesn't do) and
  FTS5 matches word prefixes. Prefix indexes for 1–6 letters make every typed word a single
  precomputed term: a prefix query then costs ~0.4 ms instead of ~12 ms.
- Sorting the matches by name afterwards would cost 10–60 ms for common names, so each indexed
  row's **rowid is its rank in Vietnamese name order**: FTS5 returns matches in rowid order,
  and the first page of a search is simply ``LIMIT 100``. Ranks are spaced 2³² apart, so a new
  member takes the midpoint between its neighbours; when a gap runs out, the neighbourhood is
  respaced (or, rarely, everything is renumbered).
- Filters are extra tokens in the indexed text (``zzlive``, ``zzst<status>``, ``zzg<gender>``,
  ``zzou<unit id>`` for the unit and each of its ancestors, ``zzby<birth year>``), so a filtered
  count is answered by the index alone. No Vietnamese word begins with ``zz``.

Rows live in ``member_search_text`` (rank, member_id, text), the content table of the FTS5 table
``member_search``; this module keeps the two in step itself (no triggers, so a rebuild can
refill both in two statements). PostgreSQL has none of this: searches there use plain SQL
(:mod:`unionapp.members`).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

SPACING = 1 << 32
LIVE = "zzlive"


def token(kind: str, value: str) -> str:
    """A filter token: ``zz`` + kind + value, letters and digits only (anything else would
    split it into several FTS5 tokens)."""
    return "zz" + kind + re.sub(r"[^0-9A-Za-z]", "", value)

# The indexed text of live members, with each unit's chain of ancestors as tokens. Shared by
# rebuild() (every unit: ``{units}`` is the whole table) and refresh() (only the units of the
# members refreshed: a package's few units, not a parent union's thousands); the migration
# that created the index holds a frozen copy.
_ROWS_TEMPLATE = """
WITH RECURSIVE chain(unit_id, ancestor_id) AS (
    SELECT id, id FROM org_unit {units}
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
WHERE m.deleted_at IS NULL {members}
"""
_ROWS_SQL = _ROWS_TEMPLATE.format(units="", members="")


def _rows_of(ids: str) -> str:
    """The indexed rows of the members ``ids`` (a comma-separated list of whole numbers)."""
    return _ROWS_TEMPLATE.format(
        units=f"WHERE id IN (SELECT org_unit_id FROM member WHERE id IN ({ids}))",
        members=f"AND m.id IN ({ids})")


def is_available(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def rebuild(conn: Connection) -> int:
    """Index every live member again, evenly spaced in name order. Returns the count."""
    conn.execute(text("DELETE FROM member_search_text"))
    conn.execute(text(
        f"INSERT INTO member_search_text (rank, member_id, text) "
        f"SELECT row_number() OVER (ORDER BY sort_key, id) * {SPACING}, id, t "
        f"FROM ({_ROWS_SQL}) AS rows"
    ))
    conn.execute(text("INSERT INTO member_search (member_search) VALUES ('rebuild')"))
    return conn.execute(text("SELECT count(*) FROM member_search_text")).scalar_one()


def _remove(conn: Connection, where: str, params: dict[str, Any] | None = None) -> list[Any]:
    """Take rows out of the index (FTS first: it needs the exact text that was indexed)."""
    rows = conn.execute(text(f"SELECT rank, member_id, text FROM member_search_text WHERE {where}"),
                        params or {}).all()
    if rows:
        # Many rows at a time (a neighbourhood respaced): tuples straight to the driver.
        conn.exec_driver_sql("INSERT INTO member_search (member_search, rowid, text) "
                             "VALUES ('delete', ?, ?)", [(r[0], r[2]) for r in rows])
        conn.execute(text(f"DELETE FROM member_search_text WHERE {where}"), params or {})
    return rows


def _add(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Put rows (``rank``, ``id``, ``t``) into the index."""
    if rows:
        conn.exec_driver_sql("INSERT INTO member_search_text (rank, member_id, text) "
                             "VALUES (?, ?, ?)", [(r["rank"], r["id"], r["t"]) for r in rows])
        conn.exec_driver_sql("INSERT INTO member_search (rowid, text) VALUES (?, ?)",
                             [(r["rank"], r["t"]) for r in rows])


def refresh(conn: Connection, member_ids: Collection[int]) -> None:
    """Re-index these members after they changed (new, renamed, moved, deleted…)."""
    if not member_ids:
        return
    if len(member_ids) > 5_000:
        # Placing many rows one by one costs more than renumbering all of them.
        total = conn.execute(text("SELECT count(*) FROM member_search_text")).scalar_one()
        if len(member_ids) * 10 > total:
            rebuild(conn)
            return
    ids = sorted(set(member_ids))
    for chunk in _chunks(ids, 500):
        placeholders = ",".join(str(int(i)) for i in chunk)
        _remove(conn, f"member_id IN ({placeholders})")
        rows = conn.execute(text(
            f"SELECT * FROM ({_rows_of(placeholders)}) AS rows ORDER BY sort_key, id")).all()
        _place_many(conn, [tuple(r) for r in rows])


# The ranks of the indexed neighbours (in name order) of many members at once: one statement
# instead of two queries a member (a package or roster of 500 new members: ~0.3 s → ~0.03 s).
# Each member's key is taken out of the JSON once (MATERIALIZED), not again for every index
# entry the search steps over (5 times quicker at 100,000 members).
_NEIGHBOURS_MANY_SQL = """
WITH k(i, id, key) AS MATERIALIZED (
    SELECT j.key, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]')
    FROM json_each(:rows) AS j
)
SELECT (SELECT t.rank FROM member m JOIN member_search_text t ON t.member_id = m.id
        WHERE (m.sort_key, m.id) < (k.key, k.id)
        ORDER BY m.sort_key DESC, m.id DESC LIMIT 1),
       (SELECT t.rank FROM member m JOIN member_search_text t ON t.member_id = m.id
        WHERE (m.sort_key, m.id) > (k.key, k.id) ORDER BY m.sort_key, m.id LIMIT 1)
FROM k ORDER BY k.i
"""


_KEYS_AT_SQL = """
SELECT t.rank, m.sort_key FROM member_search_text t JOIN member m ON m.id = t.member_id
WHERE t.rank IN (SELECT value FROM json_each(:ranks))
"""


def _place_many(conn: Connection, rows: list[tuple[int, str, str]]) -> None:
    """Index ``rows`` (member id, sort key, text; in name order, none of them indexed yet).
    Members falling between the same two indexed neighbours share that gap (see
    :func:`_spread`); a gap too narrow for them is widened by respacing its neighbourhood."""
    if not rows:
        return
    gaps = conn.execute(text(_NEIGHBOURS_MANY_SQL),
                        {"rows": json.dumps([[r[0], r[1]] for r in rows])}).all()
    ends = sorted({rank for gap in gaps for rank in gap if rank is not None})
    keys = dict(conn.execute(text(_KEYS_AT_SQL), {"ranks": json.dumps(ends)}).all())
    placed: list[dict[str, Any]] = []
    crowded: list[list[tuple[int, str, str]]] = []
    start = 0
    while start < len(rows):  # runs of members sharing the same two neighbours
        end = start + 1
        while end < len(rows) and gaps[end] == gaps[start]:
            end += 1
        run = rows[start:end]
        low, high = gaps[start]
        found = _spread(int(low or 0), high, run, keys.get(low), keys.get(high))
        if found is None:
            crowded.append(run)
        else:
            placed += found
        start = end
    _add(conn, placed)
    for run in crowded:  # rare: a name moved into a full neighbourhood
        _make_room(conn, run)


def _spread(low: int, high: int | None, run: list[tuple[int, str, str]],
            low_key: str | None = None, high_key: str | None = None
            ) -> list[dict[str, Any]] | None:
    """Ranks for ``run`` between ``low`` and ``high`` (None when too narrow). Members of the
    same name and birth (one sort key) follow each other a rank apart: nothing can come
    between them later (members sort by key, then id, and new ones have the highest ids), so
    the room is kept where the key changes — a name repeated in package after package then
    never runs out of it."""
    same = [run[0][1] == low_key] + [a[1] == b[1] for a, b in itertools.pairwise(run)]
    if high is None:  # after the last: nothing limits the spacing
        steps = [1 if s else SPACING for s in same]
    else:
        same.append(run[-1][1] == high_key)
        narrow, wide = sum(same), len(same) - sum(same)
        if not wide:  # all of one key: spread evenly
            room = (high - low) // (len(run) + 1)
            steps = [room] * len(run)
            if room < 1:
                return None
        else:
            room = (high - low - narrow) // wide
            if room < 2:
                return None
            steps = [1 if s else room for s in same[:-1]]
    ranks = list(itertools.accumulate(steps, initial=low))[1:]
    return [{"rank": rank, "id": r[0], "t": r[2]} for rank, r in zip(ranks, run, strict=True)]


def _make_room(conn: Connection, run: list[tuple[int, str, str]]) -> None:
    """Place ``run`` (members sharing two neighbours too close for them) by spreading the
    indexed rows around that gap evenly, the run in its place among them. The neighbourhood
    widens (×4) until every row gets a gap of at least 1/16 of ``SPACING``: names repeated
    package after package land in the same place, and a neighbourhood left barely sparse
    would have to be spread again, wider, at once. (Once it reaches the last row nothing
    limits the spacing, so this ends.)"""
    low, high = _neighbour_ranks(conn, run[0][1], run[0][0])  # as they are now
    found = _spread(low, high, run)
    if found is not None:
        _add(conn, found)
        return
    assert high is not None
    width = 64
    while True:
        below = conn.execute(text("SELECT rank FROM member_search_text WHERE rank <= :r "
                                  "ORDER BY rank DESC LIMIT :n"), {"r": low, "n": width}
                             ).scalars().all()
        above = conn.execute(text("SELECT rank FROM member_search_text WHERE rank >= :r "
                                  "ORDER BY rank LIMIT :n"), {"r": high, "n": width}
                             ).scalars().all()
        first = below[-1] if len(below) == width else 0  # from the very start: 0 is free
        count = len(below) + len(run) + len(above)
        # Up to the very end, nothing limits the spacing.
        step = SPACING if len(above) < width else (above[-1] - first) // count
        if step >= max(2, SPACING >> 4):
            break
        width *= 4
    window = {"a": below[-1] if below else high, "b": above[-1]}
    old = sorted(_remove(conn, "rank BETWEEN :a AND :b", window))
    ordered = [(member_id, indexed) for _rank, member_id, indexed in old[:len(below)]]
    ordered += [(r[0], r[2]) for r in run]
    ordered += [(member_id, indexed) for _rank, member_id, indexed in old[len(below):]]
    _add(conn, [{"rank": first + step * (i + 1), "id": member_id, "t": indexed}
                for i, (member_id, indexed) in enumerate(ordered)])


def _chunks(values: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


_NEIGHBOUR_SQL = """
SELECT t.rank FROM member m JOIN member_search_text t ON t.member_id = m.id
WHERE {where} ORDER BY m.sort_key {direction}, m.id {direction} LIMIT 1
"""


def _neighbour_ranks(conn: Connection, sort_key: str, member_id: int) -> tuple[int, int | None]:
    # Row values, not "a < k OR (a = k AND id < i)": with the OR, SQLite may plan a
    # multi-index OR and sort half the table (180 ms a member when many share a name).
    params = {"k": sort_key, "id": member_id}
    before = conn.execute(text(_NEIGHBOUR_SQL.format(
        where="(m.sort_key, m.id) < (:k, :id)", direction="DESC")),
        params).scalar()
    after = conn.execute(text(_NEIGHBOUR_SQL.format(
        where="(m.sort_key, m.id) > (:k, :id)", direction="ASC")),
        params).scalar()
    return int(before or 0), (int(after) if after is not None else None)


# --- queries ---------------------------------------------------------------------------------


def match_expression(words: Iterable[str], tokens: Iterable[str] = ()) -> str:
    """An FTS5 query: every word as a prefix, every filter token exactly, all required."""
    terms = [f'"{w}"*' for w in words if w]
    terms += [f'"{t}"' for t in tokens]
    return " AND ".join(terms or [f'"{LIVE}"'])
