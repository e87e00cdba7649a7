"""What the commands share: opening the database the options name, printing JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..db import Database, open_database
from ..errors import DatabaseLocked


def open_for_writing(args: argparse.Namespace, *, create: bool = False) -> Database:
    return open_database(args.db, demo=args.demo, create=create, user=args.user)


def open_for_reading(args: argparse.Namespace) -> Database:
    """Read commands work while the program is open elsewhere (SQLite WAL lets readers in)."""
    try:
        return open_database(args.db, demo=args.demo, user=args.user)
    except DatabaseLocked:
        return open_database(args.db, demo=args.demo, user=args.user, readonly=True)


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
