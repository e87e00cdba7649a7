"""The demo branch is alive on first run."""

from __future__ import annotations

from sqlalchemy import func, select

from unionapp.db import Database
from unionapp.models import (
    Activity,
    ActivityKind,
    Award,
    AwardDecision,
    Member,
    MemberStatus,
    Movement,
    OrgUnit,
    SupportCase,
    SupportKind,
    SupportStatus,
)


def test_demo_is_a_realistic_branch(demo_db: Database) -> None:
    with demo_db.read() as s:
        kinds = dict(s.execute(select(OrgUnit.kind, func.count()).group_by(OrgUnit.kind)).all())
        assert kinds == {"parent_union": 1, "branch": 1, "group": 7}
        assert s.scalar(select(func.count(Member.id))) == 300
        statuses = set(s.scalars(select(Member.status).distinct()))
        assert statuses == set(MemberStatus.ALL)
        assert s.scalar(select(func.count(Movement.id))) > 300
        assert s.scalar(select(func.count(Member.id)).where(Member.date_of_birth.is_(None))) > 0
        assert ActivityKind.EMULATION_MOVEMENT in set(s.scalars(select(Activity.kind)))
        recipients = s.execute(
            select(AwardDecision.number, func.count(Award.member_id),
                   func.count(Award.recipient_unit_id))
            .join(Award, Award.decision_id == AwardDecision.id).group_by(AwardDecision.number)
        ).all()
        assert any(persons + units >= 20 and persons and units
                   for _n, persons, units in recipients)
        case_statuses = set(s.scalars(select(SupportCase.status).distinct()))
        assert case_statuses == set(SupportStatus.ALL)
        used_kinds = s.scalar(select(func.count(SupportCase.kind_id.distinct())))
        assert used_kinds == s.scalar(select(func.count(SupportKind.id)))
        national_ids = s.scalars(select(Member.national_id)).all()
        assert len(set(national_ids)) == 300 and all(len(n or "") == 12 for n in national_ids)
