"""``unionapp members transfer-out | transfer-in | transfer-in-letter``: members moving
between branches (see unionapp.transfers)."""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path

from .. import transfers
from ..errors import UserError
from ..i18n import _
from ..members import MemberInput
from ..models import Gender
from ..reorg import unit_by_code
from ..text import parse_birth
from .common import open_for_reading, open_for_writing, print_json
from .dates import iso_date


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a member's identifier (UUID): {text}").format(text=text)) from None


def register(sub: argparse._SubParsersAction) -> None:
    out = sub.add_parser("transfer-out", help=_("members move to another branch: the signed "
                                                "transfer file and the letters"))
    out.add_argument("members", metavar="UUID", nargs="+", type=_uuid,
                     help=_("the members who transfer"))
    out.add_argument("--to-branch-code", required=True, metavar="CODE",
                     help=_("the receiving branch's code"))
    out.add_argument("--to-branch-name", default="", metavar="NAME",
                     help=_("the receiving branch's name, as the letter writes it"))
    out.add_argument("--out", required=True, type=Path, metavar="FILE.zip",
                     help=_("where to write the transfer file"))
    out.add_argument("--letter", type=Path, metavar="FILE.pdf",
                     help=_("where to write the letters (giấy giới thiệu), one page each"))
    out.add_argument("--on", type=iso_date, metavar="YYYY-MM-DD",
                     help=_("the day of the transfer (default: today)"))
    out.add_argument("--reason", default="", help=_("the reason, printed in the letter"))
    out.add_argument("--signer", default="", help=_("who signs the letters (default: the "
                                                    "chair)"))
    out.add_argument("--json", action="store_true", help=_("print JSON"))
    out.set_defaults(func=run_out)

    into = sub.add_parser("transfer-in", help=_("take in the members of a transfer file"))
    into.add_argument("file", metavar="FILE.zip", type=Path)
    into.add_argument("--dry-run", action="store_true",
                      help=_("only check and show what would change; write nothing"))
    into.add_argument("--group", metavar="CODE", help=_("the union group they join (default: "
                                                        "the branch itself)"))
    into.add_argument("--on", type=iso_date, metavar="YYYY-MM-DD",
                      help=_("the day they arrive (default: today)"))
    into.add_argument("--json", action="store_true", help=_("print the summary as JSON"))
    into.set_defaults(func=run_in)

    typed = sub.add_parser("transfer-in-letter",
                           help=_("a member coming from a branch that does not use the "
                                  "program, typed from the letter"))
    typed.add_argument("--full-name", required=True)
    typed.add_argument("--from-branch", required=True, metavar="NAME",
                       help=_("the branch the member comes from, as the letter names it"))
    typed.add_argument("--from-branch-code", default="", metavar="CODE")
    typed.add_argument("--letter-number", default="", metavar="NUMBER")
    typed.add_argument("--letter-date", type=iso_date, metavar="YYYY-MM-DD")
    typed.add_argument("--on", type=iso_date, metavar="YYYY-MM-DD",
                       help=_("the day the member arrives (default: today)"))
    typed.add_argument("--born", default="", metavar="DD/MM/YYYY",
                       help=_("date of birth (or only the year)"))
    typed.add_argument("--gender", choices=("Nam", "Nữ"))
    typed.add_argument("--national-id", default="", metavar="CCCD")
    typed.add_argument("--joined-on", type=iso_date, metavar="YYYY-MM-DD",
                       help=_("the day the member joined the union"))
    typed.add_argument("--card-number", default="")
    typed.add_argument("--group", metavar="CODE", help=_("the union group they join"))
    typed.add_argument("--json", action="store_true", help=_("print JSON"))
    typed.set_defaults(func=run_letter)


def run_out(args: argparse.Namespace) -> int:
    with open_for_writing(args) as db:
        result = transfers.transfer_out(
            db, args.members, to_branch_code=args.to_branch_code,
            to_branch_name=args.to_branch_name, out=args.out, letter=args.letter, on=args.on,
            reason=args.reason, signer_name=args.signer)
    if args.json:
        print_json(result.as_json())
    else:
        print(result.text())
    return 0


def run_in(args: argparse.Namespace) -> int:
    opener = open_for_reading if args.dry_run else open_for_writing
    with opener(args) as db:
        group = unit_by_code(db, args.group) if args.group else None
        summary = transfers.transfer_in(db, args.file, dry_run=args.dry_run, group=group,
                                        on=args.on)
    if args.json:
        print_json(summary.as_json())
    else:
        print(summary.text())
    return 0


def run_letter(args: argparse.Namespace) -> int:
    born, year = parse_birth(args.born) if args.born else (None, None)
    if args.born and born is None and year is None:
        raise UserError(_("The date of birth {date} is not plausible.").format(date=args.born))
    gender = {"Nam": Gender.MALE, "Nữ": Gender.FEMALE}.get(args.gender or "")
    with open_for_writing(args) as db:
        group = unit_by_code(db, args.group) if args.group else None
        data = MemberInput(full_name=args.full_name, org_unit=group, date_of_birth=born,
                           birth_year=year, gender=gender, national_id=args.national_id or None,
                           joined_on=args.joined_on, card_number=args.card_number)
        member = transfers.transfer_in_by_letter(
            db, data, from_branch=args.from_branch, from_branch_code=args.from_branch_code,
            letter_number=args.letter_number, letter_date=args.letter_date, on=args.on)
    if args.json:
        print_json({"uuid": str(member.uuid), "full_name": member.full_name,
                    "letter_number": member.letter_number, "status": "active"})
    else:
        print(_("{name} transferred in from {branch}.").format(name=member.full_name,
                                                              branch=args.from_branch))
    return 0
