"""Regression: PySide6 6.12.0 on CPython 3.11 aborts ("none_dealloc") after ~5,000 calls of
Qt methods that return nothing. We pin a working version; this proves the pin holds."""

from __future__ import annotations

import os
import subprocess
import sys

CODE = """
from PySide6.QtWidgets import QApplication, QLabel, QComboBox
app = QApplication([])
label, box = QLabel(), QComboBox()
for i in range(20_000):
    label.setText(str(i))
    label.resize(100 + i % 7, 20)
    box.addItem("x") if i % 10 == 0 else None
print("ok")
"""


def test_twenty_thousand_void_qt_calls_do_not_abort() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"
