"""What the commands share: opening the database the options name, printing JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..db import Database, open_database
from ..errors import DatabaseLocked, ReadOnlyDatabase, UserError
from ..i18n import _


def open_for_writing(args: argparse.Namespace, *, create: bool = False) -> Database:
    """A command that writes also makes the day's first backup (the window does it at start):
    the clerk who only uses the command line is protected too."""
    db = open_database(args.db, demo=args.demo, create=create, user=args.user)
    if not create:
        daily_backup(db)
    return db


def daily_backup(db: Database) -> None:
    """The daily backup, if none was made today. Its failure is said but doesn't stop the
    command: the backups made before big changes are the ones that must succeed."""
    from ..backups import automatic_backup

    try:
        made = automatic_backup(db, "daily")
    except UserError as error:
        print(_("The daily backup could not be made: {reason}").format(reason=error.message),
              file=sys.stderr)
        return
    if made is not None:
        print(_("Daily backup made: {file}").format(file=made.backup.file), file=sys.stderr)
        for warning in made.warnings:
            print(warning, file=sys.stderr)


def open_for_reading(args: argparse.Namespace) -> Database:
    """Read commands work while the program is open elsewhere (SQLite WAL lets readers in),
    and on a read-only file."""
    try:
        return open_database(args.db, demo=args.demo, user=args.user)
    except (DatabaseLocked, ReadOnlyDatabase):
        return open_database(args.db, demo=args.demo, user=args.user, readonly=True)


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
