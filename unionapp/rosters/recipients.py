"""Importing the recipients of an award decision from a spreadsheet: the list a group or the
parent union sends ("Danh sách đề nghị khen thưởng"), with the same discipline as the member
import — every row checked and shown with what will happen to it, then everything written in
one transaction, or nothing.

The file is read by the roster reader (safe reading, header detection, legacy encodings).
Each row names either a collective (one of our units: its name, with or without "Tổ công
đoàn") or a member, found by CCCD, or by name narrowed by birth date or year and group. A
name that fits several members and can't be told apart is an error, never a guess. Nobody is
created: a recipient must already be in the register. Optional columns: the prize money
("Số tiền") and the recipient's own reason ("Thành tích").
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import backups
from ..bulk import audit_summary
from ..db import Database
from ..errors import NotFound, Problem, UserError
from ..i18n import N_, _
from ..models import Award, AwardDecision, AwardKind, Member, MemberStatus, OrgUnit, RecipientType
from ..permissions import Permission, require
from ..progress import NO_PROGRESS, Progress
from ..text import clean, fold, format_date, parse_vnd
from .importing import Plan, read_roster
from .layout import header_text
from .parsing import Candidate, group_key
from .reading import Cell

# Columns the member roster doesn't know: folded spellings, as in layout.SPELLINGS.
EXTRA_SPELLINGS = {
    "amount": ("so tien", "tien thuong", "muc thuong", "muc tien thuong", "so tien thuong",
               "thanh tien", "tien", "gia tri"),
    "reason": ("thanh tich", "thanh tich dat duoc", "ly do", "ly do khen thuong", "noi dung",
               "noi dung khen thuong", "noi dung thanh tich", "tom tat thanh tich"),
}
EXTRA_LABELS = {"amount": N_("Prize money"), "reason": N_("Own reason")}
ACTIONS = {
    "person": N_("Individual"),
    "collective": N_("Collective"),
    "already": N_("Already on the decision"),
    "skip": N_("Skipped"),
    "error": N_("Error"),
}


@dataclass
class RecipientRow:
    """What will happen to one row of the file."""

    row: int
    name: str
    action: str = "error"  # person / collective / already / skip / error
    member_id: int | None = None
    unit_id: int | None = None
    matched: str = ""  # who the row was found to be, as the register says it
    amount: int = 0
    reason: str = ""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class RecipientImportSummary:
    file: str
    sheet: str
    decision_number: str
    dry_run: bool = True
    persons: int = 0
    collectives: int = 0
    already: int = 0
    skipped: int = 0
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    rows: list[RecipientRow] = field(default_factory=list)

    @property
    def added(self) -> int:
        return self.persons + self.collectives

    @property
    def errors(self) -> list[Problem]:
        return [p for r in self.rows if r.action == "error" for p in r.problems]

    @property
    def error_rows(self) -> int:
        """How many rows have errors (and are left out)."""
        return sum(1 for r in self.rows if r.action == "error")

    def as_json(self) -> dict[str, Any]:
        def problem(p: Problem) -> dict[str, Any]:
            return {"row": p.row, "column": p.field, "message": p.message}

        return {
            "file": self.file, "sheet": self.sheet, "decision": self.decision_number,
            "dry_run": self.dry_run, "persons": self.persons, "collectives": self.collectives,
            "error_rows": self.error_rows,
            "already": self.already, "skipped": self.skipped, "header_row": self.header_row,
            "columns": self.columns,
            "errors": [problem(p) for p in self.errors],
            "warnings": [problem(p) for r in self.rows for p in r.warnings],
            "rows": [{"row": r.row, "name": r.name, "action": r.action, "matched": r.matched,
                      "amount": r.amount} for r in self.rows],
        }


@dataclass
class RecipientPlan:
    plan: Plan
    extra: dict[int, str]  # column → "amount" / "reason"


def extra_columns(plan: Plan, chosen: dict[int, str] | None = None) -> dict[int, str]:
    """The amount and reason columns: those chosen, else found by their headers."""
    if chosen is not None:
        return {c: n for c, n in chosen.items() if n in EXTRA_SPELLINGS}
    found: dict[int, str] = {}
    for col, header in enumerate(plan.layout.headers):
        if col in plan.layout.columns:
            continue
        text = header_text(header)
        for name, spellings in EXTRA_SPELLINGS.items():
            if name not in found.values() and any(
                    text == s or text.startswith(s + " ") for s in spellings):
                found[col] = name
                break
    return found


def read_recipients(path: Path, *, sheet: str | int = 0, columns: dict[int, str] | None = None,
                    progress: Progress = NO_PROGRESS) -> RecipientPlan:
    """Read and parse the file. ``columns`` (column → meaning, including ``amount`` and
    ``reason``) overrides the detected mapping."""
    member_columns = None
    if columns is not None:
        member_columns = {c: n for c, n in columns.items() if n not in EXTRA_SPELLINGS}
    plan = read_roster(path, sheet=sheet, columns=member_columns, progress=progress)
    return RecipientPlan(plan, extra_columns(plan, columns))


def _cell(plan: Plan, candidate: Candidate, col: int) -> Cell:
    columns = plan.sheet.columns
    index = candidate.row - 1
    return columns[col][index] if col < len(columns) and index < plan.sheet.height else None


def _amount(value: Cell) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() and value >= 0 else None
    try:
        amount = parse_vnd(str(value))
    except ValueError:
        return None
    return amount if amount is None or amount >= 0 else None


@dataclass
class _Register:
    """What matching needs of the register, read once."""

    by_id: dict[str, Any]
    by_name: dict[str, list[Any]]
    units: dict[str, tuple[int, str]]


def _register(s: Session) -> _Register:
    unit_names = dict(s.execute(select(OrgUnit.id, OrgUnit.name)
                                .where(OrgUnit.deleted_at.is_(None))).all())
    by_id: dict[str, Any] = {}
    by_name: dict[str, list[Any]] = defaultdict(list)
    rows = s.execute(select(Member.id, Member.full_name, Member.name_folded,
                            Member.national_id, Member.date_of_birth, Member.birth_year,
                            Member.org_unit_id, Member.status)
                     .where(Member.deleted_at.is_(None)))
    for r in rows:
        if r.national_id:
            by_id[r.national_id] = r
        by_name[r.name_folded].append(r)
    units: dict[str, tuple[int, str]] = {}
    for unit_id, name in unit_names.items():
        units.setdefault(fold(name), (unit_id, name))
        units.setdefault(group_key(name), (unit_id, name))
    return _Register(by_id, by_name, units)


def _describe(r: Any, unit_names: dict[int, str]) -> str:
    born = format_date(r.date_of_birth) if r.date_of_birth else (str(r.birth_year or ""))
    parts = [r.full_name, born, unit_names.get(r.org_unit_id, "")]
    return ", ".join(p for p in parts if p)


def check_recipients(s: Session, plan: RecipientPlan, decision_uuid: uuid.UUID,
                     progress: Progress = NO_PROGRESS) -> RecipientImportSummary:
    """Decide what happens to each row (nothing is written)."""
    decision = s.scalar(select(AwardDecision).where(AwardDecision.uuid == decision_uuid))
    if decision is None or decision.deleted_at is not None:
        raise NotFound(_("No such award decision."))
    kind = s.get(AwardKind, decision.award_kind_id)
    assert kind is not None
    layout = plan.plan.layout
    columns = {layout.headers[c] or f"#{c + 1}": n for c, n in sorted(layout.columns.items())}
    columns.update({layout.headers[c] or f"#{c + 1}": n for c, n in plan.extra.items()})
    summary = RecipientImportSummary(file=plan.plan.sheet.file, sheet=plan.plan.sheet.sheet,
                                     decision_number=decision.number,
                                     header_row=layout.header_row + 1, columns=columns)
    register = _register(s)
    unit_names = {uid: name for uid, name in register.units.values()}
    on_decision = {(a.member_id, a.recipient_unit_id) for a in s.scalars(
        select(Award).where(Award.decision_id == decision.id, Award.deleted_at.is_(None)))}
    seen: dict[tuple[str, int], int] = {}
    amount_col = next((c for c, n in plan.extra.items() if n == "amount"), None)
    reason_col = next((c for c, n in plan.extra.items() if n == "reason"), None)
    candidates = plan.plan.parsed.candidates
    for number, candidate in enumerate(candidates):
        if number % 500 == 0:
            progress(number, len(candidates), _("Checking the rows…"))
        row = RecipientRow(row=candidate.row, name=candidate.data.full_name)
        summary.rows.append(row)

        def problem(message: str, column: int | None = None, *, warning: bool = False,
                    row: RecipientRow = row, candidate: Candidate = candidate) -> None:
            header = layout.headers[column] if column is not None else None
            (row.warnings if warning else row.problems).append(
                Problem(message, header, candidate.row))

        row.warnings.extend(candidate.warnings)
        if amount_col is not None:
            value = _cell(plan.plan, candidate, amount_col)
            amount = _amount(value)
            if amount is None:
                problem(_("“{value}” is not an amount in đồng: 0 is used.").format(value=value),
                        amount_col, warning=True)
            row.amount = amount or 0
        if reason_col is not None:
            value = _cell(plan.plan, candidate, reason_col)
            row.reason = clean(str(value)) if value is not None else ""
        unit = register.units.get(fold(row.name)) or register.units.get(group_key(row.name))
        if unit is not None and not candidate.data.national_id:
            row.unit_id, row.matched = unit
            if kind.recipient_type == RecipientType.PERSON:
                problem(_("“{kind}” is awarded to individuals only.").format(kind=kind.name))
        else:
            if candidate.errors:
                row.problems.extend(candidate.errors)
            else:
                _match_person(row, candidate, register, unit_names, problem)
            if row.member_id is not None and kind.recipient_type == RecipientType.COLLECTIVE:
                problem(_("“{kind}” is awarded to collectives only.").format(kind=kind.name))
        if row.problems:
            row.action = "error"
            continue
        key = ("m", row.member_id) if row.member_id is not None else ("u", row.unit_id)
        if key in seen:
            row.action = "skip"
            problem(_("The same recipient as row {row}.").format(row=seen[key]), warning=True)
            summary.skipped += 1
            continue
        seen[key] = candidate.row  # type: ignore[index]
        if (row.member_id, row.unit_id) in on_decision:
            row.action = "already"
            summary.already += 1
        elif row.member_id is not None:
            row.action = "person"
            summary.persons += 1
        else:
            row.action = "collective"
            summary.collectives += 1
    return summary


def _match_person(row: RecipientRow, candidate: Candidate, register: _Register,
                  unit_names: dict[int, str], problem: Any) -> None:
    data = candidate.data
    if data.national_id and data.national_id in register.by_id:
        found = register.by_id[data.national_id]
        if found.name_folded != fold(data.full_name):
            problem(_("The CCCD number belongs to {name} in the register: {name} is "
                      "used.").format(name=found.full_name), warning=True)
        row.member_id, row.matched = found.id, _describe(found, unit_names)
        return
    people = register.by_name.get(fold(data.full_name), [])
    if data.date_of_birth or data.birth_year:
        people = [p for p in people if (data.date_of_birth and p.date_of_birth ==
                                        data.date_of_birth) or (
            not (data.date_of_birth and p.date_of_birth) and data.birth_year and
            p.birth_year == data.birth_year)]
    if candidate.group_name and len(people) > 1:
        wanted = group_key(candidate.group_name)
        in_group = [p for p in people if group_key(unit_names.get(p.org_unit_id, "")) == wanted]
        people = in_group or people
    if len(people) > 1:
        active = [p for p in people if p.status == MemberStatus.ACTIVE]
        people = active if len(active) == 1 else people
    if len(people) == 1:
        row.member_id, row.matched = people[0].id, _describe(people[0], unit_names)
        if people[0].status != MemberStatus.ACTIVE:
            problem(_("{name} is no longer an active member.").format(
                name=people[0].full_name), warning=True)
    elif not people and (data.date_of_birth or data.birth_year):
        problem(_("No member named {name} with this birth date is in the register.").format(
            name=data.full_name))
    elif not people:
        problem(_("No member named {name} is in the register.").format(name=data.full_name))
    else:
        problem(_("{count} members are named {name} ({who}): add the birth date, the CCCD "
                  "number or the group to tell them apart.").format(
            count=len(people), name=data.full_name,
            who="; ".join(_describe(p, unit_names) for p in people[:4])))


def preview_recipients(db: Database, decision_uuid: uuid.UUID, path: Path, *,
                       sheet: str | int = 0, columns: dict[int, str] | None = None,
                       progress: Progress = NO_PROGRESS,
                       ) -> tuple[RecipientPlan, RecipientImportSummary]:
    """Read the file and say what importing it would do, writing nothing."""
    plan = read_recipients(path, sheet=sheet, columns=columns, progress=progress)
    with db.read() as s:
        return plan, check_recipients(s, plan, decision_uuid, progress)


def apply_recipients(db: Database, decision_uuid: uuid.UUID, plan: RecipientPlan,
                     progress: Progress = NO_PROGRESS) -> RecipientImportSummary:
    """Add every recipient the check allows, in one transaction (checked again inside it),
    after a backup."""
    require(db, Permission.AWARDS_EDIT)
    backups.backup_before(db, "before-import")
    with db.transaction() as s:
        summary = check_recipients(s, plan, decision_uuid, progress)
        summary.dry_run = False
        decision = s.scalar(select(AwardDecision).where(AwardDecision.uuid == decision_uuid))
        assert decision is not None
        removed = {(a.member_id, a.recipient_unit_id): a for a in s.scalars(
            select(Award).where(Award.decision_id == decision.id,
                                Award.deleted_at.is_not(None)))}
        adding = [r for r in summary.rows if r.action in ("person", "collective")]
        for done, row in enumerate(adding, start=1):
            award = removed.pop((row.member_id, row.unit_id), None)
            if award is None:
                award = Award(decision_id=decision.id, member_id=row.member_id,
                              recipient_unit_id=row.unit_id)
                s.add(award)
            award.deleted_at = None
            award.amount, award.reason = row.amount, row.reason
            if done % 200 == 0:
                progress(done, len(adding), _("Adding recipients…"))
        audit_summary(s, user=s.info.get("user") or db.user, action="import", entity="award",
                      summary=f"{decision.number}: {summary.file}",
                      details={"persons": summary.persons, "collectives": summary.collectives,
                               "already": summary.already, "skipped": summary.skipped,
                               "errors": summary.error_rows})
        progress.check()  # the last moment to cancel: nothing is committed yet
    return summary


def import_recipients(db: Database, decision_uuid: uuid.UUID, path: Path, *,
                      dry_run: bool = False, sheet: str | int = 0,
                      columns: dict[int, str] | None = None,
                      progress: Progress = NO_PROGRESS) -> RecipientImportSummary:
    if not dry_run:
        require(db, Permission.AWARDS_EDIT)
    plan, summary = preview_recipients(db, decision_uuid, path, sheet=sheet, columns=columns,
                                       progress=progress)
    if dry_run:
        return summary
    if not summary.added:
        raise UserError(_("Nobody in {file} can be added to the decision.").format(
            file=summary.file))
    return apply_recipients(db, decision_uuid, plan, progress)
