"""One translation catalogue for the core and the GUI alike.

Source strings are English; the catalogues live in
``resources/translations/<lang>/LC_MESSAGES/unionapp.po`` (gettext format; no compiled ``.mo``
to keep in step). The program reads them with the small reader below, since loading Babel
costs a tenth of a second at every start; the tools write and check them with Babel, and a
test holds the two readers to the same result. Vietnamese is the default language. Placeholders are
``{name}`` only, and a translation must keep exactly the placeholders of its source (a
test checks every catalogue).

Use ``_("…")`` where a string is shown; ``N_("…")`` marks a string defined at import time
(column titles, enum labels) that is translated later with ``_(value)``.
"""

from __future__ import annotations

import os
import re
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
    return read_catalogue(path.read_text(encoding="utf-8"))


_ESCAPE = re.compile(r'\\(.)')
_ESCAPED = {"n": "\n", "t": "\t", "r": "\r"}


def _unquote(quoted: str) -> str:
    """The text of one quoted PO string: ``"say \\"hi\\"\\n"`` → ``say "hi"⏎``."""
    return _ESCAPE.sub(lambda m: _ESCAPED.get(m.group(1), m.group(1)), quoted.strip()[1:-1])


def read_catalogue(text: str) -> dict[str, str]:
    """The translations of a PO file's text, msgid → msgstr: entries are separated by blank
    lines (as Babel writes them); the header, empty and fuzzy translations, obsolete entries
    (``#~``) and entries with a context or plural forms (the program uses neither) are left
    out."""
    found: dict[str, str] = {}
    for block in re.split(r"\n[ \t]*\n", text):
        fields: dict[str, str] = {}
        field = ""
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,") and "fuzzy" in line:
                break
            if not line or line.startswith("#"):
                continue
            if line.startswith('"'):
                fields[field] = fields.get(field, "") + _unquote(line)
            else:
                field, _sep, rest = line.partition(" ")
                fields[field] = _unquote(rest)
        else:
            if fields.keys() == {"msgid", "msgstr"} and fields["msgid"] and fields["msgstr"]:
                found[fields["msgid"]] = fields["msgstr"]
    return found


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
