"""Every figure of every shipped report, computed a second way (tests/reports/second_way.py),
on the demo branch, on a branch made from an imported roster, and on a parent union with
several branches."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.exchange.conftest import Pair
from tests.pdfcheck import pdf_text
from tests.reports import second_way
from unionapp import members
from unionapp.db import Database
from unionapp.exchange import import_package
from unionapp.members import MemberInput
from unionapp.models import MovementKind
from unionapp.reports import ReportRequest, make_report
from unionapp.reports.catalogue import FIGURES
from unionapp.reports.definitions import Period, definitions
from unionapp.reports.figures import collect, rollup
from unionapp.rosters.export import export_members
from unionapp.rosters.importing import import_roster
from unionapp.support.summary import support_summary

TODAY = date.today()
FAMILIES = ("members", "support", "awards", "activities")


def periods(today: date = TODAY) -> list[Period]:
    return [
        Period(date(today.year - 1, 12, 1), date(today.year, 5, 31)),  # half-year
        Period(date(today.year - 1, 12, 1), date(today.year, 11, 30)),  # statistics year
        Period(date(today.year, 1, 1), date(today.year, 12, 31)),  # calendar year
        Period(today - timedelta(days=7), today),  # a week
        Period(date(2000, 1, 1), today - timedelta(days=6)),  # a long one
    ]


def assert_same(ours: dict[str, Any], theirs: dict[str, Any], where: str,
                families: tuple[str, ...] = FAMILIES) -> None:
    """Every figure of ``families`` computed, and each equal to the second way's."""
    ours = second_way.comparable(ours)
    theirs = {k: v for k, v in theirs.items() if FIGURES[k].family in families}
    differences = {k: (ours.get(k), v) for k, v in theirs.items() if ours.get(k) != v}
    assert not differences, f"{where}: (reports, second way) differ: {differences}"
    computed = {k for k in ours if FIGURES[k].family in families}
    assert computed == {f for f in FIGURES if FIGURES[f].family in families}, where
    assert set(theirs) == computed, f"{where}: not checked: {computed - set(theirs)}"


def ours(db: Database, roots: list[uuid.UUID], period: Period) -> dict[str, Any]:
    c = collect(db, FAMILIES, period)
    units: set[int] = set()
    for root in roots:
        unit = c.tree.by_uuid(root)
        assert unit is not None
        units |= c.tree.subtree(unit.id)
    return rollup(c, units)


def test_every_figure_on_the_demo(demo_db: Database) -> None:
    home = demo_db.home_unit_uuid
    assert home is not None
    for period in periods():
        assert_same(ours(demo_db, [home], period),
                    second_way.figures(demo_db, [home], period), f"demo {period}")
    # The demo has something to count in its own year.
    year = ours(demo_db, [home], periods()[2])
    assert year["members.total"] > 250 and year["support.cases"] > 300
    assert year["members.admitted"] > 0 and year["members.by_role"]
    # Its movements and year-end award decision (27/12) never lie after the day the demo is
    # made, so they may lie in the year before: count those over the long period.
    ever = ours(demo_db, [home], periods()[4])
    assert ever["awards.persons"] > 20 and ever["activities.movements"] >= 2


def test_support_agrees_with_the_support_summary(demo_db: Database) -> None:
    """Over a calendar year the report's support figures are `support summary`'s."""
    home = demo_db.home_unit_uuid
    assert home is not None
    for year in (TODAY.year, TODAY.year - 1):
        figures = ours(demo_db, [home], Period(date(year, 1, 1), date(year, 12, 31)))
        summary = support_summary(demo_db, year)
        assert figures["support.cases"] == summary.total.count
        assert figures["support.amount"] == summary.total.amount
        assert figures["support.people"] == summary.members_helped
        assert {k.name: k.figure.amount for k in summary.by_kind} == {
            name: entry["amount"] for name, entry in figures["support.by_kind"].items()}
        funds = {f"{f.name} ({f.year})": (f.budget, f.committed, f.remaining)
                 for f in summary.funds}
        assert funds == {k: (v["budget"], v["committed"], v["remaining"])
                         for k, v in figures["support.funds"].items()}


@pytest.fixture
def roster_db(db: Database, demo_db: Database, tmp_path: Path) -> Database:
    """A branch whose members came from a roster file (the demo's, exported), then lived:
    some left, retired, moved away or died, and new ones were admitted."""
    roster = tmp_path / "roster.xlsx"
    export_members(demo_db, roster)
    summary = import_roster(db, roster)
    assert summary.created > 250, summary
    people = members.find_members(db)
    moves = [MovementKind.EXIT, MovementKind.RETIREMENT, MovementKind.TRANSFER_OUT,
             MovementKind.DEATH]
    for n, person in enumerate(people[:24]):
        members.record_movement(db, person.uuid, moves[n % 4],
                                TODAY - timedelta(days=2 + n % 9))
    for n in range(5):
        members.create_member(db, MemberInput(full_name=f"Nguyễn Thị Mới {n}",
                                              birth_year=1990 + n, gender="female",
                                              joined_on=TODAY - timedelta(days=3 + n)))
    members.create_member(db, MemberInput(full_name="Trần Văn Chuyển", birth_year=1985,
                                          gender="male", joined_on=TODAY - timedelta(days=4)),
                          movement=MovementKind.TRANSFER_IN)
    return db


def test_every_figure_on_an_imported_roster(roster_db: Database) -> None:
    home = roster_db.home_unit_uuid
    assert home is not None
    for period in periods():
        assert_same(ours(roster_db, [home], period),
                    second_way.figures(roster_db, [home], period), f"roster {period}")
    week = ours(roster_db, [home], periods()[3])
    assert week["members.decreased"] == 24 - sum(
        1 for n in range(24) if 2 + n % 9 > 7)  # those dated within the week
    assert week["members.admitted"] == 5 and week["members.transferred_in"] == 1
    assert week["members.total"] == week["members.at_start"] + week["members.increased"] - \
        week["members.decreased"]


def _send_all_up(pair: Pair) -> None:
    pair.send_up(full=True)
    summary = import_package(pair.parent.db, pair.export(pair.other, full=True))
    assert summary.status != "error", summary.text()


def test_a_parent_with_several_branches(pair: Pair, tmp_path: Path) -> None:
    _send_all_up(pair)
    parent = pair.parent.db
    branch_uuid, other_uuid = pair.branch.db.home_unit_uuid, pair.other.db.home_unit_uuid
    assert branch_uuid is not None and other_uuid is not None
    period = Period(date(2024, 1, 1), date(2025, 5, 31))  # the demo branch's year and more
    each = {root: second_way.figures(parent, [root], period)
            for root in (other_uuid, branch_uuid)}
    both = second_way.figures(parent, [branch_uuid, other_uuid], period)
    for spec in definitions():
        result = make_report(parent, ReportRequest(spec.kind, tmp_path / f"{spec.kind}.xlsx",
                                                   start=period.start, end=period.end))
        assert result.parent and [b.code for b in result.branches] == ["CDCS-KHAC", "VNCPT"]
        for row, root in zip(result.branches, (other_uuid, branch_uuid), strict=True):
            assert_same(row.figures, each[root], f"{spec.kind} {row.code}", spec.families)
        assert_same(result.figures, both, f"{spec.kind} totals", spec.families)
        assert result.figures["branches.total"] == 2
    assert both["support.cases"] > 50 and both["awards.persons"] > 20
    assert both["activities.participants"] > 20 and both["members.admitted"] > 0
    # Each branch's figures in the parent are those the branch counts itself.
    for site in (pair.branch, pair.other):
        home = site.db.home_unit_uuid
        assert home is not None
        here = ours(site.db, [home], period)
        there = ours(parent, [home], period)
        for key in ("members.total", "members.women", "members.admitted", "support.amount",
                    "awards.persons", "activities.participants", "members.by_group"):
            assert here[key] == there[key], (site.path.name, key)
    members_result = make_report(parent, ReportRequest("members", tmp_path / "m.xlsx",
                                                       start=period.start, end=period.end))
    demo_members = members_result.branches[1].figures["members.total"]
    assert demo_members > 30 and members_result.branches[0].figures["members.total"] == 3
    assert members_result.figures["members.total"] == demo_members + 3


def test_a_parent_names_the_branches_that_have_not_sent(pair: Pair, tmp_path: Path) -> None:
    pair.send_up(full=True)  # the other branch sends nothing
    parent = pair.parent.db
    result = make_report(parent, ReportRequest("members", tmp_path / "a.xlsx",
                                               end=TODAY))
    assert [(b.code, b.sent, b.last_package is None) for b in result.not_sent] == [
        ("CDCS-KHAC", False, True)]
    assert result.figures["branches.not_sent"] == 1
    later = make_report(parent, ReportRequest("members", tmp_path / "b.xlsx",
                                              end=TODAY + timedelta(days=10)))
    assert {b.code for b in later.not_sent} == {"CDCS-KHAC", "VNCPT"}
    assert later.as_json()["not_sent"][1]["last_package"] is not None
    # One branch alone: its own report, a note if its data is late.
    alone = make_report(parent, ReportRequest("members", tmp_path / "c.xlsx", branch="VNCPT",
                                              end=TODAY))
    assert not alone.parent and alone.unit.startswith("Công đoàn cơ sở Viện")
    assert alone.figures["members.total"] == ours(parent, [pair.branch.db.home_unit_uuid],
                                                  Period(date(TODAY.year, 1, 1),
                                                         TODAY))["members.total"]
    # One group of a branch that sent nothing: the branch's note, the group's figures.
    pair.send_up()
    summary = import_package(parent, pair.export(pair.other, full=True))
    assert summary.status != "error", summary.text()
    group = make_report(parent, ReportRequest("members", tmp_path / "d.pdf",
                                              branch="CDCS-KHAC-T1",
                                              end=TODAY + timedelta(days=3)))
    assert not group.parent and group.unit == "Tổ công đoàn Văn phòng"
    assert group.figures["members.groups"] == 1
    assert "Đơn vị chưa gửi số liệu đến ngày" in " ".join(pdf_text(group.path).split())
