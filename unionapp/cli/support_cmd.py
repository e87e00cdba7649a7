"""``unionapp support …``: the year's support figures and the funds' balances."""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from ..errors import NeedsConfirmation, UserError
from ..i18n import _
from ..labels import SUPPORT_STATUS, label
from ..models import SupportStatus
from ..support import (
    CaseDetail,
    CaseInput,
    case_detail,
    create_case,
    fund_balances,
    kind_list,
    transition_cases,
)
from ..support.summary import support_summary
from ..text import format_date, format_vnd, parse_date, parse_vnd
from .common import open_for_reading, open_for_writing, print_json

T = TypeVar("T")


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

    add = sub.add_parser("add", help=_("record a support case for a member"),
                         description=_(
        "The case is proposed; when its kind needs no approval and you may approve (the "
        "chair, or anyone while there are no accounts), it is approved at once. An amount "
        "above the kind's usual amount or what is left in the fund is asked about on a "
        "terminal; otherwise give --confirm."))
    add.add_argument("member", metavar="MEMBER_UUID")
    add.add_argument("--kind", required=True, metavar="CODE",
                     help=_("the kind of support, e.g. OM-DAU, HIEU, KHO-KHAN"))
    add.add_argument("--amount", required=True, metavar="VND", help=_("whole đồng"))
    add.add_argument("--date", metavar="DATE", help=_("the case's date (default: today)"))
    add.add_argument("--reason", default="", help=_("the reason"))
    add.add_argument("--fund", metavar="CODE",
                     help=_("the fund it draws on (default: the kind's usual fund)"))
    add.add_argument("--confirm", action="store_true",
                     help=_("accept an unusual amount (recorded in the case's history)"))
    add.add_argument("--json", action="store_true", help=_("print JSON"))
    add.set_defaults(func=run_add)

    for verb, status, text in (
            ("approve", SupportStatus.APPROVED, _("approve proposed cases (the chair)")),
            ("reject", SupportStatus.REJECTED, _("reject cases, with the reason in --note")),
            ("pay", SupportStatus.PAID, _("mark approved cases paid (the treasurer)")),
            ("close", SupportStatus.CLOSED, _("close paid cases"))):
        step = sub.add_parser(verb, help=text)
        step.add_argument("cases", nargs="+", metavar="CASE_UUID")
        step.add_argument("--date", metavar="DATE", help=_("the date of the step (default: "
                                                           "today)"))
        step.add_argument("--note", default="", help=_("a note (the reason, for rejecting)"))
        step.add_argument("--confirm", action="store_true",
                          help=_("accept spending past a fund's budget (recorded)"))
        step.set_defaults(func=run_step, status=status)

    show = sub.add_parser("show", help=_("one case and its history"))
    show.add_argument("case", metavar="CASE_UUID")
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(func=run_show)


def _uuid(text: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise UserError(_("“{text}” is not a {what} uuid.").format(text=text, what=what)) \
            from None


def _date(text: str | None) -> date | None:
    try:
        return parse_date(text)
    except ValueError:
        raise UserError(_("“{text}” is not a date; write it as dd/mm/yyyy.").format(
            text=text)) from None


def _confirmed(action: Callable[[bool], T], confirm: bool) -> T:
    """Run ``action``; an unusual amount or an overspent fund is asked about on a terminal,
    refused (exit 2, nothing changed) otherwise unless --confirm."""
    try:
        return action(confirm)
    except NeedsConfirmation as warning:
        if not sys.stdin.isatty():
            raise UserError(warning.message + " " + _("Nothing was saved; to go on anyway, "
                                                      "add --confirm.")) from None
        print(warning.message)
        answer = input(_(warning.question) + " " + _("[y/N] "))
        if answer.strip().lower() not in ("y", "yes", "c", "có", "co"):
            raise UserError(_("Nothing was saved.")) from None
        return action(True)


def _detail_json(d: CaseDetail) -> dict[str, object]:
    return {"uuid": str(d.uuid), "status": d.status, "member": d.member_name,
            "kind": d.kind_code, "amount": d.amount, "occurred_on": d.occurred_on.isoformat(),
            "fund": d.fund or None, "reason": d.reason,
            "events": [{"from": e.from_status, "to": e.to_status,
                        "on": e.effective_on.isoformat(), "at": e.at.isoformat(),
                        "user": e.by_user, "role": e.by_role or None, "note": e.note,
                        "over_budget": e.over_budget} for e in d.events]}


def _print_detail(d: CaseDetail) -> None:
    print(f"{d.uuid}\t{d.member_name}\t{d.kind_name}\t{format_vnd(d.amount)}\t"
          f"{label(SUPPORT_STATUS, d.status)}")
    for e in d.events:
        line = f"  {format_date(e.effective_on)}  {label(SUPPORT_STATUS, e.to_status)}  {e.by}"
        print(line + (f"  — {e.note}" if e.note else ""))


def run_add(args: argparse.Namespace) -> int:
    member = _uuid(args.member, _("member"))
    try:
        amount = parse_vnd(args.amount)
    except ValueError:
        raise UserError(_("“{text}” is not an amount in whole đồng, e.g. 1.500.000.").format(
            text=args.amount)) from None
    on = _date(args.date) or date.today()
    with open_for_writing(args) as db:
        kinds = {k.code: k for k in kind_list(db)}
        kind = kinds.get(args.kind.strip().upper())
        if kind is None:
            raise UserError(_("Unknown kind of support “{code}”; one of: {codes}.").format(
                code=args.kind, codes=", ".join(kinds)))
        code = (args.fund or kind.fund_code).strip().upper()
        fund = next((f for f in fund_balances(db, on.year) if f.code == code), None)
        if args.fund and fund is None:
            raise UserError(_("There is no fund {code} for {year}.").format(code=code,
                                                                             year=on.year))
        data = CaseInput(kind=kind.uuid, member=member, occurred_on=on, amount=amount,
                         reason=args.reason, fund=fund.uuid if fund else None)
        detail = _confirmed(lambda ok: create_case(db, data, override=ok), args.confirm)
    if args.json:
        print_json(_detail_json(detail))
    else:
        _print_detail(detail)
    return 0


def run_step(args: argparse.Namespace) -> int:
    cases = [_uuid(c, _("case")) for c in args.cases]
    on = _date(args.date)
    with open_for_writing(args) as db:
        count = _confirmed(lambda ok: transition_cases(db, cases, args.status, on=on,
                                                       note=args.note, override=ok),
                           args.confirm)
    print(_("{count} cases are now “{status}”.").format(
        count=count, status=label(SUPPORT_STATUS, args.status)))
    return 0


def run_show(args: argparse.Namespace) -> int:
    with open_for_reading(args) as db:
        detail = case_detail(db, _uuid(args.case, _("case")))
    if args.json:
        print_json(_detail_json(detail))
    else:
        _print_detail(detail)
    return 0


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
