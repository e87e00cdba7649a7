"""When the union is reorganised: a unit's parent union changes on a date.

In 2025 whole branches were handed over to new parent unions (the provincial labour
federations, after the Vietnam Public Sector Union ended its activity), some of them twice when
provinces merged. A move is recorded with its effective date (``OrgUnitMove``) and the header
lines documents print in each period, so that every document names the parent that was in
charge on the document's own date (:mod:`unionapp.letterhead` reads :func:`periods`).

A branch moves itself (:func:`move_parent`); a parent union can also move one of its branches
(:func:`move_branch`), and the branch learns it from the next reference-data package
(:func:`learn_moves`, called by the exchange). How packages follow a move is in
:mod:`unionapp.exchange.moves`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .backups import backup_before
from .bulk import audit_summary
from .db import Database, set_info
from .errors import NotFound, UserError
from .i18n import _
from .models import (
    Activity,
    ActivityKind,
    AwardKind,
    DatabaseInfo,
    OrgKind,
    OrgUnit,
    OrgUnitMove,
    SupportKind,
)
from .org import subtree
from .permissions import Permission, require
from .text import clean, fold, format_date

# The exports from this sequence on are full ones until the new parent union confirms one
# (see unionapp.exchange.moves).
FULL_EXPORT_INFO = "exchange_full_from_sequence"
FUTURE_LIMIT = timedelta(days=366)  # a move may be recorded ahead of its date, not years ahead


@dataclass(frozen=True)
class ParentPeriod:
    """A stretch of time a unit spent under one parent union."""

    starts_on: date | None  # None: since before anything was recorded
    ends_on: date | None  # its last day; None: still under this parent
    parent_uuid: uuid.UUID | None
    parent_code: str
    parent_name: str
    superior_line: str  # the first header line of documents dated in the period
    issuer_line: str  # the second ("": the unit's own name)

    def covers(self, day: date) -> bool:
        return ((self.starts_on is None or self.starts_on <= day)
                and (self.ends_on is None or day <= self.ends_on))

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.starts_on.isoformat() if self.starts_on else None,
            "to": self.ends_on.isoformat() if self.ends_on else None,
            "parent_uuid": str(self.parent_uuid) if self.parent_uuid else None,
            "parent_code": self.parent_code, "parent_name": self.parent_name,
            "superior_line": self.superior_line, "issuer_line": self.issuer_line,
        }


@dataclass(frozen=True)
class Move:
    """One recorded move, as plain values (from this database or from a package)."""

    uuid: uuid.UUID | None
    owner_uuid: uuid.UUID | None
    unit_uuid: uuid.UUID
    effective_on: date
    old_parent_uuid: uuid.UUID | None
    old_parent_code: str
    old_parent_name: str
    old_superior_line: str
    old_issuer_line: str
    new_parent_uuid: uuid.UUID | None
    new_parent_code: str
    new_parent_name: str
    superior_line: str
    issuer_line: str
    created_order: tuple[Any, ...] = ()  # how rows of the same day are ordered

    @classmethod
    def of(cls, row: OrgUnitMove) -> Move:
        return cls(row.uuid, row.owner_uuid, row.org_unit_uuid, row.effective_on,
                   row.old_parent_uuid, row.old_parent_code, row.old_parent_name,
                   row.old_superior_line, row.old_issuer_line, row.new_parent_uuid,
                   row.new_parent_code, row.new_parent_name, row.superior_line, row.issuer_line,
                   (row.created_at, row.id or 0))


def code_key(code: str | None) -> str:
    """Codes compared as people type them: case, accents, spaces and dashes aside."""
    return re.sub(r"[^0-9a-z]", "", fold(code or ""))


def same_unit(a_uuid: uuid.UUID | None, a_code: str, b_uuid: uuid.UUID | None,
              b_code: str) -> bool:
    """Whether two mentions name the same unit: by UUID when both have one, else by code."""
    if a_uuid is not None and b_uuid is not None and a_uuid == b_uuid:
        return True
    return bool(code_key(a_code)) and code_key(a_code) == code_key(b_code)


def _line(text: str, name: str) -> str:
    return clean(text) or clean(name).upper()


def periods_of(moves: Iterable[Move], unit_uuid: uuid.UUID, *,
               current: ParentPeriod | None = None) -> list[ParentPeriod]:
    """The unit's parents, oldest first, from its recorded moves (``current``: the parent
    known when nothing is recorded)."""
    rows = sorted((m for m in moves if m.unit_uuid == unit_uuid),
                  key=lambda m: (m.effective_on, m.owner_uuid == unit_uuid, m.created_order))
    if not rows:
        return [current or ParentPeriod(None, None, None, "", "", "", "")]
    # Several rows of the same day say the same thing from two sides (the parent union's and
    # the branch's own copy): the unit's own, or else the newest, tells it.
    by_day: dict[date, Move] = {}
    for move in rows:
        by_day[move.effective_on] = move
    chosen = sorted(by_day.values(), key=lambda m: m.effective_on)
    first = chosen[0]
    out = [ParentPeriod(None, None, first.old_parent_uuid, first.old_parent_code,
                        first.old_parent_name,
                        _line(first.old_superior_line, first.old_parent_name),
                        clean(first.old_issuer_line))]
    for move in chosen:
        period = ParentPeriod(move.effective_on, None, move.new_parent_uuid,
                              move.new_parent_code, move.new_parent_name,
                              _line(move.superior_line, move.new_parent_name),
                              clean(move.issuer_line))
        last = out[-1]
        if same_unit(last.parent_uuid, last.parent_code, period.parent_uuid,
                     period.parent_code) and last.starts_on is not None:
            # The same parent again (a move recorded twice, a few days apart): one period,
            # from the first day, with the newest header lines.
            out[-1] = replace(period, starts_on=last.starts_on)
            continue
        out[-1] = replace(last, ends_on=move.effective_on - timedelta(days=1))
        out.append(period)
    return out


def moves_of(s: Session, unit_uuid: uuid.UUID) -> list[Move]:
    rows = s.scalars(select(OrgUnitMove).where(OrgUnitMove.org_unit_uuid == unit_uuid,
                                               OrgUnitMove.deleted_at.is_(None)))
    return [Move.of(r) for r in rows]


def _current(unit: OrgUnit | None) -> ParentPeriod:
    parent = unit.parent if unit is not None else None
    if parent is None:
        return ParentPeriod(None, None, None, "", "", "", "")
    return ParentPeriod(None, None, parent.uuid, parent.code, parent.name,
                        parent.name.upper(), "")


def periods(s: Session, unit_uuid: uuid.UUID) -> list[ParentPeriod]:
    """A unit's parents with their dates, oldest first (inside a session)."""
    unit = s.scalar(select(OrgUnit).where(OrgUnit.uuid == unit_uuid))
    return periods_of(moves_of(s, unit_uuid), unit_uuid, current=_current(unit))


def period_on(history: Sequence[ParentPeriod], day: date) -> ParentPeriod:
    """The period covering ``day``."""
    found = history[0]
    for period in history:
        if period.starts_on is None or period.starts_on <= day:
            found = period
    return found


def parent_history(db: Database, unit: uuid.UUID | None = None) -> list[ParentPeriod]:
    """The parents of the home unit (or of ``unit``) with their dates, oldest first."""
    unit = unit or db.home_unit_uuid
    if unit is None:
        raise NotFound(_("This database has not been set up yet: run unionapp init."))
    with db.read() as s:
        return periods(s, unit)


def unit_by_code(db: Database, code: str) -> uuid.UUID:
    with db.read() as s:
        found = s.scalar(select(OrgUnit.uuid).where(OrgUnit.code == clean(code)))
    if found is None:
        raise NotFound(_("There is no unit with the code {code} here.").format(code=code))
    return found


# --- moving ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoveResult:
    unit_code: str
    unit_name: str
    effective_on: date
    old_parent: str
    new_parent_code: str
    new_parent_name: str
    superior_line: str
    corrected: bool  # the latest move was corrected rather than a new one recorded
    next_package_full: bool
    key_enrolled: bool
    backup_file: str | None
    history: tuple[ParentPeriod, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "unit_code": self.unit_code, "unit_name": self.unit_name,
            "effective_on": self.effective_on.isoformat(), "old_parent": self.old_parent,
            "new_parent_code": self.new_parent_code, "new_parent_name": self.new_parent_name,
            "superior_line": self.superior_line, "corrected": self.corrected,
            "next_package_full": self.next_package_full, "key_enrolled": self.key_enrolled,
            "backup_file": self.backup_file,
            "history": [p.as_json() for p in self.history],
        }

    def text(self) -> str:
        lines = [_("{unit} is under {parent} from {date}.").format(
            unit=self.unit_name, parent=self.new_parent_name, date=format_date(self.effective_on))]
        lines.append(_("Documents dated from then on are headed “{line}”; older documents keep "
                       "the header of their own date.").format(line=self.superior_line))
        if self.next_package_full:
            lines.append(_("The next data package will be a full one, for the new parent "
                           "union."))
        if not self.key_enrolled:
            lines.append(_("Enrol the new parent union's public key (File ▸ Signing keys, or "
                           "unionapp keys trust FILE --org-unit {code}) to take in its "
                           "reference data.").format(code=self.new_parent_code))
        return "\n".join(lines)


def _check_move_input(code: str, name: str, effective_on: date | None, today: date) -> None:
    if not code or not name:
        raise UserError(_("Give the new parent union's code and name."))
    if effective_on is None:
        raise UserError(_("Give the date from which the new parent union is in charge."))
    if effective_on > today + FUTURE_LIMIT:
        raise UserError(_("The date {date} is more than a year ahead.").format(
            date=format_date(effective_on)))
    if effective_on.year < 1950:
        raise UserError(_("The date {date} is not plausible.").format(
            date=format_date(effective_on)))


def parent_unit(s: Session, code: str, name: str, place: str) -> OrgUnit:
    """The parent union ``code`` here, made (as a stand-in until its key is enrolled) when
    missing."""
    unit = s.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None:
        unit = OrgUnit(code=code, name=name, kind=OrgKind.PARENT_UNION, place=place)
        s.add(unit)
        s.flush()
    elif unit.kind != OrgKind.PARENT_UNION:
        raise UserError(_("The code {code} belongs to a unit here that is not a parent union "
                          "({name}).").format(code=code, name=unit.name))
    return unit


def move_parent(db: Database, *, code: str, name: str, effective_on: date,
                superior_line: str = "", issuer_line: str = "", note: str = "",
                key_file: Path | None = None, today: date | None = None) -> MoveResult:
    """The home unit is under the parent union ``code`` from ``effective_on``: recorded with
    the header lines of its documents from then on (``superior_line``, by default the parent's
    name in capitals; ``issuer_line``, by default the unit's own name). Recording the same
    parent again corrects the latest move (its date, name or lines). ``key_file``: the new
    parent's public key, enrolled at once (its fingerprint must have been checked by phone).

    In a branch's database the next package is a full one, for the new parent union."""
    from .exchange import keys

    require(db, Permission.ORG_MOVE_PARENT)
    today = today or date.today()
    code, name = clean(code), clean(name)
    _check_move_input(code, name, effective_on, today)
    if key_file is not None:
        key = keys.read_public_key_file(key_file)
        if key.kind != OrgKind.PARENT_UNION:
            raise UserError(_("This key is not a parent union's key; a branch enrols its "
                              "parent's key."))
    home_uuid = db.home_unit_uuid
    if home_uuid is None:
        raise NotFound(_("This database has not been set up yet: run unionapp init."))
    backup = backup_before(db, "before-branch-change")
    with db.transaction() as s:
        home = s.scalar(select(OrgUnit).where(OrgUnit.uuid == home_uuid))
        assert home is not None
        if home.closed_on is not None:
            raise UserError(_("This branch has ended its activity; it no longer moves."))
        parent = parent_unit(s, code, name, home.place)
        before = home.parent
        corrected = record_move(s, home.uuid, parent, name, effective_on, superior_line,
                            issuer_line, note)
        home.parent = parent
        full = db.mode == "branch" and not _same_database(before, parent, home.uuid)
        if full:
            left_parent_database(s)
        audit_summary(s, user=db.user, action="move_parent", entity="org_unit",
                      summary=f"{home.code}: parent {code} from {effective_on.isoformat()}",
                      details={"parent_code": code, "effective_on": effective_on.isoformat()})
        s.flush()
        history = tuple(periods(s, home.uuid))
        unit_code, unit_name = home.code, home.name
    db.refresh_info()
    enrolled = False
    if key_file is not None:
        keys.trust(db, key_file, code)
        enrolled = True
        with db.read() as s:
            history = tuple(periods(s, home_uuid))
    else:
        enrolled = _parent_key_enrolled(db, home_uuid)
    new = period_on(history, effective_on)
    old = history[-2] if len(history) > 1 else history[0]
    return MoveResult(unit_code, unit_name, effective_on, old.parent_name, new.parent_code,
                      new.parent_name, new.superior_line, corrected, full, enrolled,
                      str(backup) if backup else None, history)


def _parent_key_enrolled(db: Database, home_uuid: uuid.UUID) -> bool:
    from .models import ExchangePeer, PeerRole

    with db.read() as s:
        home = s.scalar(select(OrgUnit).where(OrgUnit.uuid == home_uuid))
        if home is None or home.parent is None:
            return False
        return s.scalar(select(ExchangePeer.id).where(
            ExchangePeer.org_unit_uuid == home.parent.uuid,
            ExchangePeer.role == PeerRole.PARENT)) is not None


def record_move(s: Session, unit_uuid: uuid.UUID, parent: OrgUnit | None, name: str,
            effective_on: date, superior_line: str, issuer_line: str, note: str, *,
            parent_code: str = "", parent_uuid: uuid.UUID | None = None) -> bool:
    """Record (or correct) a move of ``unit_uuid`` to ``parent`` (a unit here) or to the
    parent named by code only. Returns whether the latest move was corrected."""
    owner = s.info.get("home_unit_uuid")
    new_uuid = parent.uuid if parent is not None else parent_uuid
    new_code = parent.code if parent is not None else parent_code
    history = periods(s, unit_uuid)
    last = history[-1]
    own_rows = s.scalars(select(OrgUnitMove).where(
        OrgUnitMove.org_unit_uuid == unit_uuid, OrgUnitMove.owner_uuid == owner,
        OrgUnitMove.deleted_at.is_(None)).order_by(OrgUnitMove.effective_on.desc(),
                                                   OrgUnitMove.id.desc())).all()
    latest = own_rows[0] if own_rows else None
    line = _line(superior_line, name)
    if same_unit(last.parent_uuid, last.parent_code, new_uuid, new_code):
        if last.starts_on is None or latest is None or not same_unit(
                latest.new_parent_uuid, latest.new_parent_code, new_uuid, new_code):
            raise UserError(_("This unit is already under {parent}.").format(
                parent=last.parent_name))
        # The same parent again: a correction of the latest move (date, name, lines).
        previous = history[-2]
        if previous.starts_on is not None and effective_on <= previous.starts_on:
            raise UserError(_("The date must be after the previous move ({date}).").format(
                date=format_date(previous.starts_on)))
        latest.effective_on = effective_on
        latest.new_parent_name = name
        latest.superior_line = line
        latest.issuer_line = clean(issuer_line)
        latest.note = clean(note) or latest.note
        return True
    if last.starts_on is not None and effective_on <= last.starts_on:
        raise UserError(_("The date must be after the last recorded move ({date}).").format(
            date=format_date(last.starts_on)))
    s.add(OrgUnitMove(
        org_unit_uuid=unit_uuid, effective_on=effective_on,
        old_parent_uuid=last.parent_uuid, old_parent_code=last.parent_code,
        old_parent_name=last.parent_name, old_superior_line=last.superior_line,
        old_issuer_line=last.issuer_line, new_parent_uuid=new_uuid, new_parent_code=new_code,
        new_parent_name=name, superior_line=line, issuer_line=clean(issuer_line),
        note=clean(note)))
    return False


def _same_database(old: OrgUnit | None, new: OrgUnit | None, home: uuid.UUID) -> bool:
    """Whether two parent units live in the same parent union's database (both came down in
    its reference data): a move between them changes where the branch stands, not where its
    packages go."""
    return (old is not None and new is not None and old.owner_uuid == new.owner_uuid
            and old.owner_uuid != home)


def left_parent_database(s: Session) -> None:
    """The branch now sends its packages to another parent union's database: exports are
    full ones until the new parent confirms one (a delta built on what the old parent had
    would leave the new one waiting for packages it never got), and the catalogue entries
    the old parent sent become the branch's own."""
    from .exchange.state import next_export_sequence

    home = s.info.get("home_unit_uuid")
    if home is not None:
        set_info(s, FULL_EXPORT_INFO, str(next_export_sequence(s, home)))
    adopt_catalogues(s)


def adopt_catalogues(s: Session) -> int:
    """Take as the branch's own the catalogue entries its records got from a parent union
    (award and support kinds, emulation movements): the new parent union has never seen them,
    and would refuse decisions and cases that refer to them. A code the branch already uses
    gets the old parent's code after it. Returns how many were adopted."""
    home = s.info.get("home_unit_uuid")
    if home is None:
        return 0
    ours = set(subtree(s, home))
    count = 0
    for model in (AwardKind, SupportKind):
        taken = {k for k, in s.execute(select(model.code).where(model.owner_uuid == home))}
        codes = {u.uuid: u.code for u in s.scalars(select(OrgUnit))}
        for entry in s.scalars(select(model).where(model.owner_uuid.not_in(ours))):
            if entry.code in taken:
                suffix = f"-{codes.get(entry.owner_uuid, 'CU')}"
                entry.code = (entry.code[:40 - len(suffix)] + suffix)[:40]
            taken.add(entry.code)
            entry.owner_uuid = home
            count += 1
    home_unit = s.scalar(select(OrgUnit).where(OrgUnit.uuid == home))
    assert home_unit is not None
    for activity in s.scalars(select(Activity).where(
            Activity.owner_uuid.not_in(ours),
            Activity.kind == ActivityKind.EMULATION_MOVEMENT)):
        # The movement stays in the branch's records; who launched it is said in its text.
        launcher = s.get(OrgUnit, activity.org_unit_id)
        if launcher is not None and launcher.name not in activity.description:
            said = _("Launched by {unit}.").format(unit=launcher.name)
            activity.description = f"{activity.description}\n{said}".strip()
        activity.org_unit_id = home_unit.id
        activity.owner_uuid = home
        count += 1
    return count


def move_branch(db: Database, branch_code: str, *, code: str, name: str, effective_on: date,
                superior_line: str = "", issuer_line: str = "", note: str = "",
                today: date | None = None) -> MoveResult:
    """A parent union moves one of its branches to the parent union ``code`` from
    ``effective_on`` (to one of its own units, or to a union outside this database). The
    branch learns it from the next reference-data package; once the date has come, this
    database refuses the branch's packages unless the new parent is one of its own units."""
    require(db, Permission.ORG_MOVE_PARENT)
    if db.mode != "parent":
        raise UserError(_("Only a parent union's database moves one of its branches; a "
                          "branch records its own move (unionapp org move-parent)."))
    today = today or date.today()
    code, name, branch_code = clean(code), clean(name), clean(branch_code)
    _check_move_input(code, name, effective_on, today)
    home_uuid = db.home_unit_uuid
    assert home_uuid is not None
    backup = backup_before(db, "before-branch-change")
    with db.transaction() as s:
        branch = s.scalar(select(OrgUnit).where(OrgUnit.code == branch_code,
                                                OrgUnit.kind == OrgKind.BRANCH))
        if branch is None or branch.uuid not in subtree(s, home_uuid):
            raise NotFound(_("There is no branch {code} under this parent union.").format(
                code=branch_code))
        inside = subtree(s, home_uuid)
        target = s.scalar(select(OrgUnit).where(OrgUnit.code == code))
        if target is not None and (target.uuid not in inside
                                   or target.kind != OrgKind.PARENT_UNION):
            raise UserError(_("The code {code} belongs to a unit here that is not a parent "
                              "union of this database ({name}).").format(code=code,
                                                                          name=target.name))
        corrected = record_move(s, branch.uuid, target, name, effective_on, superior_line,
                            issuer_line, note, parent_code=code)
        if target is not None:
            # Inside this database the branch only changes place (a local fact, as its own
            # packages leave it alone): no new version of the branch's record.
            from sqlalchemy import update

            s.execute(update(OrgUnit).where(OrgUnit.id == branch.id)
                      .values(parent_id=target.id))
        audit_summary(s, user=db.user, action="move_branch", entity="org_unit",
                      summary=f"{branch.code}: parent {code} from {effective_on.isoformat()}",
                      details={"branch": branch.code, "parent_code": code,
                               "effective_on": effective_on.isoformat()})
        s.flush()
        history = tuple(periods(s, branch.uuid))
        unit_code, unit_name = branch.code, branch.name
    new = period_on(history, effective_on)
    old = history[-2] if len(history) > 1 else history[0]
    return MoveResult(unit_code, unit_name, effective_on, old.parent_name, new.parent_code,
                      new.parent_name, new.superior_line, corrected, False, True,
                      str(backup) if backup else None, history)


# --- learning from the exchange ---------------------------------------------------------------


def learn_moves(s: Session) -> list[Move]:
    """In a branch's database, after reference data came in: the moves of this branch that
    its parent union recorded and the branch had not. Each gets the branch's own copy (which
    travels up to the new parent union with the branch's history), the branch is placed
    under its new parent, and the next package becomes a full one. Returns the moves learnt."""
    home = s.info.get("home_unit_uuid")
    if home is None:
        return []
    rows = moves_of(s, home)
    own = [m for m in rows if m.owner_uuid == home]
    learnt = []
    for move in sorted((m for m in rows if m.owner_uuid != home), key=lambda m: m.effective_on):
        if any(m.effective_on == move.effective_on and same_unit(
                m.new_parent_uuid, m.new_parent_code, move.new_parent_uuid,
                move.new_parent_code) for m in own):
            continue
        s.add(OrgUnitMove(
            org_unit_uuid=home, effective_on=move.effective_on,
            old_parent_uuid=move.old_parent_uuid, old_parent_code=move.old_parent_code,
            old_parent_name=move.old_parent_name, old_superior_line=move.old_superior_line,
            old_issuer_line=move.old_issuer_line, new_parent_uuid=move.new_parent_uuid,
            new_parent_code=move.new_parent_code, new_parent_name=move.new_parent_name,
            superior_line=move.superior_line, issuer_line=move.issuer_line,
            note=_("recorded by the parent union")[:500]))
        own.append(move)
        learnt.append(move)
    if learnt:
        s.flush()
        last = periods(s, home)[-1]
        unit = s.scalar(select(OrgUnit).where(OrgUnit.uuid == home))
        assert unit is not None
        parent = None
        if last.parent_uuid is not None:
            parent = s.scalar(select(OrgUnit).where(OrgUnit.uuid == last.parent_uuid))
        if parent is None and last.parent_code:
            found = s.scalar(select(OrgUnit).where(OrgUnit.code == last.parent_code))
            if found is None:
                parent = parent_unit(s, last.parent_code, last.parent_name, unit.place)
            elif found.kind == OrgKind.PARENT_UNION:
                parent = found
        before = unit.parent
        if parent is not None and unit.parent_id != parent.id:
            unit.parent = parent
        if not _same_database(before, parent, home):
            left_parent_database(s)
    return learnt


def follow_identity(s: Session, old: uuid.UUID, new: uuid.UUID) -> None:
    """A stand-in unit took its real identity (its key was enrolled): moves naming the
    stand-in name the real unit now."""
    if old == new:
        return
    for move in s.scalars(select(OrgUnitMove).where(OrgUnitMove.old_parent_uuid == old)):
        move.old_parent_uuid = new
    for move in s.scalars(select(OrgUnitMove).where(OrgUnitMove.new_parent_uuid == old)):
        move.new_parent_uuid = new


def parent_replaced(s: Session, unit: OrgUnit, old_parent: OrgUnit | None,
                    new_parent: OrgUnit) -> None:
    """Enrolling a parent's key placed ``unit`` under ``new_parent``: when the latest move
    named the parent it replaces (a stand-in typed with another code), that move names the
    enrolled parent now; no move is invented (the date is not known)."""
    if old_parent is None:
        return
    rows = s.scalars(select(OrgUnitMove).where(
        OrgUnitMove.org_unit_uuid == unit.uuid, OrgUnitMove.owner_uuid == unit.uuid,
        OrgUnitMove.deleted_at.is_(None)).order_by(OrgUnitMove.effective_on.desc())).all()
    if rows and same_unit(rows[0].new_parent_uuid, rows[0].new_parent_code, old_parent.uuid,
                          old_parent.code):
        rows[0].new_parent_uuid = new_parent.uuid
        rows[0].new_parent_code = new_parent.code
        rows[0].new_parent_name = new_parent.name


def moves_count(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count(OrgUnitMove.id)).where(
            OrgUnitMove.deleted_at.is_(None))) or 0)


def full_export_from(s: Session) -> int | None:
    row = s.get(DatabaseInfo, FULL_EXPORT_INFO)
    return int(row.value) if row is not None and row.value.isdigit() else None
