"""Reading the audit trail: who changed what and when, by member, record, user and date; the
changes with Vietnamese field names; an .xlsx copy; and the check of the hash chain.

For the chair and the inspection committee (``Permission.AUDIT_READ``). Writing audit rows
is :mod:`unionapp.audit`'s business.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select

from .audit import ChainCheck, check_chain
from .db import Database
from .i18n import N_, _
from .labels import (
    ACTIVITY_KIND,
    GENDER,
    MEMBER_STATUS,
    MOVEMENT,
    ORG_KIND,
    RELATION,
    SUPPORT_STATUS,
    label,
)
from .models import AuditLog, Base, Member, Synced
from .paging import ListQuery
from .permissions import Permission, require, role_label
from .progress import NO_PROGRESS, Progress
from .spreadsheets import Cell, Sheet, write_table
from .text import format_moment

# What the trail calls the tables (the exchange's words where it has them).
ENTITY_TEXT: dict[str, str] = {
    "member": N_("Member"), "movement": N_("Movement"), "member_relative": N_("Relative"),
    "org_unit": N_("Unit"), "org_unit_move": N_("Change of parent"),
    "activity": N_("Activity"), "participation": N_("Participation"),
    "initiative": N_("Initiative"), "initiative_author": N_("Initiative author"),
    "award_kind": N_("Award kind"), "award_decision": N_("Award decision"),
    "award": N_("Award"), "certificate": N_("Certificate"),
    "certificate_print": N_("Certificate print"), "support_kind": N_("Kind of support"),
    "support_fund": N_("Fund"), "support_batch": N_("Support batch"),
    "support_case": N_("Support case"), "support_case_event": N_("Step of a support case"),
    "support_correction": N_("Correction of a paid amount"), "app_user": N_("Account"),
    "package": N_("Data file"), "exchange_key": N_("Signing key"),
    "exchange_peer": N_("Trusted unit"), "exchange_conflict": N_("Exchange conflict"),
    "database_info": N_("Settings"),
}

ACTION_TEXT: dict[str, str] = {
    "create": N_("added"), "update": N_("changed"), "delete": N_("deleted"),
    "restore": N_("restored"), "import": N_("imported"), "export": N_("exported"),
    "print": N_("printed"), "over_budget": N_("spent past the budget"),
    "batch": N_("support for many"), "resolve": N_("conflict resolved"),
    "personal_export": N_("exported personal data"), "sign_in_failed": N_("wrong password"),
    "locked": N_("account locked"), "disable": N_("account disabled"),
    "enable": N_("account enabled"), "reset_password": N_("password reset"),
    "change_password": N_("password changed"), "recover": N_("recovery code used"),
    "set_role": N_("role changed"), "settings": N_("settings changed"),
    "recovery_code": N_("new recovery code"), "key_init": N_("signing key made"),
    "key_trust": N_("unit trusted"),
}

# Column names of local records (ids) that the exchange's field names don't cover.
FIELD_TEXT: dict[str, str] = {
    "org_unit_id": N_("Unit"), "member_id": N_("Member"), "kind_id": N_("Kind"),
    "fund_id": N_("Fund"), "batch_id": N_("Batch"), "case_id": N_("Case"),
    "activity_id": N_("Activity"), "decision_id": N_("Decision"),
    "award_kind_id": N_("Award kind"), "relative_id": N_("Relative"),
    "parent_id": N_("Parent unit"), "default_amount": N_("Usual amount"),
    "needs_approval": N_("Needs approval"), "budget": N_("Budget"),
    "active": N_("In use"), "from_status": N_("From"), "to_status": N_("To"),
    "effective_on": N_("Date of the step"), "by_user": N_("By"),
    "over_budget": N_("Past the budget"), "beneficiary_name": N_("Beneficiary"),
    "paper_ref": N_("Paper reference"), "fund_code": N_("Fund"),
    "username": N_("Username"), "file": N_("File"), "rows": N_("Rows"),
    "purpose": N_("Purpose"), "columns": N_("Columns"), "old_amount": N_("Old amount"),
    "new_amount": N_("New amount"), "created_at": N_("Created"), "uuid": N_("Identifier"),
    "owner_uuid": N_("Owner"), "sort_order": N_("Order"),
}


def entity_label(entity: str) -> str:
    text = ENTITY_TEXT.get(entity)
    return _(text) if text else entity


def action_label(action: str) -> str:
    text = ACTION_TEXT.get(action)
    return _(text) if text else action


def field_label(name: str) -> str:
    from .exchange.parent import field_label as exchange_label

    text = FIELD_TEXT.get(name)
    return _(text) if text else exchange_label(name)


# Codes shown by their Vietnamese names.
CODES: dict[tuple[str, str], dict[str, str]] = {
    ("member", "status"): MEMBER_STATUS, ("member", "gender"): GENDER,
    ("movement", "kind"): MOVEMENT, ("activity", "kind"): ACTIVITY_KIND,
    ("org_unit", "kind"): ORG_KIND, ("member_relative", "relation"): RELATION,
    ("support_case", "status"): SUPPORT_STATUS,
    ("support_case_event", "from_status"): SUPPORT_STATUS,
    ("support_case_event", "to_status"): SUPPORT_STATUS,
}


def field_value(name: str, value: Any, entity: str = "") -> str:
    from .exchange.parent import field_value as exchange_value

    codes = CODES.get((entity, name))
    if codes is not None and isinstance(value, str):
        return label(codes, value)
    if entity == "app_user" and name == "role" and isinstance(value, str):
        return role_label(value)
    if isinstance(value, dict | list):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) \
            else ", ".join(str(v) for v in value)
    return exchange_value(name, value)


@dataclass(frozen=True)
class AuditQuery:
    member: uuid.UUID | None = None  # the member and every record of theirs
    record: uuid.UUID | None = None  # one record
    entity: str | None = None  # one kind of record
    user: str | None = None
    since: date | None = None  # local dates, inclusive
    until: date | None = None


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    user: str
    role: str
    action: str
    entity: str
    entity_uuid: uuid.UUID | None
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def fields(self) -> list[str]:
        """The changed fields (for a creation: the ones filled in; the record's identifier,
        owner and time stamps are left out)."""
        before, after = self.before or {}, self.after or {}
        names = [k for k, v in after.items() if k not in _BOOKKEEPING
                 and (self.action != "create" or v not in (None, "", False))]
        names += [k for k in before if k not in names and k not in _BOOKKEEPING]
        return names

    def changes(self, names: dict[tuple[str, int], str] | None = None) -> list[Change]:
        """The changed fields with Vietnamese names and values; ``names`` (from
        :func:`linked_names`) shows a reference (``kind_id`` 5) by its name."""
        before, after = self.before or {}, self.after or {}

        def shown(f: str, value: Any) -> str:
            target = _reference(self.entity, f)
            if names is not None and target is not None and isinstance(value, int):
                return names.get((target, value), str(value))
            return field_value(f, value, self.entity)

        return [Change(f, field_label(f), shown(f, before.get(f)), shown(f, after.get(f)))
                for f in self.fields]

    @property
    def role_label(self) -> str:
        return role_label(self.role) if self.role else ""

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(), "user": self.user,
                "role": self.role or None, "action": self.action, "entity": self.entity,
                "record": str(self.entity_uuid) if self.entity_uuid else None,
                "summary": self.summary, "fields": self.fields,
                "before": self.before, "after": self.after}


_BOOKKEEPING = {"uuid", "owner_uuid", "created_at", "updated_at", "version"}
_COLUMNS = (AuditLog.id, AuditLog.at, AuditLog.user, AuditLog.role, AuditLog.action,
            AuditLog.entity, AuditLog.entity_uuid, AuditLog.summary, AuditLog.before,
            AuditLog.after)


def _row(values: Any) -> AuditRow:
    return AuditRow(*values)


def _moment(day: date) -> datetime:
    """The start of a local day, as an aware UTC moment."""
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


def member_records(db: Database, member_uuid: uuid.UUID) -> list[uuid.UUID]:
    """The member and the records that hang on them (movements, relatives, support cases,
    participations, awards…): the whole trail of a person."""
    with db.read() as s:
        member_id = s.scalar(select(Member.id).where(Member.uuid == member_uuid))
        if member_id is None:
            return [member_uuid]
        found = [member_uuid]
        for mapper in Base.registry.mappers:
            model = mapper.class_
            table = mapper.local_table
            if issubclass(model, Synced) and "member_id" in table.c:
                found += s.scalars(select(table.c.uuid).where(table.c.member_id == member_id))
        return found


def _statement(db: Database, query: AuditQuery) -> Select[Any]:
    stmt = select(*_COLUMNS)
    if query.member is not None:
        stmt = stmt.where(AuditLog.entity_uuid.in_(member_records(db, query.member)))
    if query.record is not None:
        stmt = stmt.where(AuditLog.entity_uuid == query.record)
    if query.entity:
        stmt = stmt.where(AuditLog.entity == query.entity)
    if query.user:
        stmt = stmt.where(AuditLog.user == query.user)
    if query.since is not None:
        stmt = stmt.where(AuditLog.at >= _moment(query.since))
    if query.until is not None:
        stmt = stmt.where(AuditLog.at < _moment(query.until + timedelta(days=1)))
    return stmt


def audit_list(db: Database, query: AuditQuery = AuditQuery()) -> ListQuery[AuditRow]:
    """The entries ``query`` selects, newest first, as a window onto the log."""
    require(db, Permission.AUDIT_READ)
    return ListQuery(db, _statement(db, query), (AuditLog.id.desc(),), _row)


def audit_users(db: Database) -> list[str]:
    """Every name the log records (for a choice of user)."""
    require(db, Permission.AUDIT_READ)
    with db.read() as s:
        return sorted(s.scalars(select(AuditLog.user).distinct()))


def audit_entities(db: Database) -> list[str]:
    require(db, Permission.AUDIT_READ)
    with db.read() as s:
        return sorted(s.scalars(select(AuditLog.entity).distinct()),
                      key=lambda e: entity_label(e).lower())


def record_names(db: Database, rows: list[AuditRow]) -> dict[uuid.UUID, str]:
    """A readable name for the records of ``rows`` (a member's name, a decision's number,
    an activity's title…); records of a member are named by the member."""
    wanted: dict[str, set[uuid.UUID]] = {}
    for r in rows:
        if r.entity_uuid is not None:
            wanted.setdefault(r.entity, set()).add(r.entity_uuid)
    tables = {m.local_table.name: m.local_table for m in Base.registry.mappers
              if issubclass(m.class_, Synced)}
    member = Member.__table__
    names: dict[uuid.UUID, str] = {}
    with db.read() as s:
        for entity, uuids in wanted.items():
            table = tables.get(entity)
            if table is None:
                continue
            name_column = next((table.c[c] for c in ("full_name", "title", "number", "name")
                                if c in table.c), None)
            if name_column is not None:
                stmt = select(table.c.uuid, name_column)
            elif "member_id" in table.c:
                stmt = select(table.c.uuid, member.c.full_name).join(
                    member, member.c.id == table.c.member_id)
            else:
                continue
            for chunk in _chunks(sorted(uuids), 500):
                names.update(s.execute(stmt.where(table.c.uuid.in_(chunk))).all())
    return names


@cache
def _tables() -> dict[str, Any]:
    return {m.local_table.name: m.local_table for m in Base.registry.mappers}


def _reference(entity: str, field: str) -> str | None:
    """The table a column of ``entity`` refers to (``support_case.kind_id`` →
    ``support_kind``), or None."""
    table = _tables().get(entity)
    if table is None or field not in table.c:
        return None
    keys = list(table.c[field].foreign_keys)
    return keys[0].column.table.name if keys else None


def _name_column(table: Any) -> Any:
    return next((table.c[c] for c in ("full_name", "title", "number", "name", "code")
                 if c in table.c), None)


def linked_names(db: Database, rows: list[AuditRow]) -> dict[tuple[str, int], str]:
    """The names of the records the changes of ``rows`` refer to by local id (a kind, a
    fund, a unit, a member…), for :meth:`AuditRow.changes`."""
    wanted: dict[str, set[int]] = {}
    for r in rows:
        for f in r.fields:
            target = _reference(r.entity, f)
            if target is None:
                continue
            for value in ((r.before or {}).get(f), (r.after or {}).get(f)):
                if isinstance(value, int):
                    wanted.setdefault(target, set()).add(value)
    tables = _tables()
    names: dict[tuple[str, int], str] = {}
    with db.read() as s:
        for target, ids in wanted.items():
            table = tables[target]
            column = _name_column(table)
            if column is None:
                continue
            for chunk in _chunks(sorted(ids), 500):
                for row_id, name in s.execute(select(table.c.id, column)
                                              .where(table.c.id.in_(chunk))):
                    names[(target, row_id)] = str(name)
    return names


def _chunks(values: list[Any], size: int) -> list[list[Any]]:
    return [values[i:i + size] for i in range(0, len(values), size)]


def describe(row: AuditRow, name: str = "") -> str:
    """``Member “Nguyễn Văn An”`` / ``Award decision``: what an entry is about."""
    text = entity_label(row.entity)
    return f"{text} “{name}”" if name else text


HEADERS = [N_("No."), N_("Time"), N_("User"), N_("Role"), N_("Action"), N_("Record concerned"),
           N_("Field"), N_("Before"), N_("After"), N_("Summary")]
WIDTHS = [7, 17, 16, 20, 18, 36, 22, 30, 30, 40]
PAGE = 1000


def export_audit(db: Database, path: Path, query: AuditQuery = AuditQuery(), *,
                 progress: Progress = NO_PROGRESS) -> int:
    """Write the entries ``query`` selects to ``path`` (.xlsx or .csv), one line per changed
    field. Returns the number of entries."""
    entries = audit_list(db, query)
    total = entries.count()

    def lines() -> Any:
        for offset in range(0, total, PAGE):
            progress(offset, total, _("Writing the audit trail…"))
            page = entries.page(offset, PAGE)
            names = record_names(db, page)
            linked = linked_names(db, page)
            for r in page:
                head: list[Cell] = [r.id, format_moment(r.at), r.user, r.role_label,
                                    action_label(r.action),
                                    describe(r, names.get(r.entity_uuid, "")
                                             if r.entity_uuid else "")]
                changes = r.changes(linked)
                if not changes:
                    yield [*head, "", "", "", r.summary]
                for i, c in enumerate(changes):
                    yield [*head, c.label, c.before, c.after, r.summary if i == 0 else ""]

    sheet = Sheet(headers=[_(h) for h in HEADERS], rows=lines(), widths=WIDTHS,
                  name=_("Audit trail"), title_lines=[_("AUDIT TRAIL"), _(
                      "(written {moment})").format(moment=format_moment(datetime.now(UTC)))])
    write_table(Path(path), sheet)
    progress(total, total, _("Writing the audit trail…"))
    return total


def verify_audit(db: Database) -> ChainCheck:
    """Check the hash chain of the whole audit log (see :mod:`unionapp.audit`)."""
    require(db, Permission.AUDIT_READ)
    with db.read() as s:
        return check_chain(s)


def problem_text(check: ChainCheck) -> str:
    """The result of :func:`verify_audit` in words."""
    bad = check.first_bad
    if bad is None:
        text = _("The audit trail is intact: {count} entries, none changed, deleted or added "
                 "behind the program's back.").format(count=f"{check.entries:,}".replace(",",
                                                                                       "."))
        if check.sealed_at_upgrade:
            text += " " + _("The {count} entries written before the upgrade to accounts were "
                            "sealed as they were then.").format(count=check.sealed_at_upgrade)
        return text
    what = {
        "changed": _("entry {id} was changed after it was written"),
        "unsealed": _("entry {id} was not written by the program"),
        "missing_before": _("an entry before entry {id} was deleted (or entry {id} was "
                            "inserted)"),
        "missing_after": _("the newest entries were deleted (the program last wrote entry "
                           "{id})"),
        "no_head": _("the program's record of its newest entry was deleted (entries after "
                     "entry {id} may be missing)"),
    }[bad.problem].format(id=bad.id)
    where = ""
    if bad.at is not None:
        where = " " + _("({moment}, {user}, {action} {entity})").format(
            moment=format_moment(bad.at), user=bad.user, action=action_label(bad.action),
            entity=entity_label(bad.entity))
    return _("The audit trail has been tampered with: {what}{where}.").format(what=what,
                                                                           where=where)
