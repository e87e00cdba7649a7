"""The union tree and setting up a database for its home unit (a branch or a parent union)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from .catalogues import AWARD_KINDS, SUPPORT_KINDS
from .db import Database, set_info
from .errors import NotFound, UserError
from .i18n import _
from .models import AwardKind, OrgKind, OrgUnit, SupportKind
from .permissions import Permission, require
from .text import clean


@dataclass(frozen=True)
class OrgUnitView:
    uuid: uuid.UUID
    code: str
    name: str
    kind: str
    parent_uuid: uuid.UUID | None
    place: str


def _view(unit: OrgUnit) -> OrgUnitView:
    return OrgUnitView(
        uuid=unit.uuid,
        code=unit.code,
        name=unit.name,
        kind=unit.kind,
        parent_uuid=unit.parent.uuid if unit.parent else None,
        place=unit.place,
    )


def init_database(
    db: Database,
    *,
    code: str,
    name: str,
    parent_mode: bool = False,
    parent_code: str = "",
    parent_name: str = "",
    place: str = "",
) -> OrgUnitView:
    """Make ``db`` the database of one unit: a branch (CĐCS), or with ``parent_mode`` a
    parent union. Seeds the catalogues. Refuses a database that already has its unit."""
    require(db, Permission.ORG_EDIT)
    code, name = clean(code), clean(name)
    if not code or not name:
        raise UserError(_("The unit's code and name are both required."))
    if db.is_initialised:
        raise UserError(_("This database already belongs to a unit; it can't be set up again."))
    with db.transaction() as s:
        home_uuid = uuid.uuid4()
        s.info["home_unit_uuid"] = home_uuid  # everything below belongs to the new unit
        parent = None
        if parent_code and not parent_mode:
            # The branch's own copy of its parent union (the parent's database holds the
            # authoritative one and sends it down as reference data).
            parent = OrgUnit(
                code=clean(parent_code),
                name=clean(parent_name) or clean(parent_code),
                kind=OrgKind.PARENT_UNION,
                place=clean(place),
            )
        home = OrgUnit(
            uuid=home_uuid,
            code=code,
            name=name,
            kind=OrgKind.PARENT_UNION if parent_mode else OrgKind.BRANCH,
            parent=parent,
            place=clean(place),
        )
        s.add(home)
        for order, (kcode, kname, title, recipient, template) in enumerate(AWARD_KINDS):
            s.add(
                AwardKind(
                    code=kcode,
                    name=kname,
                    certificate_title=title,
                    recipient_type=recipient,
                    template=template,
                    sort_order=order,
                )
            )
        for order, (kcode, kname, amount, approval, fund) in enumerate(SUPPORT_KINDS):
            s.add(
                SupportKind(
                    code=kcode,
                    name=kname,
                    default_amount=amount,
                    needs_approval=approval,
                    sort_order=order,
                    fund_code=fund,
                )
            )
        set_info(s, "home_unit_uuid", str(home.uuid))
        set_info(s, "mode", "parent" if parent_mode else "branch")
        s.flush()
        view = _view(home)
    db.refresh_info()
    return view


def home_unit(db: Database) -> OrgUnitView:
    with db.read() as s:
        unit = s.scalar(select(OrgUnit).where(OrgUnit.uuid == db.home_unit_uuid))
        if unit is None:
            raise NotFound(_("This database has not been set up yet: run unionapp init."))
        return _view(unit)


def add_group(
    db: Database, *, code: str, name: str, parent: uuid.UUID | None = None
) -> OrgUnitView:
    """Add a group (tổ công đoàn) under the home branch (or under ``parent``)."""
    require(db, Permission.ORG_EDIT)
    with db.transaction() as s:
        parent_unit = s.scalar(select(OrgUnit).where(OrgUnit.uuid == (parent or db.home_unit_uuid)))
        if parent_unit is None:
            raise NotFound(_("No such unit."))
        code = clean(code)
        if s.scalar(select(OrgUnit.id).where(OrgUnit.code == code)) is not None:
            raise UserError(_("The code {code} is already used by another unit.").format(code=code))
        group = OrgUnit(
            code=code,
            name=clean(name),
            kind=OrgKind.GROUP,
            parent=parent_unit,
            place=parent_unit.place,
        )
        s.add(group)
        s.flush()
        return _view(group)


def list_units(db: Database, kind: str | None = None) -> list[OrgUnitView]:
    """Live units, in their set order then by name."""
    with db.read() as s:
        query = select(OrgUnit).where(OrgUnit.deleted_at.is_(None))
        if kind:
            query = query.where(OrgUnit.kind == kind)
        units = s.scalars(query.order_by(OrgUnit.sort_order, OrgUnit.name)).all()
        return [_view(u) for u in units]


def subtree(session: Session, root: uuid.UUID) -> dict[uuid.UUID, int]:
    """The units under ``root`` (itself included, tombstoned ones too): UUID → local id.
    Read with a recursive query that visits only that subtree (through the parent index), so
    a branch's subtree costs the same in a parent union's database of any size; UNION, not
    UNION ALL, ends a loop of parents should one ever be stored."""
    start = select(OrgUnit.id, OrgUnit.uuid).where(OrgUnit.uuid == root).cte(
        "units_below", recursive=True)
    child = aliased(OrgUnit)
    tree = start.union(select(child.id, child.uuid).where(child.parent_id == start.c.id))
    return {unit_uuid: unit_id for unit_id, unit_uuid in session.execute(
        select(tree.c.id, tree.c.uuid))}


def subtree_select(root: uuid.UUID) -> Select[tuple[int]]:
    """The local ids of the units under ``root`` as a subquery (a recursive CTE, the same on
    SQLite and PostgreSQL), for lists filtered by branch."""
    start = select(OrgUnit.id).where(OrgUnit.uuid == root).cte("subtree", recursive=True)
    child = aliased(OrgUnit)
    tree = start.union_all(select(child.id).where(child.parent_id == start.c.id))
    return select(tree.c.id)


def subtree_ids(unit_id: int) -> Select[tuple[int]]:
    """The local ids of the units under the unit ``unit_id`` (itself included), as a
    subquery."""
    start = select(OrgUnit.id).where(OrgUnit.id == unit_id).cte("ids_below", recursive=True)
    child = aliased(OrgUnit)
    tree = start.union(select(child.id).where(child.parent_id == start.c.id))
    return select(tree.c.id)


def branches(db: Database) -> list[OrgUnitView]:
    """The live branches (CĐCS) in this database, by name (a parent union's view)."""
    return list_units(db, OrgKind.BRANCH)
