"""The catalogue of kinds of support, which the branch edits: name, default amount, whether
the committee approves each case, and the fund a case usually draws on."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import Database
from ..errors import NotFound, Problem, ValidationError
from ..i18n import _
from ..models import SupportKind
from ..permissions import Permission, require
from ..text import clean

MAX_AMOUNT = 1_000_000_000  # one case, VND: a sanity bound (a typo adds zeros)


@dataclass(frozen=True)
class KindRow:
    uuid: uuid.UUID
    code: str
    name: str
    default_amount: int
    needs_approval: bool
    fund_code: str
    active: bool
    sort_order: int


@dataclass(frozen=True)
class KindInput:
    code: str = ""
    name: str = ""
    default_amount: int = 0
    needs_approval: bool = True
    fund_code: str = ""
    active: bool = True

    def cleaned(self) -> KindInput:
        return replace(
            self,
            code=clean(self.code).upper(),
            name=clean(self.name),
            fund_code=clean(self.fund_code).upper(),
        )


def _row(k: SupportKind) -> KindRow:
    return KindRow(
        k.uuid, k.code, k.name, k.default_amount, k.needs_approval, k.fund_code, k.active,
        k.sort_order,
    )


def kind_list(db: Database, *, include_inactive: bool = False) -> list[KindRow]:
    """The catalogue in its set order."""
    with db.read() as s:
        stmt = select(SupportKind).where(SupportKind.deleted_at.is_(None))
        if not include_inactive:
            stmt = stmt.where(SupportKind.active.is_(True))
        return [_row(k) for k in s.scalars(stmt.order_by(SupportKind.sort_order, SupportKind.id))]


def load_kind(s: Session, kind_uuid: uuid.UUID) -> SupportKind:
    kind = s.scalar(select(SupportKind).where(SupportKind.uuid == kind_uuid))
    if kind is None or kind.deleted_at is not None:
        raise NotFound(_("No such kind of support."))
    return kind


def save_kind(db: Database, data: KindInput, kind_uuid: uuid.UUID | None = None) -> KindRow:
    """Add a kind to the catalogue, or change one. A kind in use is retired (``active``
    off), never deleted: its cases keep it."""
    require(db, Permission.SUPPORT_FUNDS)
    data = data.cleaned()
    problems = []
    if not data.code:
        problems.append(Problem(_("The code is required."), "code"))
    if not data.name:
        problems.append(Problem(_("The name is required."), "name"))
    if not 0 <= data.default_amount <= MAX_AMOUNT:
        problems.append(Problem(_("The default amount is not plausible."), "default_amount"))
    with db.transaction() as s:
        same_code = s.scalar(
            select(SupportKind).where(
                SupportKind.code == data.code, SupportKind.deleted_at.is_(None)
            )
        )
        if same_code is not None and same_code.uuid != kind_uuid:
            problems.append(
                Problem(_("The code {code} is already used.").format(code=data.code), "code")
            )
        if problems:
            raise ValidationError(problems)
        if kind_uuid is None:
            last = s.scalar(select(func.max(SupportKind.sort_order))) or 0
            kind = SupportKind(sort_order=last + 1)
            s.add(kind)
        else:
            kind = load_kind(s, kind_uuid)
        kind.code = data.code
        kind.name = data.name
        kind.default_amount = data.default_amount
        kind.needs_approval = data.needs_approval
        kind.fund_code = data.fund_code
        kind.active = data.active
        s.flush()
        return _row(kind)
