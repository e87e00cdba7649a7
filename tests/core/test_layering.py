"""The core never imports Qt or the GUI; headless commands never load Qt."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_core_loads_no_qt() -> None:
    code = ("import sys, pkgutil, importlib, unionapp\n"
            "for m in pkgutil.walk_packages(unionapp.__path__, 'unionapp.'):\n"
            "    if '.migrations' not in m.name: importlib.import_module(m.name)\n"
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken', 'ui'))]\n"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_qt_import_statement_in_the_core() -> None:
    pattern = re.compile(r"^\s*(from|import)\s+(PySide6|shiboken6|ui)([. ]|$)", re.M)
    offenders = [str(p) for p in (ROOT / "unionapp").rglob("*.py")
                 if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_a_headless_command_loads_no_qt(tmp_path: Path) -> None:
    code = ("import sys\nfrom ui.launch import main\n"
            f"rc = main(['--db', {str(tmp_path / 'x.db')!r}, 'init', '--branch-code', 'B', "
            "'--branch-name', 'Công đoàn cơ sở B'])\n"
            "assert rc == 0, rc\n"
            "bad = [m for m in sys.modules if m.startswith('PySide6')]\n"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
