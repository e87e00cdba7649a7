"""The union tree: parent union → branch (CĐCS) → groups (tổ công đoàn)."""

from __future__ import annotations

import uuid as uuid_mod
from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Synced


class OrgKind:
    PARENT_UNION = "parent_union"
    BRANCH = "branch"
    GROUP = "group"
    ALL = (PARENT_UNION, BRANCH, GROUP)


class OrgUnit(Synced, Base):
    """A node of the union tree (đơn vị / tổ chức công đoàn)."""

    __tablename__ = "org_unit"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    # Where its documents are dated ("Hà Nội, ngày …") and its address.
    place: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    # Fully budget-funded units collect no dues (2025 rules); a fact about the unit, not code.
    budget_funded: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)
    # The day a branch ended its activity (giải thể / kết thúc hoạt động); its database is
    # then read-only (see unionapp.closing).
    closed_on: Mapped[date | None]

    parent: Mapped[OrgUnit | None] = relationship(
        remote_side="OrgUnit.id", foreign_keys=[parent_id], lazy="joined", innerjoin=False
    )


class OrgUnitMove(Synced, Base):
    """A dated change of a unit's parent (chuyển giao / sáp nhập): in 2025 whole branches
    moved to new parent unions, some twice. ``OrgUnit.parent_id`` is the parent today; these
    rows say since when, what came before, and how documents named the parent in each period
    (the two lines printed top left: the superior, then the issuing body itself).

    Units are named by UUID, code and name as they were at the time, not by local keys: a
    move travels to databases that never knew one of the parents (the new parent union learns
    a branch's history from its first package; the branches of a parent union learn a move it
    made from its reference data). See :mod:`unionapp.reorg`.
    """

    __tablename__ = "org_unit_move"

    org_unit_uuid: Mapped[uuid_mod.UUID] = mapped_column(index=True)  # the unit that moves
    effective_on: Mapped[date]
    old_parent_uuid: Mapped[uuid_mod.UUID | None]
    old_parent_code: Mapped[str] = mapped_column(String(40), default="")
    old_parent_name: Mapped[str] = mapped_column(String(300), default="")
    # The header lines of documents dated before the move ("" for the issuer: the unit's name).
    old_superior_line: Mapped[str] = mapped_column(String(300), default="")
    old_issuer_line: Mapped[str] = mapped_column(String(300), default="")
    new_parent_uuid: Mapped[uuid_mod.UUID | None]
    new_parent_code: Mapped[str] = mapped_column(String(40), default="")
    new_parent_name: Mapped[str] = mapped_column(String(300), default="")
    # ... and of documents dated from ``effective_on`` on.
    superior_line: Mapped[str] = mapped_column(String(300), default="")
    issuer_line: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
