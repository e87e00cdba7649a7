"""The demo branch's care and support: members' relatives, two years of funds, cases of every
kind in every status, a Tết batch for everyone and a batch for members with young children,
and one corrected payment — so the tab is alive on first run.

Deterministic (its own seeded generator, so other parts of the demo don't shift it).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..bulk import insert_records
from ..catalogues import SUPPORT_FUNDS
from ..db import Database
from ..labels import RELATION, label
from ..models import (
    Gender,
    Member,
    MemberRelative,
    MemberStatus,
    Relation,
    SupportCase,
    SupportCaseEvent,
    SupportFund,
    SupportKind,
    SupportStatus,
)
from .batches import BatchInput, BatchSelection, batch_candidates, create_batch
from .cases import CaseQuery, case_list, correct_amount, rules_note, transition_cases

# code, name, budget this year and last year (VND)
# A year's budget: at least this, or so much per active member (a large demo branch gets a
# larger budget, so its Tết gifts fit as they would in a real one).
BUDGETS = {"KPCD": (180_000_000, 650_000), "QXH": (80_000_000, 300_000)}


def _budget(code: str, active: int) -> int:
    least, per_member = BUDGETS[code]
    return max(least, -(-active * per_member // 10_000_000) * 10_000_000)
REASONS = {
    "OM-DAU": ["Điều trị nội trú tại bệnh viện", "Phẫu thuật tại Bệnh viện Việt Đức",
               "Ốm đau dài ngày"],
    "HIEU": ["Phúng viếng"],
    "HI": ["Mừng đám cưới"],
    "SINH-CON": ["Thăm hỏi khi sinh con"],
    "KHO-KHAN": ["Hoàn cảnh gia đình khó khăn đột xuất", "Chồng mất việc, con nhỏ ốm"],
    "THIEN-TAI": ["Nhà bị ảnh hưởng do bão số 3 (Yagi)", "Nhà bị ngập do mưa lũ"],
    "MAI-AM": ["Hỗ trợ xây nhà “Mái ấm Công đoàn”"],
}
DEMO_BATCH_LIMIT = 2_000

# How many individual cases of each kind (Tết and children's gifts come in batches).
PLAN = ["OM-DAU"] * 10 + ["HIEU"] * 7 + ["HI"] * 6 + ["SINH-CON"] * 5 + ["KHO-KHAN"] * 7 \
    + ["THIEN-TAI"] * 4 + ["MAI-AM"]
P, A, PD, C, R = (SupportStatus.PROPOSED, SupportStatus.APPROVED, SupportStatus.PAID,
                  SupportStatus.CLOSED, SupportStatus.REJECTED)
# Where each case ends: the chair has some waiting and has refused one; most are paid.
FINALS_APPROVAL = [P, R, PD, C, A, PD, C, P, PD, C, C]
FINALS_BY_RULES = [PD, C, A, PD, C, C, PD]
FLOW = [SupportStatus.PROPOSED, SupportStatus.APPROVED, SupportStatus.PAID, SupportStatus.CLOSED]


def _utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _relative_rows(
    rnd: random.Random, name_for: Callable[[str], str], members: list[Member], today: date
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(member: Member, name: str, relation: str, born: date, year_only: bool) -> None:
        rows.append({"member_id": member.id, "full_name": name, "relation": relation,
                     "date_of_birth": None if year_only else born, "birth_year": born.year,
                     "note": ""})

    for m in members:
        born = m.date_of_birth or date(m.birth_year or 1980, 7, 1)
        family = m.full_name.split(" ")[0]
        spouse_gender = Gender.MALE if m.gender == Gender.FEMALE else Gender.FEMALE
        if rnd.random() < 0.75:
            spouse_born = born + timedelta(days=rnd.randint(-6 * 365, 4 * 365))
            add(m, name_for(spouse_gender), Relation.SPOUSE, spouse_born, False)
            child_family = family if m.gender == Gender.MALE else rows[-1]["full_name"].split()[0]
            for _n in range(rnd.choice([0, 1, 1, 2, 2, 2, 3])):
                child_born = born + timedelta(days=rnd.randint(24 * 365, 42 * 365))
                if child_born > today:
                    continue
                gender = rnd.choice(Gender.ALL)
                name = " ".join([child_family, *name_for(gender).split(" ")[1:]])
                add(m, name, Relation.CHILD, child_born, False)
        for relation, gender, share in ((Relation.FATHER, Gender.MALE, 0.45),
                                        (Relation.MOTHER, Gender.FEMALE, 0.6)):
            if rnd.random() < share:
                parent_born = born - timedelta(days=rnd.randint(22 * 365, 36 * 365))
                name = name_for(gender)
                if relation == Relation.FATHER:
                    name = " ".join([family, *name.split(" ")[1:]])
                add(m, name, relation, parent_born, rnd.random() < 0.4)
    return rows


def _cases(
    s: Session, rnd: random.Random, active: list[Member], today: date, user: str
) -> int:
    kinds = {k.code: k for k in s.scalars(select(SupportKind))}
    funds = {(f.code, f.year): f for f in s.scalars(select(SupportFund))}
    parents = {
        r.member_id: r
        for r in s.scalars(
            select(MemberRelative).where(
                MemberRelative.relation.in_([Relation.FATHER, Relation.MOTHER])
            )
        )
    }
    plan = PLAN[:]
    rnd.shuffle(plan)
    counts = {True: 0, False: 0}
    for i, code in enumerate(plan):
        kind = kinds[code]
        member = rnd.choice(active)
        finals = FINALS_APPROVAL if kind.needs_approval else FINALS_BY_RULES
        if code == "MAI-AM":  # the house was built: the money was handed over
            final = PD
        else:
            final = finals[counts[kind.needs_approval] % len(finals)]
            counts[kind.needs_approval] += 1
        age = rnd.randrange(3, 45) if final in (P, A) else rnd.randrange(20, 330)
        occurred = today - timedelta(days=age)
        beneficiary, relation, relative_id = "", "", None
        if code == "HIEU" and member.id in parents:
            parent = parents[member.id]
            beneficiary, relation = parent.full_name, label(RELATION, parent.relation)
            relative_id = parent.id
        elif code == "HIEU":
            beneficiary, relation = "Nguyễn Văn Tư", "Bố vợ"
        fund = funds.get((kind.fund_code, occurred.year))
        case = SupportCase(
            kind_id=kind.id, member_id=member.id, beneficiary_name=beneficiary,
            relation=relation, relative_id=relative_id, occurred_on=occurred,
            amount=kind.default_amount, reason=rnd.choice(REASONS[code]),
            paper_ref=f"HS-{occurred.year}-{i + 1:03d}", status=final,
            fund_id=fund.id if fund else None,
        )
        s.add(case)
        if final == SupportStatus.REJECTED:
            steps = [SupportStatus.PROPOSED, SupportStatus.REJECTED]
        else:
            steps = FLOW[: FLOW.index(final) + 1]
        previous = None
        day = occurred
        for n, status in enumerate(steps):
            if n and not (status == SupportStatus.APPROVED and not kind.needs_approval):
                day = min(today, day + timedelta(days=rnd.randint(1, 4)))
            note = ""
            if status == SupportStatus.APPROVED and not kind.needs_approval:
                note = rules_note()
            elif status == SupportStatus.REJECTED:
                note = "Không thuộc đối tượng hỗ trợ theo quy chế chi tiêu nội bộ"
            s.add(SupportCaseEvent(case=case, from_status=previous, to_status=status,
                                   at=_utc(day), effective_on=day, by_user=user, note=note))
            previous = status
    return len(plan)


def _past(day: date, today: date) -> date:
    """``day`` this year if it has come, else the same day last year."""
    this_year = day.replace(year=today.year)
    return this_year if this_year <= today else day.replace(year=today.year - 1)


def fill_support_demo(
    db: Database, *, name_for: Callable[[str], str], seed: int, today: date
) -> int:
    """Add the support demo to a demo branch whose members exist. Returns the case count."""
    rnd = random.Random(seed)
    home = db.home_unit_uuid
    assert home is not None
    with db.transaction() as s:
        members = s.scalars(select(Member).order_by(Member.id)).all()
        insert_records(s, MemberRelative, _relative_rows(rnd, name_for, list(members), today),
                       owner=home)
        active = [m for m in members if m.status == MemberStatus.ACTIVE]
        for year in (today.year - 1, today.year):
            for order, (code, name) in enumerate(SUPPORT_FUNDS):
                s.add(SupportFund(code=code, name=name, year=year,
                                  budget=_budget(code, len(active)), sort_order=order))
        s.flush()
        if not active:
            return 0
        count = _cases(s, rnd, active, today, db.user)

    with db.read() as s:
        kinds = {k.code: k.uuid for k in s.scalars(select(SupportKind))}
        funds = {(f.code, f.year): f.uuid for f in s.scalars(select(SupportFund))}

    # Tết gifts for every active member, handed out before the holiday and signed for.
    tet = _past(date(today.year, 1, 20), today)
    # A benchmark-sized demo (a million members) gets a batch of office size, not a million.
    everyone = batch_candidates(db, BatchSelection(on=tet))[:DEMO_BATCH_LIMIT]
    result = create_batch(
        db,
        BatchInput(title=f"Quà Tết Nguyên đán năm {tet.year + (tet.month > 6)}",
                   kind=kinds["TET"], fund=funds.get(("KPCD", tet.year)), occurred_on=tet,
                   amount=300_000, reason="Quà Tết cho đoàn viên",
                   paper_ref=f"{tet.year}/QĐ-CĐCS", criteria="Toàn thể đoàn viên đang sinh hoạt"),
        [c.member_uuid for c in everyone],
        on=tet - timedelta(days=5),
    )
    tet_cases = case_list(db, CaseQuery(batch=result.uuid)).all()
    transition_cases(db, [c.uuid for c in tet_cases], SupportStatus.PAID, on=tet)
    transition_cases(db, [c.uuid for c in tet_cases[: len(tet_cases) // 2]],
                     SupportStatus.CLOSED, on=min(today, tet + timedelta(days=10)))
    count += result.count

    # Children's Day gifts for members with a child under 6, handed out on the day.
    june = _past(date(today.year, 5, 28), today)
    young = batch_candidates(db, BatchSelection(child_under=6, on=june))[:DEMO_BATCH_LIMIT]
    if young:
        result = create_batch(
            db,
            BatchInput(title=f"Quà Tết Thiếu nhi 1/6 năm {june.year} cho con dưới 6 tuổi",
                       kind=kinds["THIEU-NHI"], fund=funds.get(("KPCD", june.year)),
                       occurred_on=june, amount=200_000, reason="Quà Tết Thiếu nhi 1/6",
                       criteria="Đoàn viên có con dưới 6 tuổi"),
            [c.member_uuid for c in young],
            on=june,
        )
        given = [c.uuid for c in case_list(db, CaseQuery(batch=result.uuid)).all()]
        transition_cases(db, given, SupportStatus.PAID, on=min(today, june + timedelta(days=4)))
        count += result.count

    # A hardship allowance raised after payment, by a correction with its reason.
    paid = [c for c in case_list(db, CaseQuery(kind_code="KHO-KHAN",
                                               status=SupportStatus.PAID)).all()]
    if paid:
        correct_amount(db, paid[0].uuid, paid[0].amount + 500_000,
                       "Bổ sung theo Nghị quyết họp Ban Chấp hành")
    return count
