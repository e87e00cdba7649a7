"""What the home tab (Tổng quan) shows: a few key counts, three small series for its charts,
and the things waiting to be done, each saying what it is and where it is done.

Two calls, both plain values, both meant for a background task:

- :func:`todo_list` — small queries (cases waiting, certificates not printed, packages,
  backups, conflicts, the next reporting date): a few milliseconds whatever the size;
- :func:`overview` — the key counts of the reports (:func:`unionapp.reports.key_counts`,
  from the same year-so-far figures) and members over the last 24 months counted by the
  reports' own rule: one pass over the register and the movements of the last two years,
  a few seconds for a million members.

The figures are those of the reports, counted the same way (every unit of the database
added up, as :func:`unionapp.reports.key_counts` does).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from .backups import can_back_up, list_backups
from .db import Database
from .exchange.parent import LATE_AFTER_DAYS, BranchState, branch_statuses
from .exchange.state import EXPORT, IMPORT
from .i18n import _
from .models import (
    Award,
    AwardDecision,
    AwardKind,
    Certificate,
    ExchangeConflict,
    ExchangeLog,
    Gender,
    Member,
    MemberStatus,
    Movement,
    OrgKind,
    OrgUnit,
    SupportCase,
    SupportCaseEvent,
    SupportStatus,
)
from .permissions import Permission, allows
from .progress import NO_PROGRESS, Progress
from .reports.definitions import Period, common
from .reports.figures import ARRIVALS, STATUS_KINDS, KeyCounts, collect, rollup, status_on
from .text import format_count, format_date, format_vnd

MONTHS = 24  # members over the last 24 months
BACKUP_OLD_AFTER_DAYS = 7  # an older newest backup is shown as urgent
REPORT_SOON_DAYS = 14  # a reporting date this close is shown as urgent


# --- the charts' figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class FundBar:
    """One fund of the year: its budget, the money committed (approved, paid, closed) and
    the money handed over (paid, closed)."""

    name: str
    budget: int
    committed: int
    paid: int


@dataclass(frozen=True)
class AwardBar:
    """Recipients (persons and collectives) of one award kind, last year and this year."""

    kind: str
    last_year: int
    this_year: int


@dataclass(frozen=True)
class Overview:
    today: date
    counts: KeyCounts
    members_by_month: list[tuple[date, int]]  # (day, active members on it), oldest first
    funds: list[FundBar]
    awards: list[AwardBar]


def month_ends(today: date, months: int = MONTHS) -> list[date]:
    """The last day of each of the ``months - 1`` months before this one, then today."""
    days = []
    this = today.year * 12 + today.month - 1
    for back in range(months - 1, 0, -1):
        following = this - back + 1  # the month after: its first day, less one
        days.append(date(following // 12, following % 12 + 1, 1) - timedelta(days=1))
    days.append(today)
    return days


@dataclass(frozen=True)
class _Register:
    """Active members today (and women), and by admission date: how many joined on or
    before the first day counted (or on no known date), and how many on each day since."""

    first: date
    members: int
    women: int
    before: int
    since: list[tuple[date, int]]


def _register(db: Database, first: date) -> _Register:
    # Two plain passes: a GROUP BY over the whole register would sort a million rows.
    active = (Member.deleted_at.is_(None), Member.status == MemberStatus.ACTIVE)
    early = or_(Member.joined_on.is_(None), Member.joined_on <= first)
    with db.read() as s:
        conn = s.connection()
        members, women, before = conn.execute(
            select(func.count(), _ones(Member.gender == Gender.FEMALE), _ones(early))
            .where(*active)).one()
        since = conn.execute(select(Member.joined_on, func.count())
                             .where(*active, Member.joined_on > first)
                             .group_by(Member.joined_on)).all()
    return _Register(first, int(members), int(women), int(before),
                     [(joined, int(n)) for joined, n in since])


def _ones(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def members_by_month(db: Database, days: list[date],
                     register: _Register | None = None) -> list[tuple[date, int]]:
    """Active members on each of ``days`` (in order), by the reports' rule (see
    :mod:`unionapp.reports.figures`): status today and the admission date, except for the
    members whose status changed since a day, counted from their movements up to it.

    One pass over the register (grouped by admission date), then the movements of those
    whose status changed since the first day, each member's difference from "status today"
    added over the days it holds for."""
    first = days[0]
    if register is None or register.first != first:
        register = _register(db, first)
    counts = [register.before + sum(n for joined, n in register.since if joined <= day)
              for day in days]
    changed = (select(Movement.member_id)
               .where(Movement.deleted_at.is_(None), Movement.kind.in_(STATUS_KINDS),
                      Movement.occurred_on >= first))
    # Most of them were admitted (or arrived) on their admission date and never moved
    # again: their status on any day is what "today" says already, so they are left out here.
    other = aliased(Movement)
    plain = and_(Member.status == MemberStatus.ACTIVE, Member.joined_on.is_not(None),
                 ~exists().where(other.member_id == Member.id, other.deleted_at.is_(None),
                                 other.kind.in_(STATUS_KINDS),
                                 ~and_(other.kind.in_(ARRIVALS),
                                       other.occurred_on == Member.joined_on)))
    diff = [0] * (len(days) + 1)  # corrections, as differences between neighbouring days

    def correct(history: list[tuple[str, date | None]], status: str,
                joined: date | None) -> None:
        last = max(on for _kind, on in history if on is not None)
        active = status == MemberStatus.ACTIVE
        held = bisect_right(days, last)  # the days on or before their last movement
        cuts = {0, held}
        cuts.update(bisect_left(days, on) for _kind, on in history if on is not None)
        if joined is not None:
            cuts.add(bisect_left(days, joined))
        ordered = sorted(c for c in cuts if c <= held)
        for a, b in pairwise(ordered):
            day = days[a]
            today_says = active and (joined is None or joined <= day)
            delta = status_on(history, day) - today_says
            if delta:
                diff[a] += delta
                diff[b] -= delta

    with db.read() as s:
        current: int | None = None
        history: list[tuple[str, date | None]] = []
        status, joined = "", None
        for member_id, kind, occurred_on, member_status, joined_on in s.connection().execute(
                select(Movement.member_id, Movement.kind, Movement.occurred_on, Member.status,
                       Member.joined_on)
                .join(Member, Member.id == Movement.member_id)
                .where(Movement.deleted_at.is_(None), Member.deleted_at.is_(None),
                       Movement.kind.in_(STATUS_KINDS), Movement.member_id.in_(changed),
                       ~plain)
                .order_by(Movement.member_id, Movement.occurred_on.nulls_first(),
                          Movement.id)):
            if member_id != current:
                if history:
                    correct(history, status, joined)
                current, history, status, joined = member_id, [], member_status, joined_on
            history.append((kind, occurred_on))
        if history:
            correct(history, status, joined)
    running = 0
    out = []
    for i, day in enumerate(days):
        running += diff[i]
        out.append((day, counts[i] + running))
    return out


def overview(db: Database, today: date | None = None,
             progress: Progress = NO_PROGRESS) -> Overview:
    """The home tab's figures (see the module's docstring)."""
    today = today or date.today()
    days = month_ends(today)
    register = _register(db, days[0])  # members today, and by admission date
    progress.check()
    year = collect(db, ("support", "awards", "activities"), Period(date(today.year, 1, 1),
                                                                   today))
    figures = rollup(year, year.tree.units)
    with db.read() as s:
        groups = s.scalar(select(func.count()).where(OrgUnit.kind == OrgKind.GROUP,
                                                     OrgUnit.deleted_at.is_(None))) or 0
    # The same counts as the reports' key counts (unionapp.reports.key_counts).
    counts = KeyCounts(register.members, register.women, int(groups),
                       figures["support.cases"], figures["support.amount"],
                       figures["awards.decisions"],
                       figures["awards.persons"] + figures["awards.collectives"],
                       figures["activities.activities"] + figures["activities.movements"])
    funds = [FundBar(name, entry["budget"], entry["committed"], entry["paid"])
             for name, entry in figures["support.funds"].items()]
    before = collect(db, ("awards",), Period(date(today.year - 1, 1, 1),
                                             date(today.year - 1, 12, 31)))
    last = rollup(before, before.tree.units)["awards.by_kind"]
    awards = []
    for kind in dict.fromkeys([*last, *figures["awards.by_kind"]]):
        def recipients(table: dict[str, dict[str, int]], kind: str = kind) -> int:
            entry = table.get(kind, {})
            return entry.get("persons", 0) + entry.get("collectives", 0)

        bar = AwardBar(kind, recipients(last), recipients(figures["awards.by_kind"]))
        if bar.last_year or bar.this_year:
            awards.append(bar)
    progress.check()
    by_month = members_by_month(db, days, register)
    return Overview(today, counts, by_month, funds, awards)


# --- what is waiting ------------------------------------------------------------------------------


class Todo:
    """What a to-do is about; the window knows where each is done."""

    IMPORT_MEMBERS = "members.import"
    APPROVE = "support.approve"
    PAY = "support.pay"
    PRINT = "certificates.print"
    SEND = "exchange.send"
    CONFIRMATION = "exchange.confirmation"  # a branch's package not confirmed yet
    LATE_BRANCHES = "exchange.late_branches"
    CONFLICTS = "exchange.conflicts"
    BACKUP = "backup"
    REPORT = "report"


@dataclass(frozen=True)
class TodoItem:
    kind: str  # a Todo name
    text: str  # one sentence for the clerk
    action: str  # the words of the button that leads where it is done
    urgent: bool = False
    count: int = 0
    target: str = ""  # what to open there: a decision's UUID, a reporting date (ISO)
    days: int | None = None  # how long it has waited, or how long is left


def next_reporting_date(today: date) -> tuple[date, str]:
    """The next day (today included) on which a reporting period ends, and its title."""
    for year in (today.year, today.year + 1):
        for rule in sorted(common().periods, key=lambda r: r.ending_in(year).end):
            end = rule.ending_in(year).end
            if end >= today:
                return end, rule.title
    raise AssertionError("a reporting period ends every year")


def _days(n: int) -> str:
    return _("{count} days").format(count=format_count(n)) if n != 1 else _("1 day")


def todo_list(db: Database, *, today: date | None = None,
              now: datetime | None = None) -> list[TodoItem]:
    """What is waiting for the signed-in person (or anybody, with no accounts), most
    pressing kinds first: only what their role may do."""
    now = now or datetime.now(UTC)
    today = today or now.astimezone().date()
    home = db.home_unit_uuid
    closed = db.closed_on is not None  # read-only: nothing more to do but read and report
    me = db.account.username if db.account is not None else None
    items: list[TodoItem] = []
    with db.read() as s:
        if not closed and allows(db, Permission.MEMBERS_IMPORT) and s.scalar(
                select(Member.id).where(Member.deleted_at.is_(None)).limit(1)) is None:
            items.append(TodoItem(Todo.IMPORT_MEMBERS, _(
                "No members yet: start with the roster, from an Excel file."),
                _("Import the roster from Excel…"), urgent=True))
        if not closed and allows(db, Permission.SUPPORT_APPROVE):
            waiting = (select(func.count(SupportCase.id))
                       .where(SupportCase.deleted_at.is_(None),
                              SupportCase.status == SupportStatus.PROPOSED,
                              SupportCase.owner_uuid == home))
            if me is not None:  # nobody approves their own proposal
                own = (select(SupportCaseEvent.case_id)
                       .where(SupportCaseEvent.to_status == SupportStatus.PROPOSED,
                              SupportCaseEvent.by_user == me))
                waiting = waiting.where(SupportCase.id.not_in(own))
            if n := s.scalar(waiting):
                items.append(TodoItem(Todo.APPROVE, _(
                    "{count} support cases are waiting for approval.").format(
                    count=format_count(n)), _("Review and approve…"), urgent=True, count=n))
        if not closed and allows(db, Permission.SUPPORT_PAY):
            n, amount = s.execute(
                select(func.count(SupportCase.id), func.coalesce(func.sum(SupportCase.amount), 0))
                .where(SupportCase.deleted_at.is_(None),
                       SupportCase.status == SupportStatus.APPROVED,
                       SupportCase.owner_uuid == home)).one()
            if n:
                items.append(TodoItem(Todo.PAY, _(
                    "{count} approved support cases are not paid yet ({amount}).").format(
                    count=format_count(n), amount=format_vnd(amount)), _("Open the list…"),
                    count=n))
        if not closed and allows(db, Permission.CERTIFICATES_PRINT):
            unprinted = (select(Award.id, AwardDecision.id.label("decision"),
                                AwardDecision.uuid, AwardDecision.number,
                                AwardDecision.decided_on)
                         .join(AwardDecision, Award.decision_id == AwardDecision.id)
                         .join(AwardKind, AwardDecision.award_kind_id == AwardKind.id)
                         .outerjoin(Certificate, Certificate.award_id == Award.id)
                         .where(Award.deleted_at.is_(None), AwardDecision.deleted_at.is_(None),
                                AwardKind.certificate_title != "", Certificate.id.is_(None),
                                AwardDecision.owner_uuid == home)).subquery()
            n, decisions = s.execute(select(func.count(), func.count(
                unprinted.c.decision.distinct()))).one()
            if n:
                newest = s.execute(select(unprinted.c.uuid, unprinted.c.number)
                                   .order_by(unprinted.c.decided_on.desc(),
                                             unprinted.c.decision.desc()).limit(1)).one()
                text = (_("{count} certificates of decision {number} are not printed yet.")
                        .format(count=format_count(n), number=newest.number)
                        if decisions == 1 else
                        _("{count} certificates of {decisions} decisions are not printed yet "
                          "(the newest: {number}).").format(
                            count=format_count(n), decisions=format_count(decisions),
                            number=newest.number))
                items.append(TodoItem(Todo.PRINT, text, _("Print certificates…"), count=n,
                                      target=str(newest.uuid)))
        items += _exchange_items(db, s, now, closed)
    items += _backup_item(db, now)
    if allows(db, Permission.REPORTS_MAKE):
        day, title = next_reporting_date(today)
        left = (day - today).days
        items.append(TodoItem(Todo.REPORT, _(
            "{title}: figures up to {date}, {left} from now.").format(
            title=title, date=format_date(day), left=_days(left)) if left else _(
            "{title}: figures up to {date}, today.").format(title=title, date=format_date(day)),
            _("Make the report…"), urgent=left <= REPORT_SOON_DAYS, target=day.isoformat(),
            days=left))
    return items


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _exchange_items(db: Database, s: Any, now: datetime, closed: bool) -> list[TodoItem]:
    items: list[TodoItem] = []
    if db.mode == "parent":
        if allows(db, Permission.EXCHANGE_IMPORT):
            late = [b for b in branch_statuses(db, now=now)
                    if b.state in (BranchState.LATE, BranchState.NEVER, BranchState.HELD)]
            if late:
                items.append(TodoItem(Todo.LATE_BRANCHES, _(
                    "{count} branches sent no data file for more than {days} (the first: "
                    "{code} — {name}).").format(count=format_count(len(late)),
                                                days=_days(LATE_AFTER_DAYS), code=late[0].code,
                                                name=late[0].name),
                    _("See the branches…"), urgent=True, count=len(late)))
    elif not closed and allows(db, Permission.EXCHANGE_EXPORT):
        last = s.execute(select(ExchangeLog.sequence, ExchangeLog.created_at,
                                ExchangeLog.acked_at)
                         .where(ExchangeLog.direction == EXPORT)
                         .order_by(ExchangeLog.created_at.desc(), ExchangeLog.id.desc())
                         .limit(1)).first()
        if last is None:
            items.append(TodoItem(Todo.SEND, _(
                "No data file has been sent to the parent union yet."),
                _("Export the data file…"), urgent=True))
        else:
            age = (now - _aware(last.created_at)).days
            if age > LATE_AFTER_DAYS:
                items.append(TodoItem(Todo.SEND, _(
                    "No data file was sent to the parent union for {days} (the last on "
                    "{date}).").format(days=_days(age), date=format_date(
                        _aware(last.created_at).astimezone().date())),
                    _("Export the data file…"), urgent=True, days=age))
            elif last.acked_at is None and age > 7:
                received = s.scalar(select(func.max(ExchangeLog.at))
                                    .where(ExchangeLog.direction == IMPORT))
                items.append(TodoItem(Todo.CONFIRMATION, _(
                    "The parent union has not confirmed data file number {number} (sent "
                    "{days} ago) yet{received}.").format(
                    number=last.sequence, days=_days(age),
                    received="" if received is None else _(
                        "; the last file from them came on {date}").format(
                        date=format_date(_aware(received).astimezone().date()))),
                    _("Import their data file…"), days=age))
    if not closed and allows(db, Permission.EXCHANGE_RESOLVE):
        n = s.scalar(select(func.count(ExchangeConflict.id))
                     .where(ExchangeConflict.resolved_at.is_(None)))
        if n:
            items.append(TodoItem(Todo.CONFLICTS, _(
                "{count} conflicts from data files are waiting for a decision.").format(
                count=format_count(n)), _("Decide…"), urgent=True, count=n))
    return items


def _backup_item(db: Database, now: datetime) -> list[TodoItem]:
    if not can_back_up(db) or not allows(db, Permission.BACKUP_CREATE):
        return []
    backups = list_backups(db)
    action = _("Backup and restore…")
    if not backups:
        return [TodoItem(Todo.BACKUP, _("No backup of this database has been made yet."),
                         action, urgent=True)]
    newest = backups[0].moment
    age = (now.astimezone().date() - newest.astimezone().date()).days
    when = format_date(newest.astimezone().date())
    if age <= 0:
        text = _("The newest backup was made today at {time}.").format(
            time=f"{newest.astimezone():%H:%M}")
    elif age == 1:
        text = _("The newest backup was made yesterday ({date}).").format(date=when)
    else:
        text = _("The newest backup is {days} old ({date}).").format(days=_days(age),
                                                                     date=when)
    return [TodoItem(Todo.BACKUP, text, action, urgent=age > BACKUP_OLD_AFTER_DAYS, days=age)]
