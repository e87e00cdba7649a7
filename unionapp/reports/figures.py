"""Computing figures: a few GROUP BY queries per family, each grouped by org unit, then added
up in Python for whatever a report covers — one branch, one group, all the branches of a
parent union, or each branch in turn (a parent's table) — without asking the database again.

What counts (each rule is stated once, here):

- **Members on a day** are those active on that day. For a member whose status changed
  after the day before the period (a movement that changes status: admission, transfer in or
  out, exit, retirement, death), it is the status the last such movement up to that day
  left, an undated one counting as long ago; for everyone else it is their status today (and
  their admission date, when known, on or before the day). Ages are counted by year of birth,
  as union statistics count them; the group is the member's group today.
- **Movements in a period**: the dated movements of live members within it, by kind.
- **Support**: cases dated within the period whose money was handed over (paid or closed,
  as ``support summary`` counts); people are distinct members. Funds are the yearly budgets
  of the year the period ends in; their committed money is that of approved, paid and closed
  cases dated on or before the period's end.
- **Awards**: decisions dated within the period, counted where their recipients belong (a
  member's group, or the unit awarded); a decision counts once wherever its recipients are.
  Its level is the body that issued it. **Initiatives** registered within the period (by
  their submission date, else their year); recognised ones, and their estimated benefit.
- **Activities**: those whose dates meet the period (an activity with no start date can't be
  placed and is left out); participants are person-times (lượt người).
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal_column, or_, select
from sqlalchemy.orm import Session

from ..db import Database
from ..models import (
    Activity,
    ActivityKind,
    Award,
    AwardDecision,
    AwardKind,
    Gender,
    Initiative,
    Member,
    MemberStatus,
    Movement,
    MovementKind,
    OrgKind,
    OrgUnit,
    Participation,
    SupportCase,
    SupportFund,
    SupportKind,
    SupportStatus,
)
from ..progress import NO_PROGRESS, Progress
from ..text import fold
from .catalogue import FAMILIES
from .definitions import AgeBand, Period, common

# Movements that change a member's status, and those after which a member is active.
STATUS_KINDS = tuple(k for k, s in MovementKind.RESULTING_STATUS.items() if s is not None)
ARRIVALS = (MovementKind.ADMISSION, MovementKind.TRANSFER_IN)
PERIOD_MOVEMENTS = {
    MovementKind.ADMISSION: "members.admitted",
    MovementKind.TRANSFER_IN: "members.transferred_in",
    MovementKind.TRANSFER_OUT: "members.transferred_out",
    MovementKind.EXIT: "members.left",
    MovementKind.RETIREMENT: "members.retired",
    MovementKind.DEATH: "members.deceased",
}
# Spellings (folded) meaning "none": not an ethnic minority, no religion.
MAJORITY = {"", "kinh"}
NO_RELIGION = {"", "khong", "khong co", "khong ton giao"}
UNKNOWN = "Không rõ"
NO_FUND = "Không ghi quỹ"
# The interface's labels are translated; documents are Vietnamese whatever the language.
ACTIVITY_KIND_VI = {
    ActivityKind.MEETING: "Hội họp", ActivityKind.CONFERENCE: "Hội nghị",
    ActivityKind.TRAINING: "Tập huấn", ActivityKind.VISIT: "Tham quan, thăm hỏi",
    ActivityKind.SPORTS: "Thể dục thể thao", ActivityKind.CULTURE: "Văn hóa, văn nghệ",
    ActivityKind.BLOOD_DRIVE: "Hiến máu", ActivityKind.VOLUNTEERING: "Tình nguyện",
    ActivityKind.EMULATION_MOVEMENT: "Phong trào thi đua", ActivityKind.OTHER: "Khác",
}
MAX_UNIT_FILTER = 5000  # more units than this: read every unit and keep those wanted


# --- the union tree -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    id: int
    uuid: uuid.UUID
    code: str
    name: str
    kind: str
    parent_id: int | None
    sort_order: int
    live: bool


@dataclass(frozen=True)
class Tree:
    units: dict[int, Unit]

    def by_code(self, code: str) -> Unit | None:
        wanted = code.strip().casefold()
        return next((u for u in self.units.values() if u.live and u.code.casefold() == wanted),
                    None)

    def by_uuid(self, unit_uuid: uuid.UUID | None) -> Unit | None:
        return next((u for u in self.units.values() if u.uuid == unit_uuid), None)

    def subtree(self, root: int) -> frozenset[int]:
        children: dict[int | None, list[int]] = defaultdict(list)
        for unit in self.units.values():
            children[unit.parent_id].append(unit.id)
        found, todo = {root}, [root]
        while todo:
            for child in children[todo.pop()]:
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return frozenset(found)

    def branches_under(self, root: int) -> list[Unit]:
        """The live branches (CĐCS) in ``root``'s subtree, by code."""
        under = self.subtree(root)
        return sorted((self.units[i] for i in under if self.units[i].kind == OrgKind.BRANCH
                       and self.units[i].live), key=lambda u: (u.sort_order, u.code))

    def branch_of(self, unit_id: int) -> Unit | None:
        """The branch (CĐCS) a unit is or belongs to, if any."""
        seen: set[int] = set()
        current: int | None = unit_id
        while current is not None and current not in seen:
            seen.add(current)
            unit = self.units.get(current)
            if unit is None:
                return None
            if unit.kind == OrgKind.BRANCH:
                return unit
            current = unit.parent_id
        return None

    def ordered(self, ids: Iterable[int]) -> list[Unit]:
        return sorted((self.units[i] for i in ids), key=lambda u: (u.sort_order, u.name, u.id))


def load_tree(s: Session) -> Tree:
    rows = s.execute(select(OrgUnit.id, OrgUnit.uuid, OrgUnit.code, OrgUnit.name, OrgUnit.kind,
                            OrgUnit.parent_id, OrgUnit.sort_order, OrgUnit.deleted_at)).all()
    return Tree({r.id: Unit(r.id, r.uuid, r.code, r.name, r.kind, r.parent_id, r.sort_order,
                            r.deleted_at is None) for r in rows})


# --- what the database gives, per unit ----------------------------------------------------------


@dataclass
class Collected:
    """Raw figures per org unit; :func:`rollup` adds them up for any set of units."""

    period: Period
    families: frozenset[str]
    tree: Tree
    # unit id → (figure id,) or (figure id, name) or (figure id, name, field) → number
    counts: dict[int, Counter[tuple[str, ...]]] = field(
        default_factory=lambda: defaultdict(Counter))
    # (unit id, decision id, kind name, level, person?) → (awards, prize money)
    awards: list[tuple[int, int, str, str, bool, int, int]] = field(default_factory=list)
    # (unit id, entry of the activities list)
    activities: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    # (owner unit id, fund label, budget, committed, paid, order)
    funds: list[tuple[int, str, int, int, int, tuple[Any, ...]]] = field(default_factory=list)
    # Breakdowns that list every possible name: those names, in order.
    names: dict[str, list[str]] = field(default_factory=dict)
    # unit id → union role (folded) → the name of an active member holding it (who signs)
    officers: dict[int, dict[str, str]] = field(default_factory=dict)

    def add(self, unit_id: int | None, key: tuple[str, ...], value: int) -> None:
        if unit_id is not None and value:
            self.counts[unit_id][key] += int(value)


def _ones(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def changed_since(day: date) -> Any:
    """The members with a status-changing movement after ``day`` (their status on a day
    from then on is not their status today)."""
    return select(Movement.member_id).where(
        Movement.deleted_at.is_(None), Movement.kind.in_(STATUS_KINDS), Movement.occurred_on > day)


def status_on(moves: list[tuple[str, date | None]], day: date) -> bool:
    """Whether a member with these status-changing movements (in order, undated ones first)
    was active on ``day``: the last one up to that day says so."""
    last = None
    for kind, occurred_on in moves:
        if occurred_on is None or occurred_on <= day:
            last = kind
        else:
            break
    return last in ARRIVALS


def _band(bands: tuple[AgeBand, ...], year: int) -> Any:
    """The index of a member's age band (ages by year of birth); -2: birth unknown, -1: in
    no band. Written with literal numbers: the same expression is grouped by, and PostgreSQL
    matches a GROUP BY expression to the selected one by its text."""
    def number(n: int) -> Any:
        return literal_column(str(int(n)))

    whens = [(Member.birth_year.is_(None), number(-2))]
    for index, band in enumerate(bands):
        conditions = []
        if band.max_age is not None:
            conditions.append(Member.birth_year >= number(year - band.max_age))
        if band.min_age is not None:
            conditions.append(Member.birth_year <= number(year - band.min_age))
        whens.append((and_(*conditions), number(index)))
    return case(*whens, else_=number(-1))


_CUBE = ("org_unit_id", "gender", "ethnicity", "religion", "union_role")


def _members(s: Session, c: Collected, units: list[int] | None, progress: Progress) -> None:
    """Members on the period's last day and on the day before it starts: one pass over the
    register counts everyone by unit, gender, ethnicity, religion, union role and age band
    from their status today; then the few whose status changed since the period began are
    counted out of that and back in from their movements."""
    start, end = c.period.start, c.period.end
    before = start - timedelta(days=1)
    bands = common().age_bands
    c.names["members.by_age_band"] = [b.title for b in bands]
    band = _band(bands, end.year)
    facts = [getattr(Member, name) for name in _CUBE]

    def in_units(stmt: Any) -> Any:
        return stmt.where(Member.org_unit_id.in_(units)) if units is not None else stmt

    def count(unit_id: int, gender: str | None, ethnicity: str, religion: str, role: str,
              band_index: int, at_end: int, at_start: int) -> None:
        c.add(unit_id, ("members.at_start",), at_start)
        if not at_end:
            return
        c.add(unit_id, ("members.total",), at_end)
        if gender == Gender.FEMALE:
            c.add(unit_id, ("members.women",), at_end)
        elif gender == Gender.MALE:
            c.add(unit_id, ("members.men",), at_end)
        if band_index >= 0 or band_index == -2:
            title = bands[band_index].title if band_index >= 0 else UNKNOWN
            c.add(unit_id, ("members.by_age_band", title), at_end)
        c.add(unit_id, ("members.by_ethnicity", ethnicity or ""), at_end)
        c.add(unit_id, ("members.by_religion", religion or ""), at_end)
        c.add(unit_id, ("members.by_role", role or ""), at_end)

    joined_by_end = or_(Member.joined_on.is_(None), Member.joined_on <= end)
    joined_before = or_(Member.joined_on.is_(None), Member.joined_on <= before)
    conn = s.connection()  # Core rows: there may be hundreds of thousands
    progress.check()
    # One pass over the register, everyone counted by their status today (and their
    # admission date, when known)…
    # The officers' names come along (who signs the report), sparing a pass of their own.
    officer = func.max(case((Member.union_role != "", Member.full_name), else_=None))
    stmt = (select(*facts, band, func.count(), _ones(joined_before), officer)
            .where(Member.deleted_at.is_(None), Member.status == MemberStatus.ACTIVE,
                   joined_by_end)
            .group_by(*facts, band))
    for *row, at_end, at_start, name in conn.execute(in_units(stmt)):
        count(*row, at_end, at_start)
        if name:
            c.officers.setdefault(row[0], {}).setdefault(fold(row[4]), name)
    progress.check()
    # … then those whose status changed since the period began (few) are counted again from
    # their movements, in place of their status today. Their movements also give the
    # period's admissions, transfers and exits.
    moves: dict[int, list[tuple[str, date | None]]] = defaultdict(list)
    for member_id, kind, occurred_on in conn.execute(
            select(Movement.member_id, Movement.kind, Movement.occurred_on)
            .where(Movement.deleted_at.is_(None), Movement.kind.in_(STATUS_KINDS),
                   Movement.member_id.in_(changed_since(before)))
            .order_by(Movement.member_id, Movement.occurred_on.nulls_first(), Movement.id)):
        moves[member_id].append((kind, occurred_on))
    progress.check()
    corrections: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    for member_id, status, joined_on, *row in conn.execute(in_units(
            select(Member.id, Member.status, Member.joined_on, *facts, band)
            .where(Member.deleted_at.is_(None), Member.id.in_(changed_since(before))))):
        history = moves.get(member_id, [])
        today_end = status == MemberStatus.ACTIVE and (joined_on is None or joined_on <= end)
        today_start = today_end and (joined_on is None or joined_on <= before)
        tally = corrections[tuple(row)]
        tally[0] += status_on(history, end) - today_end
        tally[1] += status_on(history, before) - today_start
        for kind, occurred_on in history:
            if occurred_on is not None and start <= occurred_on <= end:
                c.add(row[0], (PERIOD_MOVEMENTS[kind],), 1)
    for row, (at_end, at_start) in corrections.items():
        count(*row, at_end, at_start)


def _support(s: Session, c: Collected, units: list[int] | None) -> None:
    start, end = c.period.start, c.period.end
    given = (SupportCase.deleted_at.is_(None), SupportCase.status.in_(SupportStatus.GIVEN),
             SupportCase.occurred_on >= start, SupportCase.occurred_on <= end)
    unit_filter = (Member.org_unit_id.in_(units),) if units is not None else ()
    people = func.count(SupportCase.member_id.distinct())
    amount = func.coalesce(func.sum(SupportCase.amount), 0)
    for unit_id, n, helped, total in s.execute(
            select(Member.org_unit_id, func.count(), people, amount)
            .join(Member, SupportCase.member_id == Member.id)
            .where(*given, *unit_filter).group_by(Member.org_unit_id)):
        c.add(unit_id, ("support.cases",), n)
        c.add(unit_id, ("support.people",), helped)
        c.add(unit_id, ("support.amount",), total)
    for unit_id, kind, n, helped, total in s.execute(
            select(Member.org_unit_id, SupportKind.name, func.count(), people, amount)
            .join(Member, SupportCase.member_id == Member.id)
            .join(SupportKind, SupportCase.kind_id == SupportKind.id)
            .where(*given, *unit_filter).group_by(Member.org_unit_id, SupportKind.name)):
        c.add(unit_id, ("support.by_kind", kind, "cases"), n)
        c.add(unit_id, ("support.by_kind", kind, "people"), helped)
        c.add(unit_id, ("support.by_kind", kind, "amount"), total)
    for unit_id, fund, year, n, total in s.execute(
            select(Member.org_unit_id, SupportFund.name, SupportFund.year, func.count(), amount)
            .join(Member, SupportCase.member_id == Member.id)
            .outerjoin(SupportFund, SupportCase.fund_id == SupportFund.id)
            .where(*given, *unit_filter)
            .group_by(Member.org_unit_id, SupportFund.name, SupportFund.year)):
        label = fund_label(fund, year) if fund is not None else NO_FUND
        c.add(unit_id, ("support.by_fund", label, "cases"), n)
        c.add(unit_id, ("support.by_fund", label, "amount"), total)
    kinds = s.execute(select(SupportKind.name).where(SupportKind.deleted_at.is_(None),
                                                      SupportKind.active.is_(True))
                      .order_by(SupportKind.sort_order, SupportKind.id)).scalars()
    c.names["support.by_kind"] = list(dict.fromkeys(kinds))

    funds = s.execute(select(SupportFund.id, SupportFund.owner_uuid, SupportFund.name,
                             SupportFund.year, SupportFund.budget, SupportFund.sort_order,
                             SupportFund.code)
                      .where(SupportFund.deleted_at.is_(None),
                             SupportFund.year == end.year)).all()
    committed = case((SupportCase.status.in_(SupportStatus.COMMITTED), SupportCase.amount),
                     else_=0)
    paid = case((SupportCase.status.in_(SupportStatus.GIVEN), SupportCase.amount), else_=0)
    sums = {fund_id: (int(a), int(b)) for fund_id, a, b in s.execute(
        select(SupportCase.fund_id, func.coalesce(func.sum(committed), 0),
               func.coalesce(func.sum(paid), 0))
        .where(SupportCase.deleted_at.is_(None), SupportCase.occurred_on <= end,
               SupportCase.fund_id.in_([f.id for f in funds]))
        .group_by(SupportCase.fund_id))} if funds else {}
    owners = {u.uuid: u.id for u in c.tree.units.values()}
    for f in funds:
        owner = owners.get(f.owner_uuid)
        if owner is not None:
            spent, handed = sums.get(f.id, (0, 0))
            c.funds.append((owner, fund_label(f.name, f.year), int(f.budget), spent, handed,
                            (f.year, f.sort_order, f.code)))


def officer_of(c: Collected, units: Iterable[int], role: str) -> str | None:
    """An active member holding ``role`` (folded) in ``units``, in the units' order; None
    when the members were not counted (then nobody knows)."""
    if "members" not in c.families:
        return None
    for unit in c.tree.ordered(units):
        name = c.officers.get(unit.id, {}).get(role)
        if name:
            return name
    return ""


def fund_label(name: str, year: int) -> str:
    return f"{name} ({year})"


def _awards(s: Session, c: Collected, units: list[int] | None) -> None:
    start, end = c.period.start, c.period.end
    unit = func.coalesce(Member.org_unit_id, Award.recipient_unit_id)
    person = Award.member_id.is_not(None)
    stmt = (select(Award.decision_id, unit, person, func.count(),
                   func.coalesce(func.sum(Award.amount), 0), AwardKind.name,
                   AwardDecision.issuing_body)
            .join(AwardDecision, Award.decision_id == AwardDecision.id)
            .join(AwardKind, AwardDecision.award_kind_id == AwardKind.id)
            .outerjoin(Member, Award.member_id == Member.id)
            .where(Award.deleted_at.is_(None), AwardDecision.deleted_at.is_(None),
                   AwardDecision.decided_on >= start, AwardDecision.decided_on <= end)
            .group_by(Award.decision_id, unit, person, AwardKind.name,
                      AwardDecision.issuing_body))
    if units is not None:
        stmt = stmt.where(unit.in_(units))
    for decision_id, unit_id, is_person, n, prize, kind, body in s.execute(stmt):
        if unit_id is not None:
            c.awards.append((unit_id, decision_id, kind, body or UNKNOWN, bool(is_person),
                             int(n), int(prize)))
    kinds = s.execute(select(AwardKind.name).where(AwardKind.deleted_at.is_(None),
                                                    AwardKind.active.is_(True))
                      .order_by(AwardKind.sort_order, AwardKind.id)).scalars()
    c.names["awards.by_kind"] = list(dict.fromkeys(kinds))

    registered = or_(
        and_(Initiative.submitted_on.is_not(None), Initiative.submitted_on >= start,
             Initiative.submitted_on <= end),
        and_(Initiative.submitted_on.is_(None), Initiative.year >= start.year,
             Initiative.year <= end.year))
    recognised = and_(Initiative.recognised_on.is_not(None), Initiative.recognised_on <= end)
    stmt = (select(Initiative.org_unit_id, func.count(), _ones(recognised),
                   func.coalesce(func.sum(Initiative.estimated_benefit), 0))
            .where(Initiative.deleted_at.is_(None), registered)
            .group_by(Initiative.org_unit_id))
    if units is not None:
        stmt = stmt.where(Initiative.org_unit_id.in_(units))
    for unit_id, n, done, benefit in s.execute(stmt):
        c.add(unit_id, ("awards.initiatives",), n)
        c.add(unit_id, ("awards.initiatives_recognised",), done)
        c.add(unit_id, ("awards.initiatives_benefit",), benefit)


def _activities(s: Session, c: Collected, units: list[int] | None) -> None:
    start, end = c.period.start, c.period.end
    participants = (select(Participation.activity_id.label("activity_id"),
                           func.count().label("n"))
                    .where(Participation.deleted_at.is_(None))
                    .group_by(Participation.activity_id).subquery())
    stmt = (select(Activity.org_unit_id, Activity.kind, Activity.title, Activity.starts_on,
                   Activity.ends_on, func.coalesce(participants.c.n, 0))
            .outerjoin(participants, participants.c.activity_id == Activity.id)
            .where(Activity.deleted_at.is_(None), Activity.starts_on.is_not(None),
                   Activity.starts_on <= end,
                   func.coalesce(Activity.ends_on, Activity.starts_on) >= start)
            .order_by(Activity.starts_on, Activity.id))
    if units is not None:
        stmt = stmt.where(Activity.org_unit_id.in_(units))
    for unit_id, kind, title, starts_on, ends_on, n in s.execute(stmt):
        movement = kind == ActivityKind.EMULATION_MOVEMENT
        c.add(unit_id, ("activities.movements" if movement else "activities.activities",), 1)
        c.add(unit_id, ("activities.movement_participants" if movement
                        else "activities.participants",), n)
        label = ACTIVITY_KIND_VI.get(kind, kind)
        c.add(unit_id, ("activities.by_kind", label, "count"), 1)
        c.add(unit_id, ("activities.by_kind", label, "participants"), n)
        c.activities.append((unit_id, {"title": title, "kind": label, "starts_on": starts_on,
                                       "ends_on": ends_on, "participants": int(n)}))
    c.names["activities.by_kind"] = [ACTIVITY_KIND_VI[k] for k in ActivityKind.ALL]


COLLECTORS: dict[str, Callable[..., None]] = {
    "support": _support, "awards": _awards, "activities": _activities,
}


def collect(db: Database, families: Iterable[str], period: Period, *,
            units: frozenset[int] | None = None, progress: Progress = NO_PROGRESS,
            session: Session | None = None) -> Collected:
    """Read the figures of ``families`` over ``period`` for every unit (or only ``units``:
    a report over a small part of a big database reads only that part)."""
    wanted = frozenset(f for f in families if f in FAMILIES)
    with db.read() if session is None else _borrowed(session) as s:
        tree = load_tree(s)
        c = Collected(period, wanted, tree)
        ids = sorted(units) if units is not None and len(units) <= MAX_UNIT_FILTER else None
        steps = [f for f in ("members", "support", "awards", "activities") if f in wanted]
        for done, family in enumerate(steps):
            progress(done, len(steps) + 1, "")
            if family == "members":
                _members(s, c, ids, progress)
            else:
                COLLECTORS[family](s, c, ids)
    return c


class _borrowed:
    """A caller's session, used as is (not closed here)."""

    def __init__(self, session: Session):
        self.session = session

    def __enter__(self) -> Session:
        return self.session

    def __exit__(self, *exc: object) -> None:
        return None


# --- adding up ----------------------------------------------------------------------------------


def _merge_spellings(counts: Counter[str]) -> dict[str, int]:
    """Free-text values counted together whatever their case and accents ("Kinh", "kinh"),
    each shown in its most common spelling; the biggest first, unknown last."""
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for value, n in counts.items():
        groups[fold(value)][value] += n
    merged = []
    for folded, spellings in groups.items():
        if not sum(spellings.values()):
            continue  # counted, then counted out (a member whose status changed)
        label = spellings.most_common(1)[0][0] if folded else UNKNOWN
        merged.append((label, sum(spellings.values()), folded == ""))
    merged.sort(key=lambda item: (item[2], -item[1], item[0]))
    return {label: n for label, n, _unknown in merged}


def _nested(counts: Counter[tuple[str, ...]], figure: str, fields: tuple[str, ...],
            names: list[str]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {name: dict.fromkeys(fields, 0) for name in names}
    for key, n in counts.items():
        if key[0] == figure:
            out.setdefault(key[1], dict.fromkeys(fields, 0))[key[2]] += n
    return out


def rollup(c: Collected, units: Iterable[int]) -> dict[str, Any]:
    """The figures of ``units`` (figure id → a number, a breakdown or a list), for the
    families collected."""
    chosen = set(units)
    total: Counter[tuple[str, ...]] = Counter()
    for unit_id in chosen:
        if unit_id in c.counts:
            total.update(c.counts[unit_id])
    out: dict[str, Any] = {}

    def scalar(figure: str) -> int:
        return int(total.get((figure,), 0))

    if "members" in c.families:
        for figure in ("members.total", "members.women", "members.men", "members.at_start",
                       *PERIOD_MOVEMENTS.values()):
            out[figure] = scalar(figure)
        out["members.increased"] = out["members.admitted"] + out["members.transferred_in"]
        out["members.decreased"] = sum(out[f] for f in (
            "members.transferred_out", "members.left", "members.retired", "members.deceased"))
        ethnicity = _merge_spellings(Counter({k[1]: n for k, n in total.items()
                                              if k[0] == "members.by_ethnicity"}))
        religion = _merge_spellings(Counter({k[1]: n for k, n in total.items()
                                             if k[0] == "members.by_religion"}))
        roles = _merge_spellings(Counter({k[1]: n for k, n in total.items()
                                          if k[0] == "members.by_role" and k[1].strip()}))
        out["members.ethnic_minorities"] = sum(n for k, n in ethnicity.items()
                                               if fold(k) not in MAJORITY and k != UNKNOWN)
        out["members.with_religion"] = sum(n for k, n in religion.items()
                                           if fold(k) not in NO_RELIGION and k != UNKNOWN)
        out["members.officers"] = sum(roles.values())
        groups = [u for u in c.tree.ordered(chosen) if u.live and u.kind == OrgKind.GROUP]
        out["members.groups"] = len(groups)
        by_group = {u.name: 0 for u in groups}
        for unit in c.tree.ordered(chosen):
            n = c.counts.get(unit.id, Counter()).get(("members.total",), 0)
            if n:
                by_group[unit.name] = by_group.get(unit.name, 0) + n
        out["members.by_group"] = by_group
        bands = {name: 0 for name in c.names["members.by_age_band"]}
        for key, n in total.items():
            if key[0] == "members.by_age_band":
                bands[key[1]] = bands.get(key[1], 0) + n
        if not bands.get(UNKNOWN):
            bands.pop(UNKNOWN, None)
        out["members.by_age_band"] = bands
        out["members.by_ethnicity"] = ethnicity
        out["members.by_religion"] = religion
        out["members.by_role"] = roles

    if "support" in c.families:
        for figure in ("support.cases", "support.people", "support.amount"):
            out[figure] = scalar(figure)
        out["support.by_kind"] = _nested(total, "support.by_kind", ("cases", "people", "amount"),
                                         c.names["support.by_kind"])
        funds = sorted((f for f in c.funds if f[0] in chosen), key=lambda f: (f[5], f[1]))
        by_fund: dict[str, dict[str, int]] = {}
        table: dict[str, dict[str, int]] = {}
        for _owner, label, budget, committed, paid, _order in funds:
            by_fund.setdefault(label, {"cases": 0, "amount": 0})
            entry = table.setdefault(label, dict.fromkeys(
                ("budget", "committed", "paid", "remaining"), 0))
            entry["budget"] += budget
            entry["committed"] += committed
            entry["paid"] += paid
            entry["remaining"] += budget - committed
        for key, n in sorted(total.items()):
            if key[0] == "support.by_fund":
                by_fund.setdefault(key[1], {"cases": 0, "amount": 0})[key[2]] += n
        if NO_FUND in by_fund:  # last
            by_fund[NO_FUND] = by_fund.pop(NO_FUND)
        out["support.by_fund"] = by_fund
        out["support.funds"] = table
        out["support.budget"] = sum(e["budget"] for e in table.values())
        out["support.committed"] = sum(e["committed"] for e in table.values())
        out["support.remaining"] = sum(e["remaining"] for e in table.values())

    if "awards" in c.families:
        rows = [a for a in c.awards if a[0] in chosen]
        out["awards.decisions"] = len({a[1] for a in rows})
        out["awards.persons"] = sum(a[5] for a in rows if a[4])
        out["awards.collectives"] = sum(a[5] for a in rows if not a[4])
        out["awards.prize_amount"] = sum(a[6] for a in rows)
        bodies: Counter[str] = Counter()
        for a in rows:
            bodies[a[3]] += a[5]
        # Issuing bodies typed by hand: one row per body whatever its case and accents.
        spelled = {fold(label): label for label in _merge_spellings(bodies)}
        for figure, position, names in (("awards.by_kind", 2, c.names["awards.by_kind"]),
                                        ("awards.by_level", 3, list(spelled.values()))):
            table = {name: {"decisions": 0, "persons": 0, "collectives": 0} for name in names}
            decided: dict[str, set[int]] = defaultdict(set)
            for a in rows:
                name = str(a[position])
                if figure == "awards.by_level":
                    name = spelled.get(fold(name), name)
                entry = table.setdefault(name, {"decisions": 0, "persons": 0,
                                                "collectives": 0})
                entry["persons" if a[4] else "collectives"] += a[5]
                decided[name].add(a[1])
            for name, ids in decided.items():
                table[name]["decisions"] = len(ids)
            out[figure] = table
        for figure in ("awards.initiatives", "awards.initiatives_recognised",
                       "awards.initiatives_benefit"):
            out[figure] = scalar(figure)

    if "activities" in c.families:
        for figure in ("activities.activities", "activities.participants",
                       "activities.movements", "activities.movement_participants"):
            out[figure] = scalar(figure)
        out["activities.by_kind"] = _nested(total, "activities.by_kind", ("count", "participants"),
                                            c.names["activities.by_kind"])
        out["activities.list"] = [dict(entry) for unit_id, entry in c.activities
                                  if unit_id in chosen]
    return out


# --- for the home tab -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyCounts:
    """A few counts for a glance (a home tab): members today, this year's support, awards and
    activities. Members today need no history (one pass over the register: about a second
    for a million members, so ask from a background task); the rest are small tables."""

    members: int
    women: int
    groups: int
    support_cases: int
    support_amount: int
    award_decisions: int
    awarded: int
    activities: int


def key_counts(db: Database, today: date | None = None) -> KeyCounts:
    today = today or date.today()
    year = Period(date(today.year, 1, 1), today)
    with db.read() as s:
        members, women = s.execute(
            select(func.count(), _ones(Member.gender == Gender.FEMALE))
            .where(Member.deleted_at.is_(None), Member.status == MemberStatus.ACTIVE)).one()
        groups = s.scalar(select(func.count()).where(OrgUnit.kind == OrgKind.GROUP,
                                                     OrgUnit.deleted_at.is_(None)))
        c = collect(db, ("support", "awards", "activities"), year, session=s)
    everything = rollup(c, c.tree.units)
    return KeyCounts(int(members), int(women), int(groups or 0), everything["support.cases"],
                     everything["support.amount"], everything["awards.decisions"],
                     everything["awards.persons"] + everything["awards.collectives"],
                     everything["activities.activities"] + everything["activities.movements"])
