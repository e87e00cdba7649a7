"""A member's relatives and dependants (người thân): spouse, children, parents.

Support work needs them: Tết gifts for every member with a child under 6, a bereavement
whose beneficiary is the member's mother. Each relative belongs to one member.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import Database
from .errors import NotFound, Problem, ValidationError
from .i18n import _
from .members import OLDEST_YEAR
from .models import Member, MemberRelative, Relation
from .permissions import Permission, require
from .text import clean, format_date


@dataclass(frozen=True)
class RelativeRow:
    uuid: uuid.UUID
    member_uuid: uuid.UUID
    full_name: str
    relation: str
    date_of_birth: date | None
    birth_year: int | None
    note: str

    def age_on(self, day: date) -> int | None:
        """Full years of age on ``day`` (by the year alone when only the year is known)."""
        if self.date_of_birth is not None:
            born = self.date_of_birth
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        return day.year - self.birth_year if self.birth_year else None


@dataclass(frozen=True)
class RelativeInput:
    full_name: str = ""
    relation: str = Relation.CHILD
    date_of_birth: date | None = None
    birth_year: int | None = None
    note: str = ""

    def cleaned(self) -> RelativeInput:
        return replace(
            self,
            full_name=clean(self.full_name),
            note=clean(self.note),
            birth_year=self.date_of_birth.year if self.date_of_birth else self.birth_year,
        )


def _row(r: MemberRelative, member_uuid: uuid.UUID) -> RelativeRow:
    return RelativeRow(
        r.uuid, member_uuid, r.full_name, r.relation, r.date_of_birth, r.birth_year, r.note
    )


def validate_relative(data: RelativeInput, *, today: date | None = None) -> list[Problem]:
    today = today or date.today()
    problems = []
    if not data.full_name:
        problems.append(Problem(_("The relative's full name is required."), "full_name"))
    if data.relation not in Relation.ALL:
        problems.append(Problem(_("Choose how the relative is related."), "relation"))
    if data.date_of_birth is not None and not (
        data.date_of_birth.year >= OLDEST_YEAR and data.date_of_birth <= today
    ):
        problems.append(
            Problem(
                _("The date of birth {date} is not plausible.").format(
                    date=format_date(data.date_of_birth)
                ),
                "date_of_birth",
            )
        )
    elif data.birth_year is not None and not OLDEST_YEAR <= data.birth_year <= today.year:
        problems.append(
            Problem(
                _("The year of birth {year} is not plausible.").format(year=data.birth_year),
                "date_of_birth",
            )
        )
    return problems


def _member(s: Session, member_uuid: uuid.UUID) -> Member:
    member = s.scalar(select(Member).where(Member.uuid == member_uuid))
    if member is None or member.deleted_at is not None:
        raise NotFound(_("No such member."))
    return member


def relatives_of(db: Database, member_uuid: uuid.UUID) -> list[RelativeRow]:
    """A member's live relatives: spouse, children (oldest first), parents, others."""
    order = {code: i for i, code in enumerate(Relation.ALL)}
    with db.read() as s:
        member = _member(s, member_uuid)
        rows = s.scalars(
            select(MemberRelative).where(
                MemberRelative.member_id == member.id, MemberRelative.deleted_at.is_(None)
            )
        ).all()
        found = [_row(r, member_uuid) for r in rows]

    def key(r: RelativeRow) -> tuple[int, date]:
        return order.get(r.relation, 99), r.date_of_birth or date(r.birth_year or 9999, 1, 1)

    return sorted(found, key=key)


def add_relative(db: Database, member_uuid: uuid.UUID, data: RelativeInput) -> RelativeRow:
    require(db, Permission.MEMBERS_EDIT)
    data = data.cleaned()
    if problems := validate_relative(data):
        raise ValidationError(problems)
    with db.transaction() as s:
        relative = add_relative_in(s, _member(s, member_uuid), data)
        s.flush()
        return _row(relative, member_uuid)


def add_relative_in(s: Session, member: Member, data: RelativeInput) -> MemberRelative:
    """Add a relative inside a caller's transaction (``data`` already validated)."""
    relative = MemberRelative(
        member=member,
        full_name=data.full_name,
        relation=data.relation,
        date_of_birth=data.date_of_birth,
        birth_year=data.birth_year,
        note=data.note,
    )
    s.add(relative)
    return relative

