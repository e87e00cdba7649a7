"""Accounts on the command line: users add/list/reset-password/disable, signing in with
--user and UNIONAPP_PASSWORD, each role against each kind of change (exit 2, nothing
changed, when not allowed), personal-data exports, audit list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.accounts_helpers import ROLE_NAMES, password
from tests.conftest import run_cli
from tests.role_office import Office, build_office, copy_office, state
from unionapp.db import open_database
from unionapp.permissions import ROLES, Permission


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Office:
    return build_office(tmp_path_factory.mktemp("office"))


def _as(role: str, pw: str | None = None) -> dict[str, str]:
    return {"UNIONAPP_PASSWORD": pw if pw is not None else password(role)}


def _state(path: Path) -> dict[str, object]:
    with open_database(path, readonly=True) as db:
        return state(db)


def test_first_account_then_everyone_signs_in(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    run_cli("--db", db, "init", "--branch-code", "B1", "--branch-name", "Công đoàn B1",
            "--no-keys", check=True)
    assert run_cli("--db", db, "members", "find", "--json", check=True).stdout.strip() == "[]"
    refused = run_cli("--db", db, "users", "add", "hang", "--role", "clerk",
                      input="mat-khau-dai\n")
    assert refused.returncode == 2 and "Chủ tịch" in refused.stderr
    made = run_cli("--db", db, "users", "add", "Hai.NT", "--role", "chair", "--full-name",
                   "Ngô Thành Hải", input="mat-khau-cua-hai\n")
    assert made.returncode == 0, made.stderr
    assert "Mã khôi phục:" in made.stdout and "chỉ hiện một lần" in made.stdout
    code = made.stdout.split("Mã khôi phục:")[1].split()[0]
    # from now on: no sign-in, no data
    no_user = run_cli("--db", db, "members", "find")
    assert no_user.returncode == 2 and "--user" in no_user.stderr
    wrong = run_cli("--db", db, "--user", "hai.nt", "members", "find",
                    env={"UNIONAPP_PASSWORD": "sai-roi-123"})
    assert wrong.returncode == 2 and "Sai tên đăng nhập hoặc mật khẩu" in wrong.stderr
    no_password = run_cli("--db", db, "--user", "hai.nt", "members", "find")
    assert no_password.returncode == 2 and "UNIONAPP_PASSWORD" in no_password.stderr
    chair = {"UNIONAPP_PASSWORD": "mat-khau-cua-hai"}
    assert run_cli("--db", db, "--user", "hai.nt", "members", "find", env=chair).returncode == 0
    # later accounts need the chair
    alone = run_cli("--db", db, "users", "add", "hang", "--role", "clerk",
                    input="mat-khau-dai\n")
    assert alone.returncode == 2
    run_cli("--db", db, "--user", "hai.nt", "users", "add", "hang", "--role", "clerk",
            "--full-name", "Nguyễn Thị Hằng", input="mat-khau-hang\n", env=chair, check=True)
    listed = json.loads(run_cli("--db", db, "--user", "hai.nt", "users", "list", "--json",
                                env=chair, check=True).stdout)
    assert [(u["username"], u["role"], u["active"]) for u in listed] == [
        ("hai.nt", "chair", True), ("hang", "clerk", True)]
    # the chair resets, then disables
    run_cli("--db", db, "--user", "hai.nt", "users", "reset-password", "hang",
            input="mat-khau-moi-1\n", env=chair, check=True)
    assert run_cli("--db", db, "--user", "hang", "members", "find",
                   env={"UNIONAPP_PASSWORD": "mat-khau-moi-1"}).returncode == 0
    run_cli("--db", db, "--user", "hai.nt", "users", "disable", "hang", env=chair, check=True)
    assert run_cli("--db", db, "--user", "hang", "members", "find",
                   env={"UNIONAPP_PASSWORD": "mat-khau-moi-1"}).returncode == 2
    last = run_cli("--db", db, "--user", "hai.nt", "users", "disable", "hai.nt", env=chair)
    assert last.returncode == 2
    # the chair who forgot: the recovery code, once
    recovered = run_cli("--db", db, "users", "reset-password", "hai.nt", "--recovery-code",
                        input="mat-khau-lay-lai\n", env={"UNIONAPP_RECOVERY_CODE": code})
    assert recovered.returncode == 0, recovered.stderr
    assert run_cli("--db", db, "--user", "hai.nt", "members", "find",
                   env={"UNIONAPP_PASSWORD": "mat-khau-lay-lai"}).returncode == 0
    again = run_cli("--db", db, "users", "reset-password", "hai.nt", "--recovery-code",
                    input="mat-khau-khac-2\n", env={"UNIONAPP_RECOVERY_CODE": code})
    assert again.returncode == 2


def test_five_wrong_passwords_lock_on_the_command_line_too(office: Office,
                                                           tmp_path: Path) -> None:
    db = str(copy_office(office, tmp_path))
    for _try in range(5):
        run_cli("--db", db, "--user", "clerk", "members", "find", env=_as("clerk", "sai-123456"))
    locked = run_cli("--db", db, "--user", "clerk", "members", "find", env=_as("clerk"))
    assert locked.returncode == 2 and "bị khóa đến" in locked.stderr


def _commands(office: Office, tmp_path: Path) -> dict[str, tuple[Permission | None, list[str],
                                                                  str | None]]:
    ids = office.ids
    return {
        "export CCCD and phone": (Permission.PERSONAL_DATA_EXPORT, [
            "members", "export", str(tmp_path / "ds.xlsx"), "--purpose", "Gửi cấp trên"], None),
        "propose a support case": (Permission.SUPPORT_PROPOSE, [
            "support", "add", str(ids["other"]), "--kind", "KHO-KHAN", "--amount", "1.000.000",
            "--fund", "QXH"], None),
        "approve": (Permission.SUPPORT_APPROVE, ["support", "approve", str(ids["proposed"])],
                    None),
        "pay": (Permission.SUPPORT_PAY, ["support", "pay", str(ids["approved"])], None),
        "add an account": (Permission.USERS_MANAGE, ["users", "add", "moi", "--role",
                                                     "viewer"], "mat-khau-moi-2026\n"),
        "read the audit trail": (Permission.AUDIT_READ, ["audit", "list", "--json"], None),
        "import a roster": (Permission.MEMBERS_IMPORT,
                            ["members", "import", str(tmp_path / "roster.csv")], None),
        "make a backup": (Permission.BACKUP_CREATE, ["backup", "create"], None),
        "move to a new parent": (Permission.ORG_MOVE_PARENT, [
            "org", "move-parent", "--code", "CDN-YT", "--name",
            "Công đoàn Y tế Việt Nam", "--from", "2026-01-01"], None),
        "make a report": (Permission.REPORTS_MAKE, [
            "reports", "make", "members", "--out", str(tmp_path / "bc.xlsx")], None),
    }


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_each_role_against_each_kind_of_change(office: Office, tmp_path: Path,
                                               role: str) -> None:
    (tmp_path / "roster.csv").write_text("Họ và tên,Ngày sinh,Giới tính\n"
                                         "Phạm Văn Mới,01/02/1990,Nam\n", encoding="utf-8")
    wrong = []
    for name, (permission, args, stdin) in _commands(office, tmp_path).items():
        path = copy_office(office, tmp_path)
        before = _state(path)
        result = run_cli("--db", str(path), "--user", role, *args, env=_as(role), input=stdin)
        # A roster import is the roster helper's to check; the write guard alone refuses
        # the reading roles.
        expected = ROLES[role].writes if permission is None else (
            permission in ROLES[role].permissions)
        if result.returncode not in (0, 2):
            wrong.append(f"{name}: exit {result.returncode}: {result.stderr}")
        elif (result.returncode == 0) != expected:
            wrong.append(f"{name}: exit {result.returncode} {result.stderr.strip()}")
        if result.returncode == 2:
            # The refusal is the last word (the day's first writing command may first say that
            # it made the daily backup).
            assert "Traceback" not in result.stderr
            assert result.stderr.strip().splitlines()[-1].startswith("Lỗi:")
            assert _state(path) == before, f"{role} / {name}: refused but changed"
    assert wrong == [], f"{role}: {wrong}"
    assert (tmp_path / "ds.xlsx").exists() == (
        Permission.PERSONAL_DATA_EXPORT in ROLES[role].permissions)


def test_a_viewer_reads_with_cccd_and_phone_masked(office: Office, tmp_path: Path) -> None:
    db = str(copy_office(office, tmp_path))
    rows = json.loads(run_cli("--db", db, "--user", "viewer", "members", "find", "hanh",
                              "--json", env=_as("viewer"), check=True).stdout)
    assert (rows[0]["national_id"], rows[0]["phone"]) == ("*********345", "*******678")
    plain = run_cli("--db", db, "--user", "viewer", "members", "export",
                    str(tmp_path / "plain.csv"), "--no-national-id", "--no-phone",
                    env=_as("viewer"))
    assert plain.returncode == 0, plain.stderr
    text = (tmp_path / "plain.csv").read_text(encoding="utf-8-sig")
    assert "Nguyễn Thị Hạnh" in text and "0912345678" not in text
    clerk = json.loads(run_cli("--db", db, "--user", "clerk", "members", "find", "hanh",
                               "--json", env=_as("clerk"), check=True).stdout)
    assert clerk[0]["national_id"] == "001190012345"


def test_a_personal_data_export_asks_the_purpose_and_is_recorded(office: Office,
                                                                 tmp_path: Path) -> None:
    db = str(copy_office(office, tmp_path))
    target = tmp_path / "danh-sach.xlsx"
    no_purpose = run_cli("--db", db, "--user", "clerk", "members", "export", str(target),
                         env=_as("clerk"))
    assert no_purpose.returncode == 2 and "mục đích" in no_purpose.stderr
    assert not target.exists()
    run_cli("--db", db, "--user", "clerk", "members", "export", str(target), "--purpose",
            "Đối chiếu bảo hiểm y tế", env=_as("clerk"), check=True)
    assert target.exists()
    entries = json.loads(run_cli("--db", db, "--user", "inspector", "audit", "list", "--json",
                                 env=_as("inspector"), check=True).stdout)
    [export] = [e for e in entries if e["action"] == "personal_export"]
    assert export["user"] == "clerk" and export["role"] == "clerk"
    assert export["after"]["file"] == str(target) and export["after"]["rows"] == 2
    assert export["after"]["purpose"] == "Đối chiếu bảo hiểm y tế"
    assert set(export["after"]["columns"]) == {"national_id", "phone"}


def test_audit_list_names_user_time_action_record_and_fields(office: Office,
                                                             tmp_path: Path) -> None:
    db = str(copy_office(office, tmp_path))
    member = str(office.ids["member"])
    args = ("--db", db, "--user", "chair", "audit", "list")
    everything = json.loads(run_cli(*args, "--json", env=_as("chair"), check=True).stdout)
    assert {"id", "at", "user", "role", "action", "entity", "record", "fields", "before",
            "after", "summary"} <= set(everything[0])
    about = json.loads(run_cli(*args, "--member", member, "--json", env=_as("chair"),
                               check=True).stdout)
    assert about and len(about) < len(everything)
    assert {e["entity"] for e in about} >= {"member", "support_case", "movement"}
    created = next(e for e in about if e["entity"] == "member" and e["action"] == "create")
    assert created["record"] == member and created["record_name"] == "Nguyễn Thị Hạnh"
    assert "full_name" in created["fields"]
    by_clerk = json.loads(run_cli(*args, "--user", "clerk", "--json", env=_as("chair"),
                                  check=True).stdout)
    assert by_clerk and {e["user"] for e in by_clerk} == {"clerk"}
    later = json.loads(run_cli(*args, "--since", "01/01/2099", "--json", env=_as("chair"),
                               check=True).stdout)
    assert later == []
    words = run_cli(*args, "--member", member, env=_as("chair"), check=True).stdout
    assert "Nguyễn Thị Hạnh" in words and "Họ và tên" in words
