"""Opening safely: every file the program can't or mustn't use gets one plain Vietnamese
sentence (exit 2), never a traceback, and is left exactly as it was."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.safety import NETWORK_DRIVE, assert_plain, make_read_only, run_patched
from unionapp import drives
from unionapp.db import open_database
from unionapp.errors import NetworkDrive


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(("path", "answer", "kind"), [
    (r"\\server\congdoan\unionapp.db", None, "network"),
    (r"\\?\UNC\server\share\unionapp.db", None, "network"),
    ("//server/share/unionapp.db", None, "network"),
    (r"Z:\Du lieu\unionapp.db", 4, "network"),  # a mapped network drive
    (r"E:\unionapp.db", 2, "removable"),
    (r"D:\unionapp.db", 5, "cdrom"),
    (r"C:\Users\Hoa\AppData\unionapp.db", 3, "local"),
    (r"\\?\C:\Users\Hoa\unionapp.db", 3, "local"),
])
def test_drive_kind_on_windows(path: str, answer: int | None, kind: str) -> None:
    asked: list[str] = []

    def get_drive_type(root: str) -> int:
        asked.append(root)
        assert answer is not None, "a UNC path needs no question"
        return answer

    assert drives.drive_kind(path, platform="win32", get_drive_type=get_drive_type) == kind
    assert asked in ([], [path.removeprefix("\\\\?\\")[:2] + "\\"])


def test_drive_kind_on_linux_reads_the_mount_table(tmp_path: Path) -> None:
    table = tmp_path / "mountinfo"
    table.write_text(
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        "40 22 0:50 / /mnt/cong\\040doan rw,relatime shared:9 - cifs //nas/cd rw\n"
        "41 22 0:51 / /srv/nfs rw,relatime - nfs4 nas:/export rw\n"
        "42 41 8:2 / /srv/nfs/local rw - ext4 /dev/sdb1 rw\n", encoding="utf-8")
    kind = drives._linux_kind
    assert kind(Path("/mnt/cong doan/unionapp.db"), table) == "network"
    assert kind(Path("/srv/nfs/a/b.db"), table) == "network"
    assert kind(Path("/srv/nfs/local/b.db"), table) == "local"  # the longest mount wins
    assert kind(Path("/home/hoa/unionapp.db"), table) == "local"
    assert drives.drive_kind(tmp_path / "x.db") == "local"  # this machine's real table


def test_a_database_on_a_network_drive_is_refused(demo_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import unionapp.db

    monkeypatch.setattr(unionapp.db, "drive_kind", lambda _path: drives.NETWORK)
    with pytest.raises(NetworkDrive, match="ổ mạng"):
        open_database(demo_path)
    result = run_patched(NETWORK_DRIVE, "--db", str(demo_path), "members", "find", "an")
    assert_plain(result, 2, "ổ mạng", "chép tệp về máy này")


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    paper = tmp_path / "danh sách.db"
    paper.write_text("Họ và tên;Ngày sinh\n", encoding="utf-8")
    before = _hash(paper)
    result = run_cli("--db", str(paper), "members", "find", "an")
    assert_plain(result, 2, "không phải là cơ sở dữ liệu của chương trình")
    folder = run_cli("--db", str(tmp_path), "members", "find", "an")
    assert_plain(folder, 2, "không phải là cơ sở dữ liệu")
    assert _hash(paper) == before


def test_another_programs_sqlite_database_is_left_alone(tmp_path: Path) -> None:
    other = tmp_path / "zalo.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, body TEXT)")
    conn.commit()
    conn.close()
    result = run_cli("--db", str(other), "members", "find", "an")
    assert_plain(result, 2, "không phải là cơ sở dữ liệu")
    conn = sqlite3.connect(other)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert tables == {"messages"}  # no tables of ours added to it


def test_a_database_from_a_newer_program(demo_path: Path) -> None:
    with sqlite3.connect(demo_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'from_the_future'")
    conn.close()
    before = _hash(demo_path)
    for command in (("members", "find", "an"), ("backup", "create")):
        result = run_cli("--db", str(demo_path), *command)
        assert_plain(result, 2, "phiên bản mới hơn")
    assert _hash(demo_path) == before


def test_a_read_only_file(demo_path: Path, tmp_path: Path) -> None:
    undo = make_read_only(demo_path)
    try:
        result = run_cli("--db", str(demo_path), "members", "import",
                         str(tmp_path / "ds.csv"))
        assert_plain(result, 2, "chỉ cho phép đọc", "Documents")
        assert_plain(run_cli("--db", str(demo_path), "members", "find", "an"), 0)  # reading
    finally:
        undo()


def test_a_read_only_folder(demo_path: Path, tmp_path: Path) -> None:
    undo = make_read_only(demo_path.parent)
    try:
        result = run_cli("--db", str(demo_path), "members", "import",
                         str(tmp_path / "ds.csv"))
        assert_plain(result, 2, "chỉ cho phép đọc")
    finally:
        undo()


def test_a_database_another_program_holds_locked(demo_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time\n"
        f"c = sqlite3.connect({str(demo_path)!r}, isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "print('holding', flush=True)\n"
        "time.sleep(120)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        result = run_cli("--db", str(demo_path), "members", "import", "ds.csv")
        assert_plain(result, 2, "chương trình khác", "đóng chương trình đó")
    finally:
        holder.kill()
        holder.wait()
