"""What whoever supports the office needs to know about this copy of the program: its
version, and where the database, the backups, the crash reports and the settings are.
Shown by Help ▸ About (and copied from there as plain text)."""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .crash import reports_dir
from .i18n import _
from .settings import Settings, config_dir, data_dir

if TYPE_CHECKING:
    from .db import Database


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    folder: Path | None = None  # a folder the person may want to open


def program_facts(db: Database | None = None) -> list[Fact]:
    """The version and the places, for the database open (if any)."""
    from .backups.catalogue import folder_for

    facts = [Fact(_("Version"), f"{__version__}{' (bundle)' if _frozen() else ''}")]
    if db is not None:
        where = str(db.path) if db.path is not None else db.url.render_as_string(
            hide_password=True)
        facts.append(Fact(_("Database"), where, db.path.parent if db.path else None))
        backups = folder_for(db.url, db.path)
        facts.append(Fact(_("Backups"), str(backups), backups))
    second = Settings.load().second_backup_folder.strip()
    facts.append(Fact(_("Second backup folder"), second or _("(none)"),
                      Path(second) if second else None))
    facts += [
        Fact(_("Data folder"), str(data_dir()), data_dir()),
        Fact(_("Crash reports"), str(reports_dir()), reports_dir()),
        Fact(_("Settings"), str(config_dir()), config_dir()),
        Fact(_("System"), f"{platform.platform()}, Python {platform.python_version()}"),
    ]
    return facts


def facts_text(facts: list[Fact]) -> str:
    """The facts as lines to paste into a message."""
    return "\n".join(f"{fact.label}: {fact.value}" for fact in facts)


def _frozen() -> bool:
    return bool(getattr(sys, "frozen", False))
