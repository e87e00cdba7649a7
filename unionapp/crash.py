"""Crash reports: an unexpected error (a bug) becomes one Vietnamese sentence for the clerk and
a small text file for whoever supports them, never a traceback on screen.

The report (traceback, program version, platform, command) goes to ``crash-reports/`` in the
data folder; the newest :data:`KEEP` are kept. The command line's guard (``unionapp.cli``)
and the GUI's exception hook (``ui.crash``) both call :func:`write_report`.
"""

from __future__ import annotations

import os
import platform
import re
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from . import __version__
from .i18n import _
from .settings import data_dir

KEEP = 30
_SECRET_IN_URL = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")


def reports_dir() -> Path:
    return data_dir() / "crash-reports"


def report_text(error: BaseException) -> str:
    frozen = " (frozen)" if getattr(sys, "frozen", False) else ""
    lines = [
        f"unionapp {__version__}{frozen}",
        f"time: {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"python: {sys.version.split()[0]} ({sys.executable})",
        f"platform: {platform.platform()}",
        f"command: {_mask(' '.join(sys.argv))}",
        "",
        _mask("".join(traceback.format_exception(type(error), error, error.__traceback__))),
    ]
    return "\n".join(lines)


def _mask(text: str) -> str:
    """Passwords in database URLs never go into a file that is sent around."""
    return _SECRET_IN_URL.sub(r"\1***@", text)


def write_report(error: BaseException) -> Path | None:
    """Write the report; its path, or None if no folder at all could take it."""
    text = report_text(error)
    name = f"crash-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.txt"
    for folder in (reports_dir(), Path(tempfile.gettempdir()) / "unionapp-crash-reports"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            path.write_text(text, encoding="utf-8")
        except OSError:
            continue
        _prune(folder)
        return path
    return None


def _prune(folder: Path) -> None:
    try:
        reports = sorted(folder.glob("crash-*.txt"), key=lambda p: p.stat().st_mtime)
        for old in reports[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def message(report: Path | None) -> str:
    """What the clerk reads."""
    if report is None:
        return _("Unexpected error: the program stopped this action and nothing more was "
                 "changed. (The error report could not be written: the disk may be full.)")
    return _("Unexpected error: the program stopped this action and nothing more was changed. "
             "A report for the people who support you was written to {path}.").format(
        path=report)
