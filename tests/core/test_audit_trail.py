"""Reading the audit trail: filters by member, record, user and date; Vietnamese field
names; the .xlsx copy opens in LibreOffice."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

from tests.conftest import need_tool
from unionapp import members
from unionapp.audit_trail import AuditQuery, audit_list, export_audit, record_names
from unionapp.db import Database
from unionapp.members import MemberInput
from unionapp.models import MovementKind


def test_filters_and_names(db: Database) -> None:
    hanh = members.create_member(db, MemberInput(full_name="Nguyễn Thị Hạnh",
                                                 phone="0912345678"))
    other = members.create_member(db, MemberInput(full_name="Trần Văn Bình"))
    members.update_member(db, hanh.uuid, MemberInput(full_name="Nguyễn Thị Hạnh",
                                                     phone="0987654321"))
    members.record_movement(db, hanh.uuid, MovementKind.RETIREMENT, date.today())
    about = audit_list(db, AuditQuery(member=hanh.uuid)).all()
    assert {r.entity for r in about} == {"member", "movement"}
    assert other.uuid not in {r.entity_uuid for r in about}
    update = next(r for r in about if r.action == "update" and "phone" in r.fields)
    [change] = [c for c in update.changes() if c.field == "phone"]
    assert (change.label, change.before, change.after) == ("Điện thoại", "0912345678",
                                                          "0987654321")
    names = record_names(db, about)
    assert set(names.values()) == {"Nguyễn Thị Hạnh"}  # the movement is named by its member
    assert audit_list(db, AuditQuery(record=other.uuid)).count() == 1  # that record alone
    assert audit_list(db, AuditQuery(user="nobody")).count() == 0
    assert audit_list(db, AuditQuery(user="tester")).count() == audit_list(db).count()
    tomorrow = date.today() + timedelta(days=1)
    assert audit_list(db, AuditQuery(since=tomorrow)).count() == 0
    assert audit_list(db, AuditQuery(until=date.today())).count() == audit_list(db).count()
    created = next(r for r in about if r.action == "create" and r.entity == "member")
    assert "uuid" not in created.fields and "full_name" in created.fields


def test_the_xlsx_copy_opens_in_libreoffice(db: Database, tmp_path: Path) -> None:
    soffice = need_tool("soffice")
    row = members.create_member(db, MemberInput(full_name="Đặng Thị Ẩn", phone="=1+1"))
    members.update_member(db, row.uuid, MemberInput(full_name="Đặng Thị Ẩn", phone="0900"))
    target = tmp_path / "nhat-ky.xlsx"
    assert export_audit(db, target, AuditQuery(member=row.uuid)) == 3
    out = tmp_path / "out"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir",
                    str(out), str(target)], check=True, capture_output=True, timeout=180)
    text = (out / "nhat-ky.csv").read_text(encoding="utf-8")
    assert "NHẬT KÝ THAY ĐỔI" in text and "Đặng Thị Ẩn" in text
    assert "Điện thoại" in text and "Đoàn viên “Đặng Thị Ẩn”" in text
    assert "=1+1" in text  # shown as typed, never computed
