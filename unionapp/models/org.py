"""The union tree: parent union → branch (CĐCS) → groups (tổ công đoàn)."""

from __future__ import annotations

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

    parent: Mapped[OrgUnit | None] = relationship(
        remote_side="OrgUnit.id", foreign_keys=[parent_id], lazy="joined", innerjoin=False
    )


class OrgUnitMove(Synced, Base):
    """A dated change of a unit's parent (in 2025 whole branches moved to new parent unions).

    ``OrgUnit.parent_id`` is the parent today; these rows say since when and what came before.
    """

    __tablename__ = "org_unit_move"

    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    old_parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    new_parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    effective_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(500), default="")
