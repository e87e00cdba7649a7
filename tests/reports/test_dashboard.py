"""The home tab's figures and its list of things to do (unionapp.dashboard), each checked a
second way: members month by month against the naive replay of every movement
(tests/reports/second_way.py), the rest against the lists the tabs show."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.accounts_helpers import as_role, make_accounts
from tests.exchange.conftest import Pair
from tests.reports import second_way
from tests.reports.test_figures import roster_db  # noqa: F401 - a fixture
from unionapp import awards, dashboard
from unionapp.backups import create_backup
from unionapp.certificates import print_certificates
from unionapp.dashboard import Todo, TodoItem, month_ends, next_reporting_date, todo_list
from unionapp.db import Database
from unionapp.exchange import export_package, import_package, keys
from unionapp.models import SupportStatus
from unionapp.reports import key_counts
from unionapp.reports.definitions import Period
from unionapp.reports.figures import collect, rollup
from unionapp.support import CaseQuery, case_list

TODAY = date.today()


def all_units(db: Database) -> set[int]:
    return {row[0] for row in second_way._rows(db, "SELECT id FROM org_unit")}


def assert_months_as_replayed(db: Database, today: date = TODAY) -> list[tuple[date, int]]:
    points = dashboard.members_by_month(db, month_ends(today))
    units = all_units(db)
    for day, count in points:
        theirs = second_way.members(db, units, Period(day, day))["members.total"]
        assert count == theirs, (day, count, theirs)
    return points


def test_month_ends() -> None:
    days = month_ends(date(2026, 3, 15))
    assert len(days) == 24
    assert days[0] == date(2024, 4, 30) and days[-2] == date(2026, 2, 28)
    assert days[-1] == date(2026, 3, 15)
    assert date(2024, 12, 31) in days and date(2025, 2, 28) in days
    assert month_ends(date(2026, 1, 1))[-2:] == [date(2025, 12, 31), date(2026, 1, 1)]


def test_members_by_month_on_the_demo(demo_db: Database) -> None:
    points = assert_months_as_replayed(demo_db)
    assert points[-1][1] == key_counts(demo_db, TODAY).members
    assert len({n for _day, n in points}) > 3  # the demo admits people over the years


def test_members_by_month_on_an_imported_roster(roster_db: Database) -> None:  # noqa: F811
    points = assert_months_as_replayed(roster_db)
    assert points[-1][1] == key_counts(roster_db, TODAY).members
    # Since the end of last month: those who left then (24 over ten days) are gone, those
    # admitted (5) or transferred in (1) then have come (see the fixture).
    end = points[-2][0]
    left = sum(1 for n in range(24) if TODAY - timedelta(days=2 + n % 9) > end)
    came = sum(1 for n in range(5) if TODAY - timedelta(days=3 + n) > end)
    came += TODAY - timedelta(days=4) > end
    assert points[-2][1] - left + came == points[-1][1]


def test_members_by_month_in_a_parent_union(pair: Pair) -> None:
    pair.send_up(full=True)
    import_package(pair.parent.db, pair.export(pair.other, full=True))
    points = assert_months_as_replayed(pair.parent.db)
    assert points[-1][1] > 30


def test_overview_is_the_reports_figures(demo_db: Database) -> None:
    view = dashboard.overview(demo_db, TODAY)
    assert view.counts == key_counts(demo_db, TODAY)
    units = all_units(demo_db)
    year = second_way.support(demo_db, units, Period(date(TODAY.year, 1, 1), TODAY))
    assert {f.name: (f.budget, f.committed, f.paid) for f in view.funds} == {
        name: (f["budget"], f["committed"], f["paid"])
        for name, f in year["support.funds"].items()}
    assert view.funds and all(f.budget > 0 for f in view.funds)
    this = second_way.awards(demo_db, units, Period(date(TODAY.year, 1, 1), TODAY))
    last = second_way.awards(demo_db, units, Period(date(TODAY.year - 1, 1, 1),
                                                    date(TODAY.year - 1, 12, 31)))

    def recipients(table: dict[str, dict[str, int]], kind: str) -> int:
        entry = table.get(kind, {})
        return entry.get("persons", 0) + entry.get("collectives", 0)

    expected = {kind: (recipients(last["awards.by_kind"], kind),
                       recipients(this["awards.by_kind"], kind))
                for kind in {*last["awards.by_kind"], *this["awards.by_kind"]}}
    assert {a.kind: (a.last_year, a.this_year) for a in view.awards} == {
        k: v for k, v in expected.items() if any(v)}
    assert len(view.members_by_month) == 24


def by_kind(items: list[TodoItem]) -> dict[str, TodoItem]:
    return {item.kind: item for item in items}


def test_things_to_do_on_the_demo(demo_db: Database, tmp_path: Path) -> None:
    items = by_kind(todo_list(demo_db))
    proposed = case_list(demo_db, CaseQuery(status=SupportStatus.PROPOSED)).count()
    approved = case_list(demo_db, CaseQuery(status=SupportStatus.APPROVED)).count()
    assert proposed and items[Todo.APPROVE].count == proposed and items[Todo.APPROVE].urgent
    assert items[Todo.PAY].count == approved
    # Certificates: recipients of decisions with a paper whose serial is not in the register.
    decisions = [d for d in awards.decision_list(demo_db).all() if d.certificate_title]
    unprinted = sum(d.recipients - d.printed for d in decisions)
    assert items[Todo.PRINT].count == unprinted > 0
    newest = next(d for d in decisions if d.recipients > d.printed)
    assert items[Todo.PRINT].target == str(newest.uuid)
    assert newest.number in items[Todo.PRINT].text
    print_certificates(demo_db, newest.uuid, out=tmp_path / "gk.pdf")
    after = by_kind(todo_list(demo_db))
    assert after[Todo.PRINT].count == unprinted - (newest.recipients - newest.printed)
    assert Todo.IMPORT_MEMBERS not in items  # the register is not empty


def test_sending_and_backups(demo_db: Database, tmp_path: Path) -> None:
    items = by_kind(todo_list(demo_db))
    assert items[Todo.SEND].urgent and items[Todo.BACKUP].urgent
    keys.init_keys(demo_db)
    export_package(demo_db, tmp_path / "up.zip")
    create_backup(demo_db)
    items = by_kind(todo_list(demo_db))
    assert Todo.SEND not in items
    assert not items[Todo.BACKUP].urgent and items[Todo.BACKUP].days == 0
    later = datetime.now(UTC) + timedelta(days=20)
    items = by_kind(todo_list(demo_db, now=later))
    assert items[Todo.BACKUP].urgent and items[Todo.BACKUP].days == 20
    assert items[Todo.CONFIRMATION].kind == Todo.CONFIRMATION  # sent, not confirmed
    items = by_kind(todo_list(demo_db, now=datetime.now(UTC) + timedelta(days=40)))
    assert items[Todo.SEND].urgent and items[Todo.SEND].days == 40


def test_only_what_the_role_may_do(demo_db: Database) -> None:
    make_accounts(demo_db)  # the chair signed in
    chair = by_kind(todo_list(demo_db))
    assert Todo.APPROVE in chair and Todo.PAY in chair
    as_role(demo_db, "clerk")
    clerk = by_kind(todo_list(demo_db))
    assert Todo.APPROVE not in clerk and Todo.PAY not in clerk
    assert Todo.PRINT in clerk and Todo.SEND in clerk
    # A case the chair proposed waits for someone else's approval, not for the chair's.
    from unionapp.support import CaseInput, create_case, kind_list

    member = second_way._rows(demo_db, "SELECT uuid FROM member LIMIT 1")[0][0]
    kind = next(k for k in kind_list(demo_db) if k.needs_approval)
    create_case(demo_db, CaseInput(member=uuid.UUID(str(member)), kind=kind.uuid,
                                   occurred_on=TODAY, amount=kind.default_amount,
                                   reason="Ốm nằm viện"))
    as_role(demo_db, "chair")
    assert by_kind(todo_list(demo_db))[Todo.APPROVE].count == chair[Todo.APPROVE].count + 1
    as_role(demo_db, "viewer")
    viewer = by_kind(todo_list(demo_db))
    assert set(viewer) == {Todo.REPORT}


def test_an_empty_register_starts_with_the_roster(db: Database) -> None:
    items = todo_list(db)
    assert items[0].kind == Todo.IMPORT_MEMBERS and items[0].urgent


def test_a_parent_union_sees_late_branches_and_conflicts(pair: Pair) -> None:
    pair.send_up(full=True)  # the other branch sends nothing
    items = by_kind(todo_list(pair.parent.db))
    assert items[Todo.LATE_BRANCHES].count == 1
    assert "CDCS-KHAC" in items[Todo.LATE_BRANCHES].text
    assert Todo.SEND not in items  # a parent union has nothing to send up
    later = by_kind(todo_list(pair.parent.db, now=datetime.now(UTC) + timedelta(days=60)))
    assert later[Todo.LATE_BRANCHES].count == 2


@pytest.mark.parametrize(("today", "expected", "title"), [
    (date(2026, 5, 20), date(2026, 5, 31), "Báo cáo 6 tháng"),
    (date(2026, 5, 31), date(2026, 5, 31), "Báo cáo 6 tháng"),
    (date(2026, 6, 1), date(2026, 11, 30), "Báo cáo năm"),
    (date(2026, 12, 1), date(2026, 12, 31), "Năm dương lịch"),
    (date(2027, 1, 1), date(2027, 5, 31), "Báo cáo 6 tháng"),
])
def test_the_next_reporting_date(today: date, expected: date, title: str) -> None:
    assert next_reporting_date(today) == (expected, title)


def test_the_reporting_date_item(db: Database) -> None:
    soon = by_kind(todo_list(db, today=date(2026, 5, 20)))[Todo.REPORT]
    assert soon.urgent and soon.target == "2026-05-31" and "31/05/2026" in soon.text
    assert soon.days == 11 and "11" in soon.text
    far = by_kind(todo_list(db, today=date(2026, 6, 1)))[Todo.REPORT]
    assert not far.urgent and far.target == "2026-11-30"


def test_awards_of_last_year_and_this(demo_db: Database) -> None:
    """The awards chart counts the same recipients as the reports, for either year."""
    view = dashboard.overview(demo_db, TODAY)
    for year, pick in ((TODAY.year - 1, "last_year"), (TODAY.year, "this_year")):
        c = collect(demo_db, ("awards",), Period(date(year, 1, 1), date(year, 12, 31)
                                                 if year < TODAY.year else TODAY))
        table = rollup(c, c.tree.units)["awards.by_kind"]
        for bar in view.awards:
            entry = table.get(bar.kind, {})
            assert getattr(bar, pick) == entry.get("persons", 0) + entry.get("collectives", 0)
