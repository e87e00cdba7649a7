"""The member register: validation, search, Vietnamese order, movements."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionapp import members
from unionapp.db import Database
from unionapp.errors import UserError, ValidationError
from unionapp.members import MemberInput, MemberQuery
from unionapp.models import MemberStatus, MovementKind
from unionapp.org import add_group


def _add(db: Database, name: str, **kw: object) -> members.MemberRow:
    return members.create_member(db, MemberInput(full_name=name, **kw))  # type: ignore[arg-type]


def test_names_are_stored_nfc_and_clean(db: Database) -> None:
    row = _add(db, "  Nguye\u0302\u0303n   Thi\u0323  Thu Ha\u0306\u0300ng ")
    assert row.full_name == "Nguyễn Thị Thu Hằng"


def test_search_folds_case_accents_and_d_and_takes_words_in_any_order(db: Database) -> None:
    for name in ["Nguyễn Thị Thu Hằng", "Đặng Văn Lâm", "Trần Đăng Khoa", "Lê Thị Hà"]:
        _add(db, name)
    assert [r.full_name for r in members.find_members(db, "nguyen thi hang")] == [
        "Nguyễn Thị Thu Hằng"]
    assert [r.full_name for r in members.find_members(db, "HANG thu")] == ["Nguyễn Thị Thu Hằng"]
    assert {r.full_name for r in members.find_members(db, "dang")} == {"Đặng Văn Lâm",
                                                                       "Trần Đăng Khoa"}
    # typed with its marks, a query still folds: "đặng" also finds "Đăng"; given name order
    assert [r.full_name for r in members.find_members(db, "đặng")] == ["Trần Đăng Khoa",
                                                                      "Đặng Văn Lâm"]
    assert members.find_members(db, "ang") == []  # prefixes of words, not any substring
    assert len(members.find_members(db, "")) == 4


def test_list_is_in_vietnamese_order(db: Database) -> None:
    for name in ["Nguyễn Văn Bình", "Trần Thị An", "Lê Anh", "Đặng Văn An"]:
        _add(db, name)
    assert [r.full_name for r in members.find_members(db)] == [
        "Đặng Văn An", "Trần Thị An", "Lê Anh", "Nguyễn Văn Bình"]


def test_validation_messages_are_vietnamese(db: Database) -> None:
    with pytest.raises(ValidationError) as error:
        members.create_member(db, MemberInput(full_name=" ", national_id="12345",
                                              date_of_birth=date(1850, 1, 1)))
    fields = {p.field for p in error.value.problems}
    assert fields == {"full_name", "national_id", "date_of_birth"}
    assert "Phải nhập họ và tên." in error.value.message
    assert "12 chữ số" in error.value.message


def test_national_id_is_unique_among_live_members(db: Database) -> None:
    first = _add(db, "Nguyễn Văn A", national_id="056652231581")
    assert first.national_id == "056652231581"  # the leading zero is kept: it is text
    with pytest.raises(ValidationError, match="Nguyễn Văn A"):
        _add(db, "Nguyễn Văn B", national_id="056652231581")
    members.delete_member(db, first.uuid)
    assert _add(db, "Nguyễn Văn B", national_id="056652231581").national_id


def test_birth_year_alone_is_kept(db: Database) -> None:
    row = _add(db, "Lê Văn Tám", birth_year=1962)
    assert row.date_of_birth is None and row.birth_year == 1962
    assert row.as_json()["date_of_birth"] is None and row.as_json()["birth_year"] == 1962


def test_status_changes_only_through_dated_movements(db: Database) -> None:
    row = _add(db, "Phạm Văn Đồng", joined_on=date(2001, 5, 1))
    assert row.status == MemberStatus.ACTIVE
    row = members.record_movement(db, row.uuid, MovementKind.RETIREMENT, date(2024, 6, 30),
                                  decision_ref="123/QĐ")
    assert row.status == MemberStatus.RETIRED
    history = members.movements(db, row.uuid)
    assert [(m.kind, m.occurred_on) for m in history] == [
        (MovementKind.ADMISSION, date(2001, 5, 1)), (MovementKind.RETIREMENT, date(2024, 6, 30))]
    with pytest.raises(UserError, match="Nghỉ hưu"):
        members.record_movement(db, row.uuid, MovementKind.RETIREMENT, date(2024, 7, 1))
    with pytest.raises(UserError, match="sớm hơn"):
        members.record_movement(db, row.uuid, MovementKind.DEATH, date(2020, 1, 1))
    with pytest.raises(UserError, match="tương lai"):
        members.record_movement(db, row.uuid, MovementKind.DEATH,
                                date.today() + timedelta(days=1))


def test_group_change_moves_the_member(db: Database) -> None:
    group = add_group(db, code="T01", name="Tổ công đoàn Giáo viên Toán")
    row = _add(db, "Vũ Thị Hoa")
    row = members.record_movement(db, row.uuid, MovementKind.GROUP_CHANGE, date(2025, 9, 1),
                                  to_group=group.uuid)
    assert row.org_unit == "Tổ công đoàn Giáo viên Toán"
    assert row.status == MemberStatus.ACTIVE
    assert members.movements(db, row.uuid)[-1].to_unit == "Tổ công đoàn Giáo viên Toán"


def test_filters_and_paging(demo_db: Database) -> None:
    everyone = members.member_list(demo_db)
    total = everyone.count()
    assert total == 300
    pages = [r.uuid for offset in range(0, total, 64) for r in everyone.page(offset, 64)]
    assert pages == [r.uuid for r in everyone.all()]
    active = members.member_list(demo_db, MemberQuery(status=MemberStatus.ACTIVE)).all()
    assert active and all(r.status == MemberStatus.ACTIVE for r in active)
    women = members.member_list(demo_db, MemberQuery(gender="female")).all()
    assert women and all(r.gender == "female" for r in women)
    young = members.member_list(demo_db, MemberQuery(age_max=30, year=2026)).all()
    assert young and all(2026 - (r.birth_year or 0) <= 30 for r in young)


@given(name=st.sampled_from(["", "Lê Văn A"]),
       born=st.one_of(st.none(), st.dates(min_value=date(1850, 1, 1),
                                          max_value=date(2030, 1, 1))),
       year=st.one_of(st.none(), st.integers(1850, 2030)),
       gender=st.sampled_from([None, "male", "female", "x"]),
       national_id=st.sampled_from([None, "056652231581", "12345", "0566522315811"]),
       joined=st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1),
                                            max_value=date(2030, 1, 1))))
def test_the_quick_check_never_passes_what_the_full_check_refuses(
        name: str, born: date | None, year: int | None, gender: str | None,
        national_id: str | None, joined: date | None) -> None:
    today = date(2026, 11, 23)
    data = MemberInput(full_name=name, date_of_birth=born, birth_year=year, gender=gender,
                       national_id=national_id, joined_on=joined)
    if members.surely_valid(data, today):
        assert members.validate_member(data, today=today) == []
