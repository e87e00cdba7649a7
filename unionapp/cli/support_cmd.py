"""``unionapp support …``: the year's support figures and the funds' balances."""

from __future__ import annotations

import argparse
from datetime import date

from ..i18n import _
from ..labels import SUPPORT_STATUS, label
from ..support import fund_balances
from ..support.summary import support_summary
from ..text import format_vnd
from .common import open_for_reading, print_json


def _summary_epilog() -> str:
    return _(
        "The year of a case is the year of its date. With --json the keys are:\n"
        "  year, counted_statuses (the statuses counted as help given: paid, closed)\n"
        "  by_kind: [{code, name, count, amount}] help given, every kind of the catalogue\n"
        "  by_status: [{status, count, amount}] every case of the year, every status\n"
        "  by_kind_status: [{code, status, count, amount}] the non-empty pairs\n"
        "  members_helped: distinct members whose case was paid or closed\n"
        "  total: {count, amount} help given\n"
        "  funds: [{code, name, budget, committed, paid, remaining}] that year's funds\n"
        "Amounts are whole đồng (integers); statuses are proposed, approved, paid, closed, "
        "rejected."
    )


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("support", help=_("care and support cases"))
    sub = p.add_subparsers(dest="support_command", metavar="ACTION", required=True)
    summary = sub.add_parser(
        "summary",
        help=_("the year's support figures to report upward"),
        description=_("Totals of the year's support cases by kind and by status, and the "
                      "number of members helped."),
        epilog=_summary_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    summary.add_argument("--year", type=int, default=date.today().year, metavar="YYYY",
                         help=_("the year (default: this year)"))
    summary.add_argument("--json", action="store_true", help=_("print JSON"))
    summary.set_defaults(func=run_summary)
    funds = sub.add_parser("funds", help=_("the funds' budgets and what is left"))
    funds.add_argument("--year", type=int, default=date.today().year, metavar="YYYY",
                       help=_("the year (default: this year)"))
    funds.add_argument("--json", action="store_true", help=_("print JSON"))
    funds.set_defaults(func=run_funds)


def run_summary(args: argparse.Namespace) -> int:
    with open_for_reading(args) as db:
        summary = support_summary(db, args.year)
    if args.json:
        print_json(summary.as_json())
        return 0
    print(_("Care and support in {year}").format(year=summary.year))
    print(_("Visited and supported {people} people with {amount} đồng ({count} payments).")
          .format(people=summary.members_helped,
                  amount=format_vnd(summary.total.amount, unit=False),
                  count=summary.total.count))
    width = max((len(k.name) for k in summary.by_kind), default=10)
    print()
    print(_("Help given, by kind:"))
    for k in summary.by_kind:
        print(f"  {k.name:<{width}}  {k.figure.count:>5}  {format_vnd(k.figure.amount):>16}")
    print()
    print(_("Every case of the year, by status:"))
    for status, figure in summary.by_status:
        name = label(SUPPORT_STATUS, status)
        print(f"  {name:<{width}}  {figure.count:>5}  {format_vnd(figure.amount):>16}")
    if summary.funds:
        print()
        print(_("Funds:"))
        for f in summary.funds:
            print("  " + _("{fund}: budget {budget}, committed {committed}, remaining "
                           "{remaining}").format(fund=f.name, budget=format_vnd(f.budget),
                                                 committed=format_vnd(f.committed),
                                                 remaining=format_vnd(f.remaining)))
    return 0


def run_funds(args: argparse.Namespace) -> int:
    with open_for_reading(args) as db:
        funds = fund_balances(db, args.year)
    if args.json:
        print_json([{"code": f.code, "name": f.name, "year": f.year, "budget": f.budget,
                     "committed": f.committed, "paid": f.paid, "pending": f.pending,
                     "remaining": f.remaining} for f in funds])
        return 0
    if not funds:
        print(_("No funds have been set up for {year}.").format(year=args.year))
    for f in funds:
        print(_("{fund}: budget {budget}, committed {committed}, remaining "
                "{remaining}").format(fund=f.name, budget=format_vnd(f.budget),
                                      committed=format_vnd(f.committed),
                                      remaining=format_vnd(f.remaining)))
    return 0
