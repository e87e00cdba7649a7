"""``unionapp awards …``: award decisions, the award register, templates and calibration."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..awards import (
    RECIPIENT_TYPE,
    DecisionQuery,
    award_kinds,
    award_list,
    decision_list,
    find_decision,
)
from ..certificates import calibration_page, print_sample, printer_offset, register_list
from ..i18n import _
from ..labels import label
from ..settings import Settings
from ..text import format_date, format_vnd
from .common import open_for_reading, open_for_writing, print_json


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("awards", help=_("award decisions and the award register"))
    sub = p.add_subparsers(dest="awards_command", metavar="ACTION", required=True)

    listing = sub.add_parser("list", help=_("list the award decisions, newest first"))
    listing.add_argument("--year", type=int, help=_("only decisions of this year"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(func=run_list)

    show = sub.add_parser("show", help=_("one decision and its recipients"))
    show.add_argument("decision", metavar="DECISION_NUMBER_OR_UUID")
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(func=run_show)

    book = sub.add_parser("register", help=_("the award register: every printed certificate"))
    book.add_argument("--year", type=int, help=_("only this year of the register"))
    book.add_argument("--json", action="store_true", help=_("print JSON"))
    book.set_defaults(func=run_register)

    load = sub.add_parser("import", help=_("add a decision's recipients from a spreadsheet "
                                           "(checked row by row first)"))
    load.add_argument("decision", metavar="DECISION_NUMBER_OR_UUID")
    load.add_argument("file", type=Path, metavar="FILE",
                      help=_("an .xlsx, .xls, .ods or .csv list of names"))
    load.add_argument("--sheet", default=0, help=_("the sheet's name (default: the first)"))
    load.add_argument("--dry-run", action="store_true",
                      help=_("only say what would be added; change nothing"))
    load.add_argument("--json", action="store_true", help=_("print JSON"))
    load.set_defaults(func=run_import)

    kinds = sub.add_parser("kinds", help=_("the award kinds catalogue"))
    kinds.add_argument("--json", action="store_true", help=_("print JSON"))
    kinds.set_defaults(func=run_kinds)

    sample = sub.add_parser("sample", help=_("print a certificate template filled with sample "
                                             "values"))
    sample.add_argument("template", help=_("template name, e.g. giay_khen"))
    sample.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    sample.add_argument("--blank", action="store_true",
                        help=_("only the variable text, for pre-printed blanks"))
    sample.add_argument("--title", default="GIẤY KHEN", help=_("the title printed large"))
    sample.set_defaults(func=run_sample)

    test = sub.add_parser("test-page", help=_("the printer calibration page for pre-printed "
                                              "blanks"))
    test.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    add_offset_options(test)
    test.add_argument("--template", default="giay_khen", help=_("whose blank frames to draw"))
    test.set_defaults(func=run_test_page)


def add_offset_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--printer", default="",
                   help=_("use the calibration saved for this printer on this PC"))
    p.add_argument("--offset-x", type=float, metavar="MM",
                   help=_("move the text right by MM millimetres (negative: left)"))
    p.add_argument("--offset-y", type=float, metavar="MM",
                   help=_("move the text down by MM millimetres (negative: up)"))


def offset_from(args: argparse.Namespace) -> tuple[float, float]:
    saved = printer_offset(Settings.load(), args.printer) if args.printer else (0.0, 0.0)
    return (saved[0] if args.offset_x is None else args.offset_x,
            saved[1] if args.offset_y is None else args.offset_y)


def run_list(args: argparse.Namespace) -> int:
    with open_for_reading(args) as db:
        rows = decision_list(db, DecisionQuery(year=args.year)).all()
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    for r in rows:
        print("\t".join([r.number, format_date(r.decided_on), r.award_kind,
                         _("{count} recipients").format(count=r.recipients)]))
    print(_("{count} decisions.").format(count=len(rows)))
    return 0


def run_show(args: argparse.Namespace) -> int:
    with open_for_reading(args) as db:
        decision = find_decision(db, args.decision)
        recipients = award_list(db, decision.uuid).all()
    if args.json:
        print_json({**decision.as_json(), "recipient_list": [
            {"uuid": str(r.uuid), "type": r.recipient_type, "name": r.name, "unit": r.unit,
             "amount": r.amount, "reason": r.reason, "serial": r.serial or None}
            for r in recipients]})
        return 0
    print(f"{decision.number} — {format_date(decision.decided_on)} — {decision.award_kind}")
    print(decision.reason)
    for r in recipients:
        print("\t".join([label(RECIPIENT_TYPE, r.recipient_type), r.name, r.unit,
                         format_vnd(r.amount), r.serial]))
    print(_("{count} recipients").format(count=len(recipients)))
    return 0


def run_import(args: argparse.Namespace) -> int:
    from ..rosters.recipients import import_recipients

    opener = open_for_reading if args.dry_run else open_for_writing
    with opener(args) as db:
        decision = find_decision(db, args.decision)
        summary = import_recipients(db, decision.uuid, args.file, dry_run=args.dry_run,
                                    sheet=args.sheet)
    if args.json:
        print_json(summary.as_json())
        return 0
    for problem in summary.errors:
        print(_("Row {row}: {message}").format(row=problem.row, message=problem.message))
    text = _("{file}: {persons} individuals and {collectives} collectives to add, {already} "
             "already on the decision, {skipped} repeated, {errors} rows with errors.")
    if not args.dry_run:
        text = _("{file}: added {persons} individuals and {collectives} collectives; "
                 "{already} were already on the decision, {skipped} repeated, {errors} rows "
                 "with errors left out.")
    print(text.format(file=summary.file, persons=summary.persons,
                      collectives=summary.collectives, already=summary.already,
                      skipped=summary.skipped, errors=summary.error_rows))
    return 0


def run_register(args: argparse.Namespace) -> int:
    with open_for_reading(args) as db:
        rows = register_list(db, year=args.year).all()
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    for r in rows:
        removed = _("(award removed)") if r.removed else ""
        print("\t".join([r.serial, r.recipient, r.unit, r.decision_number,
                         format_date(r.decided_on), _("{count} prints").format(count=r.prints),
                         removed]).rstrip())
    print(_("{count} certificates in the register.").format(count=len(rows)))
    return 0


def run_kinds(args: argparse.Namespace) -> int:
    with open_for_reading(args) as db:
        kinds = award_kinds(db, include_inactive=True)
    if args.json:
        print_json([{"uuid": str(k.uuid), "code": k.code, "name": k.name,
                     "certificate_title": k.certificate_title,
                     "recipient_type": k.recipient_type, "template": k.template,
                     "active": k.active} for k in kinds])
        return 0
    for k in kinds:
        print("\t".join([k.code, k.name, k.certificate_title or "—", k.template or "—",
                         label(RECIPIENT_TYPE, k.recipient_type)]))
    return 0


def run_sample(args: argparse.Namespace) -> int:
    path = print_sample(args.template, args.out, design="blank" if args.blank else "full",
                        title=args.title)
    print(_("Sample written to {path}.").format(path=path))
    return 0


def run_test_page(args: argparse.Namespace) -> int:
    offset = offset_from(args)
    path = calibration_page(args.out, printer=args.printer, offset=offset,
                            template=args.template)
    print(_("Calibration page written to {path}.").format(path=path))
    return 0
