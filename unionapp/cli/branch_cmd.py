"""``unionapp branch close``: a branch ends its activity (see unionapp.closing)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import closing
from ..i18n import _
from .common import open_for_reading, open_for_writing, print_json
from .dates import iso_date


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("branch", help=_("the branch as a whole: ending its activity"))
    sub = p.add_subparsers(dest="branch_command", metavar="ACTION", required=True)
    close = sub.add_parser("close", help=_("end the branch's activity: final package, archive, "
                                           "then a read-only database"))
    close.add_argument("--on", required=True, type=iso_date, metavar="YYYY-MM-DD",
                       help=_("the day the branch ends its activity"))
    close.add_argument("--archive", required=True, type=Path, metavar="DIR",
                       help=_("an empty or new folder for the archive"))
    close.add_argument("--no-package", action="store_true",
                       help=_("no final data package (a parent union that does not use the "
                              "program)"))
    close.add_argument("--dry-run", action="store_true",
                       help=_("only check and say what would happen; change nothing"))
    close.add_argument("--json", action="store_true", help=_("print JSON"))
    close.set_defaults(func=run_close)
    copies = sub.add_parser("copies", help=_("copies of a decision's certificates already in "
                                             "the award register (works on a closed branch)"))
    copies.add_argument("decision", metavar="DECISION",
                        help=_("the decision's number (15/QĐ-CĐCS) or uuid"))
    copies.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    copies.add_argument("--blank", action="store_true",
                        help=_("for pre-printed blanks (the text only)"))
    copies.set_defaults(func=run_copies)


def run_close(args: argparse.Namespace) -> int:
    final = not args.no_package
    if args.dry_run:
        with open_for_reading(args) as db:
            plan = closing.close_plan(db, on=args.on, archive_dir=args.archive,
                                      final_package=final)
        if args.json:
            print_json(plan.as_json())
        else:
            print("\n".join(f"- {step}" for step in plan.steps()))
        return 0
    with open_for_writing(args) as db:
        result = closing.close_branch(db, on=args.on, archive_dir=args.archive,
                                      final_package=final)
    if args.json:
        print_json(result.as_json())
    else:
        print(result.text())
    return 0


def run_copies(args: argparse.Namespace) -> int:
    from ..awards import find_decision

    with open_for_reading(args) as db:
        decision = find_decision(db, args.decision)
        result = closing.print_copies(db, decision.uuid, args.out,
                                      design="blank" if args.blank else "full")
    print(_("Wrote {pages} copies to {file}.").format(pages=result.pages, file=result.path))
    if result.left_out:
        print(_("{count} recipients were never printed and have no number: no copy for "
                "them.").format(count=result.left_out))
    return 0
