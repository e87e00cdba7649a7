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
        # the labour federation today, and the public-sector union it was handed over from
        assert kinds == {"parent_union": 2, "branch": 1, "group": 7}
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


def test_demo_shows_the_2025_move_and_both_headers(demo_db: Database, tmp_path) -> None:
    """The demo branch is under the city's labour federation, with its history showing the
    handover of 1/7/2025; decisions on each side of that date print their own header."""
    from datetime import date

    from tests.pdfcheck import pdf_text
    from unionapp.awards import decision_list
    from unionapp.certificates.printing import print_certificates
    from unionapp.demo import FORMER_PARENT_NAME, MOVE_DATE, PARENT_NAME
    from unionapp.letterhead import issuer_on
    from unionapp.reorg import parent_history

    history = parent_history(demo_db)
    assert [p.parent_name for p in history] == [FORMER_PARENT_NAME, PARENT_NAME]
    assert history[1].starts_on == MOVE_DATE and history[0].ends_on == date(2025, 6, 30)
    assert issuer_on(demo_db, date.today()).superior == "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HÀ NỘI"
    own = [d for d in decision_list(demo_db).all() if d.number.endswith("QĐ-CĐCS")]
    before = [d for d in own if d.decided_on < MOVE_DATE]
    after = [d for d in own if d.decided_on >= MOVE_DATE]
    assert before and after
    for decision, header in ((before[0], "CÔNG ĐOÀN VIÊN CHỨC THÀNH PHỐ HÀ NỘI"),
                             (after[0], "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HÀ NỘI")):
        out = tmp_path / f"{decision.uuid}.pdf"
        print_certificates(demo_db, decision.uuid, out=out)
        text = " ".join(pdf_text(out, page=1).split())
        assert header in text, text[:300]


def test_no_demo_date_is_after_the_day_it_is_made(tmp_path) -> None:
    """Made on 4 December, the demo's year-end decisions are last year's, not weeks ahead;
    every date and moment in it has come."""
    from datetime import UTC, date, datetime

    from sqlalchemy import Date, DateTime, inspect, text

    from unionapp.db import open_database
    from unionapp.demo import fill_demo

    today = date(2025, 12, 4)
    with open_database(tmp_path / "demo.db", create=True) as db:
        fill_demo(db, members=60, today=today)
        with db.engine.connect() as conn:
            for table in inspect(db.engine).get_table_names():
                for column in inspect(db.engine).get_columns(table):
                    if isinstance(column["type"], Date | DateTime):
                        latest = conn.execute(text(
                            f'SELECT max("{column["name"]}") FROM "{table}"')).scalar()
                        if latest is None:
                            continue
                        limit = (datetime.now(UTC).isoformat(" ")
                                 if isinstance(column["type"], DateTime) else today.isoformat())
                        assert str(latest)[:10] <= limit[:10], (table, column["name"], latest)
