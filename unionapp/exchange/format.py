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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from operator import itemgetter
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, Integer, String, Table, Text, Uuid

from ..i18n import N_, _
from ..models import (
    Activity,
    ActivityKind,
    Award,
    AwardDecision,
    AwardKind,
    Certificate,
    CertificateDesign,
    CertificatePrint,
    Gender,
    Initiative,
    InitiativeAuthor,
    Member,
    MemberRelative,
    MemberStatus,
    Movement,
    MovementKind,
    OrgKind,
    OrgUnit,
    OrgUnitMove,
    Participation,
    RecipientType,
    Relation,
    SupportBatch,
    SupportCase,
    SupportCaseEvent,
    SupportCorrection,
    SupportFund,
    SupportKind,
    SupportStatus,
    Synced,
)
from ..models.base import UTCDateTime
from ..text import clean, fold, person_sort_key

FORMAT_ID = "unionapp-exchange-package"
SCHEMA_MAJOR = 1
SCHEMA_MINOR = 1  # 1.1: moves of units travel in reference data too
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
    ("member_relative", "relation"): Relation.ALL,
    ("certificate_print", "design"): CertificateDesign.ALL,
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
    bits: int = 32  # for whole numbers: the column's size (BigInteger: 64)

    @cached_property
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

    @cached_property
    def refs(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.is_ref)

    @cached_property
    def checks(self) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
        """Per field, the function that checks a value and makes it canonical."""
        return tuple((f.name, _checker(f)) for f in self.fields)

    @cached_property
    def data_fields(self) -> tuple[Field, ...]:
        """Fields that carry the record's content (not its identity or stamps)."""
        return tuple(
            f for f in self.fields if f.name not in ("uuid", "created_at", "updated_at", "version")
        )


def _member_values(values: dict[str, Any]) -> dict[str, Any]:
    """Clean the name and add the derived search and sort keys, as ``Member`` does (dates may
    be canonical text here)."""
    name = clean(values["full_name"])
    values["full_name"] = name
    values["name_folded"] = fold(name)
    born: Any = values.get("date_of_birth")
    if isinstance(born, str):
        born = date.fromisoformat(born)
    values["sort_key"] = person_sort_key(name, born or values.get("birth_year"))
    return values


def derive_columns(spec: EntitySpec, columns: dict[str, list[Any]], *,
                   cleaned: bool = False) -> None:
    """``derive`` for many rows at once (values by column; ``cleaned``: names and titles are
    already clean)."""
    if spec.name == "member":
        names = columns["full_name"]
        if not cleaned:
            names = columns["full_name"] = list(map(clean, names))
        # Names repeat a lot: work out each distinct name (and birth) once. A sort key ends
        # with the 8 characters of the birth, so the two parts are computed apart.
        folded = {n: fold(n) for n in set(names)}
        named = {n: person_sort_key(n, None)[:-8] for n in folded}
        columns["name_folded"] = list(map(folded.__getitem__, names))
        born = [date.fromisoformat(d) if isinstance(d, str) else (d or y)
                for d, y in zip(columns["date_of_birth"], columns["birth_year"], strict=True)]
        births = {b: person_sort_key("", b)[-8:] for b in set(born)}
        columns["sort_key"] = [named[n] + births[b] for n, b in zip(names, born, strict=True)]
    elif spec.name in ("activity", "initiative"):
        titles = columns["title"]
        if not cleaned:
            titles = columns["title"] = list(map(clean, titles))
        columns["title_folded"] = list(map(fold, titles))
    elif spec.derive is not None:  # pragma: no cover - a new derived column needs a line here
        raise NotImplementedError(spec.name)


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
            if isinstance(ctype, BigInteger):
                out.append(Field(column.name, column.name, kind, nullable, bits=64))
                continue
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
    _spec(SupportFund, N_("Support funds")),
    _spec(Member, N_("Members"), _member_values),
    _spec(MemberRelative, N_("Members' relatives")),
    _spec(Movement, N_("Member movements")),
    _spec(Activity, N_("Activities"), _activity_values),
    _spec(Participation, N_("Participations")),
    _spec(Initiative, N_("Initiatives"), _activity_values),
    _spec(InitiativeAuthor, N_("Initiative authors")),
    _spec(AwardDecision, N_("Award decisions")),
    _spec(Award, N_("Awards")),
    _spec(Certificate, N_("Certificates (award register)")),
    _spec(CertificatePrint, N_("Certificate prints")),
    _spec(SupportBatch, N_("Support batches")),
    _spec(SupportCase, N_("Support cases")),
    _spec(SupportCaseEvent, N_("Support case steps")),
    _spec(SupportCorrection, N_("Support corrections")),
)
BY_NAME = {spec.name: spec for spec in ENTITIES}
ORDER = {spec.name: i for i, spec in enumerate(ENTITIES)}
# What a parent union sends down: its catalogues, its units, the moves of branches it made
# (unionapp.reorg) and its emulation movements.
REFERENCE_ENTITIES = ("org_unit", "org_unit_move", "award_kind", "support_kind", "activity")
REFERENCE_ACTIVITY_KINDS = (ActivityKind.EMULATION_MOVEMENT,)


def entities_for(kind: str) -> tuple[EntitySpec, ...]:
    if kind == Kind.REFERENCE_DATA:
        return tuple(s for s in ENTITIES if s.name in REFERENCE_ENTITIES)
    return ENTITIES


def files_for(kind: str) -> list[str]:
    """Every data file a package of ``kind`` has (even with no rows), in order."""
    return [s.file for s in entities_for(kind)] + [TOMBSTONES]


# --- values in and out --------------------------------------------------------------------
# Inside the exchange, values are canonical text (see :mod:`.storage`); in a package, moments
# are ISO 8601 with their offset (always UTC when we write them).

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UTC_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00")


def moment_wire(canonical: str) -> str:
    """``YYYY-MM-DD HH:MM:SS.ffffff`` (UTC) → ``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``."""
    return f"{canonical[:10]}T{canonical[11:]}+00:00"


def encode_value(kind: str, value: Any) -> Any:
    if value is not None and kind == "datetime":
        return moment_wire(value)
    return value


def encode_row(spec: EntitySpec, values: dict[str, Any], base_version: int | None) -> dict:
    """A record (canonical values, refs as UUIDs under their package names) as a line."""
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


# A line's ``base_version``: none, or a version (1 up to the largest a version column holds).
# The one rule for it, row by row and column-wise alike.
BASE_VERSION_RANGE = (1, 2**31 - 1)


def check_base_version(value: Any) -> int | None:
    low, high = BASE_VERSION_RANGE
    if value is None:
        return None
    if type(value) is not int or not low <= value <= high:
        raise BadValue(_("a version from {low} to {high} expected").format(low=low, high=high))
    return value


def base_versions_ok(bases: list[Any]) -> bool:
    """Whether every value passes :func:`check_base_version` (checked a column at once)."""
    present = [b for b in bases if b is not None]
    if not present:
        return True
    low, high = BASE_VERSION_RANGE
    return set(map(type, present)) == {int} and low <= min(present) and max(present) <= high


def _check_date(value: Any) -> str:
    if type(value) is not str or not _DATE.fullmatch(value):
        raise BadValue(_("a date (YYYY-MM-DD) expected"))
    try:
        date.fromisoformat(value)
    except ValueError:
        raise BadValue(_("a date (YYYY-MM-DD) expected")) from None
    return value


def _check_datetime(value: Any) -> str:
    if type(value) is not str or not 19 <= len(value) <= 40:
        raise BadValue(_("a time with its time zone expected"))
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadValue(_("a time with its time zone expected")) from None
    if moment.tzinfo is None:
        raise BadValue(_("a time with its time zone expected"))
    if _UTC_MOMENT.fullmatch(value):
        return f"{value[:10]} {value[11:26]}"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _checker(field: Field) -> Callable[[Any], Any]:
    """A function checking one field's values (built once per field: imports check hundreds
    of thousands of values, so the common case must be quick)."""
    nullable, kind, limit, choices = field.nullable, field.kind, field.max_length, field.choices

    def required() -> None:
        raise BadValue(_("a value is required"))

    if kind == "str":
        def check(value: Any) -> Any:
            if value is None:
                return None if nullable else required()
            if type(value) is not str or (limit is not None and len(value) > limit) or (
                    _CONTROL.search(value)):
                return _check_text(value, limit)  # raises with the reason
            if choices is not None and value not in choices:
                raise BadValue(_("unknown code “{code}”").format(code=value[:40]))
            return value
    elif kind in ("uuid", "ref"):
        def check(value: Any) -> Any:
            if value is None:
                return None if nullable else required()
            if type(value) is str and len(value) == 36 and _UUID.fullmatch(value):
                return value if value.islower() or value.isdigit() else value.lower()
            raise BadValue(_("an identifier (UUID) expected"))
    elif kind == "int":
        low, high = -(2 ** (field.bits - 1)), 2 ** (field.bits - 1)

        def check(value: Any) -> Any:
            if value is None:
                return None if nullable else required()
            if type(value) is int and low <= value < high:
                return value
            raise BadValue(_("a whole number expected"))
    elif kind == "bool":
        def check(value: Any) -> Any:
            if value is None:
                return None if nullable else required()
            if type(value) is bool:
                return value
            raise BadValue(_("true or false expected"))
    else:
        convert = _check_date if kind == "date" else _check_datetime

        def check(value: Any) -> Any:
            if value is None:
                return None if nullable else required()
            return convert(value)
    return check


def decode_row(
    spec: EntitySpec, obj: Any, *, strict: bool = True
) -> tuple[dict[str, Any], int | None, list[tuple[str, str]]]:
    """A line's canonical values by package field name, its ``base_version``, and what is
    wrong (field, message). ``strict`` refuses fields this version does not know."""
    if not isinstance(obj, dict):
        return {}, None, [("", _("a record (JSON object) expected"))]
    problems: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    for name, check in spec.checks:
        try:
            values[name] = check(obj[name])
        except KeyError:
            problems.append((name, _("missing")))
        except BadValue as error:
            problems.append((name, str(error)))
    try:
        base = check_base_version(obj.get("base_version"))
    except BadValue as error:
        problems.append(("base_version", str(error)))
        base = None
    if strict and len(obj) != len(spec.fields) + ("base_version" in obj):
        known = {f.name for f in spec.fields}
        for extra in obj:
            if extra not in known and extra != "base_version":
                problems.append((str(extra)[:40], _("unknown field")))
    version = values.get("version")
    if isinstance(version, int) and version < 1:
        problems.append(("version", _("must be 1 or more")))
    return values, base, problems


# --- whole columns at once -------------------------------------------------------------------
# The usual package is entirely valid: checking it a column at a time with C-level helpers
# (map, set, max, one regex per value) is several times quicker than field by field. Any doubt
# returns None, and the caller checks row by row for precise messages.


def _present(column: list[Any], nullable: bool) -> list[Any] | None:
    """The values that are not None (None if a required value is missing)."""
    if None not in column:
        return column
    return [v for v in column if v is not None] if nullable else None


_NOT_HEX = str.maketrans("", "", "0123456789abcdef")


def _all_uuids(values: list[str]) -> bool:
    """Whether every value is a canonical lower-case UUID: all of them in a few passes over
    one joined string (dashes in place, nothing but hex digits between)."""
    if not values:
        return True
    if set(map(len, values)) != {36}:
        return False
    joined = "".join(values)
    n = len(values)
    dashes = "-" * n
    if any(joined[at::36] != dashes for at in (8, 13, 18, 23)):
        return False
    return joined.count("-") == 4 * n and joined.translate(_NOT_HEX) == dashes * 4


_NOT_DIGIT = str.maketrans("", "", "0123456789")


def _all_shaped(values: list[str], shape: str) -> bool:
    """Whether every value has exactly ``shape`` (``d`` a digit, other characters as they
    are): checked over one joined string, column of characters by column."""
    if not values:
        return True
    width = len(shape)
    if set(map(len, values)) != {width}:
        return False
    joined = "".join(values)
    n = len(values)
    fixed = [(at, ch) for at, ch in enumerate(shape) if ch != "d"]
    if any(joined[at::width] != ch * n for at, ch in fixed):
        return False
    others = sum(1 for _at, ch in fixed if not ch.isdigit())
    return len(joined.translate(_NOT_DIGIT)) == others * n


def _column(field: Field, column: list[Any]) -> list[Any] | None:
    """``column`` checked and canonical, or None when some value needs a closer look."""
    values = _present(column, field.nullable)
    if values is None:
        return None
    types = set(map(type, values))
    kind = field.kind
    if kind == "str":
        if not types <= {str}:
            return None
        if values and field.max_length is not None and max(map(len, values)) > field.max_length:
            return None
        if _CONTROL.search("\n".join(values)):
            return None
        if field.choices is not None and not set(values) <= set(field.choices):
            return None
        return column
    if kind in ("uuid", "ref"):
        return column if types <= {str} and _all_uuids(values) else None
    if kind == "int":
        limit = 2 ** (field.bits - 1)
        if not types <= {int} or (values and not (min(values) >= -limit
                                                  and max(values) < limit)):
            return None
        return column
    if kind == "bool":
        return column if types <= {bool} else None
    if not types <= {str}:
        return None
    # Dates and moments repeat (a roster's members share their creation time, people their
    # birthdays): each distinct value is checked and converted once when that saves work.
    distinct = set(values)
    if 2 * len(distinct) > len(values):
        distinct = values  # type: ignore[assignment]  # mostly distinct: as they come
    try:
        if kind == "date":
            if not _all_shaped(list(distinct), "dddd-dd-dd"):
                return None
            list(map(date.fromisoformat, distinct))  # real dates (no 31 February)
            return column
        if not _all_shaped(list(distinct), "dddd-dd-ddTdd:dd:dd.dddddd+00:00"):
            return None
        list(map(datetime.fromisoformat, distinct))
    except ValueError:
        return None
    if distinct is not values:
        canonical = {v: f"{v[:10]} {v[11:26]}" for v in distinct}
        canonical[None] = None  # type: ignore[index]
        return list(map(canonical.__getitem__, column))
    if None not in column:
        return [f"{v[:10]} {v[11:26]}" for v in column]
    return [None if v is None else f"{v[:10]} {v[11:26]}" for v in column]


def decode_columns(spec: EntitySpec, objects: list[Any], *, strict: bool = True
                   ) -> tuple[dict[str, list[Any]], list[Any]] | None:
    """Every row of ``objects`` checked column by column: canonical values by field name and
    the ``base_version`` of each row; None if any row needs checking one by one."""
    order = (*(f.name for f in spec.fields), "base_version")
    if not objects:
        return {name: [] for name in order[:-1]}, []
    if set(map(type, objects)) != {dict}:
        return None
    if all(tuple(o) == order for o in objects):  # as we write them: transpose in one go
        rows = zip(*map(dict.values, objects), strict=True)
        transposed = dict(zip(order, map(list, rows), strict=True))
    elif strict:
        return None
    else:
        try:
            transposed = {name: list(map(itemgetter(name), objects)) for name in order}
        except KeyError:
            return None
    bases = transposed.pop("base_version")
    columns = {f.name: _column(f, transposed[f.name]) for f in spec.fields}
    if any(c is None for c in columns.values()):
        return None
    if not base_versions_ok(bases) or min(columns["version"]) < 1:  # type: ignore[type-var]
        return None
    return columns, bases  # type: ignore[return-value]


def label_of(spec: EntitySpec, values: dict[str, Any]) -> str:
    """A human name for a record in messages (its name, title or number)."""
    for key in ("full_name", "name", "title", "number", "beneficiary_name", "kind"):
        value = values.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def now_utc() -> datetime:
    return datetime.now(UTC)
