"""No tracebacks for users, ever: a bug becomes one Vietnamese sentence, exit 3, and a crash
report in the data folder with what whoever supports the clerk needs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.safety import assert_plain, run_patched
from unionapp import __version__, crash

BUG_IN_A_COMMAND = """
import unionapp.cli.members_cmd as _cmd
def _bug(args):
    raise RuntimeError("a bug nobody foresaw")
_cmd.run_find = _bug
"""


def _report(stderr: str) -> Path:
    found = re.search(r"(/\S+crash-\S+\.txt)", stderr)
    assert found, stderr
    return Path(found.group(1).rstrip("."))


def test_a_bug_in_a_command_is_a_sentence_and_a_report(demo_path: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = run_patched(BUG_IN_A_COMMAND, "--db", str(demo_path), "members", "find", "an",
                         env={"UNIONAPP_DATA_DIR": str(data)})
    assert_plain(result, 3, "Lỗi không lường trước", "không thay đổi gì thêm")
    report = _report(result.stderr)
    assert report.parent == data / "crash-reports"
    text = report.read_text(encoding="utf-8")
    assert "Traceback" in text and "a bug nobody foresaw" in text and "_bug" in text
    assert f"unionapp {__version__}" in text and "platform:" in text and "python:" in text


def test_a_bug_before_any_command_runs(tmp_path: Path) -> None:
    result = run_patched("""
import unionapp.cli as _cli
def _broken(argv=None):
    raise KeyError("settings")
_cli.parse = _broken
""", "members", "find", "an", env={"UNIONAPP_DATA_DIR": str(tmp_path / "data")})
    assert_plain(result, 3, "Lỗi không lường trước")
    assert "KeyError" in _report(result.stderr).read_text(encoding="utf-8")


def test_a_report_that_cannot_be_written_is_still_a_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    patch = BUG_IN_A_COMMAND + f"\nimport tempfile\ntempfile.tempdir = {str(blocker)!r}\n"
    result = run_patched(patch, "members", "find", "an",
                         env={"UNIONAPP_DATA_DIR": str(blocker)})
    assert_plain(result, 3, "Lỗi không lường trước", "ổ đĩa đã đầy")


def test_passwords_never_reach_a_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["unionapp", "--db",
                                     "postgresql+psycopg://cd:bí-mật@server/congdoan", "x"])
    try:
        raise ValueError("postgresql+psycopg://cd:bí-mật@server/congdoan refused")
    except ValueError as error:
        text = crash.report_text(error)
    assert "bí-mật" not in text and "cd:***@server" in text


def test_old_reports_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIONAPP_DATA_DIR", str(tmp_path))
    folder = crash.reports_dir()
    folder.mkdir(parents=True)
    for i in range(crash.KEEP + 5):
        (folder / f"crash-2024-{i:03d}.txt").write_text("old", encoding="utf-8")
    report = crash.write_report(RuntimeError("now"))
    assert report is not None and report.exists()
    assert len(list(folder.glob("crash-*.txt"))) == crash.KEEP
