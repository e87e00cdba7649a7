"""Every record is sync-ready: UUID, time stamps, version, owner; audit rows; tombstones."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from unionapp import members
from unionapp.db import Database
from unionapp.members import MemberInput
from unionapp.models import AuditLog, Member, OrgUnit, utcnow


def _audit(db: Database, entity_uuid: uuid.UUID) -> list[AuditLog]:
    with db.read() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.entity_uuid == entity_uuid)
                              .order_by(AuditLog.id)))


def test_new_record_is_stamped_and_audited(db: Database) -> None:
    row = members.create_member(db, MemberInput(full_name="Nguyễn Thị Thu Hằng"))
    with db.read() as s:
        member = s.scalar(select(Member).where(Member.uuid == row.uuid))
        assert member is not None
        assert member.version == 1
        assert member.owner_uuid == db.home_unit_uuid
        assert member.created_at == member.updated_at
        assert member.created_at.tzinfo is not None
        assert member.deleted_at is None
    [entry] = _audit(db, row.uuid)
    assert entry.action == "create"
    assert entry.user == "tester"
    assert entry.after is not None and entry.after["full_name"] == "Nguyễn Thị Thu Hằng"


def test_update_bumps_version_and_logs_before_and_after(db: Database) -> None:
    row = members.create_member(db, MemberInput(full_name="Trần Văn An", phone="0912345678"))
    data = members.member_input(db, row.uuid)
    data.phone = "0987654321"
    members.update_member(db, row.uuid, data)
    with db.read() as s:
        member = s.scalar(select(Member).where(Member.uuid == row.uuid))
        assert member is not None and member.version == 2
        assert member.updated_at > member.created_at
    update = _audit(db, row.uuid)[-1]
    assert update.action == "update"
    assert update.before == {"phone": "0912345678"}
    assert update.after == {"phone": "0987654321"}


def test_saving_unchanged_data_changes_nothing(db: Database) -> None:
    row = members.create_member(db, MemberInput(full_name="Lê Văn Bình"))
    members.update_member(db, row.uuid, members.member_input(db, row.uuid))
    assert [e.action for e in _audit(db, row.uuid)] == ["create"]
    with db.read() as s:
        assert s.scalar(select(Member.version).where(Member.uuid == row.uuid)) == 1


def test_delete_is_a_tombstone(db: Database) -> None:
    row = members.create_member(db, MemberInput(full_name="Phạm Thị Dung"))
    members.delete_member(db, row.uuid)
    with db.read() as s:
        member = s.scalar(select(Member).where(Member.uuid == row.uuid))
        assert member is not None, "rows never vanish"
        assert member.deleted_at is not None
        assert member.version == 2
    assert members.find_members(db, "dung") == []
    assert _audit(db, row.uuid)[-1].action == "delete"


def test_hard_delete_is_refused(db: Database) -> None:
    row = members.create_member(db, MemberInput(full_name="Vũ Văn Hải"))
    with pytest.raises(RuntimeError, match="tombstone"), db.transaction() as s:
        s.delete(s.scalar(select(Member).where(Member.uuid == row.uuid)))
    assert len(members.find_members(db, "hai")) == 1


def test_a_write_from_a_stale_copy_is_refused(db: Database) -> None:
    row = members.create_member(db, MemberInput(full_name="Đỗ Thị Mai"))
    first = db.read()
    stale = first.scalar(select(Member).where(Member.uuid == row.uuid))
    assert stale is not None
    first.commit()  # ends the read; the object keeps the version it was read at
    with db.transaction() as s:
        fresh = s.scalar(select(Member).where(Member.uuid == row.uuid))
        assert fresh is not None
        fresh.phone = "0900000001"
    stale.phone = "0900000002"
    with pytest.raises(StaleDataError):
        first.commit()
    first.close()


def test_a_failed_action_writes_nothing(db: Database) -> None:
    with pytest.raises(ZeroDivisionError), db.transaction() as s:
        s.add(Member(org_unit=s.scalar(select(OrgUnit).where(OrgUnit.uuid == db.home_unit_uuid)),
                     full_name="Ngô Văn Nam"))
        s.flush()
        _ = 1 / 0
    assert members.find_members(db) == []
    with db.read() as s:
        assert s.scalar(select(AuditLog).where(AuditLog.entity == "member")) is None


def test_every_synced_table_has_the_sync_columns() -> None:
    from unionapp.models import Base, Synced

    synced = [m for m in Base.registry.mappers if issubclass(m.class_, Synced)]
    assert len(synced) >= 11
    for mapper in synced:
        columns = set(mapper.columns.keys())
        assert {"uuid", "created_at", "updated_at", "version", "owner_uuid",
                "deleted_at"} <= columns, mapper.class_.__name__


def test_times_are_utc(db: Database) -> None:
    before = utcnow()
    row = members.create_member(db, MemberInput(full_name="Hồ Thị Lan", joined_on=date(2020, 1, 1)))
    with db.read() as s:
        created = s.scalar(select(Member.created_at).where(Member.uuid == row.uuid))
    assert created is not None and created >= before.replace(microsecond=0)
    assert created.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
