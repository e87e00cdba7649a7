"""Award kinds, award decisions (quyết định khen thưởng) and the awards they grant."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Synced


class RecipientType:
    PERSON = "person"  # cá nhân
    COLLECTIVE = "collective"  # tập thể
    BOTH = "both"


class AwardKind(Synced, Base):
    """A catalogue entry: Giấy khen, Bằng khen, Cờ thi đua, a title… with its template.
    Codes are unique per owner: a branch's own kinds and its parent's may share a code."""

    __tablename__ = "award_kind"
    __table_args__ = (UniqueConstraint("owner_uuid", "code"),)

    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    # The word printed large on the certificate ("GIẤY KHEN"); empty for titles with no paper.
    certificate_title: Mapped[str] = mapped_column(String(100), default="")
    recipient_type: Mapped[str] = mapped_column(String(20), default=RecipientType.BOTH)
    template: Mapped[str] = mapped_column(String(100), default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class AwardDecision(Synced, Base):
    """A decision granting awards: number, date, issuing body and signer, kind and reason."""

    __tablename__ = "award_decision"

    number: Mapped[str] = mapped_column(String(60), index=True)
    decided_on: Mapped[date]
    issuing_superior: Mapped[str] = mapped_column(String(300), default="")
    issuing_body: Mapped[str] = mapped_column(String(300))
    signer_on_behalf: Mapped[str] = mapped_column(String(100), default="")  # TM. BAN CHẤP HÀNH
    signer_title: Mapped[str] = mapped_column(String(100), default="")  # CHỦ TỊCH
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(String(100), default="")
    award_kind_id: Mapped[int] = mapped_column(ForeignKey("award_kind.id"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"), index=True)
    year: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text, default="")


class Award(Synced, Base):
    """One grant under a decision, to a member (cá nhân) or to an org unit (tập thể)."""

    __tablename__ = "award"
    __table_args__ = (
        CheckConstraint("(member_id IS NULL) <> (recipient_unit_id IS NULL)", name="one_recipient"),
    )

    decision_id: Mapped[int] = mapped_column(ForeignKey("award_decision.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    recipient_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    # Overrides the decision's reason for this recipient when set.
    reason: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[int] = mapped_column(default=0)  # prize money, VND
    note: Mapped[str] = mapped_column(String(500), default="")


class CertificateDesign:
    FULL = "full"  # the whole design, border included, on plain paper
    BLANK = "blank"  # only the variable text, onto pre-printed paper (phôi)
    ALL = (FULL, BLANK)


class Certificate(Synced, Base):
    """An entry of the award register (sổ khen thưởng): the printed paper of one award.

    Its serial is ``number/year``: numbers run from 1 in each year of the register (the
    decision's year) and are never reused. An award has one entry whatever the number of
    prints; each print is a :class:`CertificatePrint`.
    """

    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("owner_uuid", "register_year", "register_number"),)

    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), unique=True)
    register_year: Mapped[int]
    register_number: Mapped[int]
    first_printed_at: Mapped[datetime]


class CertificatePrint(Synced, Base):
    """One print (the first or a reprint) of a certificate: when, by whom, on what paper."""

    __tablename__ = "certificate_print"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id"), index=True)
    printed_at: Mapped[datetime]
    by_user: Mapped[str] = mapped_column(String(100), default="")
    design: Mapped[str] = mapped_column(String(10), default=CertificateDesign.FULL)
    reprint: Mapped[bool] = mapped_column(default=False)
