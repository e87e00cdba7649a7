"""Merging by UUID: packages arriving twice, late, out of order or with a gap, edits on both
sides, tombstones — nothing is lost or doubled."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.exchange.conftest import Pair, Site
from unionapp import members
from unionapp.db import Database
from unionapp.exchange import import_package
from unionapp.exchange.parent import branch_statuses, open_conflicts, resolve_conflict
from unionapp.exchange.state import held_packages
from unionapp.models import AuditLog, ExchangeConflict, ExchangeLog, Member


def _member(db: Database, member_uuid: uuid.UUID) -> Member:
    with db.read() as s:
        found = s.scalar(select(Member).where(Member.uuid == member_uuid))
        assert found is not None
        s.expunge(found)
        return found


def _first_member(pair: Pair) -> uuid.UUID:
    return members.find_members(pair.branch.db)[0].uuid


def _edit(db: Database, member_uuid: uuid.UUID, **changes: object) -> None:
    data = members.member_input(db, member_uuid)
    for key, value in changes.items():
        setattr(data, key, value)
    members.update_member(db, member_uuid, data)


def _snapshot(site: Site, name: str) -> str:
    site.close()
    copy = str(site.path) + f".{name}"
    shutil.copy(site.path, copy)
    site.reopen()
    return copy


def _restore(site: Site, copy: str) -> None:
    site.close()
    shutil.copy(copy, site.path)
    site.reopen()


def test_dry_run_writes_nothing_and_says_what_would_change(pair: Pair) -> None:
    package = pair.export()
    before = pair.parent.close()
    summary = import_package(pair.parent.reopen(), package, dry_run=True)
    assert pair.parent.close() == before
    pair.parent.reopen()
    assert summary.status == "ok" and summary.dry_run and summary.outcome == "checked"
    assert summary.entities["member"].created == 40
    assert summary.package.signature == "valid" and summary.package.sequence == 1
    assert all(f.ok for f in summary.files)


def test_commit_backs_up_logs_once_and_audits_once(pair: Pair) -> None:
    with pair.parent.db.read() as s:
        audit_before = s.scalar(select(func.count(AuditLog.id)))
    summary = pair.send_up()
    assert summary.outcome == "committed" and summary.backup_file
    with sqlite3.connect(summary.backup_file) as backup:  # the state just before
        assert backup.execute("select count(*) from member").fetchone() == (0,)
    with pair.parent.db.read() as s:
        [log] = s.scalars(select(ExchangeLog).where(ExchangeLog.direction == "import")).all()
        assert log.package_uuid == uuid.UUID(summary.package.uuid)
        assert log.sha256 == summary.package.sha256 and log.sequence == 1
        assert log.summary is not None and log.summary["created"] == summary.total("created")
        assert s.scalar(select(func.count(AuditLog.id))) == audit_before + 1
        assert s.scalar(select(func.count(Member.id))) == 40


def test_the_same_package_twice_changes_nothing(pair: Pair) -> None:
    package = pair.export()
    assert import_package(pair.parent.db, package).outcome == "committed"
    before = pair.parent.close()
    again = import_package(pair.parent.reopen(), package)
    assert pair.parent.close() == before
    pair.parent.reopen()
    assert again.outcome == "already_imported" and again.status == "warning"
    assert "đã được nhập" in again.text()


def test_same_sequence_with_different_content_is_refused(pair: Pair) -> None:
    old = _snapshot(pair.branch, "before")
    assert import_package(pair.parent.db, pair.export()).outcome == "committed"
    _restore(pair.branch, old)  # the branch went back to an old backup…
    _edit(pair.branch.db, _first_member(pair), phone="0900000001")
    second = pair.export()  # …and numbers its next package 1 again
    summary = pair.refused_unchanged(second, code="same_sequence_other_content",
                                     text="nội dung khác")
    assert summary.package.sequence == 1


def test_a_gap_is_held_then_applied_when_the_missing_package_arrives(pair: Pair) -> None:
    empty_parent = _snapshot(pair.parent, "empty")
    first = pair.export()
    assert import_package(pair.parent.db, first).outcome == "committed"
    pair.send_down()  # the acknowledgement of package 1 reaches the branch
    target = _first_member(pair)
    _edit(pair.branch.db, target, phone="0911222333")
    second = pair.export()
    _restore(pair.parent, empty_parent)  # the parent lost package 1 (an old backup)

    before = pair.parent.close()
    held = import_package(pair.parent.reopen(), second)
    assert pair.parent.close() == before, "holding a package must not touch the database"
    pair.parent.reopen()
    assert held.outcome == "held" and held.status == "warning"
    assert held.package.base_sequence == 1
    assert "tạm giữ" in held.text()
    home = pair.parent.db.home_unit_uuid
    branch_uuid = pair.branch.db.home_unit_uuid
    assert home and branch_uuid and len(held_packages(home, branch_uuid)) == 1
    assert branch_statuses(pair.parent.db)[0].state == "held"

    summary = import_package(pair.parent.db, first)
    assert summary.outcome == "committed"
    [then] = summary.held_applied
    assert then.outcome == "committed" and then.package.sequence == 2
    assert _member(pair.parent.db, target).phone == "0911222333"
    assert held_packages(home, branch_uuid) == []


def test_an_older_package_after_a_newer_one_changes_nothing(pair: Pair) -> None:
    first = pair.export()
    second = pair.export()  # nothing acknowledged yet: it carries everything again
    assert import_package(pair.parent.db, second).outcome == "committed"
    before = pair.parent.close()
    late = import_package(pair.parent.reopen(), first)
    assert pair.parent.close() == before
    pair.parent.reopen()
    assert late.outcome == "superseded"


def test_after_an_acknowledgement_a_delta_carries_only_the_changes(pair: Pair) -> None:
    pair.send_up()
    down = pair.send_down()
    assert any(n.code == "acknowledged" for n in down.notes)
    target = _first_member(pair)
    _edit(pair.branch.db, target, job_title="Trưởng phòng")
    summary = pair.send_up()
    assert summary.package.base_sequence == 1 and summary.package.full is False
    assert summary.total("updated") == 1 and summary.total("created") == 0
    assert sum(f.read_rows for f in summary.files) == 1
    mine, theirs = _member(pair.branch.db, target), _member(pair.parent.db, target)
    assert (theirs.job_title, theirs.version) == ("Trưởng phòng", mine.version)
    assert theirs.updated_at == mine.updated_at


def test_a_full_export_again_is_all_unchanged(pair: Pair) -> None:
    pair.send_up()
    pair.send_down()
    summary = pair.send_up(full=True)
    assert summary.package.full and summary.package.base_sequence == 0
    assert summary.total("created") == summary.total("updated") == 0
    assert summary.total("unchanged") > 40


def test_deletions_travel_as_tombstones(pair: Pair) -> None:
    pair.send_up()
    target = _first_member(pair)
    members.delete_member(pair.branch.db, target)
    summary = pair.send_up()
    assert summary.entities["member"].deleted == 1
    gone = _member(pair.parent.db, target)
    assert gone.deleted_at is not None
    assert gone.version == _member(pair.branch.db, target).version
    assert target not in {r.uuid for r in members.find_members(pair.parent.db)}


def test_both_sides_edit_a_record_conflict_queued_both_versions_kept(pair: Pair) -> None:
    pair.send_up()
    target = _first_member(pair)
    _edit(pair.parent.db, target, phone="0988000111")  # corrected at the parent
    _edit(pair.branch.db, target, job_title="Phó trưởng phòng")  # and at the branch
    summary = pair.send_up()
    assert summary.status == "warning"
    [conflict] = summary.conflicts
    assert conflict.code == "both_changed" and conflict.entity == "member"
    assert conflict.uuid == str(target) and conflict.name and conflict.kept == "theirs"
    assert conflict.file == "data/member.jsonl" and conflict.line >= 1
    assert summary.as_json()["conflict_groups"][0]["count"] == 1
    now = _member(pair.parent.db, target)
    branch_copy = _member(pair.branch.db, target)
    assert (now.job_title, now.phone, now.version) == (
        "Phó trưởng phòng", branch_copy.phone, branch_copy.version)  # the owner's version
    [queued] = open_conflicts(pair.parent.db)
    assert queued.ours["phone"] == "0988000111"  # ours is kept until someone decides
    assert queued.theirs["job_title"] == "Phó trưởng phòng"
    assert {d[0] for d in queued.differences()} >= {"phone", "job_title"}

    resolve_conflict(pair.parent.db, queued.id, "ours")
    kept = _member(pair.parent.db, target)
    assert kept.phone == "0988000111" and kept.version == branch_copy.version + 1
    assert open_conflicts(pair.parent.db) == []
    # The branch sends everything again, unchanged: our decision stands, no new conflict.
    again = pair.send_up(full=True)
    assert again.conflicts == () and _member(pair.parent.db, target).phone == "0988000111"
    # The branch changes it again: a new conflict.
    _edit(pair.branch.db, target, job_title="Trưởng phòng")
    assert len(pair.send_up().conflicts) == 1


def test_an_update_after_a_tombstone_is_a_conflict_and_no_resurrection(pair: Pair) -> None:
    pair.send_up()
    target = _first_member(pair)
    members.delete_member(pair.parent.db, target)
    _edit(pair.branch.db, target, job_title="Chuyên viên chính")
    summary = pair.send_up()
    [conflict] = summary.conflicts
    assert conflict.code == "update_after_delete" and conflict.kept == "ours"
    still = _member(pair.parent.db, target)
    assert still.deleted_at is not None and still.job_title != "Chuyên viên chính"
    [queued] = open_conflicts(pair.parent.db)
    assert queued.theirs["job_title"] == "Chuyên viên chính" and queued.ours["deleted_at"]
    # The same package content again does not queue it twice.
    pair.send_up(full=True)
    assert len(open_conflicts(pair.parent.db)) == 1
    with pair.parent.db.read() as s:
        assert s.scalar(select(func.count(ExchangeConflict.id))) == 1

    resolve_conflict(pair.parent.db, queued.id, "theirs")  # a person brings it back
    back = _member(pair.parent.db, target)
    mine = _member(pair.branch.db, target)
    assert back.deleted_at is None and back.job_title == "Chuyên viên chính"
    assert back.version == mine.version and back.updated_at == mine.updated_at


def test_branch_status_lists_date_sequence_and_lateness(pair: Pair) -> None:
    statuses = {s.code: s for s in branch_statuses(pair.parent.db)}
    assert statuses["VNCPT"].state == "never" and statuses["CDCS-KHAC"].state == "never"
    pair.send_up()
    statuses = {s.code: s for s in branch_statuses(pair.parent.db)}
    assert statuses["VNCPT"].state == "ok" and statuses["VNCPT"].last_sequence == 1
    later = datetime.now(UTC) + timedelta(days=60)
    statuses = {s.code: s for s in branch_statuses(pair.parent.db, now=later)}
    assert statuses["VNCPT"].state == "late"


def test_members_of_two_branches_are_filtered_by_branch(pair: Pair) -> None:
    pair.send_up()
    assert import_package(pair.parent.db, pair.export(pair.other)).outcome == "committed"
    everyone = members.find_members(pair.parent.db)
    assert len(everyone) == len(members.find_members(pair.branch.db)) + 3
    other_uuid = pair.other.db.home_unit_uuid
    assert {r.full_name for r in members.find_members(pair.parent.db, org_unit=other_uuid)} == {
        "Lê Thị Hoa", "Trần Văn Nam", "Phạm Minh Đức"}


def test_cancelling_an_import_half_way_writes_nothing(pair: Pair) -> None:
    from unionapp.progress import Cancelled, Progress

    package = pair.export()
    calls = []

    def cancel_late() -> bool:
        calls.append(1)
        return len(calls) > 25  # well into the writing

    before = pair.parent.close()
    db = pair.parent.reopen()
    try:
        import_package(db, package, progress=Progress(is_cancelled=cancel_late))
    except Cancelled:
        pass
    else:
        raise AssertionError("the import should have been cancelled")
    assert pair.parent.close() == before
    pair.parent.reopen()


def test_an_older_schema_is_migrated_and_a_too_old_one_refused(pair: Pair, monkeypatch) -> None:
    from tests.exchange.packages import resign
    from unionapp.exchange import importer
    from unionapp.exchange.keys import signing_key

    old = resign(pair.export().read_bytes(), signing_key(pair.branch.db),
                 manifest=lambda m: m.update(schema_version="0.9"))
    pair.refused_unchanged(old, code="old_schema", text="quá cũ")

    def from_zero(content: dict, lines: dict) -> tuple[dict, dict]:
        return {**content, "schema_version": "1.0"}, lines

    monkeypatch.setitem(importer.MIGRATIONS, 0, from_zero)
    summary = import_package(pair.parent.db, old)
    assert summary.outcome == "committed", summary.text()
    assert summary.package.schema_version == "0.9"
