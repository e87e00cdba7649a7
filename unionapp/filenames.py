"""The file names the program proposes (certificates, papers, exports, data packages, keys)
and the folder it proposes them in.

A name is built from what the file holds — a decision number, a person's name — so it may
carry any character a clerk typed: ``15/QĐ-CĐCS`` would make a folder path, ``?`` or ``:``
are refused by Windows, ``CON.pdf`` is a device there, and a trailing dot or space
vanishes. :func:`safe_file_name` is the one place that makes such text a name valid on
Windows and Linux alike; Vietnamese letters stay (Explorer and the Linux file managers show
them), in NFC. :func:`proposed_path` puts it in the user's Documents folder.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import platformdirs

# Refused by Windows in a name (``/`` and NUL also by Linux); control characters too.
FORBIDDEN = '/\\:*?"<>|'
_FORBIDDEN_RUN = re.compile("[" + re.escape(FORBIDDEN) + "\x00-\x1f\x7f]+")
_DASHES = re.compile(r"-{2,}")
# Device names Windows reserves whatever the extension (``CON.pdf`` too), any letter case.
RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"]
    + [f"{device}{n}" for device in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]])
# Bytes, not characters: Linux allows 255 bytes a name and a Vietnamese letter takes up to
# three; the margin leaves room for " (2)" and a ``.part`` suffix while writing.
MAX_BYTES = 180
FALLBACK = "tai-lieu"


def safe_file_name(text: str, suffix: str = "", *, fallback: str = FALLBACK) -> str:
    """``Giấy khen — 15/QĐ-CĐCS`` + ``.pdf`` → ``Giấy khen — 15-QĐ-CĐCS.pdf``.

    Forbidden characters become ``-``; leading dots and spaces (hidden files), trailing dots
    and spaces go; a reserved device name gets ``_``; the name is cut (between words) to
    fit every file system; nothing left gives ``fallback``."""
    stem = unicodedata.normalize("NFC", text or "")
    stem = _FORBIDDEN_RUN.sub("-", stem)
    stem = _DASHES.sub("-", " ".join(stem.split()))
    suffix = _FORBIDDEN_RUN.sub("", suffix or "").strip(" ")
    room = MAX_BYTES - len(suffix.encode("utf-8"))
    if len(stem.encode("utf-8")) > room:
        while len(stem.encode("utf-8")) > room:
            stem = stem[:-1]
        head = stem.rpartition(" ")[0]  # a whole word rather than half of one
        stem = head if len(head) > len(stem) // 2 else stem
    stem = stem.strip(" .-") or fallback
    device, dot, rest = stem.partition(".")
    if device.rstrip(" ").upper() in RESERVED:  # CON.0 → CON_.0
        stem = f"{device.rstrip(' ')}_{dot}{rest}"
    return stem + suffix


def documents_dir(find: Callable[[], str] = platformdirs.user_documents_dir) -> Path:
    """The user's Documents folder — on Windows the known folder (which may have moved to
    OneDrive or another drive), on Linux the XDG one (``~/Tài liệu`` in Vietnamese) — or
    the home folder when that is missing or out of reach (a network drive not connected).

    ``find`` is the platform's look-up (tests give a Windows-like one);
    ``UNIONAPP_DOCUMENTS_DIR`` overrides it."""
    if override := os.environ.get("UNIONAPP_DOCUMENTS_DIR"):
        return Path(override)
    try:
        found = Path(find())
        if found.is_dir():
            return found
    except (OSError, ValueError, TypeError):
        pass
    return Path.home()


def proposed_path(text: str, suffix: str = "", *, folder: Path | None = None) -> Path:
    """Where a save dialog should start: the safe name in the Documents folder (or
    ``folder``), with `` (2)``, `` (3)``… when a file of that name is there already."""
    folder = folder if folder is not None else documents_dir()
    name = safe_file_name(text, suffix)
    path, n = folder / name, 1
    while path.exists():
        n += 1
        stem = name[: len(name) - len(suffix)] if suffix else name
        path = folder / f"{stem} ({n}){suffix}"
    return path
