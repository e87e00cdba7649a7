"""What the commands share: opening the database the options name (and signing in once the
database has accounts), printing JSON, reading passwords."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import Any

from ..db import Database, open_database
from ..errors import DatabaseLocked, ReadOnlyDatabase, UserError
from ..i18n import _

PASSWORD_VARIABLE = "UNIONAPP_PASSWORD"


def open_for_writing(args: argparse.Namespace, *, create: bool = False,
                     sign_in: bool = True) -> Database:
    """A command that writes signs in (once the database has accounts) and makes the day's
    first backup (the window does it at start): the clerk who only uses the command line is
    protected too."""
    db = open_database(args.db, demo=args.demo, create=create, user=args.user)
    if sign_in:
        db = _signed_in(db, args)
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
        db = open_database(args.db, demo=args.demo, user=args.user)
    except (DatabaseLocked, ReadOnlyDatabase):
        db = open_database(args.db, demo=args.demo, user=args.user, readonly=True)
    return _signed_in(db, args)


def _signed_in(db: Database, args: argparse.Namespace) -> Database:
    """Once the database has accounts, every command signs in: ``--user`` and the password
    in UNIONAPP_PASSWORD (or asked on a terminal). Without accounts ``--user`` is only the
    name recorded in the audit log."""
    from ..accounts import sign_in
    from ..permissions import accounts_exist

    try:
        if accounts_exist(db):
            if not args.user:
                raise UserError(_("This database has accounts: sign in with --user NAME (the "
                                  "password in {variable}, or typed when asked).").format(
                    variable=PASSWORD_VARIABLE))
            password = os.environ.get(PASSWORD_VARIABLE)
            if password is None:
                password = ask_password(_("Password for {name}: ").format(name=args.user))
            sign_in(db, args.user, password)
    except BaseException:
        db.close()
        raise
    return db


def ask_password(prompt: str) -> str:
    """A password typed on the terminal (not echoed); refused when there is no terminal."""
    if not sys.stdin.isatty():
        raise UserError(_("No password: put it in {variable}, or run the command in a "
                          "terminal to type it.").format(variable=PASSWORD_VARIABLE))
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise UserError(_("No password was typed.")) from None


def read_new_password(prompt: str) -> str:
    """A new password: one line of standard input when it is not a terminal, otherwise
    typed twice (not echoed)."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise UserError(_("No password on standard input."))
        return line.rstrip("\r\n")
    first = ask_password(prompt)
    if ask_password(_("Type it again: ")) != first:
        raise UserError(_("The two passwords differ: nothing was changed."))
    return first


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
