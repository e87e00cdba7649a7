"""The user's settings, kept by the core as JSON primitives (never pickles) so the GUI and
the CLI read the same values. Window geometry is the GUI's business (QSettings), not here."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import platformdirs

APP_NAME = "unionapp"


def config_dir() -> Path:
    if override := os.environ.get("UNIONAPP_CONFIG_DIR"):
        return Path(override)
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    """Databases and backups live here, never in the install folder."""
    if override := os.environ.get("UNIONAPP_DATA_DIR"):
        return Path(override)
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


@dataclass
class Settings:
    language: str = "vi"
    last_database: str = ""
    user_name: str = ""
    # A second place for the automatic backups (a USB stick, another disk); "" = none.
    second_backup_folder: str = ""
    # Column mappings remembered per roster shape, printer calibrations… (issues add keys).
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Settings:
        path = config_dir() / "settings.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})

    def save(self) -> None:
        path = config_dir() / "settings.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(path)
