"""One translation catalogue for the core and the GUI alike.

Source strings are English; the catalogues live in
``resources/translations/<lang>/LC_MESSAGES/unionapp.po`` (gettext format, read with Babel;
no compiled ``.mo`` to keep in step). Vietnamese is the default language. Placeholders are
``{name}`` only, and a translation must keep exactly the placeholders of its source (a
test checks every catalogue).

Use ``_("…")`` where a string is shown; ``N_("…")`` marks a string defined at import time
(column titles, enum labels) that is translated later with ``_(value)``.
"""

from __future__ import annotations

import os
from functools import cache

from .resources import resource

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
DEFAULT_LANGUAGE = "vi"
DOMAIN = "unionapp"

_language = DEFAULT_LANGUAGE


def catalogue_path(lang: str):
    return resource("translations", lang, "LC_MESSAGES", f"{DOMAIN}.po")


@cache
def _catalogue(lang: str) -> dict[str, str]:
    path = catalogue_path(lang)
    if not path.exists():
        return {}
    from babel.messages.pofile import read_po  # imported late: only when a catalogue is read

    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def set_language(lang: str | None) -> str:
    """Switch the language of every later ``_()``; unknown or empty → Vietnamese."""
    global _language
    _language = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return _language


def language() -> str:
    return _language


def initial_language(saved: str | None = None) -> str:
    """The language to start in: ``UNIONAPP_LANG``, else the saved choice, else Vietnamese."""
    return set_language(os.environ.get("UNIONAPP_LANG") or saved)


def _(message: str) -> str:
    """Translate ``message`` into the current language (unchanged if it has no translation)."""
    return _catalogue(_language).get(message, message) if _language != "en" else message


def N_(message: str) -> str:
    """Mark a string for the catalogue without translating it now."""
    return message
