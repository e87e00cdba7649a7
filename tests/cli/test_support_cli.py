"""``unionapp support summary``: the contract of the figures a branch reports upward."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from tests.conftest import run_cli
from unionapp.db import open_database
from unionapp.support import CaseQuery, case_list


def test_summary_json_contract(demo_path: Path) -> None:
    year = date.today().year
    result = run_cli("--db", str(demo_path), "support", "summary", "--year", str(year), "--json",
                     check=True)
    data = json.loads(result.stdout)
    assert {"year", "by_kind", "by_status", "by_kind_status", "members_helped",
            "total"} <= set(data)
    assert data["year"] == year
    for item in data["by_kind"]:
        assert set(item) == {"code", "name", "count", "amount"}
        assert isinstance(item["count"], int) and isinstance(item["amount"], int)
    assert [s["status"] for s in data["by_status"]] == [
        "proposed", "approved", "paid", "closed", "rejected"]
    for item in data["by_status"] + data["by_kind_status"]:
        assert isinstance(item["count"], int) and isinstance(item["amount"], int)
    # Help given (paid or closed): by kind adds up to the total, and to those statuses.
    total = data["total"]
    assert total["count"] == sum(k["count"] for k in data["by_kind"]) > 0
    assert total["amount"] == sum(k["amount"] for k in data["by_kind"])
    given = [s for s in data["by_status"] if s["status"] in data["counted_statuses"]]
    assert total == {"count": sum(s["count"] for s in given),
                     "amount": sum(s["amount"] for s in given)}
    assert 0 < data["members_helped"] <= total["count"]
    # Every case of the year is in by_status, and by_kind_status is the same cases split.
    with open_database(demo_path, readonly=True) as db:
        cases = case_list(db, CaseQuery(date_from=date(year, 1, 1),
                                        date_to=date(year, 12, 31))).all()
        helped = {c.member_uuid for c in cases if c.status in ("paid", "closed")}
    assert sum(s["count"] for s in data["by_status"]) == len(cases)
    assert sum(s["amount"] for s in data["by_kind_status"]) == sum(c.amount for c in cases)
    assert data["members_helped"] == len(helped)


def test_summary_in_words_and_an_empty_year(demo_path: Path) -> None:
    year = date.today().year
    text = run_cli("--db", str(demo_path), "support", "summary", "--year", str(year),
                   check=True).stdout
    assert f"Công tác chăm lo – hỗ trợ năm {year}" in text
    assert "Thăm hỏi, trợ cấp" in text and "người với số tiền" in text and "đồng" in text
    assert "Quà Tết" in text and "Đã chi" in text
    empty = json.loads(run_cli("--db", str(demo_path), "support", "summary", "--year", "1999",
                               "--json", check=True).stdout)
    assert empty["total"] == {"count": 0, "amount": 0} and empty["members_helped"] == 0
    assert all(k["count"] == 0 for k in empty["by_kind"])


def test_summary_help_documents_the_keys() -> None:
    text = run_cli("support", "summary", "--help", check=True).stdout
    for key in ("by_kind", "by_status", "by_kind_status", "members_helped", "total"):
        assert key in text


def test_funds(demo_path: Path) -> None:
    funds = json.loads(run_cli("--db", str(demo_path), "support", "funds", "--year",
                               str(date.today().year), "--json", check=True).stdout)
    assert {f["code"] for f in funds} == {"KPCD", "QXH"}
    for f in funds:
        assert f["remaining"] == f["budget"] - f["committed"]
