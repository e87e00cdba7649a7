"""Reports on PostgreSQL (a parent union's database may live there): the same figures as the
second way, and a parent's table by branch."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.reports import second_way
from tests.reports.test_figures import assert_same, ours, periods
from unionapp.db import open_database
from unionapp.demo import PARENT_CODE, PARENT_NAME, fill_demo
from unionapp.exchange import export_package, import_package, keys
from unionapp.org import init_database
from unionapp.reports import ReportRequest, make_report
from unionapp.reports.definitions import Period, definitions

pytestmark = pytest.mark.postgres


def test_every_figure_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    with open_database(pg_url, user="tester") as db:
        fill_demo(db, members=120)
        home = db.home_unit_uuid
        assert home is not None
        for period in periods():
            assert_same(ours(db, [home], period), second_way.figures(db, [home], period),
                        f"postgresql {period}")
        for spec in definitions():
            for suffix in (".xlsx", ".pdf"):
                result = make_report(db, ReportRequest(spec.kind, tmp_path / f"{spec.kind}"
                                                       f"{suffix}"))
                assert result.path.stat().st_size > 2000


def test_a_parent_union_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    with open_database(tmp_path / "branch.db", create=True, user="tester") as branch, \
            open_database(pg_url, user="tester") as parent:
        fill_demo(branch, members=30, today=date(2025, 6, 1))
        keys.init_keys(branch)
        init_database(parent, code=PARENT_CODE, name=PARENT_NAME, parent_mode=True)
        keys.init_keys(parent)
        keys.export_public(branch, tmp_path / "branch.key")
        keys.trust(parent, tmp_path / "branch.key", "VNCPT")
        export_package(branch, tmp_path / "b1.zip", full=True)
        assert import_package(parent, tmp_path / "b1.zip").outcome == "committed"
        period = Period(date(2024, 1, 1), date(2025, 5, 31))
        result = make_report(parent, ReportRequest("statistics", tmp_path / "parent.pdf",
                                                   start=period.start, end=period.end))
        assert result.parent and [b.code for b in result.branches] == ["VNCPT"]
        assert result.not_sent == []  # its package was made today, after the period
        home = branch.home_unit_uuid
        assert home is not None
        assert_same(result.figures, second_way.figures(parent, [home], period),
                    "postgresql parent")
        assert result.figures["members.total"] == ours(branch, [home], period)["members.total"]
