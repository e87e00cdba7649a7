"""An office with an account per role and a record of each kind, built once and copied for
each check of "may this role make this change?" (through the services and the command line).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select, text

from tests.accounts_helpers import as_role, make_accounts
from tests.support_helpers import YEAR, case_input, fund, kind_uuid
from unionapp import accounts, activities, awards, initiatives, members, org
from unionapp.activities import ActivityInput
from unionapp.audit_trail import audit_list
from unionapp.db import Database, open_database
from unionapp.initiatives import InitiativeInput
from unionapp.members import MemberInput
from unionapp.models import AuditLog, MovementKind, SupportStatus
from unionapp.org import init_database
from unionapp.permissions import Permission
from unionapp.relatives import RelativeInput, add_relative
from unionapp.rosters.export import export_members
from unionapp.support import (
    FundInput,
    KindInput,
    correct_amount,
    create_case,
    save_fund,
    save_kind,
    transition_case,
)
from unionapp.support.batches import BatchInput, create_batch


@dataclass(frozen=True)
class Office:
    path: Path
    ids: dict[str, uuid.UUID]


def build_office(folder: Path) -> Office:
    path = folder / "office.db"
    ids: dict[str, uuid.UUID] = {}
    with open_database(path, create=True, user="setup") as db:
        init_database(db, code="CDCS-VT", name="Công đoàn cơ sở Viện Thử nghiệm",
                      parent_code="LDLD-HN", parent_name="Liên đoàn Lao động thành phố Hà Nội",
                      place="Hà Nội")
        make_accounts(db)  # the chair is signed in
        ids["member"] = members.create_member(db, MemberInput(
            full_name="Nguyễn Thị Hạnh", national_id="001190012345", phone="0912345678",
            joined_on=date(2015, 3, 1))).uuid
        ids["other"] = members.create_member(db, MemberInput(
            full_name="Trần Văn Bình", joined_on=date(2016, 5, 2))).uuid
        ids["activity"] = activities.create_activity(db, ActivityInput(
            title="Hội nghị cán bộ viên chức", starts_on=date(YEAR, 1, 10))).uuid
        ids["decision"] = awards.create_decision(db, replace(
            awards.decision_defaults(db), number="1/QĐ-CĐCS", decided_on=date(YEAR, 1, 5),
            award_kind=awards.award_kinds(db)[0].uuid, signer_name="Ngô Thành Hải",
            reason="Đã có thành tích")).uuid
        ids["fund"] = fund(db, 100_000_000).uuid
        ids["kind"] = kind_uuid(db, "KHO-KHAN")
        as_role(db, "clerk")
        ids["proposed"] = create_case(db, case_input(db, ids["member"],
                                                     fund_uuid=ids["fund"])).uuid
        approved = create_case(db, case_input(db, ids["member"], fund_uuid=ids["fund"])).uuid
        paid = create_case(db, case_input(db, ids["member"], fund_uuid=ids["fund"])).uuid
        as_role(db, "chair")
        transition_case(db, approved, SupportStatus.APPROVED)
        transition_case(db, paid, SupportStatus.APPROVED)
        as_role(db, "treasurer")
        transition_case(db, paid, SupportStatus.PAID)
        ids["approved"], ids["paid"] = approved, paid
        accounts.sign_out(db)
    return Office(path, ids)


def copy_office(office: Office, folder: Path) -> Path:
    target = folder / f"copy-{uuid.uuid4().hex[:8]}.db"
    shutil.copy(office.path, target)
    return target


def state(db: Database) -> dict[str, Any]:
    """What a change would show: the audit log's length and every table's rows and
    versions."""
    found: dict[str, Any] = {}
    with db.read() as s:
        found["audit"] = s.scalar(select(func.count(AuditLog.id)))
        for table in inspect(db.engine).get_table_names():
            if table.startswith("member_search") or table == "alembic_version":
                continue
            columns = {c["name"] for c in inspect(db.engine).get_columns(table)}
            version = "sum(version)" if "version" in columns else "0"
            found[table] = tuple(s.execute(text(
                f'select count(*), coalesce({version}, 0) from "{table}"')).one())
    return found


Change = Callable[[Database, dict[str, uuid.UUID], Path], object]

# Each kind of change a role may or may not make, with the permission it needs.
CHANGES: dict[str, tuple[Permission, Change]] = {
    "add a member": (Permission.MEMBERS_EDIT, lambda db, ids, tmp: members.create_member(
        db, MemberInput(full_name="Lê Thị Mới"))),
    "edit a member": (Permission.MEMBERS_EDIT, lambda db, ids, tmp: members.update_member(
        db, ids["other"], MemberInput(full_name="Trần Văn Bình", phone="0987000111"))),
    "record a movement": (Permission.MEMBERS_EDIT, lambda db, ids, tmp: members.record_movement(
        db, ids["other"], MovementKind.RETIREMENT, date(YEAR, 1, 3))),
    "delete a member": (Permission.MEMBERS_EDIT, lambda db, ids, tmp: members.delete_member(
        db, ids["other"])),
    "add a relative": (Permission.MEMBERS_EDIT, lambda db, ids, tmp: add_relative(
        db, ids["member"], RelativeInput(full_name="Nguyễn Văn Con", relation="child",
                                         birth_year=2015))),
    "add an activity": (Permission.ACTIVITIES_EDIT, lambda db, ids, tmp:
                        activities.create_activity(db, ActivityInput(
                            title="Hiến máu", starts_on=date(YEAR, 2, 1)))),
    "add participants": (Permission.ACTIVITIES_EDIT, lambda db, ids, tmp:
                         activities.add_participants(db, ids["activity"], [ids["member"]])),
    "add an initiative": (Permission.ACTIVITIES_EDIT, lambda db, ids, tmp:
                          initiatives.create_initiative(db, InitiativeInput(
                              title="Số hóa hồ sơ", year=YEAR, authors=[ids["member"]]))),
    "record an award decision": (Permission.AWARDS_ISSUE, lambda db, ids, tmp:
                                 awards.update_decision(db, ids["decision"], replace(
                                     awards.decision_input(db, ids["decision"]),
                                     reason="Hoàn thành xuất sắc nhiệm vụ"))),
    "add award recipients": (Permission.AWARDS_EDIT, lambda db, ids, tmp:
                             awards.add_member_recipients(db, ids["decision"], [ids["member"]])),
    "add a group": (Permission.ORG_EDIT, lambda db, ids, tmp: org.add_group(
        db, code="T9", name="Tổ công đoàn Phòng Mới")),
    "propose a support case": (Permission.SUPPORT_PROPOSE, lambda db, ids, tmp: create_case(
        db, case_input(db, ids["other"], fund_uuid=ids["fund"]))),
    "support for many": (Permission.SUPPORT_PROPOSE, lambda db, ids, tmp: create_batch(
        db, BatchInput(title="Quà Tết", kind=kind_uuid(db, "TET"),
                       occurred_on=date(YEAR, 1, 20), amount=500_000), [ids["other"]])),
    "approve a support case": (Permission.SUPPORT_APPROVE, lambda db, ids, tmp:
                               transition_case(db, ids["proposed"], SupportStatus.APPROVED)),
    "pay a support case": (Permission.SUPPORT_PAY, lambda db, ids, tmp:
                           transition_case(db, ids["approved"], SupportStatus.PAID)),
    "correct a paid amount": (Permission.SUPPORT_CORRECT, lambda db, ids, tmp: correct_amount(
        db, ids["paid"], 900_000, "Ghi nhầm")),
    "change a fund": (Permission.SUPPORT_FUNDS, lambda db, ids, tmp: save_fund(
        db, FundInput(code="QXH", name="Quỹ xã hội", year=YEAR, budget=120_000_000),
        ids["fund"])),
    "add a kind of support": (Permission.SUPPORT_FUNDS, lambda db, ids, tmp: save_kind(
        db, KindInput(code="HOC-BONG", name="Học bổng cho con", default_amount=1_000_000))),
    "export CCCD and phone numbers": (Permission.PERSONAL_DATA_EXPORT, lambda db, ids, tmp:
                                      export_members(db, tmp / "ds.xlsx",
                                                     purpose="Gửi công đoàn cấp trên")),
    "add an account": (Permission.USERS_MANAGE, lambda db, ids, tmp: accounts.add_user(
        db, "moi", "viewer", "mat-khau-moi-2026")),
    "read the audit trail": (Permission.AUDIT_READ, lambda db, ids, tmp:
                             audit_list(db).count()),
}
