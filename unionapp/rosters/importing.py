"""Importing a roster: check and preview every row first, then write all of it in one
transaction — or nothing.

Each row of the file is matched with the register: the same CCCD, or (when either has no
CCCD) the same name and birth date or year, is the same person. A matched member is updated
with what the file says (an empty cell never erases what we know) or left unchanged; anyone
else is created, arriving by admission on their admission date. Rows repeated within the
file are skipped after the first. So importing the same file twice changes nothing.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..audit import to_json, write_entries
from ..bulk import (
    audit_summary,
    insert_records,
    member_values,
    paused_gc,
    reindex_members,
)
from ..db import Database
from ..errors import Problem, UserError
from ..i18n import _
from ..members import MemberInput
from ..models import (
    Member,
    MemberStatus,
    Movement,
    MovementKind,
    OrgKind,
    OrgUnit,
    utcnow,
)
from ..progress import NO_PROGRESS, Progress
from ..settings import Settings
from ..text import clean, fold, fold_cleaned
from .layout import FIELD_LABELS, Layout, detect_layout
from .parsing import Candidate, Parsed, group_key, parse_rows
from .reading import RawSheet, read_sheet

# Facts an import may set on a member (status never: it changes only by movements).
UPDATABLE = [f.name for f in fields(MemberInput)
             if f.name not in ("org_unit", "extra", "birth_year")]


@dataclass
class Match:
    source: str  # "file" or "database"
    full_name: str
    by: str  # "national_id" or "name_birth"
    row: int | None = None
    uuid: uuid.UUID | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "full_name": self.full_name, "by": self.by}
        if self.row is not None:
            out["row"] = self.row
        if self.uuid is not None:
            out["uuid"] = str(self.uuid)
        return out


@dataclass
class RowPlan:
    """What will happen to one row of the file."""

    candidate: Candidate
    action: str = "create"  # create / update / unchanged / skip / error
    member_id: int | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    matches: list[Match] = field(default_factory=list)
    folded: str = ""  # the name folded for search, as checked
    new_group: str | None = None  # the group's name, when it must be created
    group_id: int | None = None


@dataclass
class ImportSummary:
    file: str
    sheet: str
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    duplicates: list[tuple[int, list[Match]]] = field(default_factory=list)
    legacy_encoding: str | None = None
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    groups_created: list[str] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The command line's summary (a contract: these keys are kept)."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "dry_run": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "errors": [_problem_json(p) for p in self.errors],
            "warnings": [_problem_json(p) for p in self.warnings],
            "duplicates": [{"row": row, "matches": [m.as_json() for m in matches]}
                           for row, matches in self.duplicates],
            "legacy_encoding": self.legacy_encoding,
            "header_row": self.header_row,
            "columns": self.columns,
            "groups_created": self.groups_created,
        }


def _problem_json(p: Problem) -> dict[str, Any]:
    return {"row": p.row, "column": p.field, "message": p.message}


@dataclass
class Plan:
    """A file read and parsed, ready to be checked against the database and written."""

    sheet: RawSheet
    layout: Layout
    parsed: Parsed


# --- reading and parsing -------------------------------------------------------------------


def remembered_mappings() -> dict[str, dict[str, str]]:
    value = Settings.load().extra.get("roster_mappings", {})
    return value if isinstance(value, dict) else {}


def remember_mapping(layout: Layout) -> None:
    """Keep the clerk's column choices for the next file of the same shape."""
    settings = Settings.load()
    mappings = dict(remembered_mappings())
    mappings[layout.shape_key] = {str(col): name for col, name in layout.columns.items()}
    settings.extra["roster_mappings"] = mappings
    settings.save()


def read_roster(path: Path, *, sheet: str | int = 0, columns: dict[int, str] | None = None,
                progress: Progress = NO_PROGRESS) -> Plan:
    """Read and parse a roster file. ``columns`` overrides the detected column mapping."""
    progress(0, 0, _("Reading {name}…").format(name=Path(path).name))
    raw = read_sheet(Path(path), sheet)
    progress.check()
    layout = detect_layout(raw.rows, raw.merged, remembered_mappings())
    if layout is None:
        raise UserError(_("No member list was found in {name}: no row looks like a header "
                          "with “Họ và tên” and other columns.").format(name=raw.file))
    if columns is not None:
        unknown = [name for name in columns.values() if name not in FIELD_LABELS]
        if unknown:
            raise UserError(_("Unknown column meaning: {names}").format(names=", ".join(unknown)))
        layout.columns = {c: n for c, n in columns.items() if n != "ignore"}
    if not any(n in layout.columns.values() for n in ("full_name", "given_name")):
        raise UserError(_("No column of {name} holds the members' names.").format(name=raw.file))
    progress(0, 0, _("Checking the rows…"))
    parsed = parse_rows(raw.rows, layout)
    return Plan(sheet=raw, layout=layout, parsed=parsed)


# --- matching with the register ----------------------------------------------------------------


def _birth(data: MemberInput) -> date | int | None:
    return data.date_of_birth or data.birth_year


def _birth_matches(a: date | None, a_year: int | None, b: date | None, b_year: int | None) -> bool:
    if a and b:
        return a == b
    return a_year is not None and a_year == b_year


def check(session: Session, plan: Plan, home_unit: uuid.UUID,
          progress: Progress = NO_PROGRESS) -> ImportSummary:
    """Decide what happens to each row (nothing is written)."""
    summary = ImportSummary(file=plan.sheet.file, sheet=plan.sheet.sheet, dry_run=True,
                            legacy_encoding=plan.parsed.legacy_encoding,
                            header_row=plan.layout.header_row + 1,
                            columns={plan.layout.headers[c] or f"#{c + 1}": name
                                     for c, name in sorted(plan.layout.columns.items())})
    groups = _groups(session, home_unit)
    by_id, by_name = _register_keys(session)
    seen_id: dict[str, Candidate] = {}
    seen_name: dict[tuple[str, Any], Candidate] = {}
    resolved: dict[str, tuple[int | None, str | None]] = {}
    candidates = plan.parsed.candidates
    for number, candidate in enumerate(candidates):
        if number % 5000 == 0:
            progress(number, len(candidates), _("Checking the rows…"))
        row = RowPlan(candidate)
        summary.rows.append(row)
        summary.warnings += candidate.warnings
        if not candidate.ok:
            row.action = "error"
            summary.errors += candidate.errors
            continue
        data = candidate.data
        folded = row.folded = fold_cleaned(data.full_name)
        # Twice in the same file: the first one counts.
        earlier = seen_id.get(data.national_id or "") if data.national_id else None
        how = "national_id"
        if earlier is None:
            key = (folded, data.date_of_birth or data.birth_year)
            earlier = seen_name.get(key) if _birth(data) is not None else None
            if earlier is not None and earlier.data.national_id and data.national_id \
                    and earlier.data.national_id != data.national_id:
                earlier = None  # same name and birth, different CCCD: two people
            how = "name_birth"
        if earlier is not None:
            row.action = "skip"
            row.matches.append(Match("file", earlier.data.full_name, how, row=earlier.row))
            summary.duplicates.append((candidate.row, row.matches))
            summary.skipped += 1
            summary.warnings.append(Problem(
                _("The same person as row {row}: this row is skipped.").format(row=earlier.row),
                None, candidate.row))
            continue
        if data.national_id:
            seen_id[data.national_id] = candidate
        if _birth(data) is not None:
            seen_name[(folded, data.date_of_birth or data.birth_year)] = candidate
        # The same person already in the register?
        existing = by_id.get(data.national_id) if data.national_id else None
        how = "national_id"
        if existing is None and _birth(data) is not None:
            same = [m for m in by_name.get(folded, ())
                    if _birth_matches(m["date_of_birth"], m["birth_year"],
                                      data.date_of_birth, data.birth_year)
                    and not (m["national_id"] and data.national_id)]
            if len(same) > 1:
                row.action = "skip"
                row.matches = [Match("database", m["full_name"], "name_birth",
                                     uuid=m["uuid"]) for m in same]
                summary.duplicates.append((candidate.row, row.matches))
                summary.skipped += 1
                summary.warnings.append(Problem(
                    _("{count} members in the register have this name and birth date: "
                      "skipped, to be sorted out by hand.").format(count=len(same)),
                    None, candidate.row))
                continue
            existing = same[0] if same else None
            how = "name_birth"
        if candidate.group_name not in resolved:
            resolved[candidate.group_name] = _group_for(candidate.group_name, groups)
        row.group_id, row.new_group = resolved[candidate.group_name]
        if existing is None:
            row.action = "create"
            summary.created += 1
            continue
        row.member_id = existing["id"]
        row.action = "match"  # decided below, once the matched members are loaded
        row.matches.append(Match("database", existing["full_name"], how, uuid=existing["uuid"]))
        summary.duplicates.append((candidate.row, row.matches))
    matched = [r for r in summary.rows if r.action == "match"]
    current = _current_values(session, [r.member_id for r in matched])  # type: ignore[misc]
    for row in matched:
        row.changes = _changes(current[row.member_id], row.candidate.data,  # type: ignore[index]
                               row.group_id)
        if row.changes or row.new_group is not None:
            row.action = "update"
            summary.updated += 1
        else:
            row.action = "unchanged"
            summary.unchanged += 1
    summary.groups_created = sorted({r.new_group for r in summary.rows
                                     if r.new_group and r.action in ("create", "update")})
    return summary


def _register_keys(session: Session) -> tuple[dict[str, dict[str, Any]],
                                               dict[str, list[dict[str, Any]]]]:
    """Live members by CCCD and by folded name."""
    by_id: dict[str, dict[str, Any]] = {}
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rows = session.execute(select(
        Member.id, Member.uuid, Member.full_name, Member.name_folded, Member.national_id,
        Member.date_of_birth, Member.birth_year).where(Member.deleted_at.is_(None)))
    for r in rows:
        entry = r._asdict()
        if r.national_id:
            by_id[r.national_id] = entry
        by_name[r.name_folded].append(entry)
    return by_id, by_name


_COMPARED = [*UPDATABLE, "birth_year", "org_unit_id", "version", "uuid"]


def _current_values(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The matched members as they are now, read in chunks (a re-import matches everyone)."""
    table = Member.__table__
    columns = [table.c[name] for name in ("id", *_COMPARED)]  # type: ignore[attr-defined]
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        for r in session.execute(select(*columns).where(table.c.id.in_(chunk))):  # type: ignore[attr-defined]
            found[r.id] = r._asdict()
    return found


def _changes(member: dict[str, Any], data: MemberInput,
             group_id: int | None) -> dict[str, tuple[Any, Any]]:
    """What the file would change on this member. Empty cells change nothing."""
    changes: dict[str, tuple[Any, Any]] = {}
    for name in UPDATABLE:
        new = getattr(data, name)
        if new not in (None, "") and new != member[name]:
            changes[name] = (member[name], new)
    if data.date_of_birth is not None:
        if data.birth_year != member["birth_year"]:
            changes["birth_year"] = (member["birth_year"], data.birth_year)
    elif data.birth_year is not None and member["date_of_birth"] is None \
            and data.birth_year != member["birth_year"]:
        changes["birth_year"] = (member["birth_year"], data.birth_year)
    if group_id is not None and group_id != member["org_unit_id"]:
        changes["org_unit_id"] = (member["org_unit_id"], group_id)
    return changes


def _groups(session: Session, home_unit: uuid.UUID) -> dict[str, int]:
    units = session.execute(select(OrgUnit.id, OrgUnit.name, OrgUnit.code)
                            .where(OrgUnit.deleted_at.is_(None))).all()
    found: dict[str, int] = {}
    for unit_id, name, code in units:
        found.setdefault(group_key(name), unit_id)
        found.setdefault(fold(code), unit_id)
    return found


def _group_for(name: str, groups: dict[str, int]) -> tuple[int | None, str | None]:
    """(existing unit id, or the name of a group to create); (None, None) when no group."""
    if not clean(name):
        return None, None
    key = group_key(name)
    if key in groups:
        return groups[key], None
    return None, clean(name)


# --- writing -----------------------------------------------------------------------------------


def preview(db: Database, path: Path, *, sheet: str | int = 0,
            columns: dict[int, str] | None = None,
            progress: Progress = NO_PROGRESS) -> tuple[Plan, ImportSummary]:
    """Read the file and say what importing it would do, writing nothing."""
    with paused_gc():
        plan = read_roster(path, sheet=sheet, columns=columns, progress=progress)
        home = _home(db)
        with db.read() as s:
            summary = check(s, plan, home, progress)
    return plan, summary


def _home(db: Database) -> uuid.UUID:
    home = db.home_unit_uuid
    if home is None:
        raise UserError(_("This database has not been set up yet: run unionapp init."))
    return home


def apply(db: Database, plan: Plan, progress: Progress = NO_PROGRESS) -> ImportSummary:
    """Write everything the check allows, in one transaction. Cancelling (or any error)
    leaves the database as it was."""
    home = _home(db)
    with paused_gc(), db.transaction() as s:
        summary = check(s, plan, home, progress)  # again: the register may have changed
        summary.dry_run = False
        _write(s, db, summary, home, progress)
        progress.check()  # the last moment to cancel: nothing is committed yet
    return summary


def import_roster(db: Database, path: Path, *, dry_run: bool = False, sheet: str | int = 0,
                  columns: dict[int, str] | None = None,
                  progress: Progress = NO_PROGRESS) -> ImportSummary:
    """Preview (``dry_run``) or import a roster file."""
    plan, summary = preview(db, path, sheet=sheet, columns=columns, progress=progress)
    return summary if dry_run else apply(db, plan, progress)


def _write(s: Session, db: Database, summary: ImportSummary, home: uuid.UUID,
           progress: Progress) -> None:
    user = s.info.get("user") or db.user
    home_id = s.scalar(select(OrgUnit.id).where(OrgUnit.uuid == home))
    new_groups = _create_groups(s, summary, home_id)
    creates = [r for r in summary.rows if r.action == "create"]
    updates = [r for r in summary.rows if r.action == "update"]
    total = len(creates) + len(updates)
    progress(0, total, _("Writing…"))

    rows = []
    for plan in creates:
        data = plan.candidate.data
        values = {name: getattr(data, name) for name in UPDATABLE}
        values["birth_year"] = data.birth_year
        values["name_folded"] = plan.folded
        values["org_unit_id"] = plan.group_id or new_groups.get(plan.new_group or "") or home_id
        values["status"] = MemberStatus.ACTIVE
        rows.append(values)
    new_ids = insert_records(s, Member, rows, owner=home)
    progress(len(creates), total, _("Writing…"))
    insert_records(s, Movement, [
        {"member_id": member_id, "kind": MovementKind.ADMISSION,
         "occurred_on": plan.candidate.data.joined_on, "from_unit": "", "to_unit": "",
         "decision_ref": "", "note": _("Imported from {name}").format(name=summary.file)}
        for member_id, plan in zip(new_ids, creates, strict=True)], owner=home)

    now = utcnow()
    audits = []
    moves = []
    current = _current_values(s, [p.member_id for p in updates])  # type: ignore[misc]
    table = Member.__table__
    for number, plan in enumerate(updates):
        if number % 2000 == 0:
            progress(len(creates) + number, total, _("Writing…"))
        if plan.new_group is not None:
            plan.changes["org_unit_id"] = (None, new_groups[plan.new_group])
        values = {name: new for name, (_old, new) in plan.changes.items()}
        member = current[plan.member_id]  # type: ignore[index]
        if "full_name" in values or "date_of_birth" in values or "birth_year" in values:
            values.setdefault("full_name", member["full_name"])
            values.setdefault("date_of_birth", member["date_of_birth"])
            values.setdefault("birth_year", member["birth_year"])
            member_values(values)
        done = s.execute(update(table)  # type: ignore[arg-type]
                         .where(table.c.id == plan.member_id,  # type: ignore[attr-defined]
                                table.c.version == member["version"])  # type: ignore[attr-defined]
                         .values(**values, version=member["version"] + 1, updated_at=now))
        if done.rowcount != 1:
            raise UserError(_("{name} was changed by someone else meanwhile: nothing was "
                              "imported; try again.").format(name=member["full_name"]))
        if "org_unit_id" in plan.changes:
            moves.append({"member_id": plan.member_id, "kind": MovementKind.GROUP_CHANGE,
                          "occurred_on": date.today(), "from_unit": "", "to_unit": "",
                          "decision_ref": "",
                          "note": _("Imported from {name}").format(name=summary.file)})
        audits.append({"at": now, "user": user, "action": "update", "entity": "member",
                       "entity_uuid": member["uuid"],
                       "summary": _("Imported from {name}").format(name=summary.file)[:500],
                       "before": {k: to_json(o) for k, (o, _n) in plan.changes.items()},
                       "after": {k: to_json(n) for k, (_o, n) in plan.changes.items()}})
    if moves:
        insert_records(s, Movement, moves, owner=home)
    if audits:
        write_entries(s, audits)
    reindex_members(s, [p.member_id for p in updates if p.member_id is not None])
    audit_summary(s, user=user, action="import", entity="member",
                  summary=_("Imported {file}: {created} created, {updated} updated").format(
                      file=summary.file, created=summary.created, updated=summary.updated),
                  details={"file": summary.file, "created": summary.created,
                           "updated": summary.updated, "unchanged": summary.unchanged,
                           "skipped": summary.skipped, "errors": len(summary.errors)})
    s.expire_all()
    progress(total, total, _("Writing…"))


def _create_groups(s: Session, summary: ImportSummary, home_id: int | None) -> dict[str, int]:
    made: dict[str, int] = {}
    if not summary.groups_created:
        return made
    home = s.get(OrgUnit, home_id)
    assert home is not None
    taken = set(s.scalars(select(OrgUnit.code)))
    number = 1
    for name in summary.groups_created:
        while f"{home.code}-T{number:02d}" in taken:
            number += 1
        code = f"{home.code}-T{number:02d}"
        taken.add(code)
        unit = OrgUnit(code=code, name=name, kind=OrgKind.GROUP, parent=home, place=home.place)
        s.add(unit)
        s.flush()
        made[name] = unit.id
    return made
