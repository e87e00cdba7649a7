"""The SQLite member search index answers exactly what plain SQL answers, in the same order."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from unionapp import members, search_index
from unionapp.db import Database
from unionapp.members import IndexedMemberList, MemberInput, MemberQuery, sql_member_list
from unionapp.models import Gender, MemberStatus, MovementKind
from unionapp.org import list_units

WORDS = ["nguyen", "thi", "van", "tran", "dang", "d", "ng", "h", "hang", "an", "anh", "thu",
         "le", "minh", "ngoc", "tu", "vu", "xyz", "ph", "quynh"]


def _same(db: Database, query: MemberQuery) -> None:
    indexed = IndexedMemberList(db, query)
    plain = sql_member_list(db, query)
    expected = [r.uuid for r in plain.all()]
    assert indexed.count() == len(expected) == plain.count()
    assert [r.uuid for r in indexed.all()] == expected
    # any window, including the far end read backwards
    for offset in (0, 7, len(expected) // 2, max(0, len(expected) - 5)):
        assert [r.uuid for r in indexed.page(offset, 9)] == expected[offset:offset + 9]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(WORDS), max_size=3),
       status=st.sampled_from([None, *MemberStatus.ALL]),
       gender=st.sampled_from([None, *Gender.ALL]),
       ages=st.sampled_from([(None, None), (None, 30), (30, 45), (50, None)]))
def test_index_agrees_with_plain_sql(demo_db: Database, words: list[str], status: str | None,
                                     gender: str | None,
                                     ages: tuple[int | None, int | None]) -> None:
    _same(demo_db, MemberQuery(text=" ".join(words), status=status, gender=gender,
                               age_min=ages[0], age_max=ages[1]))


def test_subtree_filter(demo_db: Database) -> None:
    units = list_units(demo_db)
    for unit in units:
        _same(demo_db, MemberQuery(org_unit=unit.uuid))
    branch = next(u for u in units if u.kind == "branch")
    assert IndexedMemberList(demo_db, MemberQuery(org_unit=branch.uuid)).count() == 300


def test_edits_keep_the_index_in_step(demo_db: Database) -> None:
    row = members.find_members(demo_db, "dang")[0]
    data = members.member_input(demo_db, row.uuid)
    data.full_name = "Ông Văn Zyx"
    members.update_member(demo_db, row.uuid, data)
    assert [r.uuid for r in members.find_members(demo_db, "zyx")] == [row.uuid]
    members.record_movement(demo_db, row.uuid, MovementKind.RETIREMENT, date(2025, 1, 1))
    _same(demo_db, MemberQuery(status=MemberStatus.RETIRED))
    members.delete_member(demo_db, row.uuid)
    assert members.find_members(demo_db, "zyx") == []
    _same(demo_db, MemberQuery())


def test_ranks_run_out_and_are_respaced(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "SPACING", 4)
    with db.transaction() as s:
        search_index.rebuild(s.connection())
    # Names that all sort between the same two neighbours exhaust a gap of 4 at once.
    for i in range(30):
        members.create_member(db, MemberInput(full_name=f"Lê Văn A{'a' * i}"))
        members.create_member(db, MemberInput(full_name=f"Trần Thị B{'b' * (30 - i)}"))
    _same(db, MemberQuery())
    with db.read() as s:
        ranks = s.execute(text("SELECT rank FROM member_search_text ORDER BY rank")).scalars().all()
    assert len(set(ranks)) == 60


def test_index_is_rebuilt_from_scratch_identically(demo_db: Database) -> None:
    before = [r.uuid for r in members.member_list(demo_db).all()]
    with demo_db.transaction() as s:
        assert search_index.rebuild(s.connection()) == 300
    assert [r.uuid for r in members.member_list(demo_db).all()] == before


@pytest.mark.parametrize("spacing", [1 << 32, 64, 4])
def test_many_members_written_at_once_are_placed_in_name_order(db: Database, spacing: int,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    """Bulk writes (packages, rosters) place members gap by gap; names repeated in every batch
    land between the same two neighbours again and again, until a gap runs out."""
    from unionapp.bulk import insert_records
    from unionapp.models import Member

    monkeypatch.setattr(search_index, "SPACING", spacing)
    with db.transaction() as s:
        search_index.rebuild(s.connection())
        unit = s.execute(text("SELECT id FROM org_unit WHERE kind = 'branch'")).scalar_one()
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Đặng Thu Hằng", "Vũ Ngọc Anh"]
    for batch in range(6):
        rows = [{"org_unit_id": unit, "full_name": names[i % len(names)],
                 "date_of_birth": date(1980 + i % 3, 1, 1)} for i in range(40 + batch)]
        with db.transaction() as s:
            insert_records(s, Member, rows, owner=db.home_unit_uuid)
    _same(db, MemberQuery())
    _same(db, MemberQuery(text="an"))
    with db.read() as s:
        ranks = s.execute(text("SELECT rank FROM member_search_text")).scalars().all()
    assert len(set(ranks)) == len(ranks) == sum(40 + b for b in range(6))
