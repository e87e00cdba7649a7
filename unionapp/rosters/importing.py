"""Importing a roster: check and preview every row first, then write all of it in one
transaction — or nothing.

Each row of the file is matched with the register: the same CCCD, or (when either has no
CCCD) the same name and birth date or year, is the same person. A matched member is updated
with what the file says (an empty cell never erases what we know) or left unchanged; anyone
else is created, arriving by admission on their admission date. Rows repeated within the
file are skipped after the first. So importing the same file twice changes nothing.

Groups are matched by name within the home unit's own subtree only; a name that fits several
of its units is reported, never guessed. Groups the file names that don't exist yet are
created only when the clerk agrees (``ImportOptions.create_groups``). A column holding a job
and a unit ("Lái xe, Văn phòng") is offered to be split.

The preview's answer is kept: when the register has not changed between the preview and the
import (:func:`register_state`), the import writes what the preview showed without checking
every row again.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields, replace
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import backups
from ..audit import to_json, write_entries
from ..bulk import audit_summary, member_values, paused_gc, reindex_members
from ..db import Database
from ..errors import Problem, UserError
from ..i18n import _
from ..members import MemberInput
from ..models import (
    AuditLog,
    Member,
    MemberStatus,
    Movement,
    MovementKind,
    OrgKind,
    OrgUnit,
    utcnow,
)
from ..permissions import Permission, require
from ..progress import NO_PROGRESS, Progress
from ..settings import Settings
from ..text import birth_sort_key, clean, fold_cleaned, name_sort_key
from . import legacy
from .layout import FIELD_LABELS, Layout, detect_layout
from .parsing import Candidate, Parsed, group_key, loose_group_key, parse_rows, split_job_unit
from .reading import RawSheet, read_sheet
from .writing import insert_columns, large_cache

HEADER_SCAN = 40  # rows in which the header is looked for
# Facts an import may set on a member (status never: it changes only by movements).
UPDATABLE = [f.name for f in fields(MemberInput)
             if f.name not in ("org_unit", "extra", "birth_year")]


@dataclass(frozen=True)
class ImportOptions:
    """What the clerk decided in the preview."""

    split_job_unit: bool | None = None  # None: as the file's header suggests
    create_groups: bool = False  # create the groups the file names that don't exist yet


@dataclass
class Match:
    source: str  # "file" or "database"
    full_name: str
    by: str  # "national_id" or "name_birth"
    row: int | None = None
    uuid: uuid.UUID | None = None
    year_only: bool = False  # matched by name and year of birth (no full date)

    @property
    def reason(self) -> str:
        """Why the two are the same person, in the user's words."""
        where = (_("row {row}").format(row=self.row) if self.source == "file"
                 else _("{name} in the register").format(name=self.full_name))
        if self.by == "national_id":
            return _("same CCCD as {where}").format(where=where)
        if self.year_only:
            return _("same name and year of birth as {where}").format(where=where)
        return _("same name and date of birth as {where}").format(where=where)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "full_name": self.full_name, "by": self.by,
                               "reason": self.reason}
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
    group_text: str = ""  # the group the row names (its own column, a heading or a split)
    warnings: list[Problem] = field(default_factory=list)  # found by the check (not parsing)

    @property
    def problems(self) -> list[Problem]:
        """Everything wrong or noteworthy about the row: parsing's errors and warnings, then
        the check's."""
        return self.candidate.errors + self.candidate.warnings + self.warnings

    @property
    def notes(self) -> list[str]:
        """What the preview says about the row besides its problems (a skipped row's
        problems say already why)."""
        out = [m.reason for m in self.matches] if self.action != "skip" else []
        if self.action == "update":
            out.append(_("changes: {fields}").format(fields=", ".join(
                _(FIELD_LABELS.get(name, name)) for name in self.changes)))
        return out


@dataclass
class SplitOffer:
    """A column that holds a job and a unit (``Lái xe, Văn phòng``), and how it would split."""

    column: str  # its header
    split: bool  # whether it is split this time
    suggested: bool  # whether the header says it holds both
    rows: int  # rows whose cell has a separator
    examples: list[tuple[str, str, str]] = field(default_factory=list)  # (cell, job, unit)

    def as_json(self) -> dict[str, Any]:
        return {"column": self.column, "split": self.split, "suggested": self.suggested,
                "rows": self.rows,
                "examples": [{"cell": c, "job_title": j, "unit": u} for c, j, u in self.examples]}


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
    encoding: str | None = None  # a CSV file's code page
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    groups_created: list[str] = field(default_factory=list)
    groups_missing: dict[str, int] = field(default_factory=dict)  # name → rows (not created)
    groups_matched: dict[str, str] = field(default_factory=dict)  # name in file → unit
    groups_ambiguous: dict[str, list[str]] = field(default_factory=dict)  # name → units
    national_ids_restored: int = 0
    split: SplitOffer | None = None
    options: ImportOptions = field(default_factory=ImportOptions)
    rows: list[RowPlan] = field(default_factory=list)
    register_state: tuple[Any, ...] = ()  # the register as the check saw it

    @property
    def error_rows(self) -> int:
        """How many rows have errors (and are left out)."""
        return len({p.row for p in self.errors})

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
            "error_rows": self.error_rows,
            "errors": [_problem_json(p) for p in self.errors],
            "warnings": [_problem_json(p) for p in self.warnings],
            "duplicates": [{"row": row, "matches": [m.as_json() for m in matches]}
                           for row, matches in self.duplicates],
            "legacy_encoding": self.legacy_encoding,
            "encoding": self.encoding,
            "header_row": self.header_row,
            "columns": self.columns,
            "groups_created": self.groups_created,
            "groups_missing": self.groups_missing,
            "groups_matched": self.groups_matched,
            "groups_ambiguous": self.groups_ambiguous,
            "national_ids_restored": self.national_ids_restored,
            "split_job_unit": self.split.as_json() if self.split else None,
        }


CODE_PAGES = {"cp1258": "Windows-1258", "cp1252": "Windows-1252", "latin-1": "Latin-1",
              "utf-16": "UTF-16"}


def _names(names: list[str], limit: int = 6) -> str:
    shown = ", ".join(names[:limit])
    return shown + (", …" if len(names) > limit else "")


def summary_lines(summary: ImportSummary) -> list[str]:
    """What a preview or an import found, in sentences (the command line prints them, the
    import dialog shows them)."""
    lines = [_("{file}: {created} created, {updated} updated, {unchanged} unchanged, "
               "{skipped} skipped, {errors} rows with errors.").format(
        file=summary.file, created=summary.created, updated=summary.updated,
        unchanged=summary.unchanged, skipped=summary.skipped, errors=summary.error_rows)]
    if summary.encoding in CODE_PAGES:
        lines.append(_("The file's text is in the {code_page} code page.").format(
            code_page=CODE_PAGES[summary.encoding]))
    if summary.legacy_encoding:
        lines.append((_("Text in the old {encoding} encoding will be converted to Unicode.")
                      if summary.dry_run else
                      _("Text in the old {encoding} encoding was converted to Unicode.")).format(
            encoding=summary.legacy_encoding.upper()))
    if summary.national_ids_restored:
        lines.append(_("{count} CCCD numbers that Excel stored as numbers got their leading "
                       "zero back (see each row's note).").format(
            count=summary.national_ids_restored))
    if (offer := summary.split) is not None:
        cell, job, unit = offer.examples[0]
        if offer.split:
            lines.append(_("The column “{column}” is split into job title and unit ({count} "
                           "rows): “{cell}” → {job} | {unit}.").format(
                column=offer.column, count=offer.rows, cell=cell, job=job, unit=unit))
        else:
            lines.append(_("The column “{column}” seems to hold a job title and a unit "
                           "({count} rows, e.g. “{cell}”): it can be split.").format(
                column=offer.column, count=offer.rows, cell=cell))
    if summary.groups_matched:
        lines.append(_("Groups found: {names}.").format(names=_names(sorted(
            set(summary.groups_matched.values())))))
    if summary.groups_created:
        lines.append((_("New groups to create: {names}.") if summary.dry_run else
                      _("New groups created: {names}.")).format(
            names=_names(summary.groups_created)))
    if summary.groups_missing:
        lines.append(_("Groups not found in this union: {names} ({count} members). They are "
                       "created only if you agree; otherwise these members stay in the union "
                       "itself.").format(names=_names(list(summary.groups_missing)),
                                         count=sum(summary.groups_missing.values())))
    for name, units in summary.groups_ambiguous.items():
        lines.append(_("“{name}” fits several units ({units}): those members are not put in "
                       "a group.").format(name=name, units="; ".join(units)))
    return lines


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
    raw = read_sheet(Path(path), sheet, cancelled=lambda: progress.check() or False)
    progress.check()
    # Legacy text is converted everywhere (title, header, data) before the header is looked for.
    raw.columns, encoding = legacy.fix_sheet(raw.columns, raw.legacy_hint)
    layout = detect_layout(raw.head(HEADER_SCAN + 5), raw.merged, remembered_mappings(),
                           scan=HEADER_SCAN)
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
    parsed = parse_rows(raw.columns, layout, encoding)
    return Plan(sheet=raw, layout=layout, parsed=parsed)


# --- groups ------------------------------------------------------------------------------------


class GroupIndex:
    """The units of the home unit's subtree by name (and code): where a row's group is."""

    def __init__(self, session: Session, home_unit: uuid.UUID):
        units = session.execute(select(OrgUnit.id, OrgUnit.uuid, OrgUnit.parent_id,
                                       OrgUnit.name, OrgUnit.code)
                                .where(OrgUnit.deleted_at.is_(None))).all()
        children: dict[int | None, list[int]] = defaultdict(list)
        for unit in units:
            children[unit.parent_id].append(unit.id)
        home = next((u.id for u in units if u.uuid == home_unit), None)
        inside, todo = set(), [home] if home is not None else []
        while todo:
            current = todo.pop()
            inside.add(current)
            todo += children.get(current, [])
        self.names = {u.id: u.name for u in units if u.id in inside}
        self.strict: dict[str, set[int]] = defaultdict(set)
        self.loose: dict[str, set[int]] = defaultdict(set)
        for unit in units:
            if unit.id in inside:
                self.strict[group_key(unit.name)].add(unit.id)
                self.strict[group_key(unit.code)].add(unit.id)
                self.loose[loose_group_key(unit.name)].add(unit.id)
        self._found: dict[str, tuple[str, int | None, list[str]]] = {}
        self._clean: dict[str, str] = {}

    def find(self, name: str) -> tuple[str, int | None, list[str]]:
        """("match", unit id, [unit name]), ("ambiguous", None, [unit names]),
        ("missing", None, []) or ("none", None, []) for an empty name."""
        if name in self._found:
            return self._found[name]
        if not clean(name):
            found: tuple[str, int | None, list[str]] = ("none", None, [])
        else:
            # "Phòng Hành chính" names one unit; "Hành chính" fits "Tổ Hành chính" and
            # "Phòng Hành chính" alike.
            key, loose = group_key(name), loose_group_key(name)
            ids = self.strict.get(key, set())
            if not ids or key == loose:
                ids = ids | self.loose.get(loose, set())
            if not ids:
                found = ("missing", None, [])
            elif len(ids) == 1:
                unit_id = next(iter(ids))
                found = ("match", unit_id, [self.names[unit_id]])
            else:
                found = ("ambiguous", None, sorted(self.names[i] for i in ids))
        self._found[name] = found
        return found

    def cleaned(self, name: str) -> str:
        if name not in self._clean:
            self._clean[name] = clean(name)
        return self._clean[name]

    def knows(self, name: str) -> bool:
        return self.find(name)[0] in ("match", "ambiguous")


def _split_offer(plan: Plan, groups: GroupIndex, options: ImportOptions) -> SplitOffer | None:
    """Whether a column holds a job and a unit, and so may be split (see the module doc)."""
    layout = plan.layout
    col = layout.column_of("job_and_unit")
    suggested = col is not None
    candidates = plan.parsed.candidates
    if col is not None:
        cells = [c.job_unit for c in candidates]
    else:
        col = layout.column_of("job_title")
        if col is None or layout.column_of("group") is not None:
            return None
        cells = [c.own_job_title or c.data.job_title for c in candidates]
    with_separator = [cell for cell in cells if split_job_unit(cell)[1]]
    if not suggested and (not cells or 2 * len(with_separator) < len([c for c in cells if c])):
        return None
    if not with_separator:
        return None
    split = options.split_job_unit if options.split_job_unit is not None else suggested
    examples = []
    for cell in dict.fromkeys(with_separator):
        job, unit = split_job_unit(cell, groups.knows)
        examples.append((cell, job, unit))
        if len(examples) == 3:
            break
    return SplitOffer(column=layout.headers[col] or f"#{col + 1}", split=split,
                      suggested=suggested, rows=len(with_separator), examples=examples)


def _apply_split(plan: Plan, offer: SplitOffer | None, groups: GroupIndex) -> list[str]:
    """Each row's job title as the clerk chose (split or whole), and the unit part of each
    row (empty when not split)."""
    candidates = plan.parsed.candidates
    units = [""] * len(candidates)
    if offer is None:
        for c in candidates:
            if c.job_unit:
                c.data.job_title = c.own_job_title or c.job_unit
        return units
    from_job_column = plan.layout.column_of("job_and_unit") is None
    memo: dict[str, tuple[str, str]] = {}
    for i, c in enumerate(candidates):
        cell = (c.own_job_title or c.data.job_title) if from_job_column else c.job_unit
        if from_job_column:
            c.own_job_title = cell  # the cell as written, whatever is chosen this time
        if not cell:
            continue
        if offer.split:
            if cell not in memo:
                memo[cell] = split_job_unit(cell, groups.knows)
            job, units[i] = memo[cell]
            c.data.job_title = job if from_job_column else (c.own_job_title or job)
        else:
            c.data.job_title = cell if from_job_column else (c.own_job_title or cell)
    return units


# --- matching with the register ----------------------------------------------------------------


def _birth(data: MemberInput) -> date | int | None:
    return data.date_of_birth or data.birth_year


def _birth_matches(a: date | None, a_year: int | None, b: date | None, b_year: int | None) -> bool:
    if a and b:
        return a == b
    return a_year is not None and a_year == b_year


def register_state(session: Session) -> tuple[Any, ...]:
    """A cheap fingerprint of everything the check reads: the members' and units' count,
    highest id, sum of versions (every change raises a version) and latest change, and the
    audit log's highest id (every change is logged). Equal fingerprints mean the check would
    decide the same."""
    state: list[Any] = []
    for table in (Member.__table__, OrgUnit.__table__):
        c = table.c  # type: ignore[attr-defined]
        state += session.execute(select(func.count(c.id), func.max(c.id),
                                        func.coalesce(func.sum(c.version), 0),
                                        func.max(c.updated_at))).one()
    state.append(session.scalar(select(func.max(AuditLog.id))))
    return tuple(state)


def check(session: Session, plan: Plan, home_unit: uuid.UUID,
          options: ImportOptions = ImportOptions(),
          progress: Progress = NO_PROGRESS) -> ImportSummary:
    """Decide what happens to each row (nothing is written)."""
    layout = plan.layout
    summary = ImportSummary(file=plan.sheet.file, sheet=plan.sheet.sheet, dry_run=True,
                            legacy_encoding=plan.parsed.legacy_encoding,
                            encoding=plan.sheet.encoding,
                            header_row=layout.header_row + 1, options=options,
                            columns={layout.headers[c] or f"#{c + 1}": name
                                     for c, name in sorted(layout.columns.items())},
                            register_state=register_state(session))
    groups = GroupIndex(session, home_unit)
    summary.split = _split_offer(plan, groups, options)
    units = _apply_split(plan, summary.split, groups)
    by_id, by_name = _register_keys(session)
    seen_id: dict[str, Candidate] = {}
    seen_name: dict[tuple[str, Any], Candidate] = {}
    missing: Counter[str] = Counter()
    candidates = plan.parsed.candidates
    for number, candidate in enumerate(candidates):
        if number % 5000 == 0:
            progress(number, len(candidates), _("Checking the rows…"))
        row = RowPlan(candidate)
        summary.rows.append(row)
        if candidate.warnings:
            summary.warnings += candidate.warnings
        summary.national_ids_restored += candidate.national_id_restored
        if not candidate.ok:
            row.action = "error"
            summary.errors += candidate.errors
            continue
        data = candidate.data
        folded = row.folded = fold_cleaned(data.full_name)
        born = _birth(data)
        # Twice in the same file: the first one counts.
        earlier = seen_id.get(data.national_id) if data.national_id else None
        how = "national_id"
        if earlier is None and born is not None:
            earlier = seen_name.get((folded, born))
            if earlier is not None and earlier.data.national_id and data.national_id \
                    and earlier.data.national_id != data.national_id:
                earlier = None  # same name and birth, different CCCD: two people
            how = "name_birth"
        if earlier is not None:
            match = Match("file", earlier.data.full_name, how, row=earlier.row,
                          year_only=data.date_of_birth is None)
            row.action = "skip"
            row.matches.append(match)
            summary.duplicates.append((candidate.row, row.matches))
            summary.skipped += 1
            row.warnings.append(Problem(
                _("{reason}: this row is skipped.").format(
                    reason=match.reason[:1].upper() + match.reason[1:]),
                None, candidate.row))
            summary.warnings += row.warnings
            continue
        if data.national_id:
            seen_id[data.national_id] = candidate
        if born is not None:
            seen_name[(folded, born)] = candidate
        # The same person already in the register?
        existing = by_id.get(data.national_id) if data.national_id else None
        how = "national_id"
        if existing is None and born is not None:
            same = [m for m in by_name.get(folded, ())
                    if _birth_matches(m["date_of_birth"], m["birth_year"],
                                      data.date_of_birth, data.birth_year)
                    and not (m["national_id"] and data.national_id)]
            if len(same) > 1:
                row.action = "skip"
                row.matches = [Match("database", m["full_name"], "name_birth", uuid=m["uuid"],
                                     year_only=not (m["date_of_birth"] and data.date_of_birth))
                               for m in same]
                summary.duplicates.append((candidate.row, row.matches))
                summary.skipped += 1
                row.warnings.append(Problem(
                    _("{count} members in the register have this name and birth date: "
                      "skipped, to be sorted out by hand.").format(count=len(same)),
                    None, candidate.row))
                summary.warnings += row.warnings
                continue
            existing = same[0] if same else None
            how = "name_birth"
        row.group_text = candidate.group_name or units[number]
        _place(row, groups, options, summary, missing)
        if existing is None:
            row.action = "create"
            summary.created += 1
            continue
        row.member_id = existing["id"]
        row.action = "match"  # decided below, once the matched members are loaded
        row.matches.append(Match("database", existing["full_name"], how, uuid=existing["uuid"],
                                 year_only=how == "name_birth" and not (
                                     existing["date_of_birth"] and data.date_of_birth)))
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
    summary.groups_missing = dict(sorted(missing.items()))
    return summary


def _place(row: RowPlan, groups: GroupIndex, options: ImportOptions, summary: ImportSummary,
           missing: Counter[str]) -> None:
    """The group a row goes to: a unit of the home subtree, a group to create (when the
    clerk agreed), or none (the member stays where they are, a new one goes to the home
    unit)."""
    if not row.group_text:
        return
    kind, unit_id, names = groups.find(row.group_text)
    name = groups.cleaned(row.group_text)
    if kind == "match":
        row.group_id = unit_id
        summary.groups_matched.setdefault(name, names[0])
    elif kind == "ambiguous":
        summary.groups_ambiguous.setdefault(name, names)
        row.warnings.append(Problem(
            _("“{name}” fits several units ({units}): choose the group by hand "
              "later.").format(name=name, units="; ".join(names)), None, row.candidate.row))
        summary.warnings.append(row.warnings[-1])
    elif kind == "missing":
        if options.create_groups:
            row.new_group = name
        else:
            missing[name] += 1


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


# --- preview and import ------------------------------------------------------------------------


def _home(db: Database) -> uuid.UUID:
    home = db.home_unit_uuid
    if home is None:
        raise UserError(_("This database has not been set up yet: run unionapp init."))
    return home


def check_plan(db: Database, plan: Plan, options: ImportOptions = ImportOptions(),
               progress: Progress = NO_PROGRESS) -> ImportSummary:
    """Check a file already read against the register (again, e.g. with other options)."""
    home = _home(db)
    with paused_gc(), db.read() as s:
        return check(s, plan, home, options, progress)


def preview(db: Database, path: Path, *, sheet: str | int = 0,
            columns: dict[int, str] | None = None,
            options: ImportOptions = ImportOptions(),
            progress: Progress = NO_PROGRESS) -> tuple[Plan, ImportSummary]:
    """Read the file and say what importing it would do, writing nothing."""
    with paused_gc():
        plan = read_roster(path, sheet=sheet, columns=columns, progress=progress)
    return plan, check_plan(db, plan, options, progress)


def apply(db: Database, plan: Plan, summary: ImportSummary | None = None,
          options: ImportOptions | None = None,
          progress: Progress = NO_PROGRESS) -> ImportSummary:
    """Write everything the check allows, in one transaction, after a backup. ``summary``:
    the preview's, written as it is when the register has not changed since (else every
    row is checked again). Cancelling (or any error) leaves the database as it was."""
    require(db, Permission.MEMBERS_IMPORT)
    home = _home(db)
    if options is None:
        options = summary.options if summary is not None else ImportOptions()
    backups.backup_before(db, "before-import")
    with paused_gc(), db.transaction() as s:
        if summary is None or summary.options != options or \
                summary.register_state != register_state(s):
            summary = check(s, plan, home, options, progress)  # the register changed meanwhile
        summary = replace(summary, dry_run=False)
        with large_cache(s):
            _write(s, db, summary, home, progress)
        progress.check()  # the last moment to cancel: nothing is committed yet
    return summary


def import_roster(db: Database, path: Path, *, dry_run: bool = False, sheet: str | int = 0,
                  columns: dict[int, str] | None = None,
                  options: ImportOptions = ImportOptions(),
                  progress: Progress = NO_PROGRESS) -> ImportSummary:
    """Preview (``dry_run``) or import a roster file."""
    if not dry_run:
        require(db, Permission.MEMBERS_IMPORT)
    plan, summary = preview(db, path, sheet=sheet, columns=columns, options=options,
                            progress=progress)
    return summary if dry_run else apply(db, plan, summary, options, progress)


# --- writing -------------------------------------------------------------------------------------


def _write(s: Session, db: Database, summary: ImportSummary, home: uuid.UUID,
           progress: Progress) -> None:
    user = s.info.get("user") or db.user
    home_id = s.scalar(select(OrgUnit.id).where(OrgUnit.uuid == home))
    new_groups = _create_groups(s, summary, home_id)
    creates = [r for r in summary.rows if r.action == "create"]
    updates = [r for r in summary.rows if r.action == "update"]
    total = len(creates) + len(updates)
    progress(0, total, _("Writing…"))
    note = _("Imported from {name}").format(name=summary.file)
    creates, keys = _in_name_order(creates)
    new_ids = _write_new(s, creates, keys, new_groups, home, home_id)
    progress(len(creates), total, _("Writing…"))
    insert_columns(s, Movement, {
        "member_id": new_ids, "kind": MovementKind.ADMISSION,
        "occurred_on": [r.candidate.data.joined_on for r in creates],
        "from_unit": "", "to_unit": "", "decision_ref": "", "note": note,
    }, len(creates), owner=home)

    now = utcnow()
    audits = []
    moves = []
    current = _current_values(s, [p.member_id for p in updates])  # type: ignore[misc]
    table = Member.__table__
    for number, plan in enumerate(updates):
        if number % 2000 == 0:
            progress(len(creates) + number, total, _("Writing…"))
        changes = dict(plan.changes)
        if plan.new_group is not None:
            changes["org_unit_id"] = (None, new_groups[plan.new_group])
        values = {name: new for name, (_old, new) in changes.items()}
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
        if "org_unit_id" in changes:
            moves.append({"member_id": plan.member_id, "kind": MovementKind.GROUP_CHANGE,
                          "occurred_on": date.today(), "from_unit": "", "to_unit": "",
                          "decision_ref": "", "note": note})
        audits.append({"at": now, "user": user, "action": "update", "entity": "member",
                       "entity_uuid": member["uuid"], "summary": note[:500],
                       "before": {k: to_json(o) for k, (o, _n) in changes.items()},
                       "after": {k: to_json(n) for k, (_o, n) in changes.items()}})
    if moves:
        insert_columns(s, Movement, {k: [m[k] for m in moves] for k in moves[0]}, len(moves),
                       owner=home)
    reindex_members(s, [p.member_id for p in updates if p.member_id is not None])
    _audit(s, user, summary, audits)
    s.expire_all()
    progress(total, total, _("Writing…"))


def _in_name_order(creates: list[RowPlan]) -> tuple[list[RowPlan], list[str]]:
    """The new members in name order, with their sort keys (names repeat: each distinct
    name's key is made once). Written so, their ids and their entries in the name-order index
    follow one another, which SQLite writes far faster than entries all over the index."""
    keys = [f"{name_sort_key(r.candidate.data.full_name)} "
            f"{birth_sort_key(r.candidate.data.date_of_birth or r.candidate.data.birth_year)}"
            for r in creates]
    order = sorted(range(len(creates)), key=keys.__getitem__)
    return [creates[i] for i in order], [keys[i] for i in order]


def _write_new(s: Session, creates: list[RowPlan], keys: list[str], new_groups: dict[str, int],
               home: uuid.UUID, home_id: int | None) -> list[int]:
    """The new members (in name order, ``keys`` their sort keys), a column at a time."""
    if not creates:
        return []
    names = [*UPDATABLE, "birth_year"]
    values = zip(*map(attrgetter(*names), (r.candidate.data for r in creates)), strict=True)
    columns: dict[str, Any] = dict(zip(names, map(list, values), strict=True))
    columns["name_folded"] = [r.folded for r in creates]
    columns["sort_key"] = keys
    columns["org_unit_id"] = [r.group_id or new_groups.get(r.new_group or "") or home_id
                              for r in creates]
    columns["status"] = MemberStatus.ACTIVE
    return insert_columns(s, Member, columns, len(creates), owner=home)


def _audit(s: Session, user: str, summary: ImportSummary, updates: list[dict[str, Any]]) -> None:
    """The import's audit rows, all written here: one per updated member, one for the whole
    import (new members are listed by the import's summary row)."""
    if updates:
        write_entries(s, updates)
    audit_summary(s, user=user, action="import", entity="member",
                  summary=_("Imported {file}: {created} created, {updated} updated").format(
                      file=summary.file, created=summary.created, updated=summary.updated),
                  details={"file": summary.file, "created": summary.created,
                           "updated": summary.updated, "unchanged": summary.unchanged,
                           "skipped": summary.skipped, "errors": summary.error_rows,
                           "groups_created": summary.groups_created})


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
