"""Backups of the database: made through SQLite's backup API before anything that changes a
lot at once (imports, restores, migrations, bulk deletes, branch changes)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .db import Database


def backup_before(db: Database, reason: str) -> Path | None:
    """A verified copy of the database made just before a big change; ``reason`` says which
    (``before-import``, ``before-restore``, ``before-migration``, ``before-bulk-delete``,
    ``before-branch-change``…). None for a server database. A backup that cannot be made
    raises ``UserError``, and the change must not go ahead."""
    from .exchange.state import backup_before_import

    return backup_before_import(db)
