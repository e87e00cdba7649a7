"""GUI tests run offscreen with pytest-qt's one shared QApplication."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

# A branch and its parent union with enrolled keys (the exchange tests' fixture).
from tests.exchange.conftest import _pair_template, pair  # noqa: F401
