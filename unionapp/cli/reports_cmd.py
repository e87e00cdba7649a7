"""``unionapp reports …``: the reports the union system asks for, as .xlsx or PDF, or filled
into the parent union's own form."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from ..errors import UserError
from ..i18n import _
from ..reports import ReportRequest, make_report, report_kinds
from ..text import format_date, format_vnd, parse_date
from .common import open_for_reading, print_json


def _make_epilog() -> str:
    return _(
        "Without --to the period ends today (the statistics form: on the last reporting date, "
        "31/5, 30/11 or 31/12); without --from it starts where the reporting period ending "
        "on --to starts (1/12 of the year before for 31/5 and 30/11), else on 1 January.\n"
        "In a parent union's database the report covers every branch (or those under "
        "--branch), one row per branch, and names the branches that have not sent their data "
        "up to --to.\n"
        "With --json: {kind, from, to, file, figures, title, unit, unknown_placeholders} and, "
        "for a parent union, branches and not_sent. Amounts are whole đồng.\n"
        "Exit status 1: the form had placeholders the program does not know (listed)."
    )


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("reports", help=_("reports for the parent union (.xlsx or PDF)"))
    sub = p.add_subparsers(dest="reports_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help=_("the reports the program can make"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(func=run_list)

    make = sub.add_parser(
        "make", help=_("make a report"), epilog=_make_epilog(),
        description=_("Make a report over a period, as .xlsx or PDF, or fill the parent "
                      "union's own form (.xlsx with {{members.women}}-style placeholders)."),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    make.add_argument("kind", metavar="KIND", help=_("the report (see: unionapp reports list)"))
    make.add_argument("--from", dest="start", metavar="YYYY-MM-DD",
                      help=_("first day of the period"))
    make.add_argument("--to", dest="end", metavar="YYYY-MM-DD",
                      help=_("last day of the period (members are counted on that day)"))
    make.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx|FILE.pdf",
                      help=_("where to write the report"))
    make.add_argument("--form", type=Path, metavar="TEMPLATE.xlsx",
                      help=_("fill a copy of this form instead of the program's own layout"))
    make.add_argument("--branch", default="", metavar="CODE",
                      help=_("report on this unit (and the units under it) only"))
    make.add_argument("--date", dest="dated", metavar="YYYY-MM-DD",
                      help=_("the date written on the report (default: today)"))
    make.add_argument("--json", action="store_true", help=_("print JSON"))
    make.set_defaults(func=run_make)


def run_list(args: argparse.Namespace) -> int:
    kinds = report_kinds()
    if args.json:
        print_json([{"kind": kind, "title": title} for kind, title in kinds])
        return 0
    width = max(len(kind) for kind, _title in kinds)
    for kind, title in kinds:
        print(f"{kind:<{width}}  {title}")
    return 0


def _day(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        raise UserError(_("{option} {value} is not a date: write it as YYYY-MM-DD.").format(
            option=option, value=text)) from None


def run_make(args: argparse.Namespace) -> int:
    request = ReportRequest(kind=args.kind, out=args.out, start=_day(args.start, "--from"),
                            end=_day(args.end, "--to"), form=args.form, branch=args.branch,
                            dated=_day(args.dated, "--date"))
    with open_for_reading(args) as db:
        result = make_report(db, request)
    if args.json:
        print_json(result.as_json())
    else:
        print(_("{title}, {start} – {end}: {path}").format(
            title=result.title, start=format_date(result.period.start),
            end=format_date(result.period.end), path=result.path))
        if result.parent:
            print(_("{count} branches; not sent up to {end}: {late}.").format(
                count=len(result.branches), end=format_date(result.period.end),
                late=", ".join(b.code for b in result.not_sent) or _("none")))
        for key, value in result.json_figures.items():
            if isinstance(value, int):
                print(f"  {key}: {format_vnd(value, unit=False)}")
    for unknown in result.unknown:
        print(_("Unknown placeholder left as it is: {where}").format(where=unknown.text()),
              file=sys.stderr)
    return 1 if result.unknown else 0
