"""Report tests: the demo branch, a branch made from an imported roster, and a parent union
with several branches (the exchange tests' fixture)."""

from __future__ import annotations

# A branch and its parent union with enrolled keys, and a second branch.
from tests.exchange.conftest import _pair_template, pair  # noqa: F401
