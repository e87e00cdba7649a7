"""PostgreSQL tests run against a real server (.ci/run starts one: tools/pg-test-server)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import REQUIRE_ALL


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a new, empty database on the test server, dropped afterwards."""
    admin_url = os.environ.get("UNIONAPP_TEST_PG_URL")
    if not admin_url:
        message = "no PostgreSQL server (set UNIONAPP_TEST_PG_URL; see tools/pg-test-server)"
        if REQUIRE_ALL:
            pytest.fail(message)
        pytest.skip(message)
    name = f"unionapp_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
