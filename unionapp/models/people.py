"""Members (đoàn viên) and the dated movements that change their status."""

from __future__ import annotations

import uuid as uuid_mod
from datetime import date
from typing import ClassVar

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..text import clean, fold, person_sort_key
from .base import Base, Synced, sort_key_type
from .org import OrgUnit


class Gender:
    MALE = "male"
    FEMALE = "female"
    ALL = (MALE, FEMALE)


class MemberStatus:
    ACTIVE = "active"  # đang sinh hoạt
    TRANSFERRED_OUT = "transferred_out"  # chuyển sinh hoạt
    LEFT = "left"  # thôi sinh hoạt
    RETIRED = "retired"  # nghỉ hưu
    DECEASED = "deceased"  # từ trần
    ALL = (ACTIVE, TRANSFERRED_OUT, LEFT, RETIRED, DECEASED)


class MovementKind:
    ADMISSION = "admission"  # kết nạp
    TRANSFER_IN = "transfer_in"  # chuyển đến
    TRANSFER_OUT = "transfer_out"  # chuyển đi
    GROUP_CHANGE = "group_change"  # chuyển tổ trong cơ sở
    EXIT = "exit"  # thôi sinh hoạt
    RETIREMENT = "retirement"  # nghỉ hưu
    DEATH = "death"  # từ trần
    ALL = (ADMISSION, TRANSFER_IN, TRANSFER_OUT, GROUP_CHANGE, EXIT, RETIREMENT, DEATH)
    # The status a member has after each kind of movement (None: status unchanged).
    RESULTING_STATUS: ClassVar[dict[str, str | None]] = {
        ADMISSION: MemberStatus.ACTIVE,
        TRANSFER_IN: MemberStatus.ACTIVE,
        TRANSFER_OUT: MemberStatus.TRANSFERRED_OUT,
        GROUP_CHANGE: None,
        EXIT: MemberStatus.LEFT,
        RETIREMENT: MemberStatus.RETIRED,
        DEATH: MemberStatus.DECEASED,
    }


LIVE_CCCD = "deleted_at IS NULL AND national_id IS NOT NULL"


class Member(Synced, Base):
    """A union member (đoàn viên). ``org_unit_id`` is the group (or the branch itself)."""

    __tablename__ = "member"
    __table_args__ = (
        Index("ix_member_sort", "sort_key", "id"),
        Index("ix_member_national_id", "national_id"),
        # A unit's live members never share a CCCD number (a partial index: the rule itself,
        # so that no race can break it; the service says it plainly first).
        Index("ux_member_owner_national_id", "owner_uuid", "national_id", unique=True,
              sqlite_where=text(LIVE_CCCD), postgresql_where=text(LIVE_CCCD)),
        Index("ix_member_org_unit_status", "org_unit_id", "status"),
    )

    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    full_name: Mapped[str] = mapped_column(String(200))
    # Derived from full_name (and birth) on every write, for search and Vietnamese order.
    name_folded: Mapped[str] = mapped_column(String(200), default="")
    sort_key: Mapped[str] = mapped_column(sort_key_type(400), default="")
    # A birth date may be known only as its year: then date_of_birth is NULL, birth_year set.
    date_of_birth: Mapped[date | None]
    birth_year: Mapped[int | None]
    gender: Mapped[str | None] = mapped_column(String(10))
    ethnicity: Mapped[str] = mapped_column(String(50), default="")
    religion: Mapped[str] = mapped_column(String(50), default="")
    national_id: Mapped[str | None] = mapped_column(String(12))
    card_number: Mapped[str] = mapped_column(String(30), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    hometown: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    union_role: Mapped[str] = mapped_column(String(200), default="")
    education: Mapped[str] = mapped_column(String(200), default="")
    political_theory: Mapped[str] = mapped_column(String(100), default="")
    joined_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default=MemberStatus.ACTIVE)
    notes: Mapped[str] = mapped_column(Text, default="")

    org_unit: Mapped[OrgUnit] = relationship(foreign_keys=[org_unit_id], lazy="joined")

    def refresh_derived(self) -> None:
        """Keep the stored name NFC and clean, and its search and sort keys in step."""
        self.full_name = clean(self.full_name)
        self.name_folded = fold(self.full_name)
        self.sort_key = person_sort_key(self.full_name, self.date_of_birth or self.birth_year)


class Movement(Synced, Base):
    """A dated event in a member's union life; the only way a member's status changes."""

    __tablename__ = "movement"

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    occurred_on: Mapped[date | None]  # None: the date is not known (old rosters)
    # Where from / where to, as text (the other unit is often outside our tree).
    from_unit: Mapped[str] = mapped_column(String(300), default="")
    to_unit: Mapped[str] = mapped_column(String(300), default="")
    decision_ref: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    # A transfer's other branch, when known by UUID or code (the destination of a transfer
    # out, the origin of a transfer in): how a parent union holding both branches knows the
    # member's record changed hands (see unionapp.transfers).
    other_unit_uuid: Mapped[uuid_mod.UUID | None] = mapped_column(index=True)
    other_unit_code: Mapped[str] = mapped_column(String(40), default="", index=True)

    member: Mapped[Member] = relationship()


class Relation:
    """How a relative is related to the member (quan hệ với đoàn viên)."""

    SPOUSE = "spouse"  # vợ / chồng
    CHILD = "child"  # con
    FATHER = "father"  # bố đẻ
    MOTHER = "mother"  # mẹ đẻ
    FATHER_IN_LAW = "father_in_law"  # bố vợ / bố chồng
    MOTHER_IN_LAW = "mother_in_law"  # mẹ vợ / mẹ chồng
    SIBLING = "sibling"  # anh chị em ruột
    OTHER = "other"
    ALL = (SPOUSE, CHILD, FATHER, MOTHER, FATHER_IN_LAW, MOTHER_IN_LAW, SIBLING, OTHER)


class MemberRelative(Synced, Base):
    """A member's relative or dependant (người thân): for Tết gifts to members with young
    children, for naming the beneficiary of a bereavement, and the like."""

    __tablename__ = "member_relative"

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(20))
    # As for members: a birth date may be known only as its year.
    date_of_birth: Mapped[date | None]
    birth_year: Mapped[int | None]
    note: Mapped[str] = mapped_column(String(300), default="")

    member: Mapped[Member] = relationship()

    def refresh_derived(self) -> None:
        self.full_name = clean(self.full_name)
        if self.date_of_birth is not None:
            self.birth_year = self.date_of_birth.year
