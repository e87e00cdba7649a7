"""GUI tests run offscreen with pytest-qt's one shared QApplication."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
