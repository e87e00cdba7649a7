"""``unionapp init``: set up a new database for a branch (or, with --parent, a parent union)."""

from __future__ import annotations

import argparse

from ..exchange import keys
from ..i18n import _
from ..org import init_database
from .common import open_for_writing


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("init", help=_("set up a new database for your union"))
    p.add_argument("--branch-code", required=True, metavar="CODE", help=_("your unit's code"))
    p.add_argument("--branch-name", required=True, metavar="NAME", help=_("your unit's name"))
    p.add_argument(
        "--parent",
        action="store_true",
        help=_("this database is a parent union's, which receives branch packages"),
    )
    p.add_argument(
        "--parent-code",
        default="",
        metavar="CODE",
        help=_("code of the parent union (for a branch)"),
    )
    p.add_argument(
        "--parent-name",
        default="",
        metavar="NAME",
        help=_("name of the parent union (for a branch)"),
    )
    p.add_argument("--place", default="", help=_("place name used in documents, e.g. Hà Nội"))
    p.add_argument("--no-keys", action="store_true",
                   help=_("don't make the signing key for data packages now (keys init later)"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_for_writing(args, create=True) as db:
        unit = init_database(
            db,
            code=args.branch_code,
            name=args.branch_name,
            parent_mode=args.parent,
            parent_code=args.parent_code,
            parent_name=args.parent_name,
            place=args.place,
        )
        print(
            _("Created the database of {name} ({code}) at {path}.").format(
                name=unit.name, code=unit.code, path=db.path or db.url
            )
        )
        if not args.no_keys:
            key = keys.init_keys(db)
            print(_("Signing key for data packages made; fingerprint {fingerprint}.").format(
                fingerprint=key.fingerprint))
    return 0
