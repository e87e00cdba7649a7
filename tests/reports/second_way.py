"""Every figure of every report computed a second way, apart from ``unionapp.reports``: plain
SQL read row by row and added up in Python, or the lists the program already shows (cases,
activities, decisions). The rules are the ones the reports state, written out naively:

- a member's status on a day is replayed from **all** their status-changing movements (the
  reports replay only those changed lately and take today's status for the rest);
- breakdowns by free text are compared folded (case and accents aside).
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

from unionapp.activities import ActivityQuery, activity_list
from unionapp.db import Database
from unionapp.reports.definitions import Period, common
from unionapp.support import CaseQuery, case_list
from unionapp.text import fold

STATUS_KINDS = ("admission", "transfer_in", "transfer_out", "exit", "retirement", "death")
ARRIVALS = ("admission", "transfer_in")
PERIOD = {"admission": "admitted", "transfer_in": "transferred_in",
          "transfer_out": "transferred_out", "exit": "left", "retirement": "retired",
          "death": "deceased"}
ACTIVITY_KINDS = {"meeting": "Hội họp", "conference": "Hội nghị", "training": "Tập huấn",
                  "visit": "Tham quan, thăm hỏi", "sports": "Thể dục thể thao",
                  "culture": "Văn hóa, văn nghệ", "blood_drive": "Hiến máu",
                  "volunteering": "Tình nguyện", "emulation_movement": "Phong trào thi đua",
                  "other": "Khác"}


def _rows(db: Database, sql: str, **params: Any) -> list[Any]:
    with db.engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def units_under(db: Database, roots: list[uuid.UUID]) -> set[int]:
    units = _rows(db, "SELECT id, uuid, parent_id FROM org_unit")
    children: dict[int | None, list[int]] = defaultdict(list)
    by_uuid = {}
    for unit_id, unit_uuid, parent in units:
        children[parent].append(unit_id)
        by_uuid[_uuid(unit_uuid)] = unit_id
    found: set[int] = set()
    todo = [by_uuid[r] for r in roots]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo += children[current]
    return found


def active_on(history: list[tuple[str, date | None]], day: date) -> bool:
    last = None
    for kind, occurred_on in history:
        if occurred_on is None or occurred_on <= day:
            last = kind
    return last in ARRIVALS


def members(db: Database, units: set[int], period: Period) -> dict[str, Any]:
    start, end = period.start, period.end
    before = start - timedelta(days=1)
    history: dict[int, list[tuple[str, date | None]]] = defaultdict(list)
    moves = _rows(db, "SELECT member_id, kind, occurred_on, id FROM movement "
                      "WHERE deleted_at IS NULL ORDER BY member_id, id")
    dated: dict[int, list[tuple[date | None, int, str]]] = defaultdict(list)
    for member_id, kind, occurred_on, move_id in moves:
        if kind in STATUS_KINDS:
            dated[member_id].append((_day(occurred_on), move_id, kind))
    for member_id, items in dated.items():  # undated ones first, then by date
        items.sort(key=lambda m: (m[0] is not None, m[0] or date.min, m[1]))
        history[member_id] = [(kind, day) for day, _id, kind in items]
    out: dict[str, Any] = Counter()
    bands = common().age_bands
    by_unit: Counter[int] = Counter()
    ethnicity: Counter[str] = Counter()
    religion: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    age: Counter[str] = Counter({fold(b.title): 0 for b in bands})  # every band, zeros too
    for (member_id, unit, status, joined, gender, eth, rel, role, born) in _rows(
            db, "SELECT id, org_unit_id, status, joined_on, gender, ethnicity, religion, "
                "union_role, birth_year FROM member WHERE deleted_at IS NULL"):
        if unit not in units:
            continue
        joined = _day(joined)
        if member_id in history:
            at_end = active_on(history[member_id], end)
            at_start = active_on(history[member_id], before)
        else:  # no movement at all: today's status
            at_end = status == "active" and (joined is None or joined <= end)
            at_start = status == "active" and (joined is None or joined <= before)
        for kind, day in history.get(member_id, []):
            if day is not None and start <= day <= end:
                out[f"members.{PERIOD[kind]}"] += 1
        out["members.at_start"] += at_start
        if not at_end:
            continue
        out["members.total"] += 1
        out["members.women"] += gender == "female"
        out["members.men"] += gender == "male"
        by_unit[unit] += 1
        ethnicity[fold(eth)] += 1
        religion[fold(rel)] += 1
        if role.strip():
            roles[fold(role)] += 1
        if born is None:
            age["khong ro"] += 1
        else:
            years = end.year - born
            for band in bands:
                if (band.min_age is None or years >= band.min_age) and (
                        band.max_age is None or years <= band.max_age):
                    age[fold(band.title)] += 1
    for kind in PERIOD.values():
        out.setdefault(f"members.{kind}", 0)
    out["members.increased"] = out["members.admitted"] + out["members.transferred_in"]
    out["members.decreased"] = (out["members.transferred_out"] + out["members.left"]
                                + out["members.retired"] + out["members.deceased"])
    out["members.ethnic_minorities"] = sum(n for k, n in ethnicity.items()
                                           if k not in ("", "kinh"))
    out["members.with_religion"] = sum(
        n for k, n in religion.items() if k not in ("", "khong", "khong co", "khong ton giao"))
    out["members.officers"] = sum(roles.values())
    names = {i: (n, k, d) for i, n, k, d in _rows(
        db, "SELECT id, name, kind, deleted_at FROM org_unit")}
    groups = [i for i in units if names[i][1] == "group" and names[i][2] is None]
    out["members.groups"] = len(groups)
    by_group: Counter[str] = Counter({names[i][0]: 0 for i in groups})
    for unit, n in by_unit.items():
        by_group[names[unit][0]] += n
    out["members.by_group"] = dict(by_group)
    out["members.by_ethnicity"] = {("khong ro" if k == "" else k): n for k, n in ethnicity.items()}
    out["members.by_religion"] = {("khong ro" if k == "" else k): n for k, n in religion.items()}
    out["members.by_role"] = dict(roles)
    out["members.by_age_band"] = dict(age)
    return dict(out)


def support(db: Database, units: set[int], period: Period) -> dict[str, Any]:
    """From the cases list the support tab shows (``case_list``), paid or closed."""
    member_unit = {_uuid(u): unit for u, unit in _rows(db, "SELECT uuid, org_unit_id FROM member")}
    cases = [c for c in case_list(db, CaseQuery(date_from=period.start,
                                                date_to=period.end)).all()
             if c.status in ("paid", "closed") and member_unit[c.member_uuid] in units]
    kinds = [name for (name,) in _rows(db, "SELECT name FROM support_kind WHERE deleted_at IS "
                                           "NULL AND active ORDER BY sort_order, id")]
    by_kind: dict[str, dict[str, Any]] = {k: {"cases": 0, "people": set(), "amount": 0}
                                          for k in kinds}
    by_fund: dict[str, dict[str, int]] = {}
    for c in cases:
        entry = by_kind.setdefault(c.kind, {"cases": 0, "people": set(), "amount": 0})
        entry["cases"] += 1
        entry["people"].add(c.member_uuid)
        entry["amount"] += c.amount
        fund = by_fund.setdefault(c.fund or "Không ghi quỹ", {"cases": 0, "amount": 0})
        fund["cases"] += 1
        fund["amount"] += c.amount
    owners = {_uuid(u) for u, i in _rows(db, "SELECT uuid, id FROM org_unit") if i in units}
    funds: dict[str, dict[str, int]] = {}
    for fund_id, owner, name, year, budget in _rows(
            db, "SELECT id, owner_uuid, name, year, budget FROM support_fund "
                "WHERE deleted_at IS NULL AND year = :year", year=period.end.year):
        if _uuid(owner) not in owners:
            continue
        committed = paid = 0
        for status, amount, occurred_on in _rows(
                db, "SELECT status, amount, occurred_on FROM support_case WHERE fund_id = :f "
                    "AND deleted_at IS NULL", f=fund_id):
            if _day(occurred_on) <= period.end:
                committed += amount if status in ("approved", "paid", "closed") else 0
                paid += amount if status in ("paid", "closed") else 0
        entry = funds.setdefault(f"{name} ({year})", dict.fromkeys(
            ("budget", "committed", "paid", "remaining"), 0))
        entry["budget"] += budget
        entry["committed"] += committed
        entry["paid"] += paid
        entry["remaining"] += budget - committed
        by_fund.setdefault(f"{name} ({year})", {"cases": 0, "amount": 0})
    return {
        "support.cases": len(cases),
        "support.people": len({c.member_uuid for c in cases}),
        "support.amount": sum(c.amount for c in cases),
        "support.by_kind": {k: {"cases": v["cases"], "people": len(v["people"]),
                                "amount": v["amount"]} for k, v in by_kind.items()},
        "support.by_fund": by_fund,
        "support.funds": funds,
        "support.budget": sum(f["budget"] for f in funds.values()),
        "support.committed": sum(f["committed"] for f in funds.values()),
        "support.remaining": sum(f["remaining"] for f in funds.values()),
    }


def awards(db: Database, units: set[int], period: Period) -> dict[str, Any]:
    rows = _rows(db, """
        SELECT a.decision_id, a.member_id, a.recipient_unit_id, a.amount, m.org_unit_id,
               k.name, d.issuing_body, d.decided_on
        FROM award a JOIN award_decision d ON d.id = a.decision_id
        JOIN award_kind k ON k.id = d.award_kind_id
        LEFT JOIN member m ON m.id = a.member_id
        WHERE a.deleted_at IS NULL AND d.deleted_at IS NULL""")
    chosen = [r for r in rows if period.start <= _day(r[7]) <= period.end
              and (r[4] if r[1] is not None else r[2]) in units]
    kinds = [name for (name,) in _rows(db, "SELECT name FROM award_kind WHERE deleted_at IS "
                                           "NULL AND active ORDER BY sort_order, id")]

    def table(key: Any, names: list[str]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, Any]] = {n: {"decisions": set(), "persons": 0,
                                              "collectives": 0} for n in names}
        for r in chosen:
            entry = out.setdefault(key(r), {"decisions": set(), "persons": 0,
                                            "collectives": 0})
            entry["decisions"].add(r[0])
            entry["persons" if r[1] is not None else "collectives"] += 1
        return {k: {**v, "decisions": len(v["decisions"])} for k, v in out.items()}

    registered = []
    for unit, submitted, year, recognised, benefit in _rows(
            db, "SELECT org_unit_id, submitted_on, year, recognised_on, estimated_benefit "
                "FROM initiative WHERE deleted_at IS NULL"):
        submitted, recognised = _day(submitted), _day(recognised)
        if unit in units and (period.start <= submitted <= period.end if submitted else
                              period.start.year <= year <= period.end.year):
            registered.append((recognised, benefit))
    return {
        "awards.decisions": len({r[0] for r in chosen}),
        "awards.persons": sum(1 for r in chosen if r[1] is not None),
        "awards.collectives": sum(1 for r in chosen if r[1] is None),
        "awards.prize_amount": sum(r[3] for r in chosen),
        "awards.by_kind": table(lambda r: r[5], kinds),
        "awards.by_level": table(lambda r: fold(r[6]), []),
        "awards.initiatives": len(registered),
        "awards.initiatives_recognised": sum(1 for r, _b in registered
                                             if r is not None and r <= period.end),
        "awards.initiatives_benefit": sum(b for _r, b in registered),
    }


def activities(db: Database, roots: list[uuid.UUID], period: Period) -> dict[str, Any]:
    """From the activities list the activities tab shows (``activity_list``)."""
    rows = []
    for root in roots:
        rows += [a for a in activity_list(db, ActivityQuery(branch=root)).all()
                 if a.starts_on is not None and a.starts_on <= period.end
                 and (a.ends_on or a.starts_on) >= period.start]
    plain = [a for a in rows if a.kind != "emulation_movement"]
    movements = [a for a in rows if a.kind == "emulation_movement"]
    by_kind = {name: {"count": 0, "participants": 0} for name in ACTIVITY_KINDS.values()}
    for a in rows:
        by_kind[ACTIVITY_KINDS[a.kind]]["count"] += 1
        by_kind[ACTIVITY_KINDS[a.kind]]["participants"] += a.participants
    return {
        "activities.activities": len(plain),
        "activities.participants": sum(a.participants for a in plain),
        "activities.movements": len(movements),
        "activities.movement_participants": sum(a.participants for a in movements),
        "activities.by_kind": by_kind,
        "activities.list": sorted((a.title, a.participants) for a in rows),
    }


def figures(db: Database, roots: list[uuid.UUID], period: Period) -> dict[str, Any]:
    units = units_under(db, roots)
    return {**members(db, units, period), **support(db, units, period),
            **awards(db, units, period), **activities(db, roots, period)}


def comparable(figures: dict[str, Any]) -> dict[str, Any]:
    """The reports' figures in the second way's shape: free-text breakdowns folded, the
    activities list as (title, participants)."""
    out = dict(figures)
    for key in ("members.by_ethnicity", "members.by_religion", "members.by_role",
                "members.by_age_band", "awards.by_level"):
        if key in out:
            out[key] = {fold(k): v for k, v in out[key].items()}
    if "activities.list" in out:
        out["activities.list"] = sorted((a["title"], a["participants"])
                                        for a in out["activities.list"])
    return out
