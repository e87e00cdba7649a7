"""The member register: finding members, adding and editing them, and the dated movements
(admission, transfer, exit, retirement, death) that are the only way a status changes."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, literal, select, text
from sqlalchemy.orm import Session

from . import search_index
from .db import Database
from .errors import NotFound, Problem, UserError, ValidationError
from .i18n import _
from .labels import GENDER_JSON, MEMBER_STATUS, MOVEMENT, label
from .models import Gender, Member, MemberStatus, Movement, MovementKind, OrgUnit, utcnow
from .paging import ListQuery
from .permissions import Permission, allows, require
from .text import clean, format_date, search_words, title_name

# --- what callers get back ---------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    """One member as lists and tables show it (a frozen value, safe to pass between threads)."""

    uuid: uuid.UUID
    full_name: str
    date_of_birth: date | None
    birth_year: int | None
    gender: str | None
    status: str
    org_unit: str
    org_unit_uuid: uuid.UUID
    national_id: str | None
    card_number: str
    phone: str
    joined_on: date | None
    job_title: str
    union_role: str
    ethnicity: str
    religion: str

    def masked(self) -> MemberRow:
        """The row as a role that may not see personal data gets it (CCCD, phone)."""
        return replace(self, national_id=mask(self.national_id), phone=mask(self.phone) or "")

    def as_json(self) -> dict[str, Any]:
        """The command line's JSON object for a member (a contract: keys are kept)."""
        return {
            "uuid": str(self.uuid),
            "full_name": self.full_name,
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else None,
            "birth_year": self.birth_year,
            "gender": GENDER_JSON.get(self.gender or ""),
            "status": self.status,
            "org_unit": self.org_unit,
            "org_unit_uuid": str(self.org_unit_uuid),
            "national_id": self.national_id,
            "card_number": self.card_number,
            "phone": self.phone,
            "joined_on": self.joined_on.isoformat() if self.joined_on else None,
            "job_title": self.job_title,
            "union_role": self.union_role,
        }


_ROW_COLUMNS = (
    Member.uuid,
    Member.full_name,
    Member.date_of_birth,
    Member.birth_year,
    Member.gender,
    Member.status,
    OrgUnit.name,
    OrgUnit.uuid,
    Member.national_id,
    Member.card_number,
    Member.phone,
    Member.joined_on,
    Member.job_title,
    Member.union_role,
    Member.ethnicity,
    Member.religion,
)


def _row(values: Any) -> MemberRow:
    return MemberRow(*values)


def _masked_row(values: Any) -> MemberRow:
    return MemberRow(*values).masked()


def mask(value: str | None) -> str | None:
    """``001234567890`` → ``*********890``: personal data hidden from roles that may not see
    it (the last three characters stay, to tell two people apart)."""
    if not value:
        return value
    return "*" * max(len(value) - 3, 3) + value[-3:] if len(value) > 3 else "***"


def sees_personal_data(db: Database) -> bool:
    """Whether the signed-in role sees CCCD and phone numbers unmasked."""
    return allows(db, Permission.PERSONAL_DATA_VIEW)


@dataclass(frozen=True)
class MovementRow:
    uuid: uuid.UUID
    kind: str
    occurred_on: date | None
    from_unit: str
    to_unit: str
    decision_ref: str
    note: str


# --- finding members -----------------------------------------------------------------------


@dataclass(frozen=True)
class MemberQuery:
    """What the member list shows: a search text and filters. Empty means everything live.

    Ages are counted by year, as union statistics count them: in ``year`` (this year by
    default) a member born in 1990 is 36 in 2026, whatever the day."""

    text: str = ""
    org_unit: uuid.UUID | None = None  # the unit or any unit under it
    status: str | None = None
    gender: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    year: int | None = None

    def birth_years(self) -> tuple[int | None, int | None]:
        year = self.year or date.today().year
        earliest = year - self.age_max if self.age_max is not None else None
        latest = year - self.age_min if self.age_min is not None else None
        return earliest, latest


def name_matches(folded_column: Any, text: str) -> Any:
    """Every word of ``text`` must begin a word of the folded name, in any order:
    ``nguyen thi hang`` finds ``Nguyễn Thị Thu Hằng``; ``dang`` finds ``Đặng`` and ``Đăng``.
    Portable SQL (no SQLite-only functions)."""
    spaced = literal(" ") + folded_column
    return and_(*(spaced.like(f"% {word}%") for word in search_words(text)))


def _subtree_ids(s: Session, unit: uuid.UUID) -> list[int]:
    """The unit and every unit below it."""
    units = s.execute(select(OrgUnit.id, OrgUnit.uuid, OrgUnit.parent_id)).all()
    root = next((i for i, u, _p in units if u == unit), None)
    if root is None:
        return []
    children: dict[int | None, list[int]] = {}
    for i, _u, parent in units:
        children.setdefault(parent, []).append(i)
    found, todo = [], [root]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def _filtered(query: MemberQuery, s: Session) -> Select[Any]:
    """The query in plain SQL (PostgreSQL, and the reference the SQLite index is tested
    against)."""
    stmt = select(*_ROW_COLUMNS).join(OrgUnit, Member.org_unit_id == OrgUnit.id)
    stmt = stmt.where(Member.deleted_at.is_(None))
    if query.text.strip():
        stmt = stmt.where(name_matches(Member.name_folded, query.text))
    if query.org_unit is not None:
        stmt = stmt.where(Member.org_unit_id.in_(_subtree_ids(s, query.org_unit)))
    if query.status:
        stmt = stmt.where(Member.status == query.status)
    if query.gender:
        stmt = stmt.where(Member.gender == query.gender)
    earliest, latest = query.birth_years()
    if earliest is not None:
        stmt = stmt.where(Member.birth_year >= earliest)
    if latest is not None:
        stmt = stmt.where(Member.birth_year <= latest)
    return stmt


# One round trip per page: the window of ranks, then those members (ordered by the caller).
_PAGE_SQL = """
SELECT m.uuid, m.full_name, m.date_of_birth, m.birth_year, m.gender, m.status, u.name, u.uuid,
       m.national_id, m.card_number, m.phone, m.joined_on, m.job_title, m.union_role,
       m.ethnicity, m.religion, hits.rank
FROM (SELECT rowid AS rank FROM member_search WHERE member_search MATCH :m
      ORDER BY rowid {direction} LIMIT :n OFFSET :o) AS hits
JOIN member_search_text AS t ON t.rank = hits.rank
JOIN member AS m ON m.id = t.member_id
JOIN org_unit AS u ON u.id = m.org_unit_id
"""


def _sqlite_row(r: Any) -> MemberRow:
    """A row of ``_PAGE_SQL`` as SQLite stores it (UUIDs as hex, dates as ISO text)."""
    return MemberRow(uuid.UUID(r[0]), r[1], date.fromisoformat(r[2]) if r[2] else None, r[3],
                     r[4], r[5], r[6], uuid.UUID(r[7]), r[8], r[9], r[10],
                     date.fromisoformat(r[11]) if r[11] else None, r[12], r[13], r[14], r[15])


class IndexedMemberList:
    """The members a query selects, read through the SQLite search index (see
    :mod:`unionapp.search_index`): counts and pages in Vietnamese order without sorting."""

    def __init__(self, db: Database, query: MemberQuery, *, masked: bool = False):
        self.db = db
        self.query = query
        self.masked = masked
        self._match: str | None = None
        self._count: int | None = None

    def _expression(self, s: Session) -> str:
        if self._match is None:
            q = self.query
            tokens = []
            if q.status:
                tokens.append(search_index.token("st", q.status))
            if q.gender:
                tokens.append(search_index.token("g", q.gender))
            if q.org_unit is not None:
                unit_id = s.scalar(select(OrgUnit.id).where(OrgUnit.uuid == q.org_unit))
                tokens.append(search_index.token("ou", str(unit_id or 0)))
            expression = search_index.match_expression(search_words(q.text), tokens)
            earliest, latest = q.birth_years()
            if earliest is not None or latest is not None:
                this_year = q.year or date.today().year
                first = earliest if earliest is not None else this_year - 120
                last = latest if latest is not None else this_year
                years = " OR ".join(f'"{search_index.token("by", str(y))}"'
                                    for y in range(first, last + 1))
                expression += f" AND ({years or search_index.token('none', '')})"
            self._match = expression
        return self._match

    def count(self) -> int:
        if self._count is None:
            with self.db.read() as s:
                self._count = s.execute(
                    text("SELECT count(*) FROM member_search WHERE member_search MATCH :m"),
                    {"m": self._expression(s)}).scalar_one()
        return self._count

    def page(self, offset: int, limit: int) -> list[MemberRow]:
        """Rows ``offset … offset+limit-1``. Pages past the middle are read from the end, so
        the last row is as quick to reach as the first."""
        total = self.count()
        limit = max(0, min(limit, total - offset))
        if limit == 0:
            return []
        backwards = offset > total // 2
        with self.db.read() as s:
            match = self._expression(s)
            rows = s.execute(text(_PAGE_SQL.format(direction="DESC" if backwards else "")), {
                "m": match, "n": limit,
                "o": total - offset - limit if backwards else offset}).all()
        rows.sort(key=lambda r: r[-1])
        if self.masked:
            return [_sqlite_row(r).masked() for r in rows]
        return [_sqlite_row(r) for r in rows]

    def all(self) -> list[MemberRow]:
        return self.page(0, self.count())


MemberList = IndexedMemberList | ListQuery[MemberRow]


def member_list(db: Database, query: MemberQuery = MemberQuery()) -> MemberList:
    """The members ``query`` selects, in Vietnamese name order, as a window onto the
    database (``count()``, ``page(offset, limit)``, ``all()``). CCCD and phone come
    masked to a role that may not see them."""
    masked = not sees_personal_data(db)
    if db.is_sqlite:
        return IndexedMemberList(db, query, masked=masked)
    return sql_member_list(db, query, masked=masked)


def sql_member_list(db: Database, query: MemberQuery, *,
                    masked: bool = False) -> ListQuery[MemberRow]:
    with db.read() as s:
        statement = _filtered(query, s)
    return ListQuery(db, statement, (Member.sort_key, Member.id),
                     _masked_row if masked else _row)


def find_members(db: Database, text: str = "", **filters: Any) -> list[MemberRow]:
    """Every live member matching ``text`` (and filters), in Vietnamese name order."""
    return member_list(db, MemberQuery(text=text, **filters)).all()


def get_member(db: Database, member_uuid: uuid.UUID) -> MemberRow:
    with db.read() as s:
        stmt = select(*_ROW_COLUMNS).join(OrgUnit, Member.org_unit_id == OrgUnit.id)
        values = s.execute(stmt.where(Member.uuid == member_uuid)).first()
        if values is None:
            raise NotFound(_("No such member."))
    return _row(values) if sees_personal_data(db) else _masked_row(values)


def movements(db: Database, member_uuid: uuid.UUID) -> list[MovementRow]:
    """A member's history, oldest first."""
    with db.read() as s:
        member = _load(s, member_uuid)
        rows = s.scalars(
            select(Movement)
            .where(Movement.member_id == member.id, Movement.deleted_at.is_(None))
            .order_by(Movement.occurred_on, Movement.id)
        )
        return [
            MovementRow(
                m.uuid, m.kind, m.occurred_on, m.from_unit, m.to_unit, m.decision_ref, m.note
            )
            for m in rows
        ]


# --- editing ---------------------------------------------------------------------------------


@dataclass
class MemberInput:
    """The editable facts of a member (status is not here: it changes by movements)."""

    full_name: str = ""
    org_unit: uuid.UUID | None = None
    date_of_birth: date | None = None
    birth_year: int | None = None
    gender: str | None = None
    ethnicity: str = ""
    religion: str = ""
    national_id: str | None = None
    card_number: str = ""
    phone: str = ""
    email: str = ""
    hometown: str = ""
    address: str = ""
    job_title: str = ""
    union_role: str = ""
    education: str = ""
    political_theory: str = ""
    joined_on: date | None = None
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def cleaned(self) -> MemberInput:
        """Text NFC and trimmed; an empty CCCD is None; a birth date fills the birth year."""
        changes: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                changes[f.name] = clean(value)
        name = changes["full_name"]
        if name.islower() or name.isupper():  # typed without capitals, or all in capitals
            changes["full_name"] = title_name(name)
        national_id = clean(self.national_id or "").replace(" ", "")
        changes["national_id"] = national_id or None
        if self.date_of_birth is not None:
            changes["birth_year"] = self.date_of_birth.year
        return replace(self, **changes)


_EDITABLE = [f.name for f in fields(MemberInput) if f.name not in ("org_unit", "extra")]
NATIONAL_ID = re.compile(r"\d{12}")
OLDEST_YEAR = 1900
YOUNGEST_AGE = 15  # the Labour Code's minimum working age


def surely_valid(data: MemberInput, today: date) -> bool:
    """A quick test that :func:`validate_member` would find nothing (CCCD uniqueness aside).
    Bulk imports ask this first and run the full check only when it says no; a property test
    keeps the two in step."""
    born = data.date_of_birth.year if data.date_of_birth else data.birth_year
    return bool(data.full_name) and (
        born is None or OLDEST_YEAR <= born <= today.year - YOUNGEST_AGE) and (
        data.gender is None or data.gender in Gender.ALL) and (
        data.national_id is None or NATIONAL_ID.fullmatch(data.national_id) is not None) and (
        data.joined_on is None or (data.joined_on <= today and (
            born is None or data.joined_on.year >= born + YOUNGEST_AGE)))


def validate_member(
    data: MemberInput,
    *,
    today: date | None = None,
    session: Session | None = None,
    exclude: uuid.UUID | None = None,
) -> list[Problem]:
    """Everything wrong with ``data``, in the user's language. Shared by the member dialog,
    the importer and the command line, so the rule lives in one place. With a ``session``,
    the CCCD is also checked against live members (except ``exclude``)."""
    today = today or date.today()
    problems: list[Problem] = []

    def problem(fld: str, message: str) -> None:
        problems.append(Problem(message=message, field=fld))

    if not data.full_name:
        problem("full_name", _("The full name is required."))
    if data.date_of_birth is not None:
        if not OLDEST_YEAR <= data.date_of_birth.year <= today.year - YOUNGEST_AGE:
            problem(
                "date_of_birth",
                _("The date of birth {date} is not plausible.").format(
                    date=format_date(data.date_of_birth)
                ),
            )
    elif data.birth_year is not None and not (
        OLDEST_YEAR <= data.birth_year <= today.year - YOUNGEST_AGE
    ):
        problem(
            "date_of_birth",
            _("The year of birth {year} is not plausible.").format(year=data.birth_year),
        )
    if data.gender is not None and data.gender not in Gender.ALL:
        problem("gender", _("The gender must be Male or Female."))
    if data.national_id is not None and not NATIONAL_ID.fullmatch(data.national_id):
        problem("national_id", _("The CCCD number must have exactly 12 digits."))
    if data.joined_on is not None:
        if data.joined_on > today:
            problem("joined_on", _("The admission date is in the future."))
        born = data.date_of_birth.year if data.date_of_birth else data.birth_year
        if born is not None and data.joined_on.year < born + YOUNGEST_AGE:
            problem(
                "joined_on",
                _("The admission date is before the member was {age}.").format(age=YOUNGEST_AGE),
            )
    if session is not None and data.national_id and NATIONAL_ID.fullmatch(data.national_id):
        other = session.scalar(
            select(Member.full_name).where(
                Member.national_id == data.national_id,
                Member.deleted_at.is_(None),
                Member.uuid != exclude if exclude else literal(True),
            )
        )
        if other is not None:
            problem(
                "national_id",
                _("The CCCD number {number} already belongs to {name}.").format(
                    number=data.national_id, name=other
                ),
            )
    return problems


def _load(s: Session, member_uuid: uuid.UUID) -> Member:
    member = s.scalar(select(Member).where(Member.uuid == member_uuid))
    if member is None:
        raise NotFound(_("No such member."))
    return member


def _unit(s: Session, unit_uuid: uuid.UUID | None, home: uuid.UUID | None) -> OrgUnit:
    unit = s.scalar(select(OrgUnit).where(OrgUnit.uuid == (unit_uuid or home)))
    if unit is None or unit.deleted_at is not None:
        raise NotFound(_("No such unit."))
    return unit


def create_member(
    db: Database,
    data: MemberInput,
    *,
    movement: str = MovementKind.ADMISSION,
    occurred_on: date | None = None,
    from_unit: str = "",
) -> MemberRow:
    """Add a member, who arrives by admission (kết nạp) or by transfer in (chuyển đến)."""
    require(db, Permission.MEMBERS_EDIT)
    if movement not in (MovementKind.ADMISSION, MovementKind.TRANSFER_IN):
        raise UserError(_("A new member arrives by admission or by transfer."))
    data = data.cleaned()
    with db.transaction() as s:
        problems = validate_member(data, session=s)
        if problems:
            raise ValidationError(problems)
        unit = _unit(s, data.org_unit, db.home_unit_uuid)
        member = Member(
            org_unit=unit, status=MemberStatus.ACTIVE, **{k: getattr(data, k) for k in _EDITABLE}
        )
        s.add(member)
        s.add(
            Movement(
                member=member,
                kind=movement,
                occurred_on=occurred_on or data.joined_on,
                from_unit=clean(from_unit),
            )
        )
        s.flush()
        member_uuid = member.uuid
    return get_member(db, member_uuid)


def update_member(db: Database, member_uuid: uuid.UUID, data: MemberInput) -> MemberRow:
    """Change a member's facts. Moving to another group is kept in the history as a change
    of group dated today (use :func:`record_movement` to give another date)."""
    require(db, Permission.MEMBERS_EDIT)
    data = data.cleaned()
    with db.transaction() as s:
        member = _load(s, member_uuid)
        if member.deleted_at is not None:
            raise UserError(_("This member has been deleted."))
        problems = validate_member(data, session=s, exclude=member_uuid)
        if problems:
            raise ValidationError(problems)
        for key in _EDITABLE:
            setattr(member, key, getattr(data, key))
        if data.org_unit is not None and data.org_unit != member.org_unit.uuid:
            group = _unit(s, data.org_unit, None)
            s.add(Movement(member=member, kind=MovementKind.GROUP_CHANGE, occurred_on=date.today(),
                           from_unit=member.org_unit.name, to_unit=group.name))
            member.org_unit = group
    return get_member(db, member_uuid)


def member_input(db: Database, member_uuid: uuid.UUID) -> MemberInput:
    """The editable facts of a member, to fill a dialog (CCCD and phone masked for a role
    that may not see them; such a role can't save either)."""
    with db.read() as s:
        member = _load(s, member_uuid)
        data = MemberInput(
            org_unit=member.org_unit.uuid, **{k: getattr(member, k) for k in _EDITABLE}
        )
    if not sees_personal_data(db):
        data = replace(data, national_id=mask(data.national_id), phone=mask(data.phone) or "")
    return data


# Which movements may follow which status (None: a member with no history yet).
ALLOWED = {
    MovementKind.ADMISSION: {MemberStatus.LEFT},
    MovementKind.TRANSFER_IN: {MemberStatus.TRANSFERRED_OUT, MemberStatus.LEFT},
    MovementKind.TRANSFER_OUT: {MemberStatus.ACTIVE},
    MovementKind.GROUP_CHANGE: {MemberStatus.ACTIVE},
    MovementKind.EXIT: {MemberStatus.ACTIVE},
    MovementKind.RETIREMENT: {MemberStatus.ACTIVE},
    MovementKind.DEATH: {
        MemberStatus.ACTIVE,
        MemberStatus.RETIRED,
        MemberStatus.LEFT,
        MemberStatus.TRANSFERRED_OUT,
    },
}


def record_movement(
    db: Database,
    member_uuid: uuid.UUID,
    kind: str,
    occurred_on: date,
    *,
    to_group: uuid.UUID | None = None,
    from_unit: str = "",
    to_unit: str = "",
    decision_ref: str = "",
    note: str = "",
) -> MemberRow:
    """Record a dated movement and apply the status it brings, in one transaction."""
    require(db, Permission.MEMBERS_EDIT)
    if kind not in MovementKind.ALL:
        raise UserError(_("Unknown kind of movement: {kind}").format(kind=kind))
    if occurred_on > date.today():
        raise UserError(_("The date of a movement can't be in the future."))
    with db.transaction() as s:
        member = _load(s, member_uuid)
        if member.status not in ALLOWED[kind]:
            raise UserError(
                _("{movement} is not possible for a member whose status is “{status}”.").format(
                    movement=label(MOVEMENT, kind), status=label(MEMBER_STATUS, member.status)
                )
            )
        last = s.scalar(
            select(func.max(Movement.occurred_on)).where(
                Movement.member_id == member.id, Movement.deleted_at.is_(None)
            )
        )
        if last is not None and occurred_on < last:
            raise UserError(
                _("The date is before the member's last recorded movement ({date}).").format(
                    date=format_date(last)
                )
            )
        if kind == MovementKind.GROUP_CHANGE:
            group = _unit(s, to_group, None) if to_group else None
            if group is None:
                raise UserError(_("Choose the group the member moves to."))
            from_unit = from_unit or member.org_unit.name
            to_unit = to_unit or group.name
            member.org_unit = group
        s.add(
            Movement(
                member=member,
                kind=kind,
                occurred_on=occurred_on,
                from_unit=clean(from_unit),
                to_unit=clean(to_unit),
                decision_ref=clean(decision_ref),
                note=clean(note),
            )
        )
        new_status = MovementKind.RESULTING_STATUS[kind]
        if new_status is not None:
            member.status = new_status
    return get_member(db, member_uuid)


def delete_member(db: Database, member_uuid: uuid.UUID) -> None:
    """Remove a member entered by mistake (a tombstone: the row stays, marked deleted).
    A member who leaves the union is not deleted: record a movement instead."""
    require(db, Permission.MEMBERS_EDIT)
    with db.transaction() as s:
        member = _load(s, member_uuid)
        if member.deleted_at is None:
            member.deleted_at = utcnow()
