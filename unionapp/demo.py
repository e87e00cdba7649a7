"""The demo branch: a realistic grassroots union, so a newcomer sees a living office.

The union of a public research institute that is not fully paid from the state budget (so
it kept its union and its dues in 2025), handed over with its institute on 1 July 2025 from
the city's public-sector union, which ended its activity, to the city's labour federation:
its history shows the move, and decisions on each side of that date print the header of
their own date. Nothing in it is dated after the day the demo is made.

Deterministic (a seeded random generator), fictional people with plausible Vietnamese names,
dates and identity numbers. ``fill_demo(db, members=N)`` also makes large databases for the
benchmarks (members go in through the bulk path).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from . import org, reorg
from .bulk import audit_summary, insert_records
from .db import Database
from .models import (
    Activity,
    ActivityKind,
    Award,
    AwardDecision,
    AwardKind,
    Gender,
    Initiative,
    InitiativeAuthor,
    Member,
    MemberStatus,
    Movement,
    MovementKind,
    OrgUnit,
    Participation,
)
from .support.demo import fill_support_demo

BRANCH_CODE = "VNCPT"
BRANCH_NAME = "Công đoàn cơ sở Viện Nghiên cứu Phát triển Bền vững"
# The parent union today (after the 2025 reorganisation) …
PARENT_CODE = "LDLD-HN"
PARENT_NAME = "Liên đoàn Lao động thành phố Hà Nội"
# … and the one before: the city's public-sector union, which ended its activity in 2025.
FORMER_PARENT_CODE = "CDVC-HN"
FORMER_PARENT_NAME = "Công đoàn Viên chức thành phố Hà Nội"
MOVE_DATE = date(2025, 7, 1)
MOVE_NOTE = ("Chuyển giao nguyên trạng về Liên đoàn Lao động thành phố theo Kết luận "
             "157-KL/TW và Công văn 4173/TLĐ-TOC")
PLACE = "Hà Nội"
GROUPS = [
    "Tổ công đoàn Văn phòng Viện",
    "Tổ công đoàn Phòng Tài chính – Kế toán",
    "Tổ công đoàn Phòng Quản lý Khoa học",
    "Tổ công đoàn Trung tâm Thông tin – Thư viện",
    "Tổ công đoàn Phòng Nghiên cứu Kinh tế",
    "Tổ công đoàn Phòng Nghiên cứu Xã hội",
    "Tổ công đoàn Phòng Nghiên cứu Môi trường",
]

# Family names with roughly their share among Vietnamese people.
FAMILY = (
    ["Nguyễn"] * 38
    + ["Trần"] * 11
    + ["Lê"] * 9
    + ["Phạm"] * 7
    + ["Hoàng"] * 4
    + ["Huỳnh"] * 2
    + ["Phan"] * 4
    + ["Vũ"] * 4
    + ["Võ"] * 2
    + ["Đặng"] * 2
    + ["Bùi"] * 2
    + ["Đỗ"] * 2
    + [
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Đinh",
        "Trịnh",
        "Đào",
        "Mai",
        "Cao",
        "Lương",
        "Tạ",
        "Đoàn",
        "Khổng",
        "Ưng",
        "Lưu",
        "Quách",
    ]
)
MIDDLE = {
    Gender.MALE: [
        "Văn",
        "Hữu",
        "Đức",
        "Minh",
        "Quang",
        "Công",
        "Thành",
        "Xuân",
        "Tiến",
        "Ngọc",
        "Đình",
        "Trọng",
        "Mạnh",
        "Quốc",
        "Bá",
    ],
    Gender.FEMALE: [
        "Thị",
        "Thị",
        "Thị",
        "Ngọc",
        "Thu",
        "Thanh",
        "Kim",
        "Minh",
        "Thùy",
        "Hồng",
        "Phương",
        "Diệu",
        "Bích",
        "Mỹ",
        "Tuyết",
    ],
}
SECOND_MIDDLE = {
    Gender.MALE: ["Minh", "Quang", "Thành", "Xuân", "Tiến", "Ngọc", "Anh", "Hoàng", "Trung"],
    Gender.FEMALE: ["Thu", "Thanh", "Kim", "Minh", "Hồng", "Phương", "Ngọc", "Bích", "Thúy"],
}
GIVEN = {
    Gender.MALE: [
        "An",
        "Anh",
        "Bình",
        "Cường",
        "Dũng",
        "Đăng",
        "Đức",
        "Hải",
        "Hiếu",
        "Hùng",
        "Huy",
        "Khánh",
        "Long",
        "Minh",
        "Nam",
        "Phong",
        "Quân",
        "Sơn",
        "Thắng",
        "Tuấn",
        "Việt",
        "Vinh",
        "Hưng",
        "Lộc",
        "Trung",
        "Đạt",
        "Dương",
        "Tùng",
        "Thịnh",
        "Phúc",
        "Khôi",
        "Lực",
        "Nghĩa",
        "Toản",
        "Trường",
        "Vượng",
    ],
    Gender.FEMALE: [
        "Anh",
        "Chi",
        "Dung",
        "Giang",
        "Hà",
        "Hằng",
        "Hạnh",
        "Hoa",
        "Hương",
        "Lan",
        "Linh",
        "Mai",
        "Ngọc",
        "Nhung",
        "Phương",
        "Quỳnh",
        "Thảo",
        "Trang",
        "Vân",
        "Yến",
        "Thủy",
        "Huyền",
        "Nga",
        "Oanh",
        "Hiền",
        "Loan",
        "Trâm",
        "Xuân",
        "Nguyệt",
        "Thư",
        "Ngân",
        "Diệp",
        "Hồng",
        "Liên",
        "Tuyết",
        "Uyên",
    ],
}
ETHNICITY = ["Kinh"] * 90 + ["Tày"] * 3 + ["Mường"] * 3 + ["Thái"] * 2 + ["Nùng", "Dao"]
RELIGION = ["Không"] * 85 + ["Phật giáo"] * 10 + ["Công giáo"] * 5
JOB = (
    ["Nghiên cứu viên"] * 10
    + ["Nghiên cứu viên chính"] * 4
    + ["Chuyên viên"] * 6
    + ["Kế toán viên", "Thủ thư", "Lái xe", "Văn thư", "Kỹ thuật viên", "Trợ lý nghiên cứu"]
)
EDUCATION = ["Tiến sĩ"] * 3 + ["Thạc sĩ"] * 5 + ["Đại học"] * 6 + ["Cao đẳng"]
THEORY = ["Cao cấp", "Trung cấp", "Trung cấp", "Sơ cấp", "Sơ cấp", ""]
PROVINCE = ["001", "001", "001", "030", "031", "034", "036", "038", "040", "026", "035"]


@dataclass(frozen=True)
class DemoSummary:
    branch: str
    groups: int
    members: int
    activities: int
    decisions: int
    awards: int
    support_cases: int


class _People:
    """Plausible people: names, birth dates, identity numbers."""

    def __init__(self, rnd: random.Random):
        self.rnd = rnd
        self.used_ids: set[str] = set()

    def name(self, gender: str) -> str:
        r = self.rnd
        middle = r.choice(MIDDLE[gender])
        parts = [r.choice(FAMILY), middle]
        if r.random() < 0.3:  # a second middle name (never a second "Thị" or "Văn")
            parts.append(r.choice([m for m in SECOND_MIDDLE[gender] if m != middle]))
        given = r.choice(GIVEN[gender])
        parts.append(given if given not in parts else r.choice(GIVEN[gender]))
        return " ".join(parts)

    def national_id(self, gender: str, born: date) -> str:
        # CCCD: province (3), gender and century (1), year (2), then 6 digits.
        century = 0 if born.year < 2000 else 2
        code = century + (1 if gender == Gender.FEMALE else 0)
        while True:
            value = (
                f"{self.rnd.choice(PROVINCE)}{code}{born.year % 100:02d}"
                f"{self.rnd.randrange(1_000_000):06d}"
            )
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value


def fill_demo(
    db: Database, *, members: int = 300, seed: int = 2025, today: date | None = None
) -> DemoSummary:
    """Set up ``db`` (a fresh database) as the demo branch with ``members`` members."""
    rnd = random.Random(seed)
    today = today or date.today()
    people = _People(rnd)
    org.init_database(
        db,
        code=BRANCH_CODE,
        name=BRANCH_NAME,
        parent_code=FORMER_PARENT_CODE,
        parent_name=FORMER_PARENT_NAME,
        place=PLACE,
    )
    if today >= MOVE_DATE:
        _moved(db)
    for i, name in enumerate(GROUPS, start=1):
        org.add_group(db, code=f"{BRANCH_CODE}-T{i:02d}", name=name)
    home = db.home_unit_uuid
    assert home is not None

    with db.transaction() as s:
        groups = s.scalars(
            select(OrgUnit).where(OrgUnit.kind == "group").order_by(OrgUnit.code)
        ).all()
        member_rows, movement_rows = _member_rows(rnd, people, groups, members, today)
        new_ids = insert_records(s, Member, member_rows, owner=home)
        ids = {row["uuid"]: new_id for row, new_id in zip(member_rows, new_ids, strict=True)}
        for row in movement_rows:
            row["member_id"] = ids[row.pop("member_uuid")]
        insert_records(s, Movement, movement_rows, owner=home)
        audit_summary(
            s, user=db.user, action="demo", entity="member", summary=f"demo: {members} members"
        )

    with db.transaction() as s:
        branch = s.scalar(select(OrgUnit).where(OrgUnit.uuid == home))
        groups = s.scalars(
            select(OrgUnit).where(OrgUnit.kind == "group").order_by(OrgUnit.code)
        ).all()
        # A sample keeps a big demo (benchmarks use a million members) as quick as a small one.
        active_ids = s.scalars(
            select(Member.id).where(Member.status == MemberStatus.ACTIVE).order_by(Member.id)
        ).all()
        sample = sorted(rnd.sample(active_ids, min(len(active_ids), 400)))
        active = s.scalars(select(Member).where(Member.id.in_(sample)).order_by(Member.id)).all()
        _committee(rnd, active, groups)
        activities = _activities(s, rnd, branch, active, today)
        decisions, awards = _awards(s, rnd, branch, groups, active, activities, today)
        other_side = _across_the_move(s, random.Random(seed + 6), active, today)
        decisions, awards = decisions + other_side[0], awards + other_side[1]
        # A generator of its own, so the data above stays the same as it always was.
        extra = random.Random(seed + 4)
        _movement_results(s, extra, activities, active)
        _initiatives(s, extra, branch, activities, active)
        more_decisions, more_awards = _parent_decision(s, extra, branch, active, activities)
        decisions, awards = decisions + more_decisions, awards + more_awards

    # Its own generator, so the support demo and the rest don't shift each other.
    cases = fill_support_demo(db, name_for=_People(random.Random(seed + 5)).name, seed=seed + 5,
                              today=today)

    return DemoSummary(
        branch=BRANCH_NAME,
        groups=len(GROUPS),
        members=members,
        activities=len(activities),
        decisions=decisions,
        awards=awards,
        support_cases=cases,
    )


def _member_rows(
    rnd: random.Random, people: _People, groups: list[OrgUnit], count: int, today: date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    members: list[dict[str, Any]] = []
    moves: list[dict[str, Any]] = []
    for n in range(count):
        gender = Gender.FEMALE if rnd.random() < 0.56 else Gender.MALE
        age = rnd.randint(23, 59)
        born = today - timedelta(days=age * 365 + rnd.randrange(365))
        year_only = rnd.random() < 0.02  # old paper records: only the year is known
        joined = born + timedelta(days=rnd.randint(22, max(22, age - 1)) * 365 + rnd.randrange(365))
        joined = min(joined, today - timedelta(days=30))
        member_uuid = uuid.UUID(int=rnd.getrandbits(128), version=4)
        roll = rnd.random()
        status = MemberStatus.ACTIVE
        ending = None
        if roll < 0.03:
            status, ending = MemberStatus.TRANSFERRED_OUT, MovementKind.TRANSFER_OUT
        elif roll < 0.05:
            status, ending = MemberStatus.RETIRED, MovementKind.RETIREMENT
        elif roll < 0.065:
            status, ending = MemberStatus.LEFT, MovementKind.EXIT
        elif roll < 0.072:
            status, ending = MemberStatus.DECEASED, MovementKind.DEATH
        arrived_by_transfer = rnd.random() < 0.15
        members.append(
            {
                "uuid": member_uuid,
                "org_unit_id": rnd.choice(groups).id,
                "full_name": people.name(gender),
                "date_of_birth": None if year_only else born,
                "birth_year": born.year,
                "gender": gender,
                "ethnicity": rnd.choice(ETHNICITY),
                "religion": rnd.choice(RELIGION),
                "national_id": people.national_id(gender, born),
                "card_number": f"{BRANCH_CODE}-{n + 1:06d}",
                "phone": "0" + rnd.choice("389") + f"{rnd.randrange(10**8):08d}",
                "email": "",
                "hometown": rnd.choice(
                    [
                        "Hà Nội",
                        "Nam Định",
                        "Thái Bình",
                        "Nghệ An",
                        "Hải Dương",
                        "Thanh Hóa",
                        "Bắc Ninh",
                        "Hưng Yên",
                        "Phú Thọ",
                        "Hòa Bình",
                    ]
                ),
                "address": "",
                "job_title": rnd.choice(JOB),
                "union_role": "",
                "education": rnd.choice(EDUCATION),
                "political_theory": rnd.choice(THEORY),
                "joined_on": joined,
                "status": status,
                "notes": "",
            }
        )
        moves.append(
            {
                "member_uuid": member_uuid,
                "kind": MovementKind.TRANSFER_IN if arrived_by_transfer else MovementKind.ADMISSION,
                "occurred_on": joined,
                "from_unit": "Công đoàn cơ sở Trường Đại học Kinh tế Quốc dân"
                if arrived_by_transfer
                else "",
                "to_unit": "",
                "decision_ref": "",
                "note": "",
            }
        )
        if ending is not None:
            ended = joined + timedelta(days=rnd.randrange(max(1, (today - joined).days)))
            moves.append(
                {
                    "member_uuid": member_uuid,
                    "kind": ending,
                    "occurred_on": ended,
                    "from_unit": "",
                    "to_unit": "Công đoàn cơ sở Bệnh viện Bạch Mai"
                    if ending == MovementKind.TRANSFER_OUT
                    else "",
                    "decision_ref": "",
                    "note": "",
                }
            )
    return members, moves


def _committee(rnd: random.Random, active: list[Member], groups: list[OrgUnit]) -> None:
    """The executive committee and the group leaders."""
    if not active:
        return
    chosen = rnd.sample(active, min(len(active), 7))
    roles = [
        "Chủ tịch",
        "Phó Chủ tịch",
        "Ủy viên Ban Chấp hành",
        "Ủy viên Ban Chấp hành",
        "Ủy viên Ban Chấp hành",
        "Ủy viên Ban Chấp hành",
        "Ủy viên Ban Chấp hành",
    ]
    for member, role in zip(chosen, roles, strict=False):
        member.union_role = role
    chosen[0].job_title = "Phó Viện trưởng"
    for group in groups:
        in_group = [m for m in active if m.org_unit_id == group.id and not m.union_role]
        if in_group:
            rnd.choice(in_group).union_role = "Tổ trưởng công đoàn"


def chair_name(active: list[Member]) -> str:
    return next((m.full_name for m in active if m.union_role == "Chủ tịch"), "")


def _moved(db: Database) -> None:
    """The handover of 1 July 2025, as the branch recorded it."""
    with db.transaction() as s:
        home = s.scalar(select(OrgUnit).where(OrgUnit.uuid == db.home_unit_uuid))
        assert home is not None
        parent = reorg.parent_unit(s, PARENT_CODE, PARENT_NAME, PLACE)
        reorg.record_move(s, home.uuid, parent, PARENT_NAME, MOVE_DATE, "", "", MOVE_NOTE)
        home.parent = parent


def superior_on(day: date) -> str:
    """The first header line of the branch's documents dated ``day``."""
    return (PARENT_NAME if day >= MOVE_DATE else FORMER_PARENT_NAME).upper()


def demo_year(today: date) -> int:
    """The year the demo's activities and awards belong to: the last one whose year-end
    decisions (27 December) are not in the future."""
    return today.year if today >= date(today.year, 12, 27) else today.year - 1


def _activities(
    s: Any, rnd: random.Random, branch: OrgUnit, active: list[Member], today: date
) -> list[Activity]:
    year = demo_year(today)
    plan = [
        (
            ActivityKind.EMULATION_MOVEMENT,
            f"Phong trào thi đua “Lao động giỏi, lao động sáng tạo” năm {year}",
            date(year, 1, 15),
            date(year, 12, 15),
            0.0,
        ),
        (
            ActivityKind.EMULATION_MOVEMENT,
            f"Phong trào “Giỏi việc nước, đảm việc nhà” năm {year}",
            date(year, 3, 1),
            date(year, 12, 15),
            0.0,
        ),
        (
            ActivityKind.CONFERENCE,
            f"Hội nghị viên chức, người lao động năm {year}",
            date(year, 1, 20),
            date(year, 1, 20),
            0.9,
        ),
        (
            ActivityKind.TRAINING,
            "Tập huấn nghiệp vụ công tác công đoàn",
            date(year, 4, 12),
            date(year, 4, 13),
            0.2,
        ),
        (
            ActivityKind.BLOOD_DRIVE,
            "Ngày hội hiến máu tình nguyện “Giọt hồng tri ân”",
            date(year, 7, 25),
            date(year, 7, 25),
            0.25,
        ),
        (
            ActivityKind.SPORTS,
            "Giải cầu lông chào mừng Ngày Phụ nữ Việt Nam 20/10",
            date(year, 10, 18),
            date(year, 10, 19),
            0.15,
        ),
        (
            ActivityKind.CULTURE,
            "Hội diễn văn nghệ chào mừng Ngày Quốc tế Phụ nữ 8/3",
            date(year, 3, 7),
            date(year, 3, 7),
            0.2,
        ),
        (
            ActivityKind.VISIT,
            "Thăm và tặng quà gia đình chính sách dịp 27/7",
            date(year, 7, 26),
            date(year, 7, 26),
            0.05,
        ),
        (
            ActivityKind.VOLUNTEERING,
            "Chương trình tình nguyện “Áo ấm cho em” tại Hà Giang",
            date(year, 11, 22),
            date(year, 11, 24),
            0.08,
        ),
        (
            ActivityKind.MEETING,
            f"Họp Ban Chấp hành quý IV năm {year}",
            date(year, 10, 5),
            date(year, 10, 5),
            0.0,
        ),
    ]
    made = []
    for kind, title, start, end, share in plan:
        activity = Activity(
            kind=kind,
            title=title,
            org_unit_id=branch.id,
            starts_on=start,
            ends_on=end,
            location="Hội trường Viện" if kind != ActivityKind.VOLUNTEERING else "Hà Giang",
            description="",
        )
        s.add(activity)
        for member in active:
            if rnd.random() < share:
                s.add(Participation(activity=activity, member_id=member.id))
        made.append(activity)
    s.flush()
    return made


def _awards(
    s: Any,
    rnd: random.Random,
    branch: OrgUnit,
    groups: list[OrgUnit],
    active: list[Member],
    activities: list[Activity],
    today: date,
) -> tuple[int, int]:
    if not active:
        return 0, 0
    kinds = {k.code: k for k in s.scalars(select(AwardKind))}
    movement = activities[0]
    year = movement.starts_on.year if movement.starts_on else today.year
    decided = date(year, 12, 27)
    chair = chair_name(active)
    common = dict(
        issuing_superior=superior_on(decided),
        issuing_body=f"BAN CHẤP HÀNH {BRANCH_NAME.upper()}",
        signer_on_behalf="TM. BAN CHẤP HÀNH",
        signer_title="CHỦ TỊCH",
        signer_name=chair,
        place=PLACE,
        year=year,
    )
    first = AwardDecision(
        number="15/QĐ-CĐCS",
        decided_on=decided,
        award_kind_id=kinds["GK-CDCS"].id,
        activity_id=movement.id,
        reason=f"Đã có thành tích xuất sắc trong phong trào thi đua “Lao động giỏi, lao động "
        f"sáng tạo” năm {year}",
        **common,
    )
    second = AwardDecision(
        number="16/QĐ-CĐCS",
        decided_on=decided,
        award_kind_id=kinds["DVXS"].id,
        activity_id=movement.id,
        reason=f"Đạt danh hiệu “Đoàn viên công đoàn xuất sắc” năm {year}",
        **common,
    )
    s.add_all([first, second])
    s.flush()
    count = 0
    people = rnd.sample(active, min(len(active), 34))
    for member in people[:24]:
        s.add(Award(decision_id=first.id, member_id=member.id, amount=300_000))
        count += 1
    for group in groups[:3]:
        s.add(Award(decision_id=first.id, recipient_unit_id=group.id, amount=1_000_000))
        count += 1
    for member in people[24:]:
        s.add(Award(decision_id=second.id, member_id=member.id, amount=200_000))
        count += 1
    return 2, count


def _across_the_move(s: Any, rnd: random.Random, active: list[Member],
                     today: date) -> tuple[int, int]:
    """A decision on the other side of the 2025 move from the year-end ones, so both headers
    are there to print: the women's movement of 2024 (under the former parent) when the
    year-end decisions come after the move, else the Vietnamese Women's Day of 2025 (under
    the labour federation) once that day has come."""
    year_end = date(demo_year(today), 12, 27)
    if year_end >= MOVE_DATE:
        decided, number, year = date(2024, 12, 27), "18/QĐ-CĐCS", 2024
        reason = "Đã có thành tích xuất sắc trong phong trào “Giỏi việc nước, đảm việc nhà” " \
                 "năm 2024"
    else:
        decided = date(today.year if today >= date(today.year, 10, 20) else today.year - 1,
                       10, 20)
        if decided < MOVE_DATE:
            return 0, 0
        number, year = "9/QĐ-CĐCS", decided.year
        reason = (f"Đã có thành tích xuất sắc trong phong trào “Giỏi việc nước, đảm việc nhà”, "
                  f"nhân kỷ niệm Ngày Phụ nữ Việt Nam 20/10/{decided.year}")
    women = [m for m in active if m.gender == Gender.FEMALE]
    if not women:
        return 0, 0
    kind = s.scalar(select(AwardKind).where(AwardKind.code == "GK-CDCS"))
    chair = chair_name(active)
    decision = AwardDecision(
        number=number, decided_on=decided, award_kind_id=kind.id, year=year, reason=reason,
        issuing_superior=superior_on(decided),
        issuing_body=f"BAN CHẤP HÀNH {BRANCH_NAME.upper()}", signer_on_behalf="TM. BAN CHẤP HÀNH",
        signer_title="CHỦ TỊCH", signer_name=chair, place=PLACE)
    s.add(decision)
    s.flush()
    chosen = rnd.sample(women, min(len(women), 6))
    for member in chosen:
        s.add(Award(decision_id=decision.id, member_id=member.id, amount=200_000))
    return 1, len(chosen)


MOVEMENT_RESULTS = [("Hoàn thành xuất sắc nhiệm vụ", 0.2), ("Hoàn thành tốt nhiệm vụ", 0.6),
                    ("Hoàn thành nhiệm vụ", 1.0)]


def _movement_results(s: Any, rnd: random.Random, activities: list[Activity],
                      active: list[Member]) -> None:
    """Who registered for the emulation movements and how they did; prizes of the sports day."""
    for activity in activities:
        if activity.kind == ActivityKind.EMULATION_MOVEMENT:
            women_only = "Giỏi việc nước" in activity.title
            for member in active:
                if women_only and member.gender != Gender.FEMALE:
                    continue
                if rnd.random() < (0.7 if women_only else 0.85):
                    roll = rnd.random()
                    result = next(r for r, limit in MOVEMENT_RESULTS if roll < limit)
                    if women_only:
                        result = "Đạt danh hiệu" if roll < 0.6 else "Đăng ký thi đua"
                    s.add(Participation(activity=activity, member_id=member.id,
                                        role="Đăng ký thi đua", result=result))
        elif activity.kind == ActivityKind.SPORTS:
            players = s.scalars(select(Participation).where(
                Participation.activity_id == activity.id)).all()
            for prize, player in zip(["Giải Nhất", "Giải Nhì", "Giải Ba", "Giải Ba"],
                                     players, strict=False):
                player.result = prize


INITIATIVES = [
    ("Số hóa hồ sơ đoàn viên và quản lý trên phần mềm", 2, 85_000_000, "Cấp cơ sở"),
    ("Quy trình thanh toán công tác phí trực tuyến", 1, 42_500_000, "Cấp cơ sở"),
    ("Tiết kiệm điện năng tại phòng thí nghiệm bằng cảm biến hiện diện", 3, 126_000_000,
     "Cấp thành phố"),
    ("Chuẩn hóa mẫu báo cáo thống kê công đoàn", 1, 15_000_000, "Cấp cơ sở"),
    ("Tái sử dụng giấy in một mặt trong văn phòng", 2, 8_400_000, "Cấp cơ sở"),
    ("Cơ sở dữ liệu tài liệu nghiên cứu dùng chung", 2, 210_000_000, ""),
]


def _initiatives(s: Any, rnd: random.Random, branch: OrgUnit, activities: list[Activity],
                 active: list[Member]) -> None:
    movement = activities[0]
    year = movement.starts_on.year if movement.starts_on else date.today().year
    for n, (title, authors, benefit, level) in enumerate(INITIATIVES):
        submitted = date(year, 3 + n, 10)
        initiative = Initiative(
            title=title, year=year, org_unit_id=branch.id, activity_id=movement.id,
            submitted_on=submitted, estimated_benefit=benefit, recognition_level=level,
            recognised_on=date(year, 11, 20) if level else None,
            description="Sáng kiến đăng ký trong phong trào thi đua của Viện.")
        s.add(initiative)
        s.flush()
        shares = [100] if authors == 1 else [60, 40] if authors == 2 else [50, 30, 20]
        for order, (member, share) in enumerate(zip(rnd.sample(active, authors), shares,
                                                    strict=True)):
            s.add(InitiativeAuthor(initiative_id=initiative.id, member_id=member.id,
                                   share=share, sort_order=order))


def _parent_decision(s: Any, rnd: random.Random, branch: OrgUnit, active: list[Member],
                     activities: list[Activity]) -> tuple[int, int]:
    """A Bằng khen from the parent union to two members and to the branch itself."""
    if not active:
        return 0, 0
    movement = activities[0]
    year = movement.starts_on.year if movement.starts_on else date.today().year
    kind = s.scalar(select(AwardKind).where(AwardKind.code == "BK"))
    decided = date(year, 12, 20)
    if decided >= MOVE_DATE:  # the city's labour federation, since the reorganisation
        number, superior = "125/QĐ-LĐLĐ", "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"
        body = f"BAN THƯỜNG VỤ {PARENT_NAME.upper()}"
    else:  # the public-sector union, while it existed
        number, superior = "125/QĐ-CĐVC", "CÔNG ĐOÀN VIÊN CHỨC VIỆT NAM"
        body = f"BAN THƯỜNG VỤ {FORMER_PARENT_NAME.upper()}"
    decision = AwardDecision(
        number=number, decided_on=decided, issuing_superior=superior, issuing_body=body,
        signer_on_behalf="TM. BAN THƯỜNG VỤ", signer_title="CHỦ TỊCH",
        signer_name="Trần Thị Thanh Hương", place=PLACE, award_kind_id=kind.id,
        activity_id=movement.id, year=year,
        reason=f"Đã có thành tích xuất sắc trong công tác công đoàn và phong trào thi đua "
               f"năm {year}")
    s.add(decision)
    s.flush()
    for member in rnd.sample(active, 2):
        s.add(Award(decision_id=decision.id, member_id=member.id, amount=1_000_000))
    s.add(Award(decision_id=decision.id, recipient_unit_id=branch.id, amount=3_000_000))
    return 1, 3
