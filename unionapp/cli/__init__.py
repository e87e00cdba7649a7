"""The ``unionapp`` command line: one small module per group of commands, each a thin shell
over the same services the GUI uses. With no command, the launcher opens the window."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import __version__, crash
from ..errors import UserError
from ..failures import explain
from ..i18n import LANGUAGES, _, initial_language, set_language
from ..settings import Settings

# The command groups, in the order --help lists them. Their modules (and the services they
# import) load only when a command line has a command: the window starts without them.
GROUPS = ("init_cmd", "demo_cmd", "members_cmd", "support_cmd", "awards_cmd",
          "certificates_cmd", "keys_cmd", "package_cmd", "users_cmd", "audit_cmd", "reports_cmd",
          "backup_cmd", "org_cmd", "branch_cmd")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unionapp",
        description=_("Union office software: members, activities and awards, support cases."),
    )
    parser.add_argument("--version", action="version", version=f"unionapp {__version__}")
    _add_window_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in GROUPS:
        importlib.import_module(f"{__name__}.{name}").register(commands)
    return parser


def _add_window_options(parser: argparse.ArgumentParser) -> None:
    """The options before any command (all that opening the window needs)."""
    parser.add_argument(
        "--db",
        metavar="PATH",
        help=_("database file or SQLAlchemy URL (default: your data folder)"),
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("use the demo database, kept apart from your real one"),
    )
    parser.add_argument("--lang", choices=sorted(LANGUAGES), help=_("interface language"))
    parser.add_argument("--user", help=_("name recorded in the audit log") + "; " + _(
        "once the database has accounts: your username (the password in UNIONAPP_PASSWORD, "
        "or typed when asked)"))
    parser.add_argument("--open", metavar="FILE", dest="open_file",
                        help=_("open the window on this file: a database (.db) or an exchange "
                               "package (.zip) to import"))
    # For CI's check of the installed bundle (installer/smoke.sh): open the window, report
    # what is on screen after N seconds, and quit. Not for users, so not in --help.
    parser.add_argument("--smoke-seconds", type=float, help=argparse.SUPPRESS)


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    # The language must be set before the parser's help texts are translated.
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = next((argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--lang"), None)
    if lang in LANGUAGES:
        set_language(lang)  # an explicit --lang wins over UNIONAPP_LANG and the saved choice
    else:
        initial_language(Settings.load().language)
    # No command (the window): the options alone, without loading every command's module.
    window = argparse.ArgumentParser(prog="unionapp", add_help=False, exit_on_error=False)
    _add_window_options(window)
    try:
        args, rest = window.parse_known_args(argv)
    except argparse.ArgumentError:
        rest = argv  # the full parser says what is wrong, with the whole usage
    if not rest:
        args.command = None
        return args
    return build_parser().parse_args(argv)


def run(args: argparse.Namespace) -> int:
    """Run a parsed command; errors are printed in the user's language, never as tracebacks:
    2 for a refusal or a failure of the disk (nothing changed), 3 for a bug (with the path of
    its crash report)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")
    try:
        return int(args.func(args) or 0)
    except UserError as error:
        print(_("Error: {message}").format(message=error.message), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(_("Stopped."), file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `unionapp … | head`): not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as error:
        return unexpected(error, _database_path(args))


def _database_path(args: argparse.Namespace) -> Path | None:
    """The database file the command worked on (to name it in a message)."""
    from ..db import resolve_url, sqlite_path

    try:
        return sqlite_path(resolve_url(args.db, demo=args.demo))
    except Exception:
        return None


def unexpected(error: BaseException, path: Path | None = None) -> int:
    """The guard's last line: a full disk or a broken file is said plainly (exit 2); anything
    else is a bug, reported in a file (exit 3). Never a traceback."""
    plain = explain(error, path)
    if plain is not None:
        print(_("Error: {message}").format(message=plain.message), file=sys.stderr)
        return 2
    print(crash.message(crash.write_report(error)), file=sys.stderr)
    return 3


def main(argv: Sequence[str] | None = None) -> int:
    """Headless entry point (commands only)."""
    try:
        args = parse(argv)
        if args.command is None:
            build_parser().print_help()
            return 1
        return run(args)
    except Exception as error:
        return unexpected(error)
