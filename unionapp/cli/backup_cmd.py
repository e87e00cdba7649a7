"""``unionapp backup …``: make, list, check and restore backups of the database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..backups import (
    Backup,
    create_backup,
    reason_label,
    restore_backup,
    restore_unopenable,
    verify_backup,
)
from ..backups.catalogue import find, folder_for, format_size, load
from ..backups.restoring import Restored
from ..db import open_database, resolve_url, sqlite_path
from ..errors import DamagedDatabase, UserError
from ..i18n import _
from ..settings import Settings
from ..text import format_moment
from .common import open_for_reading, print_json


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("backup", help=_("make, list, check and restore backups"))
    sub = p.add_subparsers(dest="backup_command", metavar="ACTION", required=True)
    create = sub.add_parser("create", help=_("back up the database now (checked copy)"))
    create.add_argument("--to", metavar="DIR", type=Path,
                        help=_("put the backup in this folder (e.g. a USB stick) instead of "
                               "the backups folder"))
    create.add_argument("--json", action="store_true", help=_("print JSON"))
    create.set_defaults(func=run_create)
    listing = sub.add_parser("list", help=_("the backups of the database, newest first"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(func=run_list)
    verify = sub.add_parser("verify", help=_("check a backup file (exit 0: good, 2: not)"))
    verify.add_argument("file", metavar="FILE", type=Path)
    verify.add_argument("--json", action="store_true", help=_("print JSON"))
    verify.set_defaults(func=run_verify)
    restore = sub.add_parser("restore", help=_("replace the data with a backup (the current "
                                               "data is backed up first)"))
    restore.add_argument("file", metavar="FILE", type=Path)
    restore.add_argument("--yes", action="store_true", help=_("don't ask for confirmation"))
    restore.add_argument("--json", action="store_true", help=_("print JSON"))
    restore.set_defaults(func=run_restore)
    second = sub.add_parser("second-folder",
                            help=_("show or set a second folder (e.g. a USB stick) that gets a "
                                   "copy of the daily, closing and hand-made backups"))
    second.add_argument("folder", metavar="DIR", nargs="?", type=Path)
    second.add_argument("--off", action="store_true", help=_("stop copying to a second folder"))
    second.set_defaults(func=run_second_folder)


def _describe(b: Backup) -> str:
    members = "?" if b.members is None else f"{b.members:,}".replace(",", ".")
    checked = _("checked") if b.verified else _("not checked")
    return _("{moment}  {reason}  {members} members  {size}  {checked}  {file}").format(
        moment=format_moment(b.moment), reason=reason_label(b.reason), members=members,
        size=format_size(b.size), checked=checked, file=b.file)


def run_create(args: argparse.Namespace) -> int:
    with open_for_reading(args) as db:
        made = create_backup(db, "manual", to=args.to)
    for warning in made.warnings:
        print(warning, file=sys.stderr)
    if args.json:
        print_json(made.as_json())
    else:
        print(_("Backup made and checked: {description}").format(
            description=_describe(made.backup)))
    return 0


def _folder(args: argparse.Namespace) -> Path:
    """The backups folder of the database the options name, found without opening it (the
    list must work when the database is damaged)."""
    url = resolve_url(args.db, demo=args.demo)
    return folder_for(url, sqlite_path(url))


def run_list(args: argparse.Namespace) -> int:
    backups = load(_folder(args))
    if args.json:
        print_json([b.as_json() for b in backups])
        return 0
    if not backups:
        print(_("No backups yet ({folder}).").format(folder=_folder(args)))
    for b in backups:
        print(_describe(b))
    return 0


def run_verify(args: argparse.Namespace) -> int:
    file = args.file.expanduser().resolve()
    entry = find(file.parent, file)
    verdict = verify_backup(file, expected_sha256=entry.sha256 if entry else None)
    if args.json:
        print_json(verdict.as_json())
    elif verdict.ok:
        print(_("{file}: good (intact, made by this program).").format(file=file))
    else:
        print(_("{file}: NOT usable.").format(file=file))
        for problem in verdict.problems:
            print(f"  {problem}")
    return 0 if verdict.ok else 2


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        raise UserError(_("Restoring replaces the data: add --yes to confirm."))
    answer = input(question + " [c/K] ").strip().lower()
    return answer in ("c", "có", "co", "y", "yes")


def run_restore(args: argparse.Namespace) -> int:
    url = resolve_url(args.db, demo=args.demo)
    path = sqlite_path(url)
    if not args.yes and not _confirm(_("Replace the data of {database} with the backup {file}? "
                                       "The current data is backed up first.").format(
            database=path or url, file=args.file)):
        print(_("Nothing was changed."))
        return 2
    restored: Restored
    if path is not None and not path.exists():
        restored = restore_unopenable(path, args.file)
    else:
        try:
            db = open_database(url, user=args.user)
        except DamagedDatabase:
            if path is None:
                raise
            restored = restore_unopenable(path, args.file)
        else:
            with db:
                restored = restore_backup(db, args.file)
    if args.json:
        print_json(restored.as_json())
        return 0
    print(_("Restored {file} into {database}.").format(file=restored.file,
                                                       database=restored.database))
    if restored.backup_before:
        print(_("The data as it was just before is kept in {file}.").format(
            file=restored.backup_before))
    if restored.migrated_from:
        print(_("The backup was made by an older version; its data was upgraded."))
    return 0


def run_second_folder(args: argparse.Namespace) -> int:
    settings = Settings.load()
    if args.off:
        settings.second_backup_folder = ""
        settings.save()
        print(_("Backups are no longer copied to a second folder."))
        return 0
    if args.folder is None:
        print(settings.second_backup_folder or _("No second backup folder is set."))
        return 0
    folder = args.folder.expanduser().resolve()
    if not folder.is_dir():
        raise UserError(_("There is no folder {folder}: plug in the USB stick or create the "
                          "folder first.").format(folder=folder))
    settings.second_backup_folder = str(folder)
    settings.save()
    print(_("The daily, closing and hand-made backups will also be copied to {folder}.")
          .format(folder=folder))
    return 0
