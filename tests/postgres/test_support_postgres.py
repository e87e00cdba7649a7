"""Fund balances stay right on PostgreSQL when two clerks approve against one fund at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support_helpers import race_two_approvals
from unionapp.db import Database, open_database
from unionapp.demo import fill_demo
from unionapp.models import SupportFund
from unionapp.org import init_database
from unionapp.support import CaseQuery, case_list, case_totals
from unionapp.support import funds as funds_module
from unionapp.support.batches import batch_list
from unionapp.support.summary import support_summary

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    with open_database(pg_url, user="tester") as db:
        init_database(db, code="CDCS-PG", name="Công đoàn cơ sở Thử nghiệm", place="Hà Nội")
        yield db


def _unlocked(s: Session, fund_id: int) -> SupportFund:
    """The fund read without a row lock (what a naive service would do)."""
    fund = s.scalar(select(SupportFund).where(SupportFund.id == fund_id)
                    .execution_options(populate_existing=True))
    assert fund is not None
    return fund


def test_concurrent_approvals_never_overspend(pg_db: Database,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The writers' lock makes the second approval wait, then see the first."""
    assert race_two_approvals(pg_db, monkeypatch) == ["ok", "overspent"]


def test_the_row_lock_alone_also_serialises(pg_db: Database,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the writers' lock, the row lock makes the second approval wait."""
    _no_writers_lock(monkeypatch)
    assert race_two_approvals(pg_db, monkeypatch) == ["ok", "overspent"]


def _no_writers_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lift the one-writer lock every write transaction takes (unionapp.db), to show what
    the fund's own guards do."""
    monkeypatch.setattr(Database, "_lock_writers", lambda self, connection: None)


def test_the_version_bump_alone_also_serialises(pg_db: Database,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the writers' lock and the row lock both read the same balance; whichever
    bumps the fund's version second finds it changed, and its action retries on fresh
    figures."""
    _no_writers_lock(monkeypatch)
    monkeypatch.setattr(funds_module, "lock_fund", _unlocked)
    retries = []
    real = funds_module._bump_version

    def counting(s: Session, fund: SupportFund) -> None:
        try:
            real(s, fund)
        except funds_module.FundBusy:
            retries.append(fund.id)
            raise

    monkeypatch.setattr(funds_module, "_bump_version", counting)
    assert sorted(race_two_approvals(pg_db, monkeypatch)) == ["ok", "overspent"]
    assert retries, "the second approval should have found the fund changed"


def test_without_serialisation_the_race_would_overspend(pg_db: Database,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The race above is real: with no guard, both approvals pass."""
    _no_writers_lock(monkeypatch)
    monkeypatch.setattr(funds_module, "lock_fund", _unlocked)
    monkeypatch.setattr(funds_module, "_bump_version", lambda s, fund: None)
    with pytest.raises(AssertionError):
        race_two_approvals(pg_db, monkeypatch)


def test_lists_and_summary_agree_with_sqlite(pg_url: str, tmp_path: Path) -> None:
    today = date.today()
    figures = []
    for target in (pg_url, tmp_path / "same.db"):
        with open_database(target, create=True, user="tester") as db:
            fill_demo(db, members=120, today=today)
            query = CaseQuery(date_from=date(today.year, 1, 1))
            rows = case_list(db, query).all()
            figures.append((
                support_summary(db, today.year).as_json(),
                [(r.member_name, r.kind_code, r.amount, r.status, r.group, r.fund, r.batch)
                 for r in rows],
                case_totals(db, query),
                [(b.title, b.count, b.total) for b in batch_list(db, today.year)],
            ))
    assert figures[0] == figures[1]
    assert figures[0][0]["total"]["count"] > 0
