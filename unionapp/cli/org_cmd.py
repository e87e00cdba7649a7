"""``unionapp org …``: the home unit's parent union, which changed for many unions in 2025."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import reorg
from ..i18n import _
from ..text import format_date
from .common import open_for_reading, open_for_writing, print_json
from .dates import iso_date


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("org", help=_("this union's place in the union tree"))
    sub = p.add_subparsers(dest="org_command", metavar="ACTION", required=True)
    move = sub.add_parser("move-parent", help=_("this union is under another parent union "
                                                "from a date"))
    move.add_argument("--code", required=True, help=_("the new parent union's code"))
    move.add_argument("--name", required=True, help=_("the new parent union's name"))
    move.add_argument("--from", dest="effective_on", required=True, type=iso_date,
                      metavar="YYYY-MM-DD", help=_("the first day under the new parent"))
    _lines(move)
    move.add_argument("--key", type=Path, metavar="FILE",
                      help=_("the new parent union's public key file, to enrol at once "
                             "(check its fingerprint by phone first)"))
    move.add_argument("--json", action="store_true", help=_("print JSON"))
    move.set_defaults(func=run_move)

    branch = sub.add_parser("move-branch", help=_("(parent union) one of its branches is "
                                                  "under another parent union from a date"))
    branch.add_argument("branch", metavar="BRANCH_CODE", help=_("the branch's code"))
    branch.add_argument("--code", required=True, help=_("the new parent union's code"))
    branch.add_argument("--name", required=True, help=_("the new parent union's name"))
    branch.add_argument("--from", dest="effective_on", required=True, type=iso_date,
                        metavar="YYYY-MM-DD", help=_("the first day under the new parent"))
    _lines(branch)
    branch.add_argument("--json", action="store_true", help=_("print JSON"))
    branch.set_defaults(func=run_move_branch)

    history = sub.add_parser("history", help=_("this union's parent unions with their dates"))
    history.add_argument("--unit", metavar="CODE",
                         help=_("another unit of this database (a parent union's branch)"))
    history.add_argument("--json", action="store_true", help=_("print JSON"))
    history.set_defaults(func=run_history)


def _lines(p: argparse.ArgumentParser) -> None:
    p.add_argument("--header-line", default="",
                   help=_("the first header line of documents from that date (default: the "
                          "new parent's name in capitals)"))
    p.add_argument("--issuer-line", default="",
                   help=_("the union's own name on documents from that date, if it changes"))
    p.add_argument("--note", default="", help=_("e.g. the decision that ordered the move"))


def _print(result: reorg.MoveResult, as_json: bool) -> None:
    if as_json:
        print_json(result.as_json())
    else:
        print(result.text())


def run_move(args: argparse.Namespace) -> int:
    with open_for_writing(args) as db:
        result = reorg.move_parent(db, code=args.code, name=args.name,
                                   effective_on=args.effective_on,
                                   superior_line=args.header_line,
                                   issuer_line=args.issuer_line, note=args.note,
                                   key_file=args.key)
    _print(result, args.json)
    return 0


def run_move_branch(args: argparse.Namespace) -> int:
    with open_for_writing(args) as db:
        result = reorg.move_branch(db, args.branch, code=args.code, name=args.name,
                                   effective_on=args.effective_on,
                                   superior_line=args.header_line,
                                   issuer_line=args.issuer_line, note=args.note)
    _print(result, args.json)
    return 0


def run_history(args: argparse.Namespace) -> int:
    with open_for_reading(args) as db:
        unit = reorg.unit_by_code(db, args.unit) if args.unit else None
        history = reorg.parent_history(db, unit)
    if args.json:
        print_json([p.as_json() for p in history])
        return 0
    for p in history:
        start = format_date(p.starts_on) if p.starts_on else "…"
        end = format_date(p.ends_on) if p.ends_on else _("now")
        print(f"{start} – {end}\t{p.parent_code}\t{p.parent_name}\t{p.superior_line}")
    return 0
