"""Backups made in generations: the verified copy, the catalogue, the second folder, the
backups made before big changes (and a change refused when its backup fails)."""

from __future__ import annotations

import errno
import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.safety import count, damage, integrity
from unionapp import awards, backups
from unionapp.backups import generations, making
from unionapp.backups.catalogue import CATALOGUE, load
from unionapp.db import Database
from unionapp.errors import DiskFull, UserError
from unionapp.exchange.state import backup_before_import
from unionapp.permissions import Permission
from unionapp.settings import Settings


def _now() -> datetime:
    return datetime(2025, 6, 30, 18, 0).astimezone()


def test_generations_keep_the_last_ten_then_days_weeks_and_months() -> None:
    now = _now()
    hourly = [(f"h{i}", now - timedelta(hours=i)) for i in range(24 * 800)]  # 800 days
    keep = generations.to_keep(hourly, now)
    kept = sorted((at for name, at in hourly if name in keep), reverse=True)
    assert kept[:10] == [at for _n, at in hourly[:10]]  # the last ten
    days = {at.date() for at in kept}
    assert all(now.date() - timedelta(days=d) in days for d in range(14))  # one a day, 14 days
    months = {(at.year, at.month) for at in kept}
    assert len(months) == 24  # one a month, 24 months
    assert len(keep) <= 10 + 14 + 8 + 24
    assert kept[-1] > now - timedelta(days=24 * 31 + 1)  # nothing older than 24 months


def test_generations_keep_the_newest_of_each_day() -> None:
    now = _now()
    day = [(f"b{i}", now - timedelta(days=3, minutes=i)) for i in range(30)]
    keep = generations.to_keep(day + [(f"r{i}", now - timedelta(minutes=i)) for i in range(10)],
                               now)
    assert "b0" in keep and not {f"b{i}" for i in range(1, 30)} & keep


def test_a_backup_is_a_checked_single_file_described_in_the_catalogue(demo_db: Database) -> None:
    made = backups.create_backup(demo_db)
    b = made.backup
    assert b.verified and b.reason == "manual" and b.members == 300 and b.kind == "sqlite"
    assert b.schema_revision and b.program_version and b.decisions and b.cases
    assert integrity(b.path) == "ok" and count(b.path) == 300
    assert not Path(str(b.path) + "-wal").exists()  # self-contained: no WAL beside it
    assert b.sha256 == making.sha256_file(b.path) and b.size == b.path.stat().st_size
    raw = json.loads((b.path.parent / CATALOGUE).read_text(encoding="utf-8"))
    assert raw["backups"][0]["file"] == b.path.name  # names, never paths, in the catalogue
    assert backups.list_backups(demo_db) == [b]


def test_a_damaged_catalogue_is_rebuilt_from_the_files(demo_db: Database) -> None:
    first = backups.create_backup(demo_db).backup
    folder = first.path.parent
    (folder / CATALOGUE).write_text("{ not json", encoding="utf-8")
    listed = backups.list_backups(demo_db)
    assert [b.path for b in listed] == [first.path]
    assert listed[0].members == 300 and listed[0].sha256 == ""  # unknown, not made up
    assert not listed[0].verified  # nobody checked it again here
    second = backups.create_backup(demo_db).backup  # the next backup writes a good catalogue
    assert [b.path for b in load(folder)] == [second.path, first.path]
    json.loads((folder / CATALOGUE).read_text(encoding="utf-8"))


def test_a_copy_left_half_way_is_never_listed_and_is_cleaned_up(demo_db: Database) -> None:
    folder = backups.backups_folder(demo_db)
    folder.mkdir(parents=True)
    stale = folder / "demo-20250101-080000-daily.db.part"
    stale.write_bytes(b"half a copy")
    assert backups.list_backups(demo_db) == []
    backups.create_backup(demo_db)
    assert not stale.exists()


def test_a_damaged_database_is_not_backed_up_over_good_generations(demo_path: Path) -> None:
    from unionapp.db import open_database

    with open_database(demo_path) as db:
        good = backups.create_backup(db).backup
    damage(demo_path)
    with open_database(demo_path) as db, pytest.raises(UserError, match="toàn vẹn"):
        backups.create_backup(db)
    with open_database(demo_path) as db:
        assert backups.list_backups(db) == [good]
    assert not list(good.path.parent.glob("*.part"))


def test_the_second_folder_gets_a_copy_and_a_missing_one_is_told_once(
        demo_db: Database, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    settings = Settings.load()
    settings.second_backup_folder = str(usb)
    settings.save()
    made = backups.create_backup(demo_db, "daily")
    copies = list(usb.glob("unionapp-backups/*/*.db"))
    assert made.warnings == () and [c.name for c in copies] == [made.backup.path.name]
    assert making.sha256_file(copies[0]) == made.backup.sha256
    assert load(copies[0].parent)[0].sha256 == made.backup.sha256
    # A backup made before a change stays on this computer.
    backups.backup_before(demo_db, "before-import")
    assert len(list(usb.glob("unionapp-backups/*/*.db"))) == 1

    usb.rename(tmp_path / "unplugged")
    first = backups.create_backup(demo_db, "manual")
    again = backups.create_backup(demo_db, "on-close")
    assert first.backup.verified and len(first.warnings) == 1 and "USB" in first.warnings[0]
    assert again.warnings == ()  # told once
    (tmp_path / "unplugged").rename(usb)
    assert backups.create_backup(demo_db, "daily").warnings == ()
    usb.rename(tmp_path / "unplugged")
    assert len(backups.create_backup(demo_db, "daily").warnings) == 1  # missing again: told


def test_the_import_backup_is_the_one_backup_path(demo_db: Database) -> None:
    path = backup_before_import(demo_db)
    assert path is not None
    [listed] = backups.list_backups(demo_db)
    assert listed.path == path and listed.reason == "before-import" and listed.verified


def test_many_records_deleted_at_once_are_backed_up_first(demo_db: Database) -> None:
    decision = max(awards.decision_list(demo_db).all(), key=lambda d: d.recipients)
    rows = awards.award_list(demo_db, decision.uuid).all()
    assert len(rows) >= 11
    awards.remove_awards(demo_db, [rows[0].uuid])  # one: no backup
    assert backups.list_backups(demo_db) == []
    awards.remove_awards(demo_db, [r.uuid for r in rows[1:11]])
    assert [b.reason for b in backups.list_backups(demo_db)] == ["before-bulk-delete"]


def test_a_change_whose_backup_fails_does_not_happen(demo_db: Database,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_args: object, **_kw: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(making, "copy_sqlite", full)
    decision = awards.decision_list(demo_db).all()[0]
    rows = awards.award_list(demo_db, decision.uuid).all()
    with pytest.raises(UserError, match="chỗ trống") as refused:
        awards.remove_awards(demo_db, [r.uuid for r in rows])
    assert "chưa có gì thay đổi" in refused.value.message
    assert len(awards.award_list(demo_db, decision.uuid).all()) == len(rows)


def test_not_enough_free_space_is_said_before_copying(demo_db: Database,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    class Usage:
        free = 1024

    monkeypatch.setattr(making.shutil, "disk_usage", lambda _path: Usage())
    with pytest.raises(DiskFull, match="Không đủ chỗ trống"):
        backups.create_backup(demo_db)


def test_backups_and_restores_ask_for_their_permission(demo_db: Database,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from unionapp.backups import restoring

    asked: list[Permission] = []
    monkeypatch.setattr(making, "require", lambda _db, p: asked.append(p))
    monkeypatch.setattr(restoring, "require", lambda _db, p: asked.append(p))
    made = backups.create_backup(demo_db)
    backups.automatic_backup(demo_db, "on-close")  # automatic ones protect: no permission
    backups.restore_backup(demo_db, made.backup.path)
    assert asked == [Permission.BACKUP_CREATE, Permission.BACKUP_RESTORE]


def test_daily_and_on_close_backups_only_when_due(demo_db: Database) -> None:
    assert backups.daily_due(demo_db) and backups.changed_since_backup(demo_db)
    assert backups.automatic_backup(demo_db, "daily") is not None
    assert not backups.daily_due(demo_db) and not backups.changed_since_backup(demo_db)
    assert backups.automatic_backup(demo_db, "daily") is None
    assert backups.automatic_backup(demo_db, "on-close") is None  # nothing changed
    awards.remove_awards(demo_db, [awards.award_list(
        demo_db, awards.decision_list(demo_db).all()[0].uuid).all()[0].uuid])
    made = backups.automatic_backup(demo_db, "on-close")
    assert made is not None and made.backup.reason == "on-close"


def test_restore_checks_backs_up_first_replaces_and_keeps_readers_right(
        demo_db: Database) -> None:
    made = backups.create_backup(demo_db).backup
    decision = awards.decision_list(demo_db).all()[0]
    rows = awards.award_list(demo_db, decision.uuid).all()
    awards.remove_awards(demo_db, [r.uuid for r in rows])
    restored = backups.restore_backup(demo_db, made.path)
    assert restored.backup_before is not None and restored.migrated_from is None
    assert len(awards.award_list(demo_db, decision.uuid).all()) == len(rows)  # seen here too
    before = [b for b in backups.list_backups(demo_db) if b.reason == "before-restore"]
    assert [str(b.path) for b in before] == [restored.backup_before]
    conn = sqlite3.connect(before[0].path)  # the state just before the restore is kept
    assert conn.execute("SELECT count(*) FROM award WHERE deleted_at IS NULL "
                        "AND decision_id = (SELECT id FROM award_decision WHERE number = ?)",
                        (decision.number,)).fetchone()[0] == 0
    conn.close()


def test_restore_refuses_bad_files_and_changes_nothing(demo_db: Database,
                                                       tmp_path: Path) -> None:
    assert demo_db.path is not None
    made = backups.create_backup(demo_db).backup
    broken = tmp_path / "broken.db"
    broken.write_bytes(made.path.read_bytes())
    damage(broken)
    text = tmp_path / "notes.db"
    text.write_text("ghi chép", encoding="utf-8")
    foreign = tmp_path / "other-app.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    newer = tmp_path / "newer.db"
    newer.write_bytes(made.path.read_bytes())
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'from_the_future'")
    conn.close()
    for file, reason in ((broken, "hỏng"), (text, "không phải là cơ sở dữ liệu"),
                         (foreign, "không phải của chương trình"), (newer, "mới hơn"),
                         (demo_db.path, "chính là cơ sở dữ liệu")):
        with pytest.raises(UserError, match=reason):
            backups.restore_backup(demo_db, file)
    assert [b.reason for b in backups.list_backups(demo_db)] == ["manual"]  # no restore began


def test_restore_refuses_another_unions_backup(demo_db: Database, db: Database) -> None:
    other = backups.create_backup(db).backup
    with pytest.raises(UserError, match="thuộc đơn vị khác"):
        backups.restore_backup(demo_db, other.path)


def test_a_tampered_backup_is_refused_by_its_checksum(demo_db: Database) -> None:
    made = backups.create_backup(demo_db).backup
    with sqlite3.connect(made.path) as conn:  # still a sound database, but not the one made
        conn.execute("UPDATE member SET full_name = 'Kẻ Giả Mạo' WHERE id = 1")
    conn.close()
    verdict = backups.verify_backup(made.path, expected_sha256=made.sha256)
    assert not verdict.ok and "SHA-256" in verdict.problems[0]
    with pytest.raises(UserError, match="SHA-256"):
        backups.restore_backup(demo_db, made.path)
