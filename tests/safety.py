"""Helpers for the safety tests: damaged files, rosters of any size, the real program run with
one thing of its world changed (a full disk, a network drive, a bug), and no tracebacks."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from tests.conftest import ROOT

FAMILIES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Lâm", "Mai", "Trịnh")
MIDDLES = ("Văn", "Thị", "Minh", "Thu", "Quốc", "Thanh", "Ngọc", "Hữu", "Đức", "Kim",
           "Xuân", "Hải", "Gia", "Bảo", "Anh", "Phương", "Tuấn", "Mỹ", "Công", "Diệu")
GIVENS = ("An", "Bình", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hiếu", "Hoa", "Huy", "Khánh",
          "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Ngân", "Phong", "Phúc", "Quân", "Quyên",
          "Sơn", "Tâm", "Thảo", "Trang", "Trung", "Tú", "Vân", "Yến")


def roster_csv(path: Path, count: int, *, start: int = 0) -> Path:
    """A roster of ``count`` distinct members (name and birth date), as a CSV file."""
    lines = ["Họ và tên;Ngày sinh;Giới tính"]
    born = date(1960, 1, 1)
    for i in range(start, start + count):
        name = (f"{FAMILIES[i % 20]} {MIDDLES[i // 20 % 20]} {GIVENS[i // 400 % 30]} "
                f"{GIVENS[i // 12000 % 30]}")
        day = born + timedelta(days=i % 12000)
        lines.append(f"{name};{day:%d/%m/%Y};{'Nữ' if i % 2 else 'Nam'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def damage(path: Path, *, at: float = 0.5, size: int = 40_000) -> None:
    """Overwrite part of a (closed) database with noise, as a failing disk would."""
    length = path.stat().st_size
    with path.open("r+b") as f:
        f.seek(max(int(length * at), 4096))
        f.write(os.urandom(min(size, length // 3)))


def damage_schema(path: Path) -> None:
    """Noise over the first page after its header: the schema can't be read any more."""
    with path.open("r+b") as f:
        f.seek(100)
        f.write(os.urandom(3000))


def count(path: Path, table: str = "member") -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL")
                   .fetchone()[0])
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def run_patched(patch: str, *args: str, timeout: float = 180,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``unionapp`` program after ``patch`` (Python code) changed one thing of
    its world: a disk that fills up, a network drive, a bug."""
    script = textwrap.dedent(patch) + textwrap.dedent(f"""
        import sys
        from ui.launch import main
        sys.exit(main({list(args)!r}))
    """)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout, cwd=ROOT,
                          env={**os.environ, **(env or {}), "PYTHONIOENCODING": "utf-8"})


def assert_plain(result: subprocess.CompletedProcess[str], code: int, *phrases: str) -> None:
    """Exit ``code``, each phrase said, and never a traceback."""
    said = result.stdout + result.stderr
    assert "Traceback" not in said, said
    assert result.returncode == code, said
    for phrase in phrases:
        assert phrase in said, said


# A disk that is full: SQLite reports "database or disk is full" as soon as the file would
# grow by a few pages, exactly as on a full disk.
FULL_DISK = """
from sqlalchemy import event
import unionapp.db as _db
_configure = _db._configure_sqlite
def _full_soon(engine):
    _configure(engine)
    @event.listens_for(engine, "connect")
    def _limit(conn, _record):
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 4}")
_db._configure_sqlite = _full_soon
"""

NETWORK_DRIVE = """
import unionapp.drives as _drives
_drives._linux_kind = lambda path, mountinfo=None: "network"
"""


def make_read_only(path: Path) -> Callable[[], None]:
    """Make a file or folder read-only for this program, even for the administrator (who
    ignores permission bits: then the immutable attribute does it). Returns the undo."""
    import shutil

    if hasattr(os, "geteuid") and os.geteuid() == 0:
        chattr = shutil.which("chattr")
        if chattr is None:
            import pytest

            pytest.skip("chattr is needed to make a file read-only for root")
        subprocess.run([chattr, "+i", str(path)], check=True)
        return lambda: subprocess.run([chattr, "-i", str(path)], check=True)
    mode = path.stat().st_mode
    path.chmod(0o555 if path.is_dir() else 0o444)
    return lambda: path.chmod(mode)


def damage_table(path: Path, table: str) -> None:
    """Noise over the root page of ``table``: the file still opens, that table can't be read."""
    conn = sqlite3.connect(path)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                            (table,)).fetchone()[0]
    finally:
        conn.close()
    with path.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(os.urandom(page_size))
