"""``unionapp audit …``: the audit trail and the check of its hash chain."""

from __future__ import annotations

import argparse
import uuid

from ..audit_trail import (
    AuditQuery,
    action_label,
    audit_list,
    describe,
    linked_names,
    problem_text,
    record_names,
    verify_audit,
)
from ..errors import UserError
from ..i18n import _
from ..text import format_moment, parse_date
from .common import open_for_reading, print_json


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("audit", help=_("the audit trail: who changed what, and when"))
    sub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)

    listing = sub.add_parser("list", help=_("entries of the audit trail, newest first"))
    listing.add_argument("--member", metavar="UUID",
                         help=_("only entries about this member and their records"))
    listing.add_argument("--user", dest="by_user", metavar="NAME",
                         help=_("only entries by this user"))
    listing.add_argument("--since", metavar="DATE", help=_("only from this date (dd/mm/yyyy)"))
    listing.add_argument("--limit", type=int, default=0, metavar="N",
                         help=_("at most N entries (default: all)"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(func=run_list)

    verify = sub.add_parser("verify", help=_("check that no entry was changed, deleted or "
                                             "added behind the program's back"),
                            description=_("Exit 0 when the trail is intact, 2 when not. With "
                                          "--json: {ok, entries, first_bad}."))
    verify.add_argument("--json", action="store_true", help=_("print JSON"))
    verify.set_defaults(func=run_verify)


def _query(args: argparse.Namespace) -> AuditQuery:
    member = None
    if args.member:
        try:
            member = uuid.UUID(args.member)
        except ValueError:
            raise UserError(_("A member is named by its uuid (see: unionapp members find "
                              "--json).")) from None
    since = None
    if args.since:
        try:
            since = parse_date(args.since)
        except ValueError:
            raise UserError(_("“{text}” is not a date; write it as dd/mm/yyyy.").format(
                text=args.since)) from None
    return AuditQuery(member=member, user=args.by_user or None, since=since)


def run_list(args: argparse.Namespace) -> int:
    query = _query(args)
    with open_for_reading(args) as db:
        entries = audit_list(db, query)
        rows = entries.page(0, args.limit) if args.limit > 0 else entries.all()
        names = record_names(db, rows)
        linked = linked_names(db, rows)
    if args.json:
        print_json([{**r.as_json(),
                     "record_name": names.get(r.entity_uuid) if r.entity_uuid else None}
                    for r in rows])
        return 0
    for r in rows:
        record = describe(r, names.get(r.entity_uuid, "") if r.entity_uuid else "")
        fields = ", ".join(f"{c.label}: {c.before} → {c.after}" if c.before else
                           f"{c.label}: {c.after}" for c in r.changes(linked))
        print("\t".join([format_moment(r.at), r.user, action_label(r.action), record,
                         fields or r.summary]))
    print(_("{count} entries.").format(count=len(rows)))
    return 0


def run_verify(args: argparse.Namespace) -> int:
    with open_for_reading(args) as db:
        check = verify_audit(db)
    if args.json:
        print_json(check.as_json())
    else:
        print(problem_text(check))
    return 0 if check.ok else 2
