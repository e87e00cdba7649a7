"""``unionapp demo``: fill a database with the demo branch."""

from __future__ import annotations

import argparse

from ..backups import backup_before
from ..db import default_path, open_database, resolve_url, sqlite_path
from ..demo import fill_demo
from ..errors import UserError
from ..i18n import _


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("demo", help=_("create a demo database with a realistic branch"))
    p.add_argument(
        "--members", type=int, default=300, metavar="N", help=_("number of members (default 300)")
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help=_("replace the database named by --db if it already has data"),
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Without --db the demo goes to its own file, never to the user's real database.
    target = args.db if args.db else default_path(demo=True)
    path = sqlite_path(resolve_url(target))
    if path is not None and path.exists():
        if args.db and not args.replace:
            raise UserError(
                _(
                    "{path} already exists. Use --replace to overwrite it with the "
                    "demo, or choose another file."
                ).format(path=path)
            )
        if args.db:  # a file the user named: a backup before deleting everything in it
            with open_database(path, user=args.user) as old:  # (refused if it is open)
                backup_before(old, "before-bulk-delete")
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    if args.members < 0:
        raise UserError(_("The number of members can't be negative."))
    with open_database(target, create=True, user=args.user) as db:
        summary = fill_demo(db, members=args.members)
        print(
            _(
                "Demo database ready at {path}: {members} members in {groups} groups, "
                "{activities} activities, {awards} awards, {cases} support cases."
            ).format(
                path=db.path or db.url,
                members=summary.members,
                groups=summary.groups,
                activities=summary.activities,
                awards=summary.awards,
                cases=summary.support_cases,
            )
        )
    return 0
