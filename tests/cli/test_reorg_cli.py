"""The command line's contract for issue 13: org move-parent / history, members transfer-out /
transfer-in, branch close; refused commands exit 2 with a Vietnamese message and change
nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.conftest import run_cli


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cli_json(*args: str) -> object:
    return json.loads(run_cli(*args, check=True).stdout)


def test_moving_to_a_new_parent_from_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "branch.db")
    run_cli("--db", db, "init", "--branch-code", "CDCS-A", "--branch-name",
            "Công đoàn cơ sở Bệnh viện A", "--parent-code", "CDVC-HN", "--parent-name",
            "Công đoàn Viên chức thành phố Hà Nội", check=True)
    moved = _cli_json("--db", db, "org", "move-parent", "--code", "LDLD-HN", "--name",
                      "Liên đoàn Lao động thành phố Hà Nội", "--from", "2025-07-01", "--json")
    assert isinstance(moved, dict)
    assert moved["effective_on"] == "2025-07-01" and moved["next_package_full"] is True
    history = _cli_json("--db", db, "org", "history", "--json")
    assert isinstance(history, list)
    assert [(p["parent_code"], p["from"], p["to"]) for p in history] == [
        ("CDVC-HN", None, "2025-06-30"), ("LDLD-HN", "2025-07-01", None)]
    assert history[1]["superior_line"] == "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HÀ NỘI"
    plain = run_cli("--db", db, "org", "history", check=True)
    assert "01/07/2025" in plain.stdout

    before = _sha(tmp_path / "branch.db")
    earlier = run_cli("--db", db, "org", "move-parent", "--code", "X", "--name", "Y",
                      "--from", "2025-01-01")
    assert earlier.returncode == 2 and "sau lần chuyển gần nhất" in earlier.stderr
    not_a_date = run_cli("--db", db, "org", "move-parent", "--code", "X", "--name", "Y",
                         "--from", "01/07/2025")
    assert not_a_date.returncode == 2 and "YYYY-MM-DD" in not_a_date.stderr
    assert _sha(tmp_path / "branch.db") == before
    assert "Traceback" not in earlier.stderr + not_a_date.stderr


def _branch(tmp_path: Path, code: str, name: str) -> str:
    db = str(tmp_path / f"{code}.db")
    run_cli("--db", db, "init", "--branch-code", code, "--branch-name", name, "--parent-code",
            "LDLD-HN", "--parent-name", "Liên đoàn Lao động thành phố Hà Nội", check=True)
    run_cli("--db", db, "keys", "export-public", str(tmp_path / f"{code}.key"), check=True)
    return db


def test_transfers_and_closing_from_the_command_line(tmp_path: Path) -> None:
    sender = str(tmp_path / "VNCPT.db")
    run_cli("--db", sender, "demo", "--members", "20", check=True)
    run_cli("--db", sender, "keys", "init", check=True)
    run_cli("--db", sender, "keys", "export-public", str(tmp_path / "VNCPT.key"), check=True)
    receiver = _branch(tmp_path, "CDCS-B", "Công đoàn cơ sở Trường B")
    stranger = _branch(tmp_path, "CDCS-C", "Công đoàn cơ sở Trường C")
    for db in (receiver, stranger):
        trusted = run_cli("--db", db, "keys", "trust", str(tmp_path / "VNCPT.key"),
                          "--org-unit", "VNCPT", check=True)
        assert "VNCPT" in trusted.stdout

    found = _cli_json("--db", sender, "members", "find", "--status", "active", "--json")
    assert isinstance(found, list)
    who = [found[0]["uuid"], found[1]["uuid"]]
    out, letter = tmp_path / "usb" / "chuyen.zip", tmp_path / "usb" / "giay.pdf"
    result = _cli_json("--db", sender, "members", "transfer-out", *who, "--to-branch-code",
                       "CDCS-B", "--to-branch-name", "Công đoàn cơ sở Trường B", "--out",
                       str(out), "--letter", str(letter), "--json")
    assert isinstance(result, dict) and result["sha256"] == _sha(out) and letter.exists()
    statuses = {m["uuid"]: m["status"] for m in _cli_json(  # type: ignore[union-attr]
        "--db", sender, "members", "find", "--json")}
    assert [statuses[u] for u in who] == ["transferred_out"] * 2

    checked = _cli_json("--db", receiver, "members", "transfer-in", str(out), "--dry-run",
                        "--json")
    assert isinstance(checked, dict) and checked["outcome"] == "checked"
    done = _cli_json("--db", receiver, "members", "transfer-in", str(out), "--json")
    assert isinstance(done, dict) and done["outcome"] == "committed"
    arrived = {m["uuid"] for m in _cli_json(  # type: ignore[union-attr]
        "--db", receiver, "members", "find", "--json")}
    assert set(who) <= arrived  # same UUIDs
    again = _cli_json("--db", receiver, "members", "transfer-in", str(out), "--json")
    assert isinstance(again, dict) and again["outcome"] == "already_imported"

    before = _sha(Path(stranger))
    wrong = run_cli("--db", stranger, "members", "transfer-in", str(out))
    assert wrong.returncode == 2 and "không phải gửi công đoàn này" in wrong.stderr
    assert _sha(Path(stranger)) == before

    archive = tmp_path / "luu-tru"
    plan = _cli_json("--db", sender, "branch", "close", "--on", "2025-12-01", "--archive",
                     str(archive), "--dry-run", "--json")
    assert isinstance(plan, dict) and plan["steps"] and not archive.exists()
    closed = _cli_json("--db", sender, "branch", "close", "--on", "2025-12-01", "--archive",
                       str(archive), "--json")
    assert isinstance(closed, dict) and closed["closed_on"] == "2025-12-01"
    assert Path(closed["package"]).exists() and Path(closed["database_copy"]).exists()
    refused = run_cli("--db", sender, "members", "transfer-out", found[2]["uuid"],
                      "--to-branch-code", "CDCS-B", "--out", str(tmp_path / "x.zip"))
    assert refused.returncode == 2 and "kết thúc hoạt động" in refused.stderr
    assert "Traceback" not in refused.stderr
    still = _cli_json("--db", sender, "members", "find", "--json")
    assert isinstance(still, list) and len(still) == 20
