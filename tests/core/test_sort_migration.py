"""Migration 0730: a database made before the new Vietnamese order and folding gets its
derived columns and its search index recomputed (and nothing else changes)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from unionapp import members
from unionapp.db import _alembic_config, open_database
from unionapp.text import clean, person_sort_key

MIGRATION = (Path(__file__).resolve().parents[2] / "unionapp" / "migrations" / "versions"
             / "0730_vietnamese_order_and_folding.py")
_spec = importlib.util.spec_from_file_location("migration_0730", MIGRATION)
assert _spec is not None and _spec.loader is not None
migration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(migration)

NAMES = ["Đặng Xuân Ẩn", "Lâm Hồng Ân", "Nguyễn Ân", "Ông Đình Xuân Ấn", "Võ Ngọc Ẩn",
         "Trần \u00d0ức Anh"]  # the last typed with the look-alike Ð
letters = st.sampled_from("aàảãáạăằắâầấbcdđeèéêềếghiìíklmnoòóôồốơờớpqrstuùúưừứvxyỳý"
                          "AĂÂĐÊÔƠƯ\u00d0 ")


@given(st.text(letters, max_size=30))
def test_the_frozen_copy_computes_what_the_program_does(name: str) -> None:
    cleaned = clean(name)
    born = migration._birth(None, None)
    assert migration._new_key(migration._clean(name, migration._LOOK_ALIKES | migration
                                               ._INVISIBLE), born) == person_sort_key(cleaned)


def _old_database(path: Path) -> None:
    """A database at revision 0600 with members as that revision stored them."""
    from alembic import command

    engine = create_engine(f"sqlite:///{path}")
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0600")
        conn.execute(text(
            "insert into org_unit (id, uuid, owner_uuid, code, name, kind, place, address, "
            "budget_funded, sort_order, created_at, updated_at, version) values (1, :u, :u, "
            "'B1', 'Công đoàn cơ sở Cũ', 'branch', '', '', 0, 0, :t, :t, 1)"),
            {"u": "0" * 32, "t": "2024-01-01 00:00:00"})
        for number, name in enumerate(NAMES, start=1):
            old_fold = migration._fold(name, migration._INVISIBLE)
            conn.execute(text(
                "insert into member (id, uuid, owner_uuid, org_unit_id, full_name, name_folded, "
                "sort_key, birth_year, ethnicity, religion, card_number, phone, email, hometown,"
                " address, job_title, union_role, education, political_theory, status, notes, "
                "created_at, updated_at, version) values (:i, :m, :u, 1, :n, :f, :k, 1980, '', "
                "'', '', '', '', '', '', '', '', '', '', 'active', '', :t, :t, 3)"),
                {"i": number, "m": f"{number:032x}", "u": "0" * 32, "n": name, "f": old_fold,
                 "k": migration._old_key(clean(name), "19800000"), "t": "2024-01-01 00:00:00"})
        conn.execute(text(
            "insert into activity (id, uuid, owner_uuid, kind, title, title_folded, org_unit_id,"
            " location, description, created_at, updated_at, version) values (1, :a, :u, "
            "'meeting', 'Gặp mặt \u00d0oàn viên', 'gap mat \u00f0oan vien', 1, '', '', :t, :t, 1)"),
            {"a": "a" * 32, "u": "0" * 32, "t": "2024-01-01 00:00:00"})
        conn.execute(text(
            f"INSERT INTO member_search_text (rank, member_id, text) "
            f"SELECT row_number() OVER (ORDER BY sort_key, id) * {migration.SPACING}, id, t "
            f"FROM ({migration.ROWS}) AS rows"))
        conn.execute(text("INSERT INTO member_search (member_search) VALUES ('rebuild')"))
        conn.execute(text("insert into database_info values ('home_unit_uuid', "
                          "'00000000-0000-0000-0000-000000000000')"))
    engine.dispose()


def test_upgrade_recomputes_order_folding_and_the_index(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_database(path)
    with open_database(path) as db:
        # the list (read through the search index, whose ranks are the order) is in the new
        # order: each given name whole
        assert [m.full_name for m in members.find_members(db)] == [
            "Trần \u00d0ức Anh", "Lâm Hồng Ân", "Nguyễn Ân", "Đặng Xuân Ẩn", "Võ Ngọc Ẩn",
            "Ông Đình Xuân Ấn"]
        assert [m.full_name for m in members.find_members(db, "duc")] == ["Trần \u00d0ức Anh"]
        with db.engine.connect() as conn:
            rows = conn.execute(text("select full_name, sort_key, version from member")).all()
            title = conn.execute(text("select title_folded from activity")).scalar()
        assert all(key == person_sort_key(name, 1980) and version == 3
                   for name, key, version in rows)  # derived columns only: versions unchanged
        assert title == "gap mat doan vien"
