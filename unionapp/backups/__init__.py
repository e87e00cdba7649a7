"""Backups of the union's database: the safety net for what is often its only copy.

When they are made
  - by hand (File ▸ Backup and restore…, ``unionapp backup create``), reason ``manual``;
  - automatically: at the first start of each day (``daily``: the window, and any command
    that writes), and when the window closes after something changed (``on-close``); the
    window makes neither for the demo union;
  - before every big change, through :func:`backup_before`: imports (``before-import``),
    restores (``before-restore``), schema upgrades (``before-migration``), deleting many
    records at once (``before-bulk-delete``: 10 or more, see
    :func:`backup_before_bulk_delete`), a change of parent union
    (``before-branch-change``), closing a branch. If it can't be made, the change doesn't
    go ahead.

How (SQLite): SQLite's backup API into a temporary file, turned into one self-contained
file, fsynced, checked with ``PRAGMA integrity_check``, then renamed; see
:mod:`.copying`. A PostgreSQL database is dumped with ``pg_dump`` when it is installed
(checked by ``pg_restore --list``); without it, a plain message says so.

Where: ``backups/<database name>/`` in the data folder (a database outside the data folder
adds a short hash of its path to the name), with ``catalogue.json`` beside the files:
time, reason, size, SHA-256, program version, schema revision, members, decisions and
support cases (:mod:`.catalogue`; rebuilt from the files if it is damaged). The daily,
on-close and manual backups are also copied to a second folder (a USB stick) when one is
set in the settings (``second_backup_folder``); when it is missing, the clerk is told once.

Generations kept (:mod:`.generations`): the last 10 of any kind, plus the newest of each of
the last 14 days, of each of the last 8 weeks and of each of the last 24 months.

Restoring (:mod:`.restoring`) checks the file (ours? intact? from a newer program? the same
union?), backs up the current state, replaces the data in one transaction, and upgrades the
schema if the backup is older.
"""

from .catalogue import Backup
from .checking import Verdict, quick_check, verify_backup
from .making import (
    Made,
    automatic_backup,
    backup_before,
    backup_before_bulk_delete,
    backups_folder,
    can_back_up,
    changed_since_backup,
    create_backup,
    daily_due,
    list_backups,
    reason_label,
)
from .restoring import Restored, newest_good_backup, restore_backup, restore_unopenable

__all__ = [
    "Backup",
    "Made",
    "Restored",
    "Verdict",
    "automatic_backup",
    "backup_before",
    "backup_before_bulk_delete",
    "backups_folder",
    "can_back_up",
    "changed_since_backup",
    "create_backup",
    "daily_due",
    "list_backups",
    "newest_good_backup",
    "quick_check",
    "reason_label",
    "restore_backup",
    "restore_unopenable",
    "verify_backup",
]
