"""Activities (hoạt động), emulation movements (phong trào thi đua) and who took part."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..text import clean, fold
from .base import Base, Synced


class ActivityKind:
    MEETING = "meeting"
    CONFERENCE = "conference"
    TRAINING = "training"
    VISIT = "visit"
    SPORTS = "sports"
    CULTURE = "culture"
    BLOOD_DRIVE = "blood_drive"
    VOLUNTEERING = "volunteering"
    EMULATION_MOVEMENT = "emulation_movement"
    OTHER = "other"
    ALL = (
        MEETING,
        CONFERENCE,
        TRAINING,
        VISIT,
        SPORTS,
        CULTURE,
        BLOOD_DRIVE,
        VOLUNTEERING,
        EMULATION_MOVEMENT,
        OTHER,
    )


class Activity(Synced, Base):
    __tablename__ = "activity"

    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    title_folded: Mapped[str] = mapped_column(String(300), default="")
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    location: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")

    def refresh_derived(self) -> None:
        self.title = clean(self.title)
        self.title_folded = fold(self.title)


class Participation(Synced, Base):
    __tablename__ = "participation"

    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    role: Mapped[str] = mapped_column(String(100), default="")
    result: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(String(500), default="")

    activity: Mapped[Activity] = relationship()


class Initiative(Synced, Base):
    """An improvement proposal (sáng kiến) with its estimated benefit (giá trị làm lợi)."""

    __tablename__ = "initiative"

    title: Mapped[str] = mapped_column(String(500))
    title_folded: Mapped[str] = mapped_column(String(500), default="")
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    # The emulation movement it was proposed under, if any.
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"), index=True)
    year: Mapped[int]
    submitted_on: Mapped[date | None]
    # Recognised (công nhận) by a council: when and at what level ("cấp cơ sở", "cấp thành phố").
    recognised_on: Mapped[date | None]
    recognition_level: Mapped[str] = mapped_column(String(100), default="")
    estimated_benefit: Mapped[int] = mapped_column(default=0)  # VND, an integer
    description: Mapped[str] = mapped_column(Text, default="")

    def refresh_derived(self) -> None:
        self.title = clean(self.title)
        self.title_folded = fold(self.title)


class InitiativeAuthor(Synced, Base):
    """A member who authored an initiative (with their share of the work, in per cent)."""

    __tablename__ = "initiative_author"
    __table_args__ = (UniqueConstraint("initiative_id", "member_id"),)

    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    share: Mapped[int | None]  # per cent; None when the authors did not say
    sort_order: Mapped[int] = mapped_column(default=0)
