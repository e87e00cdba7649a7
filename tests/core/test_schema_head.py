"""A database already at the newest schema opens without loading Alembic: the newest
revision is written in unionapp.db (HEAD_REVISION), kept here in step with the migrations."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from unionapp.db import HEAD_REVISION, head_revision, schema_revision


def test_the_head_revision_is_the_newest_migration() -> None:
    assert head_revision() == HEAD_REVISION, (
        "a migration was added: set unionapp.db.HEAD_REVISION to its revision")


def test_the_stored_revision_is_read_as_alembic_reads_it(demo_path: Path) -> None:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{demo_path}")
    with engine.connect() as conn:
        assert schema_revision(engine) == MigrationContext.configure(
            conn).get_current_revision() == HEAD_REVISION
    engine.dispose()
    empty = create_engine(f"sqlite:///{demo_path.parent / 'empty.db'}")
    assert schema_revision(empty) is None
    empty.dispose()


def test_opening_a_database_at_the_head_loads_no_alembic(demo_path: Path) -> None:
    code = ("import sys; from unionapp.db import open_database; "
            f"db = open_database({str(demo_path)!r}); db.close(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert out.strip() == "[]"
