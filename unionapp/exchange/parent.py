"""What a parent union watches: its branches (who sent what, when; who is late) and the queue
of conflicts waiting for a person. Both work in a branch's database too (its one "branch" is
then its parent union, whose reference data it receives)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..bulk import update_synced
from ..db import Database
from ..errors import NotFound, UserError
from ..i18n import N_, _
from ..models import (
    ExchangeConflict,
    ExchangeLog,
    ExchangePeer,
    ExchangeRecord,
    OrgKind,
    OrgUnit,
    utcnow,
)
from ..org import subtree
from ..permissions import Permission, require
from ..rosters.layout import FIELD_LABELS
from ..text import format_date, format_moment, format_vnd
from .format import BY_NAME, decode_row
from .state import IMPORT, audit, held_packages, upsert
from .storage import to_python
from .summary import CONFLICT_TEXT

LATE_AFTER_DAYS = 35  # a branch that sent nothing for longer is shown as late


class BranchState:
    OK = "ok"
    LATE = "late"
    NEVER = "never"  # enrolled, no package yet
    HELD = "held"  # a package waits for a missing earlier one
    NOT_ENROLLED = "not_enrolled"  # no key enrolled: its packages would be refused


@dataclass(frozen=True)
class BranchStatus:
    uuid: uuid.UUID
    code: str
    name: str
    fingerprint: str
    last_sequence: int
    last_imported_at: datetime | None
    last_made_at: datetime | None
    held: int
    open_conflicts: int
    state: str

    def as_json(self) -> dict[str, Any]:
        return {
            "uuid": str(self.uuid), "code": self.code, "name": self.name,
            "fingerprint": self.fingerprint, "last_sequence": self.last_sequence,
            "last_imported_at": self.last_imported_at.isoformat()
            if self.last_imported_at else None,
            "last_made_at": self.last_made_at.isoformat() if self.last_made_at else None,
            "held": self.held, "open_conflicts": self.open_conflicts, "state": self.state,
        }


def branch_statuses(db: Database, *, now: datetime | None = None,
                    late_after_days: int = LATE_AFTER_DAYS) -> list[BranchStatus]:
    """Every branch under this parent union with its last package, most urgent first."""
    now = now or datetime.now(UTC)
    home = db.home_unit_uuid
    assert home is not None
    with db.read() as s:
        under = subtree(s, home)
        units = s.execute(select(OrgUnit.uuid, OrgUnit.code, OrgUnit.name).where(
            OrgUnit.kind == OrgKind.BRANCH, OrgUnit.deleted_at.is_(None),
            OrgUnit.uuid.in_(list(under)))).all()
        peers = {u: f for u, f in s.execute(select(ExchangePeer.org_unit_uuid,
                                                   ExchangePeer.fingerprint))}
        last = {
            row.source_uuid: row for row in s.execute(
                select(ExchangeLog.source_uuid, func.max(ExchangeLog.sequence).label("sequence"),
                       func.max(ExchangeLog.at).label("at"),
                       func.max(ExchangeLog.created_at).label("made"))
                .where(ExchangeLog.direction == IMPORT).group_by(ExchangeLog.source_uuid))
        }
        conflicts = {u: n for u, n in s.execute(
            select(ExchangeConflict.source_uuid, func.count(ExchangeConflict.id))
            .where(ExchangeConflict.resolved_at.is_(None)).group_by(ExchangeConflict.source_uuid))}
    out = []
    for unit_uuid, code, name in units:
        row = last.get(unit_uuid)
        held = len(held_packages(home, unit_uuid))
        imported_at = _aware(row.at) if row else None
        made_at = _aware(row.made) if row else None
        if unit_uuid not in peers:
            state = BranchState.NOT_ENROLLED
        elif held:
            state = BranchState.HELD
        elif row is None:
            state = BranchState.NEVER
        elif made_at is not None and now - made_at > timedelta(days=late_after_days):
            state = BranchState.LATE
        else:
            state = BranchState.OK
        out.append(BranchStatus(unit_uuid, code, name, peers.get(unit_uuid, ""),
                                row.sequence if row else 0, imported_at, made_at, held,
                                conflicts.get(unit_uuid, 0), state))
    urgency = {BranchState.HELD: 0, BranchState.LATE: 1, BranchState.NEVER: 2,
               BranchState.NOT_ENROLLED: 3, BranchState.OK: 4}
    return sorted(out, key=lambda b: (urgency[b.state], b.code))


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --- conflicts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    id: int
    at: datetime
    entity: str
    record_uuid: uuid.UUID
    code: str
    message: str
    name: str
    source_uuid: uuid.UUID
    source_code: str
    file: str
    line: int
    kept: str
    ours: dict[str, Any]
    theirs: dict[str, Any]

    def differences(self) -> list[tuple[str, Any, Any]]:
        """(field, ours, theirs) where the two versions differ."""
        keys = [k for k in self.theirs if k not in ("base_version",)]
        return [(k, self.ours.get(k), self.theirs.get(k)) for k in keys
                if self.ours.get(k) != self.theirs.get(k)]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(), "entity": self.entity,
                "uuid": str(self.record_uuid), "code": self.code, "message": self.message,
                "name": self.name, "source": self.source_code, "file": self.file,
                "line": self.line, "kept": self.kept, "ours": self.ours, "theirs": self.theirs}


# Names a person comparing two versions understands; roster fields come from the import's
# own labels, anything else unknown is shown by its column name.
FIELD_TEXT: dict[str, str] = {
    "status": N_("Status"), "name": N_("Name"), "code": N_("Code"), "amount": N_("Amount"),
    "reason": N_("Reason"), "note": N_("Note"), "title": N_("Title"),
    "description": N_("Description"), "year": N_("Year"), "kind": N_("Kind"),
    "address": N_("Address"), "place": N_("Place"), "location": N_("Location"),
    "result": N_("Result"), "role": N_("Role"), "relation": N_("Relation"),
    "number": N_("Number"), "birth_year": N_("Year of birth"),
    "occurred_on": N_("Date"), "decided_on": N_("Decision date"),
    "starts_on": N_("Starts on"), "ends_on": N_("Ends on"),
    "signer_name": N_("Signer"), "signer_title": N_("Signer's title"),
    "issuing_body": N_("Issuing body"), "org_unit_uuid": N_("Unit"),
    "member_uuid": N_("Member"), "activity_uuid": N_("Activity"),
    "award_kind_uuid": N_("Award kind"), "version": N_("Version"),
    "updated_at": N_("Last changed"), "deleted_at": N_("Deleted"),
}


def field_label(name: str) -> str:
    """The field's name in the interface language (its column name when none is known)."""
    text = FIELD_TEXT.get(name) or FIELD_LABELS.get(name)
    return _(text) if text else name


MONEY_FIELDS = {"amount", "default_amount", "new_amount", "old_amount", "estimated_benefit",
                "budget"}


def field_value(name: str, value: Any) -> str:
    """A stored value as the interface shows it: dates dd/mm/yyyy, money in đồng."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int) and name in MONEY_FIELDS:
        return format_vnd(value)
    if isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-":
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and len(value) >= 19 and value[10] == "T":
        try:  # a moment (UTC in the package): the local time, to the minute
            return format_moment(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def open_conflicts(db: Database, *, source: uuid.UUID | None = None) -> list[ConflictRow]:
    with db.read() as s:
        codes = {u: c for u, c in s.execute(select(OrgUnit.uuid, OrgUnit.code))}
        query = select(ExchangeConflict).where(ExchangeConflict.resolved_at.is_(None))
        if source is not None:
            query = query.where(ExchangeConflict.source_uuid == source)
        rows = s.scalars(query.order_by(ExchangeConflict.at, ExchangeConflict.id)).all()
        return [ConflictRow(c.id, c.at, c.entity, c.record_uuid, c.code,
                            _(CONFLICT_TEXT.get(c.code, c.code)), c.name, c.source_uuid,
                            codes.get(c.source_uuid, ""), c.file, c.line, c.kept, dict(c.ours),
                            dict(c.theirs)) for c in rows]


def resolve_conflict(db: Database, conflict_id: int, keep: str) -> None:
    """Decide a conflict: ``keep`` ``ours`` (the version this database had) or ``theirs``
    (the owner's). The version not kept stays in the conflict's history."""
    require(db, Permission.EXCHANGE_RESOLVE)
    if keep not in ("ours", "theirs"):
        raise UserError(_("Choose to keep our version or theirs."))
    try:
        _resolve(db, conflict_id, keep)
    except IntegrityError as error:  # e.g. a member brought back whose CCCD is taken now
        raise UserError(_("The kept version clashes with a record here ({detail}); nothing was "
                          "changed and the conflict is left open.").format(
            detail=str(error.orig)[:200])) from None


def _resolve(db: Database, conflict_id: int, keep: str) -> None:
    with db.transaction() as s:
        conflict = s.get(ExchangeConflict, conflict_id)
        if conflict is None:
            raise NotFound(_("No such conflict."))
        if conflict.resolved_at is not None:
            raise UserError(_("This conflict was already decided."))
        spec = BY_NAME.get(conflict.entity)
        if spec is None:
            raise UserError(_("This conflict is about a kind of record this version does not "
                              "know."))
        wanted = conflict.ours if keep == "ours" else conflict.theirs
        values, _base, problems = decode_row(spec, wanted)
        if problems:
            raise UserError(_("The kept version cannot be read back; the conflict is left "
                              "open."))
        table = spec.table
        record_id = s.scalar(select(table.c.id).where(table.c.uuid == conflict.record_uuid))
        if record_id is None:
            raise NotFound(_("The record of this conflict no longer exists."))
        theirs_version = conflict.theirs.get("version")
        if keep != conflict.kept:
            columns = _local_columns(s, spec, values)
            if keep == "ours":
                # A local change on top of the owner's version: the version goes up, so the
                # owner's next change of this record comes back as a conflict.
                obj = s.get(spec.model, record_id)
                assert obj is not None
                for column, value in columns.items():
                    if column not in ("uuid", "created_at", "updated_at", "version"):
                        setattr(obj, column, value)
            else:
                # The owner's version exactly as it came (stamps included).
                if spec.derive is not None:
                    spec.derive(columns)
                update_synced(s, table, record_id, columns)
                audit(s, db.user, "update", conflict.entity,
                      "conflict resolved: took the owner's version",
                      entity_uuid=conflict.record_uuid, details=conflict.theirs)
        if isinstance(theirs_version, int):
            # The owner's version has been seen and decided on: only a newer one conflicts.
            upsert(s, ExchangeRecord.__table__, [{"entity": conflict.entity,
                                                  "record_id": record_id,
                                                  "base_version": theirs_version}],
                   ("entity", "record_id"), ("base_version",))
        conflict.resolved_at = utcnow()
        conflict.resolved_by = db.user
        conflict.resolution = keep
        audit(s, db.user, "resolve", "exchange_conflict",
              f"conflict {conflict.id} on {conflict.entity}: kept {keep}",
              entity_uuid=conflict.record_uuid)


def _local_columns(s: Any, spec: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Package values as column values here (references turned into local ids)."""
    out: dict[str, Any] = {}
    for f in spec.fields:
        value = to_python(f.kind, values[f.name])
        if f.is_ref and value is not None:
            target = BY_NAME[f.target].table
            local = s.scalar(select(target.c.id).where(target.c.uuid == value))
            if local is None:
                raise UserError(_("The kept version refers to a record that is not here; the "
                                  "conflict is left open."))
            value = local
        out[f.column] = value
    return out


# --- history ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogRow:
    """One package made or applied here."""

    direction: str
    kind: str
    sequence: int
    base_sequence: int
    full: bool
    source_code: str
    at: datetime
    made_at: datetime
    rows: int
    status: str
    acked_at: datetime | None
    file_name: str
    sha256: str


def exchange_log(db: Database, direction: str | None = None, *, limit: int = 100
                 ) -> list[LogRow]:
    """The newest packages made (``export``) or applied (``import``) here."""
    with db.read() as s:
        codes = {u: c for u, c in s.execute(select(OrgUnit.uuid, OrgUnit.code))}
        query = select(ExchangeLog)
        if direction is not None:
            query = query.where(ExchangeLog.direction == direction)
        rows = s.scalars(query.order_by(ExchangeLog.id.desc()).limit(limit)).all()
        return [LogRow(r.direction, r.kind, r.sequence, r.base_sequence, r.full,
                       codes.get(r.source_uuid, ""), r.at, r.created_at, r.rows, r.status,
                       r.acked_at, r.file_name, r.sha256) for r in rows]
