"""Checking a package's rows against this database and merging them by UUID.

``Merger.plan`` reads only: it checks every row (references resolve, every record belongs to
the sender's own subtree, codes stay unique) and decides, record by record, to create, update,
leave unchanged or queue a conflict (see :mod:`unionapp.exchange` for the rules). ``apply``
then writes the plan with Core statements in the caller's transaction, stamping each record's
version and times exactly as the package says (the ORM's version counter is not involved).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from ..i18n import _
from ..models import ConflictCode, ExchangeConflict, ExchangeRecord, OrgKind, utcnow
from ..org import subtree
from ..progress import NO_PROGRESS, Progress
from ..text import clean
from .format import (
    BY_NAME,
    ENTITIES,
    REFERENCE_ACTIVITY_KINDS,
    REFERENCE_ENTITIES,
    TOMBSTONES,
    EntitySpec,
    Kind,
    decode_row,
    encode_row,
    label_of,
)
from .manifest import Manifest
from .reader import LineError
from .state import base_versions, chunks, upsert
from .summary import CONFLICT_TEXT, Conflict, Counts, Message

MAX_PROBLEMS = 1000
_MISSING = object()


class Incoming:
    """One record from the package, decoded (values by package field name)."""

    __slots__ = ("base", "deleted", "file", "line", "spec", "uuid", "values", "version")

    def __init__(self, spec: EntitySpec, file: str, line: int, values: dict[str, Any],
                 base: int | None):
        self.spec = spec
        self.file = file
        self.line = line
        self.values = values
        self.base = base
        self.uuid: uuid.UUID = values["uuid"]
        self.version: int = values["version"]
        self.deleted = values["deleted_at"] is not None


@dataclass
class PlannedConflict:
    row: Incoming
    code: str
    kept: str  # theirs / ours
    ours: dict[str, Any]


@dataclass
class Plan:
    counts: dict[str, Counts] = field(default_factory=dict)
    creates: dict[str, list[Incoming]] = field(default_factory=lambda: defaultdict(list))
    updates: dict[str, list[tuple[Incoming, int]]] = field(
        default_factory=lambda: defaultdict(list))
    conflicts: list[PlannedConflict] = field(default_factory=list)
    bases: list[tuple[uuid.UUID, str, int]] = field(default_factory=list)
    problems: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    problem_count: int = 0

    def conflict_summaries(self) -> tuple[Conflict, ...]:
        return tuple(
            Conflict(code=c.code, message=_(CONFLICT_TEXT[c.code]), entity=c.row.spec.name,
                     uuid=str(c.row.uuid), name=label_of(c.row.spec, c.row.values),
                     file=c.row.file, line=c.row.line, kept=c.kept)
            for c in self.conflicts)


def where(file: str, line: int) -> str:
    return _("{file}, line {line}").format(file=file, line=line)


def decode_files(manifest: Manifest, lines: dict[str, list[Any]], plan: Plan, *,
                 strict: bool) -> list[Incoming]:
    """The package's rows as ``Incoming`` records; what cannot be read goes to ``plan``."""
    rows: list[Incoming] = []
    in_scope = [s.name for s in ENTITIES if manifest.kind == Kind.BRANCH_EXPORT
                or s.name in REFERENCE_ENTITIES]

    def problem(file: str, line: int, entity: str | None, text: str) -> None:
        plan.problem_count += 1
        if entity in plan.counts:
            plan.counts[entity].rejected += 1
        if len(plan.problems) < MAX_PROBLEMS:
            plan.problems.append(Message("invalid_row", f"{where(file, line)}: {text}",
                                         file=file, line=line, entity=entity))

    def add(spec: EntitySpec, file: str, line: int, obj: Any, tombstone: bool) -> None:
        values, base, wrong = decode_row(spec, obj, strict=strict)
        if wrong:
            problem(file, line, spec.name, "; ".join(
                f"“{name}”: {why}" if name else why for name, why in wrong[:5]))
            return
        if tombstone != (values["deleted_at"] is not None):
            problem(file, line, spec.name, _("a deleted record outside the tombstones file, or "
                                             "a live one inside it"))
            return
        if spec.name == "member":  # stored clean, as the member register stores it
            values["full_name"] = clean(values["full_name"])
        elif spec.name == "activity":
            values["title"] = clean(values["title"])
        rows.append(Incoming(spec, file, line, values, base))

    for name in in_scope:
        plan.counts[name] = Counts()
    for entry in manifest.files:
        for n, obj in enumerate(lines.get(entry.path, []), start=1):
            if isinstance(obj, LineError):
                problem(entry.path, n, None, obj.message)
            elif entry.path == TOMBSTONES:
                entity = obj.get("entity") if isinstance(obj, dict) else None
                if not isinstance(entity, str) or entity not in in_scope:
                    problem(entry.path, n, None, _("a tombstone of an unknown kind of record"))
                elif set(obj) != {"entity", "row"}:
                    problem(entry.path, n, entity, _("a tombstone must hold “entity” and "
                                                     "“row” only"))
                else:
                    add(BY_NAME[entity], entry.path, n, obj["row"], True)
            elif entry.entity in in_scope:
                add(BY_NAME[entry.entity], entry.path, n, obj, False)
    return rows


class Merger:
    def __init__(self, session: Session, manifest: Manifest, rows: list[Incoming], plan: Plan,
                 *, progress: Progress = NO_PROGRESS):
        self.s = session
        self.manifest = manifest
        self.source = manifest.source_uuid
        self.rows = rows
        self.plan = plan
        self.progress = progress
        self.by_entity: dict[str, list[Incoming]] = defaultdict(list)
        self.incoming: dict[str, dict[uuid.UUID, Incoming]] = defaultdict(dict)
        self.existing: dict[str, dict[uuid.UUID, Any]] = defaultdict(dict)
        self.ids: dict[str, dict[uuid.UUID, int]] = defaultdict(dict)  # uuid → local id
        self.uuids: dict[str, dict[int, uuid.UUID]] = defaultdict(dict)  # local id → uuid
        self.owners: dict[str, dict[uuid.UUID, uuid.UUID]] = defaultdict(dict)
        self.bad: set[int] = set()  # id() of rows already refused

    # -- problems ------------------------------------------------------------------------------

    def problem(self, row: Incoming, code: str, text: str) -> None:
        plan = self.plan
        if id(row) not in self.bad:
            self.bad.add(id(row))
            plan.counts[row.spec.name].rejected += 1
        plan.problem_count += 1
        if len(plan.problems) < MAX_PROBLEMS:
            name = label_of(row.spec, row.values)
            what = f"{where(row.file, row.line)}: " + (f"“{name}”: " if name else "") + text
            plan.problems.append(Message(code, what, file=row.file, line=row.line,
                                         entity=row.spec.name, uuid=str(row.uuid)))

    # -- planning ------------------------------------------------------------------------------

    def plan_merge(self) -> Plan:
        self._index()
        self.progress(1, 5, _("Checking references…"))
        self._load_existing()
        self._resolve_references()
        self.progress(2, 5, _("Checking who owns each record…"))
        self._check_scope()
        self._check_unique()
        self._check_tree()
        if self.plan.problem_count == 0:
            self.progress(3, 5, _("Comparing with this database…"))
            self._decide()
        return self.plan

    def _index(self) -> None:
        for row in self.rows:
            seen = self.incoming[row.spec.name]
            if row.uuid in seen:
                self.problem(row, "duplicate_record", _("the same record appears twice"))
                continue
            seen[row.uuid] = row
            self.by_entity[row.spec.name].append(row)

    def _load_existing(self) -> None:
        for name, rows in self.by_entity.items():
            table = BY_NAME[name].table
            keys = [r.uuid for r in rows]
            for part in chunks(keys):
                for found in self.s.execute(select(table).where(table.c.uuid.in_(part))):
                    mapping = found._mapping
                    self.existing[name][mapping["uuid"]] = mapping
                    self._know(name, mapping["uuid"], mapping["id"], mapping["owner_uuid"])

    def _know(self, entity: str, record: uuid.UUID, local_id: int, owner: uuid.UUID) -> None:
        self.ids[entity][record] = local_id
        self.uuids[entity][local_id] = record
        self.owners[entity][record] = owner

    def _resolve_references(self) -> None:
        """Every reference names a record in the package or already here."""
        wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
        for row in self.rows:
            for f in row.spec.refs:
                target = row.values[f.name]
                if target is not None and target not in self.incoming[f.target or ""]:
                    wanted[f.target or ""].add(target)
        for entity, targets in wanted.items():
            table = BY_NAME[entity].table
            missing = targets - set(self.ids[entity])
            for part in chunks(sorted(missing)):
                for record, local_id, owner in self.s.execute(
                    select(table.c.uuid, table.c.id, table.c.owner_uuid)
                    .where(table.c.uuid.in_(part))
                ):
                    self._know(entity, record, local_id, owner)
        for row in self.rows:
            for f in row.spec.refs:
                target = row.values[f.name]
                if target is None or target in self.incoming[f.target or ""]:
                    continue
                if target not in self.ids[f.target or ""]:
                    if self._is_root(row) and f.name == "parent_uuid":
                        continue  # the sender's own unit keeps its place here
                    self.problem(row, "unknown_reference", _(
                        "“{field}” refers to a record that is neither in the package nor "
                        "here ({uuid})").format(field=f.name, uuid=target))

    def _is_root(self, row: Incoming) -> bool:
        return row.spec.name == "org_unit" and row.uuid == self.source

    def _check_scope(self) -> None:
        """Every record belongs to the sender: a branch sends only its own subtree, a parent
        union only what it owns itself, and only reference data."""
        branch = self.manifest.kind == Kind.BRANCH_EXPORT
        if branch:
            allowed = set(subtree(self.s, self.source))
            units = self.incoming["org_unit"]
            grew = True
            while grew:  # units new in the package join when their parent is inside
                grew = False
                for unit_uuid, row in units.items():
                    if unit_uuid not in allowed and row.values["parent_uuid"] in allowed:
                        allowed.add(unit_uuid)
                        grew = True
        else:
            allowed = {self.source}
        for row in self.rows:
            owner = row.values["owner_uuid"]
            before = self.existing[row.spec.name].get(row.uuid)
            if owner not in allowed or (before is not None and before["owner_uuid"] not in
                                        allowed):
                self.problem(row, "foreign_record", _(
                    "this record belongs to another unit, not to {source} who sent the "
                    "package").format(source=self.manifest.source_code))
                continue
            if branch:
                self._check_branch_row(row, allowed)
            elif row.spec.name == "activity" and row.values["kind"] not in (
                    REFERENCE_ACTIVITY_KINDS):
                self.problem(row, "not_reference_data", _(
                    "only emulation movements come down from the parent union"))

    def _check_branch_row(self, row: Incoming, allowed: set[uuid.UUID]) -> None:
        values = row.values
        if row.spec.name == "org_unit":
            if row.uuid == self.source:
                if values["kind"] != OrgKind.BRANCH:
                    self.problem(row, "foreign_record", _("the branch's own unit must stay a "
                                                          "branch"))
            elif values["kind"] != OrgKind.GROUP or values["parent_uuid"] not in allowed:
                self.problem(row, "foreign_record", _(
                    "a branch may only send its own groups (union groups under it)"))
            return
        for name in ("org_unit_uuid", "recipient_unit_uuid"):
            unit = values.get(name)
            if unit is not None and unit not in allowed and row.spec.name != "org_unit_move":
                self.problem(row, "foreign_record", _(
                    "the record is attached to a unit outside {source}").format(
                    source=self.manifest.source_code))
                return
        if row.spec.name == "org_unit_move" and values["org_unit_uuid"] not in allowed:
            self.problem(row, "foreign_record", _(
                "the record is attached to a unit outside {source}").format(
                source=self.manifest.source_code))
        if row.spec.name == "award" and (values["member_uuid"] is None) == (
                values["recipient_unit_uuid"] is None):
            self.problem(row, "invalid_row", _("an award goes to one member or to one unit"))

    def _check_unique(self) -> None:
        """Codes unique here as the database demands: unit codes everywhere, kind codes per
        owner. A clash is refused before anything is written."""
        self._unique("org_unit", lambda v: v["code"], lambda t: t.c.code,
                     _("the unit code {code} is already used here by another unit"))
        for name in ("award_kind", "support_kind"):
            self._unique(name, lambda v: (v["owner_uuid"], v["code"]),
                         lambda t: t.c.code,
                         _("the code {code} is already used here by another entry"))

    def _unique(self, entity: str, key_of: Any, column_of: Any, text: str) -> None:
        rows = self.by_entity.get(entity, [])
        if not rows:
            return
        table = BY_NAME[entity].table
        mine: dict[Any, Incoming] = {}
        for row in rows:
            key = key_of(row.values)
            if key in mine:
                self.problem(row, "duplicate_code", text.format(code=row.values["code"]))
            mine[key] = row
        codes = sorted({r.values["code"] for r in rows})
        taken: dict[Any, uuid.UUID] = {}
        for part in chunks(codes):
            for found in self.s.execute(select(table).where(column_of(table).in_(part))):
                m = found._mapping
                key = key_of(m)
                taken[key] = m["uuid"]
        for key, row in mine.items():
            holder = taken.get(key)
            if holder is None or holder == row.uuid:
                continue
            other = self.incoming[entity].get(holder)
            if other is not None and key_of(other.values) != key:
                continue  # the holder changes its code in the same package
            self.problem(row, "duplicate_code", text.format(code=row.values["code"]))

    def _check_tree(self) -> None:
        """Units new in the package must not form a loop of parents."""
        units = self.incoming["org_unit"]
        for row in units.values():
            seen = {row.uuid}
            parent = row.values["parent_uuid"]
            while parent in units and not self._is_root(units[parent]):
                if parent in seen:
                    self.problem(row, "invalid_row", _("its parent units form a loop"))
                    break
                seen.add(parent)
                parent = units[parent].values["parent_uuid"]

    # -- deciding --------------------------------------------------------------------------------

    def _decide(self) -> None:
        all_uuids = [r.uuid for r in self.rows]
        bases = base_versions(self.s, all_uuids)
        self._learn_ref_uuids()
        plan = self.plan
        for spec in ENTITIES:
            for row in self.by_entity.get(spec.name, []):
                counts = plan.counts[spec.name]
                ours = self.existing[spec.name].get(row.uuid)
                if ours is None:
                    plan.creates[spec.name].append(row)
                    if row.deleted:
                        counts.deleted += 1
                    else:
                        counts.created += 1
                    plan.bases.append((row.uuid, spec.name, row.version))
                    continue
                base = bases.get(row.uuid, _MISSING)
                if base is _MISSING:
                    base = row.base
                local_changed = base is None or ours["version"] != base
                same_data = self._same_data(row, ours)
                same_all = same_data and all(
                    row.values[k] == ours[k] for k in ("version", "created_at", "updated_at"))
                ours_deleted = ours["deleted_at"] is not None
                if same_all:
                    counts.unchanged += 1
                    plan.bases.append((row.uuid, spec.name, row.version))
                elif not local_changed:
                    if row.version < ours["version"]:
                        counts.unchanged += 1  # an older copy than ours: nothing to learn
                    elif ours_deleted and not row.deleted:
                        self._conflict(row, ours, ConflictCode.UPDATE_AFTER_DELETE, "ours")
                    else:
                        self._update(row, ours, counts)
                elif isinstance(base, int) and row.version <= base:
                    counts.unchanged += 1  # the owner has nothing newer; our change stays
                elif same_data:
                    self._update(row, ours, counts)
                elif ours_deleted and not row.deleted:
                    self._conflict(row, ours, ConflictCode.UPDATE_AFTER_DELETE, "ours")
                else:
                    self._conflict(row, ours, ConflictCode.BOTH_CHANGED, "theirs")

    def _update(self, row: Incoming, ours: Any, counts: Counts) -> None:
        self.plan.updates[row.spec.name].append((row, ours["id"]))
        self.plan.bases.append((row.uuid, row.spec.name, row.version))
        if row.deleted and ours["deleted_at"] is None:
            counts.deleted += 1
        else:
            counts.updated += 1

    def _conflict(self, row: Incoming, ours: Any, code: str, kept: str) -> None:
        self.plan.counts[row.spec.name].conflicts += 1
        self.plan.conflicts.append(PlannedConflict(row, code, kept, self._encode_existing(
            row.spec, ours)))
        if kept == "theirs":
            self.plan.updates[row.spec.name].append((row, ours["id"]))
            self.plan.bases.append((row.uuid, row.spec.name, row.version))

    def _learn_ref_uuids(self) -> None:
        """UUIDs of what existing records refer to, to compare them with the package's."""
        wanted: dict[str, set[int]] = defaultdict(set)
        for name, records in self.existing.items():
            spec = BY_NAME[name]
            for mapping in records.values():
                for f in spec.refs:
                    local = mapping[f.column]
                    if local is not None and local not in self.uuids[f.target or ""]:
                        wanted[f.target or ""].add(local)
        for entity, ids in wanted.items():
            table = BY_NAME[entity].table
            for part in chunks(sorted(ids)):
                for record, local_id, owner in self.s.execute(
                    select(table.c.uuid, table.c.id, table.c.owner_uuid)
                    .where(table.c.id.in_(part))
                ):
                    self._know(entity, record, local_id, owner)

    def _existing_value(self, spec: EntitySpec, mapping: Any, name: str) -> Any:
        f = next(f for f in spec.fields if f.name == name)
        value = mapping[f.column]
        if f.is_ref and value is not None:
            return self.uuids[f.target or ""].get(value)
        return value

    def _same_data(self, row: Incoming, ours: Any) -> bool:
        spec = row.spec
        for f in spec.data_fields:
            if f.is_ref:
                if self._is_root(row) and f.name == "parent_uuid":
                    continue
                local = ours[f.column]
                theirs = row.values[f.name]
                if (None if local is None else self.uuids[f.target or ""].get(local)) != theirs:
                    return False
            elif row.values[f.name] != ours[f.column]:
                return False
        return True

    def _encode_existing(self, spec: EntitySpec, mapping: Any) -> dict[str, Any]:
        values = {f.name: self._existing_value(spec, mapping, f.name) for f in spec.fields}
        return encode_row(spec, values, None)

    # -- applying ---------------------------------------------------------------------------------

    def apply(self, *, package_uuid: uuid.UUID) -> None:
        plan = self.plan
        for i, spec in enumerate(ENTITIES):
            self.progress(i, len(ENTITIES), _("Writing {entity}…").format(
                entity=_(spec.label).lower()))
            creates = plan.creates.get(spec.name, [])
            for level in (_levels(creates, self.source) if spec.name == "org_unit"
                          else [creates]):
                self._insert(spec, level)
            self._write_updates(spec, plan.updates.get(spec.name, []))
        upsert(self.s, ExchangeRecord.__table__,
               [{"record_uuid": u, "entity": e, "base_version": v} for u, e, v in plan.bases],
               "record_uuid", ("base_version",))
        self._queue_conflicts(package_uuid)

    def _columns(self, row: Incoming, *, keep_place: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in row.spec.fields:
            value = row.values[f.name]
            if f.is_ref:
                if keep_place and f.name == "parent_uuid":
                    continue
                known = self.ids[f.target or ""]
                if value is not None and value not in known and self._is_root(row):
                    value = None  # the sender's unit, new here, under a parent we don't have
                out[f.column] = None if value is None else known[value]
            else:
                out[f.column] = value
        if row.spec.derive is not None:
            row.spec.derive(out)
        return out

    def _insert(self, spec: EntitySpec, rows: list[Incoming]) -> None:
        if not rows:
            return
        table = spec.table
        stmt = insert(table).returning(table.c.uuid, table.c.id, sort_by_parameter_order=True)
        for part in chunks(rows, 2000):
            values = [self._columns(r, keep_place=False) for r in part]
            for record, local_id in self.s.execute(stmt, values):
                self.ids[spec.name][record] = local_id
            self.progress.check()

    def _write_updates(self, spec: EntitySpec, updates: list[tuple[Incoming, int]]) -> None:
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for row, local_id in updates:
            values = self._columns(row, keep_place=self._is_root(row))
            shapes[tuple(values)].append({"_id": local_id,
                                          **{f"v_{k}": v for k, v in values.items()}})
        table = spec.table
        for columns, params in shapes.items():
            stmt = (update(table).where(table.c.id == bindparam("_id"))
                    .values({c: bindparam(f"v_{c}") for c in columns}))
            for part in chunks(params, 2000):
                self.s.execute(stmt, list(part))

    def _queue_conflicts(self, package_uuid: uuid.UUID) -> None:
        for c in self.plan.conflicts:
            theirs = encode_row(c.row.spec, c.row.values, c.row.base)
            open_one = self.s.scalar(select(ExchangeConflict).where(
                ExchangeConflict.record_uuid == c.row.uuid, ExchangeConflict.resolved_at.is_(None)))
            if open_one is None:
                open_one = ExchangeConflict(record_uuid=c.row.uuid, ours=c.ours)
                self.s.add(open_one)
            elif open_one.kept == "theirs" and c.kept == "theirs":
                c.ours = open_one.ours  # ours is still the version from before the first one
            open_one.at = utcnow()
            open_one.package_uuid = package_uuid
            open_one.source_uuid = self.source
            open_one.entity = c.row.spec.name
            open_one.code = c.code
            open_one.name = label_of(c.row.spec, c.row.values)[:300]
            open_one.file = c.row.file
            open_one.line = c.row.line
            open_one.ours = c.ours
            open_one.theirs = theirs
            open_one.kept = c.kept
        self.s.flush()


def _levels(rows: list[Incoming], root: uuid.UUID) -> Iterable[list[Incoming]]:
    """New units, parents before children (each level inserted at once)."""
    pending = {r.uuid: r for r in rows}
    while pending:
        level = [r for r in pending.values()
                 if r.values["parent_uuid"] not in pending or r.uuid == root]
        if not level:  # a loop (refused earlier); never loop forever
            return
        for r in level:
            del pending[r.uuid]
        yield level
