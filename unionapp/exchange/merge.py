"""Checking a package's rows against this database and merging them by UUID.

The rows of each entity are held column by column (a ``Frame``): a whole package is usually
valid and mostly new, and column-wide checks and writes are several times quicker than going
record by record. Records that need a decision of their own — already here, or wrong — become
``Incoming`` objects on demand.

``Merger.plan_merge`` reads only: it checks every row (references resolve, every record
belongs to the sender's own subtree, codes stay unique) and decides, record by record, to
create, update, leave unchanged or queue a conflict (see :mod:`unionapp.exchange` for the
rules). ``apply`` then writes the plan in the caller's transaction, stamping each record's
version and times exactly as the package says (the ORM's version counter is not involved).
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from typing import Any

from sqlalchemy import UniqueConstraint, select
from sqlalchemy.orm import Session

from ..bulk import after_core_write
from ..i18n import _
from ..models import ConflictCode, ExchangeConflict, OrgKind, OrgUnit, utcnow
from ..models.people import LIVE_CCCD
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
    decode_columns,
    decode_row,
    derive_columns,
    encode_row,
    label_of,
)
from .manifest import Manifest
from .reader import LineError
from .storage import Storage, reader, uuid_text
from .summary import CONFLICT_TEXT, Conflict, Counts, Message

MAX_PROBLEMS = 1000
_MISSING = object()


class Incoming:
    """One record from the package, decoded (canonical values by package field name)."""

    __slots__ = ("base", "deleted", "file", "line", "spec", "uuid", "values", "version")

    def __init__(self, spec: EntitySpec, file: str, line: int, values: dict[str, Any],
                 base: int | None):
        self.spec = spec
        self.file = file
        self.line = line
        self.values = values
        self.base = base
        self.uuid: str = values["uuid"]
        self.version: int = values["version"]
        self.deleted = values["deleted_at"] is not None


class Frame:
    """The rows of one entity, column by column, with where each came from."""

    def __init__(self, spec: EntitySpec, columns: dict[str, list[Any]], bases: list[Any],
                 origins: list[tuple[str, int]]):
        self.spec = spec
        self.columns = columns
        self.bases = bases
        self.origins = origins
        self.n = len(origins)
        self._rows: dict[int, Incoming] = {}

    @classmethod
    def of_rows(cls, spec: EntitySpec, rows: list[Incoming]) -> Frame:
        columns = {f.name: [r.values[f.name] for r in rows] for f in spec.fields}
        return cls(spec, columns, [r.base for r in rows], [(r.file, r.line) for r in rows])

    @property
    def uuids(self) -> list[str]:
        return self.columns["uuid"]

    def row(self, i: int) -> Incoming:
        found = self._rows.get(i)
        if found is None:
            values = {name: column[i] for name, column in self.columns.items()}
            found = self._rows[i] = Incoming(self.spec, *self.origins[i], values, self.bases[i])
        return found


@dataclass
class PlannedConflict:
    row: Incoming
    code: str
    kept: str  # theirs / ours
    ours: dict[str, Any]


@dataclass
class Plan:
    counts: dict[str, Counts] = field(default_factory=dict)
    creates: dict[str, list[int]] = field(default_factory=dict)  # row indices in the frame
    updates: dict[str, list[tuple[Incoming, int]]] = field(
        default_factory=lambda: defaultdict(list))
    conflicts: list[PlannedConflict] = field(default_factory=list)
    # (uuid, entity, version) of every record already here that is written or confirmed
    # (new records' versions are taken from their frames when written).
    bases: list[tuple[str, str, int]] = field(default_factory=list)
    problems: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    problem_count: int = 0

    def conflict_summaries(self) -> tuple[Conflict, ...]:
        return tuple(
            Conflict(code=c.code, message=_(CONFLICT_TEXT[c.code]), entity=c.row.spec.name,
                     uuid=c.row.uuid, name=label_of(c.row.spec, c.row.values),
                     file=c.row.file, line=c.row.line, kept=c.kept)
            for c in self.conflicts)


def where(file: str, line: int) -> str:
    return _("{file}, line {line}").format(file=file, line=line)


def decode_files(manifest: Manifest, lines: dict[str, list[Any]], plan: Plan, *,
                 strict: bool) -> dict[str, Frame]:
    """The package's rows, entity by entity; what cannot be read goes to ``plan``."""
    in_scope = [s.name for s in ENTITIES if manifest.kind == Kind.BRANCH_EXPORT
                or s.name in REFERENCE_ENTITIES]

    def problem(file: str, line: int, entity: str | None, text: str) -> None:
        plan.problem_count += 1
        if entity in plan.counts:
            plan.counts[entity].rejected += 1
        if len(plan.problems) < MAX_PROBLEMS:
            plan.problems.append(Message("invalid_row", f"{where(file, line)}: {text}",
                                         file=file, line=line, entity=entity))

    # Per entity: the objects of its file, then its tombstones, each with where it came from.
    found: dict[str, tuple[list[Any], list[tuple[str, int]], list[bool]]] = {
        name: ([], [], []) for name in in_scope}
    for name in in_scope:
        plan.counts[name] = Counts()
    for entry in manifest.files:
        items = lines.get(entry.path, [])
        plain = LineError not in set(map(type, items))
        if entry.path != TOMBSTONES and entry.entity in in_scope and plain:
            objects, origins, tombstones = found[entry.entity]  # the usual case, in one go
            objects.extend(items)
            origins.extend(zip(repeat(entry.path), range(1, len(items) + 1)))
            tombstones.extend(repeat(False, len(items)))
            continue
        for n, obj in enumerate(items, start=1):
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
                    objects, origins, tombstones = found[entity]
                    objects.append(obj["row"])
                    origins.append((entry.path, n))
                    tombstones.append(True)
            elif entry.entity in in_scope:
                objects, origins, tombstones = found[entry.entity]
                objects.append(obj)
                origins.append((entry.path, n))
                tombstones.append(False)

    frames: dict[str, Frame] = {}
    for name, (objects, origins, tombstones) in found.items():
        spec = BY_NAME[name]
        decoded = decode_columns(spec, objects, strict=strict)
        if decoded is not None and any(
                (d is not None) != t for d, t in zip(decoded[0]["deleted_at"], tombstones,
                                                     strict=True)):
            decoded = None
        if decoded is None:  # look row by row, to say exactly what is wrong where
            rows = []
            for obj, (file, line), tombstone in zip(objects, origins, tombstones, strict=True):
                values, base, wrong = decode_row(spec, obj, strict=strict)
                if wrong:
                    problem(file, line, name, "; ".join(
                        f"“{field_}”: {why}" if field_ else why for field_, why in wrong[:5]))
                elif tombstone != (values["deleted_at"] is not None):
                    problem(file, line, name, _("a deleted record outside the tombstones file, "
                                                "or a live one inside it"))
                else:
                    rows.append(Incoming(spec, file, line, values, base))
            frame = Frame.of_rows(spec, rows)
        else:
            frame = Frame(spec, *decoded, origins)
        for column_name in ("full_name", "title"):  # stored clean, as the registers do
            if spec.name in ("member", "activity", "initiative") and column_name in (
                    frame.columns):
                names = frame.columns[column_name]
                cleaned = {name: clean(name) for name in set(names)}  # names repeat
                frame.columns[column_name] = list(map(cleaned.__getitem__, names))
        frames[name] = frame
    return frames


class Merger:
    def __init__(self, session: Session, manifest: Manifest, frames: dict[str, Frame],
                 plan: Plan, *, progress: Progress = NO_PROGRESS):
        self.s = session
        self.store = Storage(session)
        self.manifest = manifest
        self.source = str(manifest.source_uuid)
        self.frames = frames
        self.plan = plan
        self.progress = progress
        # Everything below is keyed by canonical UUID text (see .storage).
        self.index: dict[str, dict[str, int]] = {}  # uuid → row of the frame
        self.existing: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # by column
        self.ids: dict[str, dict[str, int]] = defaultdict(dict)  # uuid → local id
        self.uuids: dict[str, dict[int, str]] = defaultdict(dict)  # local id → uuid
        self.bad: set[tuple[str, int]] = set()  # rows already refused
        # Records referred to from the package and already here: owner (and kind, for units
        # and activities), for the rule that a branch refers only to what it may.
        self._outside: dict[tuple[str, str], set[str]] = {}  # see _targets
        self.owners: dict[str, dict[str, str]] = defaultdict(dict)
        self.kinds: dict[str, dict[str, str]] = defaultdict(dict)
        self.moved_units: set[str] = set()  # units given another parent by the package
        self.handed_over: dict[str, set[str]] = {}  # records the sender takes over (.moves)
        # Another branch's records the sender's own may still point to (.moves).
        self.referable: dict[str, set[str]] = {}
        # New records written, by entity: their rows in the frame and their new ids, in order.
        self.written: dict[str, tuple[list[int], list[int]]] = {}

    # -- problems ------------------------------------------------------------------------------

    def problem(self, frame: Frame, i: int, code: str, text: str) -> None:
        plan = self.plan
        if (frame.spec.name, i) not in self.bad:
            self.bad.add((frame.spec.name, i))
            plan.counts[frame.spec.name].rejected += 1
        plan.problem_count += 1
        if len(plan.problems) < MAX_PROBLEMS:
            row = frame.row(i)
            name = label_of(row.spec, row.values)
            what = f"{where(row.file, row.line)}: " + (f"“{name}”: " if name else "") + text
            plan.problems.append(Message(code, what, file=row.file, line=row.line,
                                         entity=row.spec.name, uuid=row.uuid))

    def problems_where(self, frame: Frame, column: str, bad: set[Any], code: str,
                       text: str | Callable[[Any], str]) -> None:
        """A problem for every row whose ``column`` holds one of ``bad``."""
        if not bad:
            return
        for i, value in enumerate(frame.columns[column]):
            if value in bad:
                self.problem(frame, i, code, text(value) if callable(text) else text)

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
        for name, frame in self.frames.items():
            uuids = frame.uuids
            self.index[name] = dict(zip(uuids, range(frame.n), strict=True))
            if len(self.index[name]) != frame.n:
                twice = {u for u, count in Counter(uuids).items() if count > 1}
                seen: set[str] = set()
                for i, u in enumerate(uuids):
                    if u in twice and u in seen:
                        self.problem(frame, i, "duplicate_record",
                                     _("the same record appears twice"))
                    seen.add(u)

    def _load_existing(self) -> None:
        """The records of the package already here, as canonical values by column."""
        for name, frame in self.frames.items():
            spec = BY_NAME[name]
            table = spec.table
            convert = [(c.name, None if c.name == "id" or c.foreign_keys else reader(kind))
                       for c, kind in zip(table.columns, _column_kinds(spec), strict=True)]
            for found in self.store.select_in(name, [c for c, _conv in convert], "uuid",
                                              frame.uuids):
                values = {name_: (conv(v) if conv is not None and v is not None else v)
                          for (name_, conv), v in zip(convert, found, strict=True)}
                self.existing[name][values["uuid"]] = values
                self._know(name, values["uuid"], values["id"])

    def _know(self, entity: str, record: str, local_id: int) -> None:
        self.ids[entity][record] = local_id
        self.uuids[entity][local_id] = record

    def _lookup(self, entity: str, column: str, keys: list[Any]) -> None:
        """Learn the ids and UUIDs of records of ``entity`` by ``column`` (uuid or id)."""
        for found_uuid, found_id in self.store.select_in(entity, ["uuid", "id"], column, keys,
                                                         kind="uuid" if column == "uuid"
                                                         else "int"):
            self._know(entity, uuid_text(found_uuid), found_id)

    def _lookup_referred(self, entity: str, keys: list[str]) -> None:
        """Learn ids, owners (and kinds) of records here that the package refers to."""
        kind = ["kind"] if entity in ("org_unit", "activity") else []
        for found in self.store.select_in(entity, ["uuid", "id", "owner_uuid", *kind], "uuid",
                                          keys):
            record = uuid_text(found[0])
            self._know(entity, record, found[1])
            self.owners[entity][record] = uuid_text(found[2])
            if kind:
                self.kinds[entity][record] = found[3]

    def _targets(self, frame: Frame, ref: Any) -> set[str]:
        """The records a reference column names outside the package."""
        key = (frame.spec.name, ref.name)
        found = self._outside.get(key)
        if found is None:
            names = set(frame.columns[ref.name])
            names.discard(None)
            found = self._outside[key] = names.difference(self.index.get(ref.target, ()))
        return found

    def _resolve_references(self) -> None:
        """Every reference names a record in the package or already here."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for frame in self.frames.values():
            for ref in frame.spec.refs:
                wanted[ref.target] |= self._targets(frame, ref)
        for entity, targets in wanted.items():
            self._lookup_referred(entity, sorted(targets - set(self.owners[entity])))
        for frame in self.frames.values():
            for ref in frame.spec.refs:
                missing = self._targets(frame, ref) - set(self.ids[ref.target])
                if frame.spec.name == "org_unit" and ref.name == "parent_uuid":
                    root = self.index["org_unit"].get(self.source)
                    if root is not None:  # the sender's own unit keeps its place here
                        missing.discard(frame.columns["parent_uuid"][root])
                self.problems_where(frame, ref.name, missing, "unknown_reference",
                                    lambda target, ref=ref: _(
                                        "“{field}” refers to a record that is neither in the "
                                        "package nor here ({uuid})").format(field=ref.name,
                                                                            uuid=target))

    def _is_root(self, row: Incoming) -> bool:
        return row.spec.name == "org_unit" and row.uuid == self.source

    def _check_scope(self) -> None:
        """Every record belongs to the sender: a branch sends only its own subtree, a parent
        union only what it owns itself, and only reference data."""
        branch = self.manifest.kind == Kind.BRANCH_EXPORT
        if branch:
            allowed = {str(u) for u in subtree(self.s, uuid.UUID(self.source))}
            units = self.frames.get("org_unit")
            parents = dict(zip(units.uuids, units.columns["parent_uuid"], strict=True)) \
                if units else {}
            grew = True
            while grew:  # units new in the package join when their parent is inside
                grew = False
                for unit_uuid, parent in parents.items():
                    if unit_uuid not in allowed and parent in allowed:
                        allowed.add(unit_uuid)
                        grew = True
        else:
            allowed = {self.source}
        foreign = _("this record belongs to another unit, not to {source} who sent the "
                    "package").format(source=self.manifest.source_code)
        above = self._ancestors() if branch else set()
        for name, frame in self.frames.items():
            self.problems_where(frame, "owner_uuid", set(frame.columns["owner_uuid"]) - allowed,
                                "foreign_record", foreign)
            taken = {u for u, before in self.existing[name].items()
                     if before["owner_uuid"] not in allowed} - self.handed_over.get(name, set())
            self.problems_where(frame, "uuid", taken, "foreign_record", foreign)
            if branch:
                self._check_branch_frame(frame, allowed)
                self._check_branch_references(frame, allowed, above)
            elif name == "activity":
                self.problems_where(frame, "kind", set(frame.columns["kind"]) - set(
                    REFERENCE_ACTIVITY_KINDS), "not_reference_data", _(
                    "only emulation movements come down from the parent union"))

    def _check_branch_frame(self, frame: Frame, allowed: set[str]) -> None:
        name = frame.spec.name
        columns = frame.columns
        if name == "org_unit":
            for i in range(frame.n):
                row = frame.row(i)
                if row.uuid == self.source:
                    if row.values["kind"] != OrgKind.BRANCH:
                        self.problem(frame, i, "foreign_record",
                                     _("the branch's own unit must stay a branch"))
                elif row.values["kind"] != OrgKind.GROUP or (
                        row.values["parent_uuid"] not in allowed):
                    self.problem(frame, i, "foreign_record", _(
                        "a branch may only send its own groups (union groups under it)"))
            return
        outside = _("the record is attached to a unit outside {source}").format(
            source=self.manifest.source_code)
        for column in ("org_unit_uuid", "recipient_unit_uuid"):
            if column in columns:
                self.problems_where(frame, column, set(columns[column]) - allowed - {None},
                                    "foreign_record", outside)
        if name == "award":
            for i, (member, unit) in enumerate(zip(columns["member_uuid"],
                                                   columns["recipient_unit_uuid"], strict=True)):
                if (member is None) == (unit is None):
                    self.problem(frame, i, "invalid_row",
                                 _("an award goes to one member or to one unit"))

    def _ancestors(self) -> set[str]:
        """The units above the sender here (its parent union, and theirs): their catalogues
        and emulation movements are the sender's to use."""
        found: set[str] = set()
        parent = self.s.scalar(select(OrgUnit.parent_id).where(
            OrgUnit.uuid == uuid.UUID(self.source)))
        while parent is not None and len(found) < 100:
            row = self.s.execute(select(OrgUnit.uuid, OrgUnit.parent_id).where(
                OrgUnit.id == parent)).first()
            if row is None or str(row.uuid) in found:
                break
            found.add(str(row.uuid))
            parent = row.parent_id
        return found

    def _check_branch_references(self, frame: Frame, allowed: set[str],
                                 above: set[str]) -> None:
        """A branch's records may refer, beyond the package, only to records of its own
        subtree, or to the catalogues, emulation movements and units of the unions above it:
        never to another branch's members, decisions or cases (nor to a parent union's own
        records that are not reference data)."""
        for ref in frame.spec.refs:
            target = ref.target or ""
            if target == "org_unit" and not (frame.spec.name == "org_unit_move"
                                             and ref.name != "org_unit_uuid"):
                continue  # units themselves: checked with the unit columns above
            owners, kinds = self.owners[target], self.kinds[target]
            referable = self.referable.get(target, set())
            bad = set()
            for record in self._targets(frame, ref) & set(owners):
                owner = owners[record]
                if target == "org_unit":  # a move's old or new parent
                    fine = (record in allowed or record in above
                            or kinds.get(record) == OrgKind.PARENT_UNION)
                elif owner in allowed or record in referable:
                    fine = True
                else:
                    fine = owner in above and target in REFERENCE_ENTITIES and (
                        target != "activity"
                        or kinds.get(record) in REFERENCE_ACTIVITY_KINDS)
                if not fine:
                    bad.add(record)
            self.problems_where(frame, ref.name, bad, "foreign_reference",
                                lambda record, ref=ref: _(
                                    "“{field}” refers to a record of another unit ({uuid}): a "
                                    "branch's records may refer only to its own records and "
                                    "to its parent union's catalogues").format(
                                    field=ref.name, uuid=record))

    def _check_unique(self) -> None:
        """Every unique key of the tables (unit codes, kind codes per owner, register
        numbers, a unit's members' CCCD numbers…) stays unique here. A clash is refused
        before anything is written. As in SQL, a key with an empty part never clashes; a
        partial index (``live``) holds for records not deleted only."""
        for frame in self.frames.values():
            for key, live in _unique_keys(frame.spec):
                self._unique(frame, key, live)

    def _unique(self, frame: Frame, key: tuple[str, ...], live: bool) -> None:
        if not frame.n:
            return
        spec = frame.spec
        fields = {f.column: f for f in spec.fields}
        names = [fields[c].name for c in key]
        if spec.name == "org_unit":
            text = _("the unit code {code} is already used here by another unit")
        elif "national_id" in key:
            text = _("the CCCD number {code} already belongs to another member of this unit")
        elif "code" in key:
            text = _("the code {code} is already used here by another entry")
        else:
            text = _("another record here already has the same {fields}").format(
                fields=", ".join(names))
        shown = "national_id" if "national_id" in names else "code"
        at = names.index(shown) if shown in names else -1
        mine: dict[tuple[Any, ...], int] = {}
        keys = list(zip(*(frame.columns[n] for n in names), strict=True))
        gone = frame.columns["deleted_at"]
        for i, value in enumerate(keys):
            if None in value or (live and gone[i] is not None):
                continue
            if value in mine:
                self.problem(frame, i, "duplicate_key", text.format(code=value[at]))
            mine[value] = i
        # The same keys as the database holds them: references by local id.
        def local(value: tuple[Any, ...]) -> tuple[Any, ...] | None:
            out = []
            for column, part in zip(key, value, strict=True):
                f = fields[column]
                if f.is_ref and part is not None:
                    part = self.ids[f.target or ""].get(part)
                    if part is None:
                        return None  # refers to a record new here: nothing here can clash
                out.append(part)
            return tuple(out)

        if any(fields[column].is_ref for column in key):
            wanted = {k: i for k, i in ((local(v), i) for v, i in mine.items()) if k is not None}
        else:  # no reference in the key (a CCCD and its owner): the same keys
            wanted = mine
        if not wanted:
            return
        first = fields[key[0]]
        kind = "int" if first.is_ref or first.kind == "int" else (
            "uuid" if first.kind == "uuid" else "text")
        readers = [uuid_text if fields[c].kind == "uuid" else None for c in key]
        for found in self.store.select_in(spec.name, ["uuid", "deleted_at", *key], key[0],
                                          sorted({k[0] for k in wanted}), kind=kind):
            holder = uuid_text(found[0])
            if live and found[1] is not None:
                continue
            held = tuple(r(v) if r is not None and v is not None else v
                         for r, v in zip(readers, found[2:], strict=True))
            i = wanted.get(held)
            if i is None or holder == frame.uuids[i]:
                continue
            other = self.index[spec.name].get(holder)
            if other is not None and (keys[other] != keys[i] or (
                    live and gone[other] is not None)):
                continue  # the holder changes its key (or is deleted) in the same package
            self.problem(frame, i, "duplicate_key", text.format(code=keys[i][at]))

    def _check_tree(self) -> None:
        """Units new in the package must not form a loop of parents."""
        frame = self.frames.get("org_unit")
        if frame is None:
            return
        parents = dict(zip(frame.uuids, frame.columns["parent_uuid"], strict=True))
        for i, unit in enumerate(frame.uuids):
            seen = {unit}
            parent = parents[unit]
            while parent in parents and parent != self.source:
                if parent in seen:
                    self.problem(frame, i, "invalid_row", _("its parent units form a loop"))
                    break
                seen.add(parent)
                parent = parents[parent]

    # -- deciding --------------------------------------------------------------------------------

    def _bases(self) -> dict[str, int | None]:
        """The base versions of the package's records already here (by UUID)."""
        found: dict[str, int | None] = {}
        for name, records in self.existing.items():
            uuids = self.uuids[name]
            for record_id, version in self.store.select_in(
                    "exchange_record", ["record_id", "base_version"], "record_id",
                    sorted(values["id"] for values in records.values()), kind="int",
                    where=("entity", name)):
                found[uuids[record_id]] = version
        return found

    def _decide(self) -> None:
        bases = self._bases()
        self._learn_ref_uuids()
        plan = self.plan
        for spec in ENTITIES:
            frame = self.frames.get(spec.name)
            if frame is None:
                continue
            counts = plan.counts[spec.name]
            existing = self.existing[spec.name]
            uuids = frame.uuids
            creates = [i for i, u in enumerate(uuids) if u not in existing]
            plan.creates[spec.name] = creates
            deleted = frame.columns["deleted_at"]
            gone = sum(1 for i in creates if deleted[i] is not None)
            counts.deleted += gone
            counts.created += len(creates) - gone
            for record, ours in existing.items():
                self._decide_one(frame.row(self.index[spec.name][record]), ours,
                                 bases.get(record, _MISSING), counts)

    def _decide_one(self, row: Incoming, ours: dict[str, Any], base: Any,
                    counts: Counts) -> None:
        if base is _MISSING:
            base = row.base
        local_changed = base is None or ours["version"] != base
        same_data = self._same_data(row, ours)
        same_all = same_data and all(
            row.values[k] == ours[k] for k in ("version", "created_at", "updated_at"))
        ours_deleted = ours["deleted_at"] is not None
        if same_all:
            counts.unchanged += 1
            self.plan.bases.append((row.uuid, row.spec.name, row.version))
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
            self._lookup(entity, "id", sorted(ids))

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
        with self.store.big_cache():
            self._apply(package_uuid)

    def _apply(self, package_uuid: uuid.UUID) -> None:
        plan = self.plan
        for i, spec in enumerate(ENTITIES):
            self.progress(i, len(ENTITIES), _("Writing {entity}…").format(
                entity=_(spec.label).lower()))
            frame = self.frames.get(spec.name)
            creates, updates = plan.creates.get(spec.name, []), plan.updates.get(spec.name, [])
            if spec.name == "org_unit":  # updated units may name new ones as their parent
                self._insert(frame, creates)
                self._write_updates(spec, updates)
            else:  # updated records may free a unique key (a CCCD) a new one takes
                self._write_updates(spec, updates)
                self._insert(frame, creates)
        # The base version of every record written or confirmed. New records' rows are new
        # too (their ids were never used): a column at a time, in key order (entity, id) as
        # written; the others' may exist.
        columns = ["entity", "record_id", "base_version"]
        new: list[tuple[str, int, int]] = []
        for entity in sorted(self.written):
            rows, ids = self.written[entity]
            versions = self.frames[entity].columns["version"]
            new.extend(zip(repeat(entity), ids, map(versions.__getitem__, rows)))
        self.store.insert_many("exchange_record", columns, new)
        ids = self.ids
        known = sorted((entity, ids[entity][record], version)
                       for record, entity, version in plan.bases)
        self.store.upsert_many("exchange_record", columns, ("entity", "record_id"),
                               ["base_version"], known)
        self._queue_conflicts(package_uuid)
        self._reindex_members()

    def _reindex_members(self) -> None:
        """What is derived from the records written (the search index of the members written
        and of those under a unit that moved), as after every Core write to synced rows."""
        frame = self.frames.get("member")
        known = self.ids["member"]
        changed = {known[frame.uuids[i]] for i in self.plan.creates.get("member", [])} \
            if frame is not None else set()
        changed |= {local_id for _row, local_id in self.plan.updates.get("member", [])}
        units = self.ids["org_unit"]
        after_core_write(self.s, members=changed,
                         moved_units=[units[u] for u in self.moved_units if u in units])

    def _columns(self, row: Incoming, *, keep_place: bool) -> dict[str, Any]:
        """A row's values as the database takes them (references as local ids)."""
        out: dict[str, Any] = {}
        values = row.values
        uuid_out = self.store.uuid_out
        for name, column, mode, target in _write_plan(row.spec):
            value = values[name]
            if mode == _PLAIN:
                out[column] = value
            elif mode == _UUID:
                out[column] = uuid_out(value)
            elif value is None:
                out[column] = None
            else:
                if keep_place and name == "parent_uuid":
                    continue
                known = self.ids[target]
                if value not in known and self._is_root(row):
                    out[column] = None  # the sender's unit, new here, under a parent unknown
                else:
                    out[column] = known[value]
        if row.spec.derive is not None:
            row.spec.derive(out)
        return out

    def _insert(self, frame: Frame | None, creates: list[int]) -> None:
        if frame is None or not creates:
            return
        spec = frame.spec
        # New records get their ids here (the write lock is held), so that later rows can
        # refer to them without reading them back.
        if spec.name == "org_unit":  # few, parents first, and the sender's own unit needs care
            index = self.index[spec.name]
            order: list[int] = []
            new_ids: list[int] = []
            for level in _levels([frame.row(i) for i in creates], self.source):
                values = [self._columns(r, keep_place=False) for r in level]
                for v, new_id, r in zip(values, self.store.new_ids(spec.name, len(level)),
                                        level, strict=True):
                    v["id"] = new_id
                    self._know(spec.name, r.uuid, new_id)
                    order.append(index[r.uuid])
                    new_ids.append(new_id)
                self.store.insert_many(spec.name, list(values[0]),
                                       [tuple(v.values()) for v in values])
            self.written[spec.name] = (order, new_ids)
            return
        whole = len(creates) == frame.n  # all new: in the package's order (the sender's ids)
        if whole:
            creates = list(range(frame.n))
        elif spec.name not in HISTORIES:
            # In UUID order the UUID index grows at its end (about a third quicker).
            uuids = frame.uuids
            creates = sorted(creates, key=uuids.__getitem__)
        ids = self.store.new_ids(spec.name, len(creates))
        self.written[spec.name] = (creates, ids)
        # Later rows refer to these, and their bookkeeping goes by id.
        self.ids[spec.name].update(zip(map(frame.uuids.__getitem__, creates), ids, strict=True))
        if spec.name in REFERENCED:
            self.uuids[spec.name].update(zip(ids, map(frame.uuids.__getitem__, creates),
                                             strict=True))
        for start in range(0, len(creates), 20_000):
            self.progress.check()
            # A whole frame is written in its order: each part is a slice of its columns.
            part = slice(start, start + 20_000) if whole else creates[start:start + 20_000]
            columns = {"id": ids[start:start + 20_000], **self._column_values(frame, part)}
            self.store.insert_many(spec.name, list(columns),
                                   list(zip(*columns.values(), strict=True)))

    def _column_values(self, frame: Frame, rows: Sequence[int] | slice) -> dict[str, list[Any]]:
        """New rows' values as the database takes them, column by column (``rows``: their
        places in the frame, or a slice of it)."""
        if isinstance(rows, slice):
            def pick(source: list[Any]) -> list[Any]:
                return source[rows]  # type: ignore[index]
        elif len(rows) > 1:
            getter = itemgetter(*rows)

            def pick(source: list[Any]) -> list[Any]:
                return list(getter(source))
        else:
            def pick(source: list[Any]) -> list[Any]:
                return [source[rows[0]]]  # type: ignore[index]
        columns: dict[str, list[Any]] = {}
        for name, column, mode, target in _write_plan(frame.spec):
            values = pick(frame.columns[name])
            if mode == _UUID:
                values = self.store.uuid_column(values)
            elif mode == _REF:
                known = self.ids[target]
                values = (list(map(known.__getitem__, values)) if None not in values
                          else [None if v is None else known[v] for v in values])
            columns[column] = values
        if frame.spec.derive is not None:
            derive_columns(frame.spec, columns, cleaned=True)  # cleaned when decoded
        return columns

    def _write_updates(self, spec: EntitySpec, updates: list[tuple[Incoming, int]]) -> None:
        shapes: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
        for row, local_id in updates:
            values = self._columns(row, keep_place=self._is_root(row))
            if spec.name == "org_unit" and "parent_id" in values and values["parent_id"] != (
                    self.existing["org_unit"][row.uuid]["parent_id"]):
                self.moved_units.add(row.uuid)
            shapes[tuple(values)].append((*values.values(), local_id))
        for columns, rows in shapes.items():
            self.store.update_many(spec.name, list(columns), rows)

    def _queue_conflicts(self, package_uuid: uuid.UUID) -> None:
        for c in self.plan.conflicts:
            theirs = encode_row(c.row.spec, c.row.values, c.row.base)
            record = uuid.UUID(c.row.uuid)
            open_one = self.s.scalar(select(ExchangeConflict).where(
                ExchangeConflict.record_uuid == record, ExchangeConflict.resolved_at.is_(None)))
            if open_one is None:
                open_one = ExchangeConflict(record_uuid=record, ours=c.ours)
                self.s.add(open_one)
            elif open_one.kept == "theirs" and c.kept == "theirs":
                c.ours = open_one.ours  # ours is still the version from before the first one
            open_one.at = utcnow()
            open_one.package_uuid = package_uuid
            open_one.source_uuid = uuid.UUID(self.source)
            open_one.entity = c.row.spec.name
            open_one.code = c.code
            open_one.name = label_of(c.row.spec, c.row.values)[:300]
            open_one.file = c.row.file
            open_one.line = c.row.line
            open_one.ours = c.ours
            open_one.theirs = theirs
            open_one.kept = c.kept
        self.s.flush()


def _unique_keys(spec: EntitySpec) -> list[tuple[tuple[str, ...], bool]]:
    """The table's unique keys (columns), the UUID aside, each with whether it is a partial
    index holding for records not deleted only."""
    table = spec.table
    keys = {(tuple(c.name for c in con.columns), False) for con in table.constraints
            if isinstance(con, UniqueConstraint)}
    for index in table.indexes:
        if index.unique:
            where = index.dialect_options["sqlite"]["where"]
            if where is not None and str(where) != LIVE_CCCD:  # pragma: no cover
                raise NotImplementedError(f"{table.name}: a partial index this check can't read")
            keys.add((tuple(c.name for c in index.columns), where is not None))
    return sorted(k for k in keys if k[0] and k[0] != ("uuid",))


_PLAIN, _UUID, _REF = 0, 1, 2
_PLANS: dict[str, tuple[tuple[str, str, int, str], ...]] = {}


def _write_plan(spec: EntitySpec) -> tuple[tuple[str, str, int, str], ...]:
    """Per field: package name, column, how its value is written, the entity it refers to."""
    plan = _PLANS.get(spec.name)
    if plan is None:
        plan = _PLANS[spec.name] = tuple(
            (f.name, f.column, _REF if f.is_ref else _UUID if f.kind == "uuid" else _PLAIN,
             f.target or "") for f in spec.fields)
    return plan


def _column_kinds(spec: EntitySpec) -> list[str]:
    """The field kind of each column of the table, in column order (derived columns: str)."""
    by_column = {f.column: f.kind for f in spec.fields}
    return [by_column.get(c.name, "int" if c.name == "id" else "str")
            for c in spec.table.columns]


# Entities whose local ids keep their order of creation (same-day steps of a history are shown
# in id order); other new rows are written in UUID order.
HISTORIES = {"movement", "support_case_event", "org_unit_move"}
# Entities other records refer to (their new rows' ids are needed after inserting them).
REFERENCED = {f.target for spec in ENTITIES for f in spec.refs}


def _levels(rows: list[Incoming], root: str) -> Iterable[list[Incoming]]:
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
