"""The command line, run as the real program in a child process."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from unionapp.text import fold, person_sort_key


def test_version() -> None:
    result = run_cli("--version", check=True)
    assert result.stdout.startswith("unionapp ")


def test_init_then_find_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    result = run_cli("--db", db, "init", "--branch-code", "THPT-CVA", "--branch-name",
                     "Công đoàn cơ sở Trường THPT Chu Văn An", check=True)
    assert "Công đoàn cơ sở Trường THPT Chu Văn An" in result.stdout
    again = run_cli("--db", db, "init", "--branch-code", "X", "--branch-name", "Y")
    assert again.returncode != 0
    assert "đã được khai báo" in again.stderr
    found = run_cli("--db", db, "members", "find", "--json", check=True)
    assert json.loads(found.stdout) == []


def test_demo_then_find_dang_lists_every_match_in_vietnamese_order(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    run_cli("--db", db, "demo", check=True)
    result = run_cli("--db", db, "members", "find", "dang", "--json", check=True)
    rows = json.loads(result.stdout)
    everyone = json.loads(run_cli("--db", db, "members", "find", "--json", check=True).stdout)
    assert len(everyone) == 300
    expected = [r["uuid"] for r in everyone
                if any(w.startswith("dang") for w in fold(r["full_name"]).split())]
    assert [r["uuid"] for r in rows] == expected
    assert any(r["full_name"].startswith("Đặng") for r in rows)
    for row in rows:
        assert {"uuid", "full_name", "date_of_birth", "gender", "status", "org_unit"} <= set(row)
        assert row["gender"] in ("Nam", "Nữ")
    keys = [person_sort_key(r["full_name"], (r["date_of_birth"] and
                            __import__("datetime").date.fromisoformat(r["date_of_birth"]))
                            or r["birth_year"]) for r in everyone]
    assert keys == sorted(keys)


def test_demo_refuses_to_overwrite_a_database(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    run_cli("--db", db, "init", "--branch-code", "B", "--branch-name", "Công đoàn B", check=True)
    result = run_cli("--db", db, "demo")
    assert result.returncode != 0 and "--replace" in result.stderr
    assert json.loads(run_cli("--db", db, "members", "find", "--json").stdout) == []


def test_errors_are_vietnamese_on_stderr_with_nonzero_exit(tmp_path: Path) -> None:
    result = run_cli("--db", str(tmp_path / "none.db"), "members", "find", "an")
    assert result.returncode == 2
    assert result.stderr.startswith("Lỗi: Không có cơ sở dữ liệu")
    assert result.stdout == ""


def test_english_is_available(tmp_path: Path) -> None:
    result = run_cli("--lang", "en", "--db", str(tmp_path / "none.db"), "members", "find")
    assert result.stderr.startswith("Error: There is no database")
