"""Activities (hoạt động), emulation movements (phong trào thi đua) and who took part."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, Text
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
