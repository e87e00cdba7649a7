"""One catalogue for core and GUI: complete in Vietnamese, placeholders intact."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from unionapp.i18n import _, set_language

ROOT = Path(__file__).resolve().parents[2]


def _tool():  # tools/i18n.py, the same checks a developer runs by hand
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_has_a_vietnamese_translation_with_the_same_placeholders() -> None:
    assert _tool().problems("vi") == []


def test_language_switch() -> None:
    set_language("vi")
    assert _("Members") == "Đoàn viên"
    set_language("en")
    assert _("Members") == "Members"
    set_language("xx")
    assert _("Members") == "Đoàn viên"  # unknown → Vietnamese, the default


def test_qt_catalogue_is_compiled_from_its_source(tmp_path: Path) -> None:
    lrelease = shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent))
    if lrelease is None:
        pytest.skip("pyside6-lrelease not found")
    ts = ROOT / "resources" / "translations" / "vi" / "qtbase_vi.ts"
    out = tmp_path / "qtbase_vi.qm"
    subprocess.run([lrelease, "-silent", str(ts), "-qm", str(out)], check=True, timeout=60)
    committed = ts.with_suffix(".qm").read_bytes()
    assert out.read_bytes() == committed, "run: pyside6-lrelease qtbase_vi.ts"
