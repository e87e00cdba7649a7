"""``unionapp backup create|list|verify|restore``: the contract, run as the real program."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.conftest import run_cli
from tests.safety import assert_plain, count, damage, damage_schema, integrity, roster_csv
from unionapp.backups import create_backup, list_backups
from unionapp.db import head_revision, open_database
from unionapp.rosters.importing import import_roster
from unionapp.settings import Settings

CONTRACT = {"file", "created_at", "reason", "sha256", "verified", "members"}


def _create(db: Path, *more: str) -> dict:
    result = run_cli("--db", str(db), "backup", "create", "--json", *more)
    assert_plain(result, 0)
    return json.loads(result.stdout)


def _made(db: Path) -> dict:
    """A backup made directly (set-up for a test of another command)."""
    with open_database(db) as opened:
        return create_backup(opened).backup.as_json()


def _listed(db: Path) -> list[dict]:
    with open_database(db) as opened:
        return [b.as_json() for b in list_backups(opened)]


def _import(db: Path, roster: Path) -> None:
    with open_database(db) as opened:
        import_roster(opened, roster)


def _file_hash(path: Path) -> str:
    import hashlib

    assert not Path(str(path) + "-wal").exists()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_create_says_what_it_made_and_checked(demo_path: Path) -> None:
    made = _create(demo_path)
    assert set(made) >= CONTRACT
    assert made["verified"] is True and made["reason"] == "manual" and made["members"] == 300
    assert integrity(Path(made["file"])) == "ok" and count(Path(made["file"])) == 300


def test_create_into_a_folder_of_ones_choice(demo_path: Path, tmp_path: Path) -> None:
    made = _create(demo_path, "--to", str(tmp_path / "usb"))
    assert Path(made["file"]).parent == tmp_path / "usb"
    assert (tmp_path / "usb" / "catalogue.json").exists()


def test_list_is_newest_first(demo_path: Path, tmp_path: Path) -> None:
    first = _made(demo_path)
    _import(demo_path, roster_csv(tmp_path / "ds.csv", 5))
    second = _made(demo_path)
    result = run_cli("--db", str(demo_path), "backup", "list", "--json")
    assert_plain(result, 0)
    listed = json.loads(result.stdout)
    # the roster import made its own backup in between
    assert [b["reason"] for b in listed] == ["manual", "before-import", "manual"]
    assert [b["file"] for b in listed if b["reason"] == "manual"] == [second["file"],
                                                                     first["file"]]
    assert all(set(b) >= CONTRACT for b in listed) and listed[0]["members"] == 305
    plain = run_cli("--db", str(demo_path), "backup", "list")
    assert_plain(plain, 0, "305 đoàn viên", "sao lưu thủ công")


def test_verify_says_ok_or_why_not(demo_path: Path, tmp_path: Path) -> None:
    made = Path(_made(demo_path)["file"])
    result = run_cli("backup", "verify", str(made), "--json")
    assert_plain(result, 0)
    assert json.loads(result.stdout) == {**json.loads(result.stdout), "file": str(made),
                                         "ok": True, "problems": []}
    broken = tmp_path / "broken.db"
    broken.write_bytes(made.read_bytes())
    damage(broken)
    notes = tmp_path / "notes.db"
    notes.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    result = run_cli("backup", "verify", str(broken), "--json")
    assert_plain(result, 2)
    verdict = json.loads(result.stdout)
    assert verdict["ok"] is False and "hỏng" in verdict["problems"][0], verdict
    assert_plain(run_cli("backup", "verify", str(notes)), 2, "KHÔNG dùng được",
                 "không phải là cơ sở dữ liệu")


def test_restore_backs_up_first_then_replaces(demo_path: Path, tmp_path: Path) -> None:
    made = _made(demo_path)
    _import(demo_path, roster_csv(tmp_path / "ds.csv", 7))
    result = run_cli("--db", str(demo_path), "backup", "restore", made["file"], "--yes",
                     "--json")
    assert_plain(result, 0)
    restored = json.loads(result.stdout)
    assert restored["members"] == 300 and count(demo_path) == 300
    before = [b for b in _listed(demo_path) if b["reason"] == "before-restore"]
    assert [b["file"] for b in before] == [restored["backup_before"]]
    assert before[0]["members"] == 307  # the data as it was just before is kept


def test_restore_refuses_a_damaged_or_foreign_file_and_changes_nothing(
        demo_path: Path, tmp_path: Path) -> None:
    made = Path(_made(demo_path)["file"])
    broken = tmp_path / "broken.db"
    broken.write_bytes(made.read_bytes())
    damage(broken)
    foreign = tmp_path / "other.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    before = _file_hash(demo_path)
    for bad, reason in ((broken, "hỏng"), (foreign, "không phải của chương trình")):
        result = run_cli("--db", str(demo_path), "backup", "restore", str(bad), "--yes")
        assert_plain(result, 2, reason, "Chưa có gì thay đổi")
    assert _file_hash(demo_path) == before


def test_restore_asks_for_yes_when_nobody_can_answer(demo_path: Path) -> None:
    made = _made(demo_path)
    result = run_cli("--db", str(demo_path), "backup", "restore", made["file"])
    assert_plain(result, 2, "--yes")


def test_an_older_backup_is_upgraded_after_restoring(tmp_path: Path) -> None:
    from alembic import command

    from unionapp.db import _alembic_config

    old = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{old}")
    with engine.begin() as conn:
        config = _alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(text("insert into database_info values ('home_unit_uuid', "
                          "'00000000-0000-0000-0000-000000000000')"))
    engine.dispose()
    backup = tmp_path / "old-copy.db"
    backup.write_bytes(old.read_bytes())
    assert_plain(run_cli("--db", str(old), "members", "find", "x"), 0)  # upgrades it: 0001 → head
    result = run_cli("--db", str(old), "backup", "restore", str(backup), "--yes", "--json")
    assert_plain(result, 0)
    assert json.loads(result.stdout)["migrated_from"] == "0001"
    conn = sqlite3.connect(old)
    assert conn.execute("select version_num from alembic_version").fetchone()[0] == \
        head_revision()
    conn.close()


def test_a_damaged_database_is_named_and_restored_from_the_list(demo_path: Path) -> None:
    made = _made(demo_path)
    damage_schema(demo_path)
    result = run_cli("--db", str(demo_path), "members", "find", "an")
    assert_plain(result, 2, "bị hỏng", "backup restore")
    listed = run_cli("--db", str(demo_path), "backup", "list", "--json")  # works on it still
    assert_plain(listed, 0)
    assert json.loads(listed.stdout)[0]["file"] == made["file"]
    result = run_cli("--db", str(demo_path), "backup", "restore", made["file"], "--yes",
                     "--json")
    assert_plain(result, 0)
    kept = Path(json.loads(result.stdout)["backup_before"])
    assert kept.parent.name == "damaged" and kept.exists()  # the damaged file is kept aside
    assert integrity(demo_path) == "ok" and count(demo_path) == 300


def test_restore_onto_a_new_computer(demo_path: Path, tmp_path: Path) -> None:
    made = _made(demo_path)
    fresh = tmp_path / "new-pc" / "unionapp.db"
    result = run_cli("--db", str(fresh), "backup", "restore", made["file"], "--yes")
    assert_plain(result, 0, "Đã khôi phục")
    assert count(fresh) == 300


def test_the_first_writing_command_of_the_day_backs_up(demo_path: Path, tmp_path: Path) -> None:
    roster = roster_csv(tmp_path / "ds.csv", 3)
    first = run_cli("--db", str(demo_path), "members", "import", str(roster))
    assert_plain(first, 0, "Đã sao lưu hằng ngày")
    second = run_cli("--db", str(demo_path), "members", "import", str(roster))
    assert_plain(second, 0)
    assert "hằng ngày" not in second.stderr
    listed = _listed(demo_path)
    # the daily one first, then each import's own backup just before it wrote
    assert [b["reason"] for b in listed] == ["before-import", "before-import", "daily"]
    assert listed[-1]["members"] == 300


def test_a_second_folder_gets_copies_and_its_absence_is_told_once(demo_path: Path,
                                                                 tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    assert_plain(run_cli("backup", "second-folder", str(usb)), 0, str(usb))
    made = _create(demo_path)
    assert [p.name for p in usb.glob("unionapp-backups/*/*.db")] == [Path(made["file"]).name]
    usb.rename(tmp_path / "unplugged")
    first = run_cli("--db", str(demo_path), "backup", "create")
    assert_plain(first, 0, "USB")
    second = run_cli("--db", str(demo_path), "backup", "create")
    assert_plain(second, 0)
    assert "USB" not in second.stderr  # told once
    assert_plain(run_cli("backup", "second-folder", "--off"), 0)
    assert Settings.load().second_backup_folder == ""
