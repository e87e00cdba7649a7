"""Activities, emulation movements, participants and their results, initiatives."""

from __future__ import annotations

from datetime import date

import pytest

from unionapp import activities, initiatives
from unionapp.activities import ActivityInput
from unionapp.db import Database
from unionapp.errors import ValidationError
from unionapp.initiatives import InitiativeInput
from unionapp.members import MemberInput, MemberQuery, create_member
from unionapp.models import ActivityKind, AuditLog, Gender
from unionapp.org import add_group


def _members(db: Database, count: int = 4, group=None) -> list:
    return [create_member(db, MemberInput(full_name=f"Nguyễn Văn Thứ {i}", gender=Gender.MALE,
                                          org_unit=group)).uuid for i in range(count)]


def test_create_edit_and_delete_an_activity(db: Database) -> None:
    row = activities.create_activity(db, ActivityInput(
        kind=ActivityKind.BLOOD_DRIVE, title="  Ngày hội  hiến máu ", starts_on=date(2024, 7, 25),
        ends_on=date(2024, 7, 25), location="Hội trường"))
    assert row.title == "Ngày hội hiến máu" and row.participants == 0
    data = activities.activity_input(db, row.uuid)
    data.ends_on = date(2024, 7, 26)
    assert activities.update_activity(db, row.uuid, data).ends_on == date(2024, 7, 26)
    found = activities.activity_list(db, activities.ActivityQuery(text="hien mau")).all()
    assert [r.uuid for r in found] == [row.uuid]
    activities.delete_activity(db, row.uuid)
    assert activities.activity_list(db).count() == 0
    with db.read() as s:
        assert s.query(AuditLog).filter_by(entity="activity", action="delete").count() == 1


def test_activity_validation_names_each_problem(db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        activities.create_activity(db, ActivityInput(kind="party", title="",
                                                     starts_on=date(2024, 5, 2),
                                                     ends_on=date(2024, 5, 1)))
    assert {p.field for p in caught.value.problems} == {"title", "kind", "ends_on"}
    assert "kết thúc trước" in caught.value.message


def test_participants_one_by_one_by_group_and_from_a_filter(db: Database) -> None:
    group = add_group(db, code="T1", name="Tổ công đoàn Văn phòng")
    in_group = _members(db, 3, group.uuid)
    others = _members(db, 2)
    movement = activities.create_activity(db, ActivityInput(
        kind=ActivityKind.EMULATION_MOVEMENT, title="Phong trào “Lao động giỏi” năm 2024",
        starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 15)))
    assert activities.emulation_movements(db)[0].uuid == movement.uuid
    one = activities.add_participants(db, movement.uuid, [others[0]])
    assert (one.added, one.already) == (1, 0)
    by_group = activities.add_group_participants(db, movement.uuid, group.uuid)
    assert (by_group.added, by_group.already) == (3, 0)
    everyone = activities.matching_members(db, MemberQuery())
    again = activities.add_participants(db, movement.uuid, everyone)
    assert (again.added, again.already) == (1, 4)
    rows = activities.participant_list(db, movement.uuid).all()
    assert len(rows) == 5 == activities.get_activity(db, movement.uuid).participants
    assert {r.member_uuid for r in rows} == set(in_group + others)

    activities.set_participation(db, rows[0].uuid, role="Trưởng đoàn", result="Giải Nhất")
    assert activities.set_results(db, [r.uuid for r in rows[1:3]], "Hoàn thành xuất sắc") == 2
    history = activities.member_activities(db, rows[0].member_uuid)
    assert [(h.title, h.role, h.result) for h in history] == [
        ("Phong trào “Lao động giỏi” năm 2024", "Trưởng đoàn", "Giải Nhất")]

    assert activities.remove_participants(db, [rows[0].uuid]) == 1
    assert activities.participant_list(db, movement.uuid).count() == 4
    back = activities.add_participants(db, movement.uuid, [rows[0].member_uuid])
    assert back.added == 1  # the same row comes back, with its result
    assert activities.member_activities(db, rows[0].member_uuid)[0].result == "Giải Nhất"


def test_initiatives_with_authors_and_benefit(db: Database) -> None:
    authors = _members(db, 3)
    movement = activities.create_activity(db, ActivityInput(
        kind=ActivityKind.EMULATION_MOVEMENT, title="Phong trào sáng kiến",
        starts_on=date(2024, 1, 1)))
    row = initiatives.create_initiative(db, InitiativeInput(
        title="Số hóa hồ sơ đoàn viên", year=2024, authors=authors[:2],
        shares={authors[0]: 60, authors[1]: 40}, estimated_benefit=125_000_000,
        movement=movement.uuid, recognition_level="Cấp cơ sở"))
    assert row.authors == "Nguyễn Văn Thứ 0, Nguyễn Văn Thứ 1"
    assert row.estimated_benefit == 125_000_000 and row.movement == "Phong trào sáng kiến"
    data = initiatives.initiative_input(db, row.uuid)
    assert data.shares == {authors[0]: 60, authors[1]: 40}
    data.authors = [authors[2], authors[0]]
    data.shares = {}
    updated = initiatives.update_initiative(db, row.uuid, data)
    assert updated.authors == "Nguyễn Văn Thứ 2, Nguyễn Văn Thứ 0"
    assert initiatives.member_initiatives(db, authors[1]) == []
    assert [r.title for r in initiatives.member_initiatives(db, authors[2])] == [
        "Số hóa hồ sơ đoàn viên"]
    initiatives.create_initiative(db, InitiativeInput(title="Tiết kiệm điện", year=2023,
                                                      authors=[authors[1]],
                                                      estimated_benefit=5_000_000))
    assert initiatives.total_benefit(db) == 130_000_000
    assert initiatives.total_benefit(db, initiatives.InitiativeQuery(year=2023)) == 5_000_000
    assert [r.year for r in initiatives.initiative_list(db).all()] == [2024, 2023]
    initiatives.delete_initiative(db, row.uuid)
    assert initiatives.initiative_list(db).count() == 1


def test_initiative_validation(db: Database) -> None:
    author = _members(db, 1)[0]
    with pytest.raises(ValidationError) as caught:
        initiatives.create_initiative(db, InitiativeInput(
            title="", year=1900, authors=[], estimated_benefit=-1, shares={author: 150}))
    assert {p.field for p in caught.value.problems} == {
        "title", "year", "authors", "estimated_benefit", "shares"}
