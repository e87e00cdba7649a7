"""A parent union on PostgreSQL takes a branch's packages exactly as on SQLite."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.exchange.records import assert_same_records, records
from unionapp import members
from unionapp.db import open_database
from unionapp.demo import PARENT_CODE, PARENT_NAME, fill_demo
from unionapp.exchange import export_package, import_package, keys
from unionapp.exchange.format import ENTITIES
from unionapp.exchange.parent import open_conflicts, resolve_conflict
from unionapp.members import MemberInput
from unionapp.org import init_database

pytestmark = pytest.mark.postgres


def test_a_parent_on_postgresql_imports_merges_and_resolves(pg_url: str,
                                                             tmp_path: Path) -> None:
    with open_database(tmp_path / "branch.db", create=True, user="tester") as branch, \
            open_database(pg_url, user="tester") as parent:
        fill_demo(branch, members=30, today=date(2025, 6, 1))
        keys.init_keys(branch)
        init_database(parent, code=PARENT_CODE, name=PARENT_NAME, parent_mode=True)
        keys.init_keys(parent)
        keys.export_public(branch, tmp_path / "branch.key")
        keys.export_public(parent, tmp_path / "parent.key")
        keys.trust(parent, tmp_path / "branch.key", "VNCPT")
        keys.trust(branch, tmp_path / "parent.key", PARENT_CODE)

        first = tmp_path / "b1.zip"
        export_package(branch, first, full=True)
        summary = import_package(parent, first)
        assert summary.outcome == "committed", summary.text()
        if shutil.which("pg_dump"):  # the server's database is dumped before the import
            assert summary.backup_file and summary.backup_file.endswith(".dump")
        else:
            assert summary.backup_file is None and summary.warnings[0].code == "no_backup"
        home = branch.home_unit_uuid
        for spec in ENTITIES:
            mine = records(branch, spec.model)
            wanted = {u for u, r in mine.items() if r["owner_uuid"] == home}
            if spec.name == "org_unit":
                wanted = {u for u, r in mine.items() if u == home or r["parent_id"] == home}
            assert_same_records(branch, parent, spec.model, wanted)
        assert import_package(parent, first).outcome == "already_imported"

        target = members.find_members(branch)[0].uuid
        for db, phone in ((parent, "0911000001"), (branch, "0911000002")):
            data = members.member_input(db, target)
            data.phone = phone
            members.update_member(db, target, data)
        second = tmp_path / "b2.zip"
        export_package(branch, second)
        assert len(import_package(parent, second).conflicts) == 1
        [conflict] = open_conflicts(parent)
        resolve_conflict(parent, conflict.id, "ours")
        assert members.get_member(parent, target).phone == "0911000001"
        members.create_member(parent, MemberInput(full_name="Người Cấp Trên"))
        everyone = members.find_members(parent, org_unit=home)
        assert len(everyone) == 30 and "Người Cấp Trên" not in {m.full_name for m in everyone}
