"""GUI tests run offscreen with pytest-qt's one shared QApplication."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

# A branch and its parent union with enrolled keys (the exchange tests' fixture).
from tests.exchange.conftest import _pair_template, pair  # noqa: F401


@pytest.fixture(autouse=True)
def _closing_edit_dialogs_discards(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dialog left with typed data is closed at a test's end without its modal question
    (tests of that question answer it themselves)."""
    monkeypatch.setattr("ui.widgets.editing.ask_discard", lambda _parent: True)
