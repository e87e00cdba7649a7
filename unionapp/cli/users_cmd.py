"""``unionapp users …``: accounts (the first is the chair's; later ones need a chair)."""

from __future__ import annotations

import argparse
import os

from .. import accounts
from ..i18n import _
from ..permissions import ROLES
from ..text import format_moment
from .common import ask_password, open_for_reading, open_for_writing, print_json, read_new_password

RECOVERY_VARIABLE = "UNIONAPP_RECOVERY_CODE"


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("users", help=_("accounts and roles (who may do what)"))
    sub = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)

    add = sub.add_parser("add", help=_("make an account; the first must be the chair's"),
                         description=_(
        "The new account's password is read from standard input (one line) when it is not a "
        "terminal, otherwise typed twice. The first account must be the chair's and needs no "
        "sign-in; its recovery code is shown once. Later accounts need a chair signed in "
        "(--user and UNIONAPP_PASSWORD)."))
    add.add_argument("username", metavar="USERNAME")
    add.add_argument("--role", required=True, choices=list(ROLES),
                     help=_("chair, treasurer, clerk (union officer), inspector (inspection "
                            "committee) or viewer (view only)"))
    add.add_argument("--full-name", default="", metavar="NAME", help=_("the person's name"))
    add.set_defaults(func=run_add)

    listing = sub.add_parser("list", help=_("the accounts"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(func=run_list)

    reset = sub.add_parser("reset-password", help=_("set a new password for an account"),
                           description=_(
        "A chair sets a new password (read like the one of users add); its owner is asked to "
        "choose their own at the next sign-in. With --recovery-code a chair who forgot the "
        "password sets a new one without signing in (the code in UNIONAPP_RECOVERY_CODE or "
        "typed); a new recovery code is then shown once."))
    reset.add_argument("username", metavar="USERNAME")
    reset.add_argument("--recovery-code", action="store_true",
                       help=_("use the recovery code given when the first account was made"))
    reset.set_defaults(func=run_reset)

    disable = sub.add_parser("disable", help=_("stop an account signing in"))
    disable.add_argument("username", metavar="USERNAME")
    disable.set_defaults(func=run_disable)

    enable = sub.add_parser("enable", help=_("let a disabled account sign in again"))
    enable.add_argument("username", metavar="USERNAME")
    enable.set_defaults(func=run_enable)

    password = sub.add_parser("password", help=_("change your own password"))
    password.set_defaults(func=run_password)

    idle = sub.add_parser("idle-lock", help=_("lock the window after this many minutes "
                                               "without use (0: never)"))
    idle.add_argument("minutes", type=int, nargs="?", metavar="MINUTES")
    idle.set_defaults(func=run_idle)


def run_add(args: argparse.Namespace) -> int:
    with open_for_writing(args) as db:
        password = read_new_password(_("Password for {name}: ").format(name=args.username))
        made = accounts.add_user(db, args.username, args.role, password,
                                 full_name=args.full_name)
    print(_("Account {name} made ({role}).").format(name=made.account.username,
                                                   role=made.account.role_label))
    if made.recovery_code:
        print(_("Recovery code: {code}").format(code=made.recovery_code))
        print(_("Write it down and keep it safe: it is shown only this once. With it a chair "
                "who forgets the password can set a new one (users reset-password NAME "
                "--recovery-code)."))
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_for_reading(args) as db:
        rows = accounts.list_users(db)
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    for r in rows:
        state = _("active") if r.active else _("disabled")
        if r.locked_until is not None:
            state = _("locked until {time}").format(time=format_moment(r.locked_until))
        print("\t".join([r.username, r.full_name, r.role_label, state,
                         format_moment(r.last_sign_in_at)]))
    print(_("{count} accounts.").format(count=len(rows)))
    return 0


def run_reset(args: argparse.Namespace) -> int:
    if args.recovery_code:
        with open_for_writing(args, sign_in=False) as db:
            code = os.environ.get(RECOVERY_VARIABLE) or ask_password(_("Recovery code: "))
            password = read_new_password(_("New password for {name}: ").format(
                name=args.username))
            next_code = accounts.recover(db, args.username, code, password)
        print(_("New password set for {name}.").format(name=args.username))
        print(_("Your next recovery code: {code} (the old one no longer works; keep this one "
                "safe).").format(code=next_code))
        return 0
    with open_for_writing(args) as db:
        password = read_new_password(_("New password for {name}: ").format(name=args.username))
        accounts.reset_password(db, args.username, password)
    print(_("New password set for {name}.").format(name=args.username))
    return 0


def run_disable(args: argparse.Namespace) -> int:
    with open_for_writing(args) as db:
        row = accounts.disable_user(db, args.username)
    print(_("Account {name} disabled.").format(name=row.username))
    return 0


def run_enable(args: argparse.Namespace) -> int:
    with open_for_writing(args) as db:
        row = accounts.enable_user(db, args.username)
    print(_("Account {name} enabled.").format(name=row.username))
    return 0


def run_password(args: argparse.Namespace) -> int:
    with open_for_writing(args) as db:
        old = os.environ.get("UNIONAPP_PASSWORD") or ask_password(_("Current password: "))
        new = read_new_password(_("New password: "))
        accounts.change_password(db, old, new)
    print(_("Password changed."))
    return 0


def run_idle(args: argparse.Namespace) -> int:
    with open_for_writing(args) as db:
        if args.minutes is not None:
            accounts.set_idle_minutes(db, args.minutes)
        minutes = accounts.idle_minutes(db)
    print(_("The window locks after {minutes} minutes without use.").format(minutes=minutes)
          if minutes else _("The window never locks by itself."))
    return 0
