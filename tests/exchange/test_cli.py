"""The command line's contract: keys, package export, package import with --dry-run/--json,
non-zero exit for a refused package with the database untouched."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.conftest import run_cli


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_exchange_from_the_command_line(tmp_path: Path) -> None:
    parent, branch = tmp_path / "parent.db", tmp_path / "branch.db"
    made = run_cli("--db", str(parent), "init", "--parent", "--branch-code", "CDVC-HN",
                   "--branch-name", "Công đoàn Viên chức thành phố Hà Nội", check=True)
    assert "mã vân tay" in made.stdout
    run_cli("--db", str(branch), "demo", "--members", "25", check=True)
    again = run_cli("--db", str(branch), "keys", "init", check=True)
    assert "Mã vân tay" in again.stdout
    refused = run_cli("--db", str(branch), "keys", "init")
    assert refused.returncode == 2 and "--replace" in refused.stderr

    run_cli("--db", str(branch), "keys", "export-public", str(tmp_path / "branch.key"),
            check=True)
    run_cli("--db", str(parent), "keys", "export-public", str(tmp_path / "parent.key"),
            check=True)
    trusted = run_cli("--db", str(parent), "keys", "trust", str(tmp_path / "branch.key"),
                      "--org-unit", "VNCPT", check=True)
    assert "điện thoại" in trusted.stdout
    run_cli("--db", str(branch), "keys", "trust", str(tmp_path / "parent.key"), "--org-unit",
            "CDVC-HN", check=True)
    wrong = run_cli("--db", str(parent), "keys", "trust", str(tmp_path / "parent.key"),
                    "--org-unit", "X")
    assert wrong.returncode == 2 and "khóa của chính" in wrong.stderr

    package = tmp_path / "usb" / "VNCPT-1.zip"
    exported = run_cli("--db", str(branch), "package", "export", str(package), "--full",
                       "--json", check=True)
    result = json.loads(exported.stdout)
    assert result["sequence"] == 1 and result["sha256"] == _sha(package)

    checked = json.loads(run_cli("--db", str(parent), "package", "import", str(package),
                                 "--dry-run", "--json", check=True).stdout)
    for key in ("status", "dry_run", "created", "updated", "unchanged", "rejected",
                "conflicts", "errors", "package", "files", "entities", "warnings",
                "backup_file"):
        assert key in checked
    assert checked["status"] == "ok" and checked["dry_run"] is True
    assert checked["created"] > 25 and checked["conflicts"] == [] and checked["errors"] == []
    assert checked["package"]["signature"] == "valid"
    assert checked["package"]["key_fingerprint"] and checked["package"]["sequence"] == 1
    assert checked["entities"]["member"]["created"] == 25
    assert all(f["declared_rows"] == f["read_rows"] for f in checked["files"])

    done = json.loads(run_cli("--db", str(parent), "package", "import", str(package),
                              "--json", check=True).stdout)
    assert done["status"] == "ok" and done["dry_run"] is False and done["backup_file"]
    twice = run_cli("--db", str(parent), "package", "import", str(package), "--json")
    assert twice.returncode == 0 and json.loads(twice.stdout)["outcome"] == "already_imported"

    branches = json.loads(run_cli("--db", str(parent), "package", "branches", "--json",
                                  check=True).stdout)
    assert branches[0]["code"] == "VNCPT" and branches[0]["last_sequence"] == 1

    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(package.read_bytes()[:-100])
    before = _sha(parent)
    bad = run_cli("--db", str(parent), "package", "import", str(damaged), "--json")
    assert bad.returncode != 0
    summary = json.loads(bad.stdout)
    assert summary["status"] == "error" and summary["errors"][0]["code"] == "damaged"
    assert "hỏng" in summary["errors"][0]["message"]
    assert _sha(parent) == before
    text = run_cli("--db", str(parent), "package", "import", str(damaged))
    assert text.returncode != 0 and "Bị từ chối" in text.stdout

    reference = tmp_path / "usb" / "CDVC-1.zip"
    run_cli("--db", str(parent), "package", "export", str(reference), check=True)
    down = run_cli("--db", str(branch), "package", "import", str(reference), check=True)
    assert "xác nhận đã nhập" in down.stdout
