"""``unionapp package …``: data packages exchanged with the parent union (or a branch)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..exchange import export_package, import_packages
from ..exchange.parent import branch_statuses, open_conflicts, resolve_conflict
from ..i18n import _
from ..text import format_date
from .common import open_for_reading, open_for_writing, print_json


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("package", help=_("data packages exchanged with the parent union"))
    sub = p.add_subparsers(dest="package_command", metavar="ACTION", required=True)
    export = sub.add_parser("export", help=_("write this database's next package"))
    export.add_argument("file", metavar="FILE.zip", type=Path)
    export.add_argument("--full", action="store_true",
                        help=_("everything, not only what changed since the last package the "
                               "parent union confirmed"))
    export.add_argument("--json", action="store_true", help=_("print JSON"))
    export.set_defaults(func=run_export)
    imp = sub.add_parser("import", help=_("check a package and import it"))
    imp.add_argument("files", metavar="FILE.zip", type=Path, nargs="+",
                     help=_("one package, or several in the order to apply them (one backup "
                            "before all)"))
    imp.add_argument("--dry-run", action="store_true",
                     help=_("only check and show what would change; write nothing"))
    imp.add_argument("--json", action="store_true", help=_("print the summary as JSON"))
    imp.set_defaults(func=run_import)
    branches = sub.add_parser("branches", help=_("the branches and their last package"))
    branches.add_argument("--json", action="store_true", help=_("print JSON"))
    branches.set_defaults(func=run_branches)
    conflicts = sub.add_parser("conflicts", help=_("the conflicts waiting for a decision"))
    conflicts.add_argument("--json", action="store_true", help=_("print JSON"))
    conflicts.set_defaults(func=run_conflicts)
    resolve = sub.add_parser("resolve", help=_("decide a conflict"))
    resolve.add_argument("id", type=int, help=_("the conflict's number"))
    resolve.add_argument("--keep", required=True, choices=("ours", "theirs"),
                         help=_("keep our version or take theirs"))
    resolve.set_defaults(func=run_resolve)


def run_export(args: argparse.Namespace) -> int:
    with open_for_writing(args) as db:
        result = export_package(db, args.file, full=args.full)
    if args.json:
        print_json(result.as_json())
    else:
        print(result.text())
    return 0


def run_import(args: argparse.Namespace) -> int:
    # A dry run reads only, so it works while the program is open elsewhere.
    opener = open_for_reading if args.dry_run else open_for_writing
    with opener(args) as db:
        summaries = import_packages(db, args.files, dry_run=args.dry_run)
    if args.json:  # one file: its summary; several: a list of them
        print_json(summaries[0].as_json() if len(summaries) == 1
                   else [s.as_json() for s in summaries])
    else:
        print("\n\n".join(s.text() for s in summaries))
    return 2 if any(s.refused for s in summaries) else 0


def run_branches(args: argparse.Namespace) -> int:
    with open_for_reading(args) as db:
        rows = branch_statuses(db)
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    for r in rows:
        made = format_date(r.last_made_at.astimezone().date()) if r.last_made_at else "—"
        print(f"{r.code}\t{r.last_sequence}\t{made}\t{r.state}\t{r.name}")
    return 0


def run_conflicts(args: argparse.Namespace) -> int:
    with open_for_reading(args) as db:
        rows = open_conflicts(db)
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    for r in rows:
        print(f"{r.id}\t{r.source_code}\t{r.entity}\t{r.name}\t{r.message}")
    print(_("{count} conflicts waiting.").format(count=len(rows)))
    return 0


def run_resolve(args: argparse.Namespace) -> int:
    with open_for_writing(args) as db:
        resolve_conflict(db, args.id, args.keep)
    print(_("Conflict {id} decided.").format(id=args.id))
    return 0
