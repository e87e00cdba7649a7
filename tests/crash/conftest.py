"""The crash tests use the exchange tests' branch and parent union."""

from tests.exchange.conftest import _pair_template, pair  # noqa: F401
