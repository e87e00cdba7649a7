"""Support cases (chăm lo – hỗ trợ): kinds with default amounts, cases and their workflow."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Synced


class SupportStatus:
    PROPOSED = "proposed"  # đề xuất
    APPROVED = "approved"  # đã duyệt
    PAID = "paid"  # đã chi
    CLOSED = "closed"  # đã đóng
    REJECTED = "rejected"  # không duyệt
    ALL = (PROPOSED, APPROVED, PAID, CLOSED, REJECTED)
    # The workflow: which status may follow which. No state is skipped.
    NEXT: ClassVar[dict[str, tuple[str, ...]]] = {
        PROPOSED: (APPROVED, REJECTED),
        APPROVED: (PAID, REJECTED),
        PAID: (CLOSED,),
        CLOSED: (),
        REJECTED: (),
    }


class SupportKind(Synced, Base):
    """A catalogue entry (ốm đau, hiếu, hỉ…) with its default amount; codes unique per owner."""

    __tablename__ = "support_kind"
    __table_args__ = (UniqueConstraint("owner_uuid", "code"),)

    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    default_amount: Mapped[int] = mapped_column(default=0)
    needs_approval: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class SupportCase(Synced, Base):
    __tablename__ = "support_case"

    kind_id: Mapped[int] = mapped_column(ForeignKey("support_kind.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    # A relative of the member (e.g. for a bereavement); empty when the member is helped.
    beneficiary_name: Mapped[str] = mapped_column(String(200), default="")
    relation: Mapped[str] = mapped_column(String(100), default="")  # quan hệ: mẹ, con…
    occurred_on: Mapped[date]
    amount: Mapped[int]  # VND, an integer, never a float
    reason: Mapped[str] = mapped_column(Text, default="")
    paper_ref: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20), default=SupportStatus.PROPOSED, index=True)


class SupportCaseEvent(Synced, Base):
    """One dated step of a case's workflow, with who took it."""

    __tablename__ = "support_case_event"

    case_id: Mapped[int] = mapped_column(ForeignKey("support_case.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    by_user: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(500), default="")

    case: Mapped[SupportCase] = relationship()
