"""Support cases (chăm lo – hỗ trợ): kinds with default amounts, yearly funds, cases and their
workflow, batches of cases given together, and corrections of amounts already paid."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
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
    # The money of a case in these statuses is spoken for: it counts against its fund.
    COMMITTED = (APPROVED, PAID, CLOSED)
    # The money of a case in these statuses has been handed over ("đã chi").
    GIVEN = (PAID, CLOSED)


class SupportKind(Synced, Base):
    """A catalogue entry (ốm đau, hiếu, hỉ…) with its default amount; codes unique per owner."""

    __tablename__ = "support_kind"
    __table_args__ = (UniqueConstraint("owner_uuid", "code"),)

    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    default_amount: Mapped[int] = mapped_column(default=0)
    # False: the branch's spending rules (quy chế chi tiêu) already approve this kind, so a
    # case starts as approved; True: the committee approves each case.
    needs_approval: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # The code of the fund a case of this kind usually draws on ("" for none).
    fund_code: Mapped[str] = mapped_column(String(40), default="")


class SupportFund(Synced, Base):
    """One year's budget (dự toán) of a fund, e.g. "Quỹ xã hội" 2025: 30.000.000 đ.

    The same fund in another year is another row with the same code. Its version goes up
    whenever money is committed against it, so two approvals at once are serialised.
    """

    __tablename__ = "support_fund"
    __table_args__ = (UniqueConstraint("owner_uuid", "code", "year"),)

    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(index=True)
    budget: Mapped[int] = mapped_column(BigInteger, default=0)  # VND
    note: Mapped[str] = mapped_column(String(500), default="")
    sort_order: Mapped[int] = mapped_column(default=0)


class SupportBatch(Synced, Base):
    """The same support given to many members at once (Tết gifts for a group…)."""

    __tablename__ = "support_batch"

    title: Mapped[str] = mapped_column(String(300))
    kind_id: Mapped[int] = mapped_column(ForeignKey("support_kind.id"), index=True)
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("support_fund.id"), index=True)
    occurred_on: Mapped[date]
    amount: Mapped[int]  # per person, VND
    reason: Mapped[str] = mapped_column(Text, default="")
    paper_ref: Mapped[str] = mapped_column(String(100), default="")
    # How the recipients were chosen, in words (printed under the list's title).
    criteria: Mapped[str] = mapped_column(String(500), default="")


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
    fund_id: Mapped[int | None] = mapped_column(
        ForeignKey("support_fund.id"), index=True, sort_order=20
    )
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("support_batch.id"), index=True, sort_order=21
    )
    # The recorded relative the beneficiary is (name and relation are copied above as
    # written on the papers at the time).
    relative_id: Mapped[int | None] = mapped_column(
        ForeignKey("member_relative.id"), index=True, sort_order=22
    )


class SupportCaseEvent(Synced, Base):
    """One dated step of a case's workflow, with who took it."""

    __tablename__ = "support_case_event"

    case_id: Mapped[int] = mapped_column(ForeignKey("support_case.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]  # when it was recorded
    by_user: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    # The date of the step on paper (approved on, paid on), which may precede ``at``.
    effective_on: Mapped[date] = mapped_column(sort_order=20)
    # The step committed money beyond the fund's budget, confirmed by the user.
    over_budget: Mapped[bool] = mapped_column(default=False, sort_order=21)

    case: Mapped[SupportCase] = relationship()


class SupportCorrection(Synced, Base):
    """A change of a paid case's amount: the only way it can change, and never silent."""

    __tablename__ = "support_correction"

    case_id: Mapped[int] = mapped_column(ForeignKey("support_case.id"), index=True)
    old_amount: Mapped[int]
    new_amount: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime]
    by_user: Mapped[str] = mapped_column(String(100), default="")
    over_budget: Mapped[bool] = mapped_column(default=False)
