"""Round trips reproduce every record exactly: a full branch export into an empty parent
union, and reference data from the parent down to the branch and back up in use."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.exchange.conftest import Pair
from tests.exchange.records import assert_same_records, records
from unionapp import members
from unionapp.db import Database
from unionapp.exchange.format import ENTITIES
from unionapp.models import (
    Activity,
    ActivityKind,
    AwardDecision,
    AwardKind,
    Member,
    MovementKind,
    OrgUnit,
    Participation,
    RecipientType,
    SupportCase,
    SupportKind,
)
from unionapp.models import utcnow as now
from unionapp.org import subtree


def _branch_records(db: Database) -> dict[str, set]:
    """The UUIDs of every record a branch owns (what its full export carries)."""
    home = db.home_unit_uuid
    assert home is not None
    with db.read() as s:
        units = set(subtree(s, home))
    out = {}
    for spec in ENTITIES:
        found = records(db, spec.model)
        if spec.name == "org_unit":
            out[spec.name] = {u for u in found if u in units}
        else:
            out[spec.name] = {u for u, r in found.items() if r["owner_uuid"] in units}
    return out


def test_a_full_branch_export_into_an_empty_parent_reproduces_every_record(pair: Pair) -> None:
    branch = pair.branch.db
    everyone = members.find_members(branch)
    members.delete_member(branch, everyone[0].uuid)  # a tombstone
    groups = [u for u in _branch_records(branch)["org_unit"] if u != branch.home_unit_uuid]
    members.record_movement(branch, everyone[1].uuid, MovementKind.GROUP_CHANGE,
                            date(2025, 3, 1), to_group=groups[0])
    members.record_movement(branch, everyone[2].uuid, MovementKind.RETIREMENT, date(2025, 4, 1))
    wanted = _branch_records(branch)
    assert sum(len(v) for v in wanted.values()) > 300

    summary = pair.send_up(full=True)
    assert summary.entities["member"].deleted == 1
    for spec in ENTITIES:
        assert_same_records(branch, pair.parent.db, spec.model, wanted[spec.name])
    assert summary.total("created") + summary.total("deleted") + summary.total(
        "updated") == sum(len(v) for v in wanted.values())


def _parent_reference_data(db: Database) -> None:
    home = db.home_unit_uuid
    with db.transaction() as s:
        unit = s.scalar(select(OrgUnit).where(OrgUnit.uuid == home))
        assert unit is not None
        unit.address = "Số 1 Phố Thi Đua, Hà Nội"
        s.add(AwardKind(code="BK-TP", name="Bằng khen của Công đoàn Viên chức thành phố",
                        certificate_title="BẰNG KHEN", recipient_type=RecipientType.BOTH,
                        template="bang_khen", sort_order=20))
        s.add(SupportKind(code="HT-DB", name="Hỗ trợ đặc biệt", default_amount=3_000_000))
        s.add(Activity(kind=ActivityKind.EMULATION_MOVEMENT,
                       title="Phong trào thi đua “Viên chức Thủ đô sáng tạo” năm 2025",
                       org_unit_id=unit.id, starts_on=date(2025, 1, 1),
                       ends_on=date(2025, 12, 31)))
        s.add(Activity(kind=ActivityKind.MEETING, title="Họp nội bộ cấp trên",
                       org_unit_id=unit.id, starts_on=date(2025, 2, 2)))


def _owned_by(db: Database, model: type, owner: object) -> set:
    return {u for u, r in records(db, model).items() if r["owner_uuid"] == owner}


def test_reference_data_round_trip_parent_to_branch_and_back(pair: Pair) -> None:
    parent, branch = pair.parent.db, pair.branch.db
    home = parent.home_unit_uuid
    _parent_reference_data(parent)
    down = pair.send_down()
    assert down.entities["award_kind"].created == 8  # the seeded kinds and the new one
    assert down.entities["activity"].created == 1  # only the emulation movement comes down
    for model in (OrgUnit, AwardKind, SupportKind, Activity):
        sent = {u for u, r in records(parent, model).items() if r["owner_uuid"] == home
                and (model is not Activity or r["kind"] == ActivityKind.EMULATION_MOVEMENT)}
        assert_same_records(parent, branch, model, sent)

    # The branch uses the parent's catalogue and movement, and sends its records up.
    with branch.read() as s:
        movement = s.scalar(select(Activity).where(Activity.owner_uuid == home))
        kind = s.scalar(select(AwardKind).where(AwardKind.code == "BK-TP"))
        support = s.scalar(select(SupportKind).where(SupportKind.code == "HT-DB"))
        member = s.scalar(select(Member).order_by(Member.id))
        assert movement and kind and support and member
        ids = movement.id, kind.id, support.id, member.id
    with branch.transaction() as s:
        s.add(Participation(activity_id=ids[0], member_id=ids[3], result="Hoàn thành xuất sắc"))
        s.add(AwardDecision(number="20/QĐ-CĐCS", decided_on=date(2025, 12, 20),
                            issuing_body="BAN CHẤP HÀNH CĐCS", award_kind_id=ids[1],
                            activity_id=ids[0], year=2025))
        s.add(SupportCase(kind_id=ids[2], member_id=ids[3], occurred_on=date(2025, 5, 5),
                          amount=3_000_000, reason="Hoàn cảnh đặc biệt"))
    up = pair.send_up()
    assert up.status == "ok", up.text()
    mine = _branch_records(branch)
    for spec in ENTITIES:
        assert_same_records(branch, parent, spec.model, mine[spec.name])

    # The parent changes its catalogue and ends its movement: the branch follows exactly.
    with parent.transaction() as s:
        changed = s.scalar(select(AwardKind).where(AwardKind.code == "BK-TP",
                                                   AwardKind.owner_uuid == home))
        assert changed is not None
        changed.name = "Bằng khen của Ban Thường vụ Công đoàn Viên chức thành phố"
        ended = s.scalar(select(Activity).where(
            Activity.kind == ActivityKind.EMULATION_MOVEMENT, Activity.owner_uuid == home))
        assert ended is not None
        ended.deleted_at = now()
    again = pair.send_down()
    assert again.entities["award_kind"].updated == 1
    assert again.entities["activity"].deleted == 1
    for model in (AwardKind, Activity, SupportKind):
        assert_same_records(parent, branch, model, _owned_by(branch, model, home))
