"""``unionapp members …``: the member register from the command line."""

from __future__ import annotations

import argparse

from ..i18n import _
from ..labels import GENDER, MEMBER_STATUS, label
from ..members import find_members
from ..models import MemberStatus
from ..text import format_birth
from .common import open_for_reading, print_json


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("members", help=_("the member register"))
    sub = p.add_subparsers(dest="members_command", metavar="ACTION", required=True)
    find = sub.add_parser("find", help=_("find members by name (ignores case and accents)"))
    find.add_argument(
        "text",
        nargs="?",
        default="",
        help=_("words of the name, e.g. “nguyen thi hang”; empty lists everyone"),
    )
    find.add_argument("--status", choices=MemberStatus.ALL, help=_("only this status"))
    find.add_argument("--json", action="store_true", help=_("print JSON"))
    find.set_defaults(func=run_find)


def run_find(args: argparse.Namespace) -> int:
    with open_for_reading(args) as db:
        rows = find_members(db, args.text, status=args.status)
    if args.json:
        print_json([row.as_json() for row in rows])
        return 0
    for row in rows:
        print(
            "\t".join(
                [
                    row.full_name,
                    format_birth(row.date_of_birth, row.birth_year),
                    label(GENDER, row.gender),
                    label(MEMBER_STATUS, row.status),
                    row.org_unit,
                ]
            )
        )
    print(_("{count} members.").format(count=len(rows)))
    return 0
