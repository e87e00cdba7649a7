"""``unionapp certificates DECISION --out FILE.pdf``: print a decision's certificates."""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path

from ..awards import find_decision
from ..certificates import print_certificates
from ..errors import UserError
from ..i18n import _
from ..models import CertificateDesign
from .awards_cmd import add_offset_options, offset_from
from .common import open_for_writing, print_json


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "certificates",
        help=_("print the certificates of an award decision (numbered in the award register)"))
    p.add_argument("decision", metavar="DECISION_NUMBER_OR_UUID",
                   help=_("the decision's number (e.g. 15/QĐ-CĐCS) or uuid"))
    p.add_argument("--out", type=Path, metavar="FILE.pdf",
                   help=_("one PDF with a page per recipient"))
    p.add_argument("--blank", action="store_true",
                   help=_("print only the variable text, onto pre-printed blanks (phôi)"))
    p.add_argument("--one-file-per-recipient", type=Path, metavar="DIR",
                   help=_("also write each recipient's certificate to its own file in DIR"))
    p.add_argument("--recipient", action="append", default=[], metavar="AWARD_UUID",
                   help=_("only this recipient (may be repeated)"))
    add_offset_options(p)
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.out is None and args.one_file_per_recipient is None:
        raise UserError(_("Give --out FILE.pdf or --one-file-per-recipient DIR."))
    try:
        chosen = [uuid.UUID(u) for u in args.recipient] or None
    except ValueError:
        raise UserError(_("A recipient is named by its uuid (see: unionapp awards show "
                          "--json).")) from None
    with open_for_writing(args) as db:
        decision = find_decision(db, args.decision)
        summary = print_certificates(
            db, decision.uuid, out=args.out,
            design=CertificateDesign.BLANK if args.blank else CertificateDesign.FULL,
            award_uuids=chosen, per_recipient_dir=args.one_file_per_recipient,
            offset=offset_from(args))
    if args.json:
        print_json(summary.as_json())
        return 0
    print(_("{pages} certificates of decision {number} printed (serials {first} to {last}; "
            "{numbered} newly numbered, {reprinted} reprints).").format(
        pages=summary.pages, number=summary.decision_number, first=summary.first_serial,
        last=summary.last_serial, numbered=summary.numbered, reprinted=summary.reprinted))
    for path in summary.files[:1] if args.out else ():
        print(_("File: {path}").format(path=path))
    if args.one_file_per_recipient:
        print(_("One file per recipient in {folder}.").format(
            folder=args.one_file_per_recipient))
    return 0
