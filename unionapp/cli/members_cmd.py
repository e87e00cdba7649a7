"""``unionapp members …``: the member register from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..i18n import _
from ..labels import GENDER, MEMBER_STATUS, label
from ..members import MemberQuery, find_members
from ..models import MemberStatus
from ..permissions import accounts_exist
from ..rosters.export import export_members
from ..rosters.importing import ImportOptions, import_roster, summary_lines
from ..text import format_birth
from . import transfers_cmd
from .common import open_for_reading, open_for_writing, print_json


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

    imp = sub.add_parser("import", help=_("import a roster (.xlsx, .xls, .ods, .csv)"))
    imp.add_argument("file", type=Path, help=_("the roster file"))
    imp.add_argument("--dry-run", action="store_true",
                     help=_("check and show what would happen, writing nothing"))
    imp.add_argument("--sheet", default="0",
                     help=_("sheet name or number (1 = the first; default: the first)"))
    imp.add_argument("--json", action="store_true", help=_("print the summary as JSON"))
    imp.add_argument("--create-groups", action="store_true",
                     help=_("create the groups the file names that don't exist yet"))
    split = imp.add_mutually_exclusive_group()
    split.add_argument("--split-job-unit", dest="split_job_unit", action="store_true",
                       default=None, help=_("split a column such as “Lái xe, Văn phòng” into "
                                            "job title and unit"))
    split.add_argument("--no-split-job-unit", dest="split_job_unit", action="store_false",
                       help=_("keep such a column whole, as the job title"))
    imp.set_defaults(func=run_import)

    exp = sub.add_parser("export", help=_("export the roster (.xlsx form or .csv)"))
    exp.add_argument("file", type=Path, help=_("where to write (.xlsx or .csv)"))
    exp.add_argument("--status", choices=MemberStatus.ALL,
                     help=_("only this status (default: every live member)"))
    exp.add_argument("--no-national-id", action="store_true",
                     help=_("leave out the CCCD numbers (personal data)"))
    exp.add_argument("--no-phone", action="store_true",
                     help=_("leave out the phone numbers (personal data)"))
    exp.add_argument("--purpose", default="", metavar="TEXT",
                     help=_("what a file with CCCD or phone numbers is for (kept in the audit "
                            "trail; asked on a terminal when the database has accounts)"))
    exp.set_defaults(func=run_export)
    transfers_cmd.register(sub)


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


def _sheet(value: str) -> str | int:
    return int(value) - 1 if value.isdigit() and int(value) > 0 else (0 if value == "0" else value)


def run_import(args: argparse.Namespace) -> int:
    """Exit 0: imported (or checked) cleanly; 1: some rows had errors and were left out;
    2: the file was refused and nothing was written."""
    options = ImportOptions(split_job_unit=args.split_job_unit,
                            create_groups=args.create_groups)
    with open_for_writing(args) as db:
        summary = import_roster(db, args.file, dry_run=args.dry_run, sheet=_sheet(args.sheet),
                                options=options)
    if args.json:
        print_json(summary.as_json())
    else:
        for line in summary_lines(summary):
            print(line)
        if summary.groups_missing:
            print(_("To create those groups, import again with --create-groups."))
        if summary.split is not None and not summary.split.split:
            print(_("To split that column, import again with --split-job-unit."))
        for problem in summary.errors + summary.warnings:
            where = _("row {row}").format(row=problem.row)
            if problem.field:
                where += f", {problem.field}"
            print(f"  {where}: {problem.message}")
        if args.dry_run:
            print(_("Nothing was written (--dry-run)."))
    return 1 if summary.errors else 0


def run_export(args: argparse.Namespace) -> int:
    personal = not (args.no_national_id and args.no_phone)
    with open_for_reading(args) as db:
        purpose = args.purpose
        if personal and not purpose.strip() and accounts_exist(db) and sys.stdin.isatty():
            purpose = input(_("What is this file with CCCD or phone numbers for? "))
        count = export_members(db, args.file, MemberQuery(status=args.status),
                               national_id=not args.no_national_id, phone=not args.no_phone,
                               purpose=purpose)
    print(_("Wrote {count} members to {file}.").format(count=count, file=args.file))
    return 0
