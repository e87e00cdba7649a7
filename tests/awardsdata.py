"""A small branch with an award decision, for the awards and certificates tests."""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date

from unionapp import awards, org
from unionapp.db import Database
from unionapp.members import MemberInput, create_member
from unionapp.models import Gender

# Names with đ, ư, ơ and stacked marks (ỗ, ữ, ẫ, ặ); given decomposed, stored NFC.
NAMES = [
    ("Đỗ Hữu Phước", Gender.MALE),
    ("Nguyễn Thị Thu Hằng", Gender.FEMALE),
    ("Lưu Thị Ngọc Ữ", Gender.FEMALE),
    ("Trương Văn Ơn", Gender.MALE),
    ("Đặng Quốc Mỗ", Gender.MALE),
    ("Vũ Thị Ngọc Ẫn", Gender.FEMALE),
]


@dataclass(frozen=True)
class Awarded:
    decision: uuid.UUID
    members: list[uuid.UUID]
    groups: list[uuid.UUID]


def make_decision(db: Database, *, number: str = "15/QĐ-CĐCS",
                  decided_on: date = date(2024, 12, 27),
                  names: list[tuple[str, str]] = NAMES, groups: int = 1,
                  kind_code: str = "GK-CDCS") -> Awarded:
    units = [org.add_group(db, code=f"T-{uuid.uuid4().hex[:8]}",
                           name=f"Tổ công đoàn Phòng số {i + 1}") for i in range(max(groups, 1))]
    members = [create_member(db, MemberInput(full_name=unicodedata.normalize("NFD", name),
                                             gender=gender, org_unit=units[0].uuid)).uuid
               for name, gender in names]
    kind = next(k for k in awards.award_kinds(db) if k.code == kind_code)
    data = awards.decision_defaults(db, today=decided_on)
    data.number, data.decided_on, data.award_kind = number, decided_on, kind.uuid
    data.signer_name = "Lê Hồng Hạnh"
    data.reason = "Đã có thành tích xuất sắc trong phong trào thi đua năm 2024"
    decision = awards.create_decision(db, data).uuid
    if members:
        awards.add_member_recipients(db, decision, members, amount=300_000)
    if groups:
        awards.add_unit_recipients(db, decision, [u.uuid for u in units[:groups]])
    return Awarded(decision, members, [u.uuid for u in units])
