"""A roster imports into a PostgreSQL database too (its bulk path is the Core one), groups
and all, and a second import changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.test_rosters import official_form
from unionapp import members
from unionapp.db import open_database
from unionapp.org import init_database
from unionapp.rosters.importing import ImportOptions, import_roster

pytestmark = pytest.mark.postgres


def test_roster_import_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    path = official_form(tmp_path / "ds.xlsx")
    with open_database(pg_url, user="tester") as db:
        init_database(db, code="CDCS-PG", name="Công đoàn cơ sở Thử nghiệm")
        done = import_roster(db, path, options=ImportOptions(create_groups=True))
        assert (done.created, done.error_rows, done.groups_created) == (3, 0,
                                                                         ["Tổ Toán", "Tổ Văn"])
        listed = [(m.full_name, m.org_unit) for m in members.find_members(db)]
        assert listed == [("Nguyễn Văn An", "Tổ Toán"), ("Lê Thị Hằng", "Tổ Văn"),
                          ("Trần Đặng Thu Hường", "Tổ Toán")]
        again = import_roster(db, path, options=ImportOptions(create_groups=True))
        assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
