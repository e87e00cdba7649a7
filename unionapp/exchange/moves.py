"""How packages follow a reorganisation: branches that change parent union, members whose
record changes hands between branches. Kept apart from the import and export machinery,
which call it at a few points (see the hooks below).

A branch moves (:mod:`unionapp.reorg`)
    Its next package is a full one, until the new parent union confirms one
    (:func:`full_export_needed`, asked by the export): the new parent has nothing to build a
    delta on. The package carries the branch's own record of its moves, so the new parent
    learns its history with it. The old parent union refuses packages the branch made on or
    after the day it left (:func:`refusal`); the branch likewise refuses the reference data of
    a parent union it left. A parent union that moves one of its branches records the move
    in its reference data; the branch learns it on import (:func:`after_merge`).

A member transfers between two branches of the same parent union (:mod:`unionapp.transfers`)
    The member keeps one UUID, and the parent union holds one record of them: the receiving
    branch's package takes the record over from the sending branch when there is evidence of
    the transfer — the receiving branch's own "transfer in" movement from the sender, or the
    sender's "transfer out" movement to the receiver — and the sender's later copies of the
    record (a full package, say) are left aside instead of taking it back
    (:func:`before_merge`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from ..db import Database
from ..i18n import _
from ..models import Member, MemberRelative, Movement, MovementKind, OrgUnit
from ..reorg import Move, code_key, learn_moves, moves_of, period_on, periods_of, same_unit
from ..text import format_date
from .format import Kind
from .manifest import Manifest
from .merge import Frame, Plan
from .state import CHUNK, chunks, last_acked_export
from .summary import Message

# --- export --------------------------------------------------------------------------------


def full_export_needed(s: Session, home: uuid.UUID) -> bool:
    """After a move to another parent union's database: every export is full until one of
    them (or a later one) is acknowledged by the new parent."""
    from ..reorg import full_export_from

    first = full_export_from(s)
    return first is not None and last_acked_export(s, home) < first


# --- import: before and after the merge ---------------------------------------------------------


def before_merge(s: Session, db: Database, manifest: Manifest, frames: dict[str, Frame],
                 plan: Plan) -> tuple[Message | None, dict[str, set[str]]]:
    """Called once the package's rows are read, before they are checked against this database:
    a refusal (the sender left this parent union, or this branch left the sender), and the
    records the sender may take over from another branch (transferred members). Rows the
    sender no longer owns here are taken out of ``frames`` (counted as unchanged)."""
    refused = refusal(s, db, manifest, frames)
    if refused is not None or manifest.kind != Kind.BRANCH_EXPORT:
        return refused, {}
    return None, _hand_over(s, manifest, frames, plan)


def after_merge(s: Session, db: Database, manifest: Manifest) -> list[Message]:
    """Called after a package was written: a branch learns the moves its parent union made."""
    if db.mode == "parent" or manifest.kind != Kind.REFERENCE_DATA:
        return []
    notes = []
    for move in learn_moves(s):
        notes.append(Message("moved_by_parent", _(
            "{code} recorded that this union is under {parent} from {date}. Documents dated "
            "from then on are headed by it, and the next data package is a full one for "
            "the new parent union.").format(code=manifest.source_code,
                                            parent=move.new_parent_name,
                                            date=format_date(move.effective_on))))
    return notes


# --- moves: who may send packages here ------------------------------------------------------------


def _package_moves(frames: dict[str, Frame], unit: uuid.UUID) -> list[Move]:
    frame = frames.get("org_unit_move")
    if frame is None:
        return []
    out = []
    c = frame.columns
    for i in range(frame.n):
        try:
            if c["deleted_at"][i] is not None or uuid.UUID(c["org_unit_uuid"][i]) != unit:
                continue
            out.append(Move(
                uuid.UUID(c["uuid"][i]), uuid.UUID(c["owner_uuid"][i]), unit,
                date.fromisoformat(c["effective_on"][i]), _uuid(c["old_parent_uuid"][i]),
                c["old_parent_code"][i], c["old_parent_name"][i], c["old_superior_line"][i],
                c["old_issuer_line"][i], _uuid(c["new_parent_uuid"][i]),
                c["new_parent_code"][i], c["new_parent_name"][i], c["superior_line"][i],
                c["issuer_line"][i], (c["created_at"][i] or "", i)))
        except (KeyError, TypeError, ValueError):
            continue  # a row the merge will refuse anyway
    return out


def _uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def _stored_moves(s: Session, unit: uuid.UUID) -> list[Move]:
    # Ordered like package rows (canonical creation time), so the two sets mix.
    return [Move(**{**m.__dict__, "created_order": (str(m.created_order[0])[:26],
                                                    m.created_order[1])})
            for m in moves_of(s, unit)]


def refusal(s: Session, db: Database, manifest: Manifest,
            frames: dict[str, Frame]) -> Message | None:
    """A package from a unit that is no longer ours (or whose union we left), made on or after
    the day it left: refused, with what happened in plain words."""
    home = db.home_unit_uuid
    if home is None:
        return None
    made = manifest.created_at.astimezone().date()
    source = manifest.source_uuid
    if db.mode == "parent" and manifest.kind == Kind.BRANCH_EXPORT:
        moves = _merge_moves(_stored_moves(s, source), _package_moves(frames, source))
        if not moves:
            return None
        history = periods_of(moves, source)
        under = _Under(s, home)

        def is_ours(period: Any) -> bool:
            return (period.parent_uuid is not None and under.holds(period.parent_uuid)) or (
                bool(period.parent_code) and under.has_code(period.parent_code))

        now = period_on(history, made)
        if is_ours(now):
            return None  # ours on that day
        ended = [p for p in history if p.ends_on is not None and p.ends_on < made
                 and is_ours(p)]
        if not ended:
            return None  # never ours (a new parent takes any package)
        return Message("branch_left", _(
            "{code} — {name} left this parent union on {date}: from then on it is under "
            "{parent}. This package was made on {made}, after it left, and is refused; "
            "nothing was changed. Its data goes to {parent} now.").format(
            code=manifest.source_code, name=manifest.source_name,
            date=format_date(ended[-1].ends_on + timedelta(days=1)),
            parent=now.parent_name or now.parent_code,
            made=format_date(made)))
    if db.mode != "parent" and manifest.kind == Kind.REFERENCE_DATA:
        history = periods_of(_stored_moves(s, home), home)
        if len(history) < 2:
            return None
        now = period_on(history, made)
        parent_here = s.scalar(select(OrgUnit).where(OrgUnit.uuid == now.parent_uuid)) \
            if now.parent_uuid else None
        sender_ours = same_unit(now.parent_uuid, now.parent_code, source,
                                manifest.source_code) or (
            parent_here is not None and parent_here.owner_uuid == source)
        ended = [p for p in history if p.ends_on is not None and p.ends_on < made
                 and same_unit(p.parent_uuid, p.parent_code, source, manifest.source_code)]
        if sender_ours or not ended:
            return None
        return Message("left_parent", _(
            "This union left {code} — {name} on {date}; it is under {parent} now. Data from "
            "{code} made after that day is refused; nothing was changed.").format(
            code=manifest.source_code, name=manifest.source_name,
            date=format_date(ended[-1].ends_on + timedelta(days=1)), parent=now.parent_name))
    return None


class _Under:
    """The units under ``root`` here, asked about one at a time: by UUID through the chain of
    parents (a few look-ups, whatever the database's size), by code from the codes of the
    whole subtree, read only when a code is asked about (a parent union's database holds
    thousands of units: reading them all for each package cost more than the rest of its
    checks)."""

    def __init__(self, s: Session, root: uuid.UUID):
        self.s = s
        self.root = root
        self._codes: set[str] | None = None

    def holds(self, unit: uuid.UUID) -> bool:
        row = self.s.execute(select(OrgUnit.id, OrgUnit.uuid, OrgUnit.parent_id).where(
            OrgUnit.uuid == unit)).first()
        seen: set[int] = set()
        while row is not None and row.id not in seen:
            if row.uuid == self.root:
                return True
            seen.add(row.id)
            if row.parent_id is None:
                return False
            row = self.s.execute(select(OrgUnit.id, OrgUnit.uuid, OrgUnit.parent_id).where(
                OrgUnit.id == row.parent_id)).first()
        return False

    def has_code(self, code: str) -> bool:
        if self._codes is None:
            # As org.subtree: UNION ends a loop of parents should one ever be stored.
            start = select(OrgUnit.id, OrgUnit.code).where(OrgUnit.uuid == self.root).cte(
                "codes_below", recursive=True)
            child = aliased(OrgUnit)
            tree = start.union(select(child.id, child.code).where(child.parent_id == start.c.id))
            self._codes = {_code_key(c) for (c,) in self.s.execute(select(tree.c.code))}
        return _code_key(code) in self._codes


@lru_cache(maxsize=1 << 16)
def _code_key(code: str) -> str:
    """:func:`code_key`, remembered: the same few thousand unit codes come up package after
    package."""
    return code_key(code)


def former_parent(db: Database, source: uuid.UUID, code: str) -> Message | None:
    """In a branch's database, a package signed by a parent union this branch left (whose key
    was replaced by the new parent's): said as such, not as an unknown key to enrol."""
    home = db.home_unit_uuid
    if home is None or db.mode == "parent":
        return None
    with db.read() as s:
        history = periods_of(_stored_moves(s, home), home)
    now = history[-1]
    ended = [p for p in history[:-1] if same_unit(p.parent_uuid, p.parent_code, source, code)]
    if not ended or same_unit(now.parent_uuid, now.parent_code, source, code):
        return None
    assert ended[-1].ends_on is not None
    return Message("left_parent", _(
        "This union left {code} — {name} on {date}; it is under {parent} now. Data from "
        "{code} made after that day is refused; nothing was changed.").format(
        code=code or ended[-1].parent_code, name=ended[-1].parent_name,
        date=format_date(ended[-1].ends_on + timedelta(days=1)), parent=now.parent_name))


def _merge_moves(stored: list[Move], incoming: list[Move]) -> list[Move]:
    """Both sets, each move once (the package's copy of a stored row replaces it)."""
    seen = {m.uuid for m in incoming}
    return [*incoming, *(m for m in stored if m.uuid not in seen)]


# --- members changing hands -------------------------------------------------------------------


def _evidence(s: Session, source: uuid.UUID, source_code: str,
              frames: dict[str, Frame]) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Transfers between the sender and other branches, as (member, other branch) pairs of
    canonical UUID text: ``arrived`` — members the sender took in from the other branch;
    ``left`` — members the sender sent to the other branch."""
    arrived: set[tuple[str, str]] = set()
    left: set[tuple[str, str]] = set()
    codes: dict[str, str] | None = None  # code key → unit uuid (text), read when needed

    def other(unit: Any, code: str) -> str | None:
        nonlocal codes
        if unit:
            return str(unit)
        if codes is None:  # a movement naming its other unit by code alone (an old one)
            codes = {}
            for unit_uuid, unit_code in s.execute(select(OrgUnit.uuid, OrgUnit.code)):
                codes.setdefault(_code_key(unit_code), str(unit_uuid))
        return codes.get(_code_key(code))

    frame = frames.get("movement")
    if frame is not None:  # the package's own movements (the sender's)
        c = frame.columns
        for i in range(frame.n):
            kind = c["kind"][i]
            if kind not in (MovementKind.TRANSFER_IN, MovementKind.TRANSFER_OUT) or (
                    c["deleted_at"][i] is not None):
                continue
            unit = other(c["other_unit_uuid"][i], c["other_unit_code"][i])
            if unit is not None:
                (arrived if kind == MovementKind.TRANSFER_IN else left).add(
                    (c["member_uuid"][i], unit))
    # Movements here naming the sender (indexed: few rows).
    variants = {source_code, source_code.upper(), source_code.lower()} - {""}
    owner = aliased(Movement)
    rows = s.execute(select(Member.uuid, owner.kind, owner.owner_uuid).join(
        Member, owner.member_id == Member.id).where(
        owner.kind.in_([MovementKind.TRANSFER_IN, MovementKind.TRANSFER_OUT]),
        owner.deleted_at.is_(None),
        or_(owner.other_unit_uuid == source, owner.other_unit_code.in_(variants))))
    for member, kind, by in rows:
        # Another branch's transfer in from the sender: the sender sent them there.
        # Another branch's transfer out to the sender: the sender took them in.
        (left if kind == MovementKind.TRANSFER_IN else arrived).add((str(member), str(by)))
    return arrived, left


def transferred_away(s: Session, manifest: Manifest) -> dict[str, set[str]]:
    """Members the sender transferred to another branch that has already taken them over
    here, by entity: the sender's own records of them (movements, participations, awards,
    cases from their time there) may still point to them. Only the receiving branch's own
    transfer-in stored here counts as evidence — a package can't vouch for itself."""
    if manifest.kind != Kind.BRANCH_EXPORT:
        return {}
    code = manifest.source_code
    variants = {code, code.upper(), code.lower()} - {""}
    owner = aliased(Movement)
    rows = s.execute(select(Member.uuid).join(owner, owner.member_id == Member.id).where(
        owner.kind == MovementKind.TRANSFER_IN, owner.deleted_at.is_(None),
        owner.owner_uuid == Member.owner_uuid,  # recorded by the branch that holds them now
        or_(owner.other_unit_uuid == manifest.source_uuid,
            owner.other_unit_code.in_(variants)))).scalars()
    return {"member": {str(member) for member in rows}}


def _owners(s: Session, entity: str, records: Iterable[str]) -> dict[str, str]:
    """Record (UUID text) → its owner here, for the records found here."""
    model = Member if entity == "member" else MemberRelative
    wanted = [uuid.UUID(r) for r in records]
    out: dict[str, str] = {}
    for part in chunks(wanted, CHUNK):
        for record, owner in s.execute(select(model.uuid, model.owner_uuid).where(
                model.uuid.in_(list(part)))):
            out[str(record)] = str(owner)
    return out


def _hand_over(s: Session, manifest: Manifest, frames: dict[str, Frame],
               plan: Plan) -> dict[str, set[str]]:
    """The records of transferred members the sender may take over here, by entity; rows of
    members the sender gave away to a branch that already took them over are dropped."""
    members = frames.get("member")
    if members is None or not members.n:
        return {}
    arrived, left = _evidence(s, manifest.source_uuid, manifest.source_code, frames)
    if not arrived and not left:
        return {}
    sender = str(manifest.source_uuid)
    in_package = set(members.uuids)
    candidates = {m for m, _u in arrived | left} & in_package
    owners = _owners(s, "member", candidates)
    takeover: set[str] = set()
    dropped: set[str] = set()
    for member, owner in owners.items():
        if owner == sender:
            continue
        if (member, owner) in arrived:
            takeover.add(member)
        elif (member, owner) in left:
            dropped.add(member)
    if not takeover and not dropped:
        return {}
    result: dict[str, set[str]] = {"member": takeover}
    relatives = frames.get("member_relative")
    if relatives is not None and relatives.n:
        # A relative follows their member: taken over with them, or left aside with them.
        of_member = dict(zip(relatives.uuids, relatives.columns["member_uuid"], strict=True))
        result["member_relative"] = {r for r, m in of_member.items() if m in takeover}
        _drop(frames, "member_relative", {r for r, m in of_member.items() if m in dropped},
              plan)
    _drop(frames, "member", dropped, plan)
    return result


def _drop(frames: dict[str, Frame], entity: str, records: set[str], plan: Plan) -> None:
    frame = frames.get(entity)
    if frame is None or not records:
        return
    keep = [i for i, u in enumerate(frame.uuids) if u not in records]
    if len(keep) == frame.n:
        return
    columns = {name: [values[i] for i in keep] for name, values in frame.columns.items()}
    frames[entity] = Frame(frame.spec, columns, [frame.bases[i] for i in keep],
                           [frame.origins[i] for i in keep])
    plan.counts[entity].unchanged += frame.n - len(keep)
