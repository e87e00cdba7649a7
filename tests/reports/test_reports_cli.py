"""``unionapp reports list|make``, run as the real program: the contract of issue 15 (command
names, options, JSON keys) and its exit statuses."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl

from tests.conftest import run_cli
from tests.exchange.conftest import Pair
from tests.reports import second_way
from unionapp.db import open_database
from unionapp.reports.definitions import Period

TODAY = date.today()


def test_reports_list(demo_path: Path) -> None:
    result = run_cli("--db", str(demo_path), "reports", "list", "--json", check=True)
    listed = json.loads(result.stdout)
    assert [r["kind"] for r in listed] == ["members", "support", "awards", "activities",
                                           "statistics"]
    assert all(set(r) == {"kind", "title"} and r["title"] for r in listed)
    plain = run_cli("--db", str(demo_path), "reports", "list", check=True).stdout
    assert "statistics" in plain and "Đoàn viên" in plain


def test_members_and_support_as_the_contract_says(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "doan-vien.xlsx"
    end = date(TODAY.year, 5, 31)
    result = run_cli("--db", str(demo_path), "reports", "make", "members", "--to",
                     end.isoformat(), "--out", str(out), "--json", check=True)
    answer = json.loads(result.stdout)
    assert {"kind", "from", "to", "file", "figures"} <= set(answer)
    assert answer["kind"] == "members" and answer["to"] == end.isoformat()
    assert answer["from"] == f"{TODAY.year - 1}-12-01"  # the half-year's start
    assert answer["file"] == str(out) and out.exists()
    figures = answer["figures"]
    with open_database(demo_path, readonly=True) as db:
        home = db.home_unit_uuid
        assert home is not None
        theirs = second_way.figures(db, [home], Period(date(TODAY.year - 1, 12, 1), end))
    assert figures["members_total"] == theirs["members.total"] > 250
    assert figures["women"] == theirs["members.women"]
    assert figures["by_group"] == theirs["members.by_group"] and len(figures["by_group"]) == 7

    year = TODAY.year
    out = tmp_path / "cham-lo.pdf"
    answer = json.loads(run_cli("--db", str(demo_path), "reports", "make", "support", "--from",
                                f"{year}-01-01", "--to", f"{year}-12-31", "--out", str(out),
                                "--json", check=True).stdout)
    summary = json.loads(run_cli("--db", str(demo_path), "support", "summary", "--year",
                                 str(year), "--json", check=True).stdout)
    figures = answer["figures"]
    assert figures["cases"] == summary["total"]["count"] > 300
    assert figures["amount"] == summary["total"]["amount"]
    assert {k: v["amount"] for k, v in figures["by_kind"].items()} == {
        k["name"]: k["amount"] for k in summary["by_kind"]}
    assert out.read_bytes().startswith(b"%PDF")


def test_exit_statuses(demo_path: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "a.xlsx")
    for args, message in [
        (("make", "nope", "--out", out), "Không có báo cáo “nope”"),
        (("make", "members", "--to", "31/02/2026", "--out", out), "không phải là ngày"),
        (("make", "members", "--out", str(tmp_path / "a.txt")), "đuôi .xlsx hoặc .pdf"),
        (("make", "members", "--branch", "NOPE", "--out", out), "mã NOPE"),
    ]:
        result = run_cli("--db", str(demo_path), "reports", *args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr
    form = tmp_path / "form.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "{{members.total}}"
    wb.active["A2"] = "{{members.tong}}"
    wb.save(form)
    result = run_cli("--db", str(demo_path), "reports", "make", "members", "--form", str(form),
                     "--out", out)
    assert result.returncode == 1, result.stderr
    assert "Sheet!A2: {{members.tong}}" in result.stderr and Path(out).exists()


def test_a_parent_union_from_the_command_line(pair: Pair, tmp_path: Path) -> None:
    pair.send_up(full=True)
    pair.parent.close()
    out = tmp_path / "tong-hop.xlsx"
    answer = json.loads(run_cli("--db", str(pair.parent.path), "reports", "make",
                                "statistics", "--to", "2025-05-31", "--out", str(out),
                                "--json", check=True).stdout)
    assert [b["code"] for b in answer["branches"]] == ["CDCS-KHAC", "VNCPT"]
    assert [b["code"] for b in answer["not_sent"]] == ["CDCS-KHAC"]
    assert answer["figures"]["branches.not_sent"] == 1
    assert answer["figures"]["members.total"] == sum(
        b["figures"]["members.total"] for b in answer["branches"])
    one = json.loads(run_cli("--db", str(pair.parent.path), "reports", "make", "members",
                             "--branch", "VNCPT", "--to", "2025-05-31", "--out",
                             str(tmp_path / "one.pdf"), "--json", check=True).stdout)
    assert "branches" not in one
    assert one["figures"]["members_total"] == answer["branches"][1]["figures"]["members.total"]
    pair.parent.reopen()
