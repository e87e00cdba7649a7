"""What a package holds: one JSON Lines file per entity, in a fixed order, and how a record
becomes a line and back.

The fields of each entity are derived from the model (so the format follows the schema):
every column except the local ``id`` and derived search/sort keys; a foreign key ``x_id``
travels as ``x_uuid`` (local ids differ between databases); each line also carries
``base_version``, the version the sender believes the receiver holds. Reading a line checks
every value's type, length and allowed codes and says what is wrong, in the user's language.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Integer, String, Table, Text, Uuid

from ..bulk import member_values
from ..i18n import N_, _
from ..models import (
    Activity,
    ActivityKind,
    Award,
    AwardDecision,
    AwardKind,
    Gender,
    Member,
    MemberStatus,
    Movement,
    MovementKind,
    OrgKind,
    OrgUnit,
    OrgUnitMove,
    Participation,
    RecipientType,
    SupportCase,
    SupportCaseEvent,
    SupportKind,
    SupportStatus,
    Synced,
)
from ..models.base import UTCDateTime
from ..text import clean, fold

FORMAT_ID = "unionapp-exchange-package"
SCHEMA_MAJOR = 1
SCHEMA_MINOR = 0
SCHEMA_VERSION = f"{SCHEMA_MAJOR}.{SCHEMA_MINOR}"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
DATA_DIR = "data"
TOMBSTONES = f"{DATA_DIR}/tombstones.jsonl"


class Kind:
    """What a package carries."""

    BRANCH_EXPORT = "branch_export"  # a branch's own records, up to its parent union
    REFERENCE_DATA = "reference_data"  # the parent's catalogues, down to its branches
    ALL = (BRANCH_EXPORT, REFERENCE_DATA)


SYNC_FIELDS = ("uuid", "owner_uuid", "created_at", "updated_at", "version", "deleted_at")
# Recomputed from other columns by the receiver, never sent.
DERIVED = {"id", "name_folded", "sort_key", "title_folded"}
TEXT_MAX = 20_000  # characters in a Text column (notes, reasons)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Codes a column may hold (anything else is refused).
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("org_unit", "kind"): OrgKind.ALL,
    ("member", "gender"): Gender.ALL,
    ("member", "status"): MemberStatus.ALL,
    ("movement", "kind"): MovementKind.ALL,
    ("activity", "kind"): ActivityKind.ALL,
    ("award_kind", "recipient_type"): (
        RecipientType.PERSON,
        RecipientType.COLLECTIVE,
        RecipientType.BOTH,
    ),
    ("support_case", "status"): SupportStatus.ALL,
    ("support_case_event", "from_status"): SupportStatus.ALL,
    ("support_case_event", "to_status"): SupportStatus.ALL,
}


class BadValue(ValueError):
    """A value of the wrong type or shape; the message says what was expected."""


@dataclass(frozen=True)
class Field:
    name: str  # in the package (``org_unit_uuid``)
    column: str  # in the table (``org_unit_id``)
    kind: str  # str text int bool date datetime uuid ref
    nullable: bool
    max_length: int | None = None
    target: str | None = None  # the entity a ref points to
    choices: tuple[str, ...] | None = None

    @property
    def is_ref(self) -> bool:
        return self.kind == "ref"


@dataclass(frozen=True)
class EntitySpec:
    name: str  # the table's name, used in the package and the summary
    model: type[Synced]
    label: str  # N_() word for the summary
    fields: tuple[Field, ...]
    # Derived columns recomputed on the values of a row about to be written.
    derive: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    @property
    def file(self) -> str:
        return f"{DATA_DIR}/{self.name}.jsonl"

    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[return-value]

    @property
    def refs(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.is_ref)

    @property
    def data_fields(self) -> tuple[Field, ...]:
        """Fields that carry the record's content (not its identity or stamps)."""
        return tuple(
            f for f in self.fields if f.name not in ("uuid", "created_at", "updated_at", "version")
        )


def _activity_values(values: dict[str, Any]) -> dict[str, Any]:
    values["title"] = clean(values["title"])
    values["title_folded"] = fold(values["title"])
    return values


def _fields(model: type[Synced]) -> tuple[Field, ...]:
    table: Table = model.__table__  # type: ignore[assignment]
    out: list[Field] = []
    for column in table.columns:
        if column.name in DERIVED:
            continue
        nullable = bool(column.nullable)
        if column.foreign_keys:
            target = next(iter(column.foreign_keys)).column.table.name
            name = column.name[:-3] + "_uuid" if column.name.endswith("_id") else column.name
            out.append(Field(name, column.name, "ref", nullable, target=target))
            continue
        ctype = column.type
        if isinstance(ctype, UTCDateTime):
            kind, length = "datetime", None
        elif isinstance(ctype, Uuid):
            kind, length = "uuid", None
        elif isinstance(ctype, Date):
            kind, length = "date", None
        elif isinstance(ctype, Boolean):
            kind, length = "bool", None
        elif isinstance(ctype, Integer):
            kind, length = "int", None
        elif isinstance(ctype, Text):
            kind, length = "str", TEXT_MAX
        elif isinstance(ctype, String):
            kind, length = "str", ctype.length
        else:  # pragma: no cover - a new column type needs a decision here
            raise TypeError(f"{table.name}.{column.name}: no package form for {ctype!r}")
        choices = CHOICES.get((table.name, column.name))
        out.append(Field(column.name, column.name, kind, nullable, length, choices=choices))
    return tuple(out)


Derive = Callable[[dict[str, Any]], dict[str, Any]]


def _spec(model: type[Synced], label: str, derive: Derive | None = None) -> EntitySpec:
    return EntitySpec(model.__tablename__, model, label, _fields(model), derive)


# Dependency order: everything a row refers to comes in an earlier file (org units refer to
# each other and are ordered parents first when applied).
ENTITIES: tuple[EntitySpec, ...] = (
    _spec(OrgUnit, N_("Org units")),
    _spec(OrgUnitMove, N_("Org unit moves")),
    _spec(AwardKind, N_("Award kinds")),
    _spec(SupportKind, N_("Support kinds")),
    _spec(Member, N_("Members"), member_values),
    _spec(Movement, N_("Member movements")),
    _spec(Activity, N_("Activities"), _activity_values),
    _spec(Participation, N_("Participations")),
    _spec(AwardDecision, N_("Award decisions")),
    _spec(Award, N_("Awards")),
    _spec(SupportCase, N_("Support cases")),
    _spec(SupportCaseEvent, N_("Support case steps")),
)
BY_NAME = {spec.name: spec for spec in ENTITIES}
ORDER = {spec.name: i for i, spec in enumerate(ENTITIES)}
# What a parent union sends down: its catalogues, its units and its emulation movements.
REFERENCE_ENTITIES = ("org_unit", "award_kind", "support_kind", "activity")
REFERENCE_ACTIVITY_KINDS = (ActivityKind.EMULATION_MOVEMENT,)


def entities_for(kind: str) -> tuple[EntitySpec, ...]:
    if kind == Kind.REFERENCE_DATA:
        return tuple(s for s in ENTITIES if s.name in REFERENCE_ENTITIES)
    return ENTITIES


def files_for(kind: str) -> list[str]:
    """Every data file a package of ``kind`` has (even with no rows), in order."""
    return [s.file for s in entities_for(kind)] + [TOMBSTONES]


# --- values in and out --------------------------------------------------------------------


def encode_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind in ("uuid", "ref"):
        return str(value)
    if kind == "date":
        return value.isoformat()
    if kind == "datetime":
        return value.astimezone(UTC).isoformat()
    return value


def encode_row(spec: EntitySpec, values: dict[str, Any], base_version: int | None) -> dict:
    """A record (column values, refs already as UUIDs under their package names) as a line."""
    row = {f.name: encode_value(f.kind, values.get(f.name)) for f in spec.fields}
    row["base_version"] = base_version
    return row


def _check_text(value: Any, limit: int | None) -> str:
    if type(value) is not str:
        raise BadValue(_("text expected"))
    if limit is not None and len(value) > limit:
        raise BadValue(_("longer than {limit} characters").format(limit=limit))
    if _CONTROL.search(value):
        raise BadValue(_("contains control characters"))
    return value


def _check_int(value: Any) -> int:
    if type(value) is not int or not -(2**31) <= value < 2**31:
        raise BadValue(_("a whole number expected"))
    return value


def _check_uuid(value: Any) -> uuid.UUID:
    if type(value) is not str or len(value) != 36:
        raise BadValue(_("an identifier (UUID) expected"))
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadValue(_("an identifier (UUID) expected")) from None


def _check_date(value: Any) -> date:
    if type(value) is not str or len(value) != 10:
        raise BadValue(_("a date (YYYY-MM-DD) expected"))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadValue(_("a date (YYYY-MM-DD) expected")) from None


def _check_datetime(value: Any) -> datetime:
    if type(value) is not str or not 19 <= len(value) <= 40:
        raise BadValue(_("a time with its time zone expected"))
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadValue(_("a time with its time zone expected")) from None
    if moment.tzinfo is None:
        raise BadValue(_("a time with its time zone expected"))
    return moment.astimezone(UTC)


def decode_value(field: Field, value: Any) -> Any:
    """``value`` from a line, checked and converted (a ref stays a UUID)."""
    if value is None:
        if not field.nullable:
            raise BadValue(_("a value is required"))
        return None
    kind = field.kind
    if kind == "str":
        text = _check_text(value, field.max_length)
        if field.choices is not None and text not in field.choices:
            raise BadValue(_("unknown code “{code}”").format(code=text[:40]))
        return text
    if kind in ("uuid", "ref"):
        return _check_uuid(value)
    if kind == "int":
        return _check_int(value)
    if kind == "date":
        return _check_date(value)
    if kind == "datetime":
        return _check_datetime(value)
    if kind == "bool":
        if type(value) is not bool:
            raise BadValue(_("true or false expected"))
        return value
    raise BadValue(kind)  # pragma: no cover


def decode_row(
    spec: EntitySpec, obj: Any, *, strict: bool = True
) -> tuple[dict[str, Any], int | None, list[tuple[str, str]]]:
    """A line's values by package field name, its ``base_version``, and what is wrong
    (field, message). ``strict`` refuses fields this version does not know."""
    if not isinstance(obj, dict):
        return {}, None, [("", _("a record (JSON object) expected"))]
    problems: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    for field in spec.fields:
        if field.name not in obj:
            problems.append((field.name, _("missing")))
            continue
        try:
            values[field.name] = decode_value(field, obj[field.name])
        except BadValue as error:
            problems.append((field.name, str(error)))
    base = obj.get("base_version")
    if base is not None:
        try:
            base = _check_int(base)
        except BadValue as error:
            problems.append(("base_version", str(error)))
            base = None
    if strict:
        known = {f.name for f in spec.fields}
        for extra in obj:
            if extra not in known and extra != "base_version":
                problems.append((str(extra)[:40], _("unknown field")))
    version = values.get("version")
    if isinstance(version, int) and version < 1:
        problems.append(("version", _("must be 1 or more")))
    return values, base, problems


def label_of(spec: EntitySpec, values: dict[str, Any]) -> str:
    """A human name for a record in messages (its name, title or number)."""
    for key in ("full_name", "name", "title", "number", "beneficiary_name", "kind"):
        value = values.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def now_utc() -> datetime:
    return datetime.now(UTC)
