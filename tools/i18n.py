"""Keep the translation catalogues in step with the code.

    python tools/i18n.py check   # what is missing, stale or has wrong placeholders
    python tools/i18n.py stub    # append every missing message, untranslated, to each .po
    python tools/i18n.py fill < pairs.tsv   # fill empty translations: "source<TAB>translation"

New entries go at the end of the file (so parallel branches merge cleanly); a test fails while
any message of the code has no Vietnamese translation.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = ("vi",)  # catalogues that must be complete (English is the source language)
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def po_path(lang: str) -> Path:
    return ROOT / "resources" / "translations" / lang / "LC_MESSAGES" / "unionapp.po"


def code_messages() -> dict[str, str]:
    """Every string marked with _() or N_() in unionapp/ and ui/: message → first place."""
    found: dict[str, str] = {}
    method_map = [("**.py", "python")]
    for package in ("unionapp", "ui"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map, keywords={"_": None, "N_": None},
        ):
            if isinstance(message, str):
                found.setdefault(message, f"{package}/{filename}:{lineno}")
    return found


def catalogue(lang: str) -> dict[str, str]:
    with po_path(lang).open("rb") as f:
        return {str(m.id): str(m.string) for m in read_po(f) if m.id and isinstance(m.id, str)}


def duplicate_ids(lang: str) -> list[str]:
    text = po_path(lang).read_text(encoding="utf-8")
    ids = re.findall(r'^msgid ((?:".*"\n)+)', text + "\n", flags=re.M)
    seen: set[str] = set()
    dupes = []
    for raw in ids:
        key = "".join(re.findall(r'"(.*)"', raw))
        if key in seen and key:
            dupes.append(key)
        seen.add(key)
    return dupes


def problems(lang: str) -> list[str]:
    messages = code_messages()
    known = catalogue(lang)
    out = [f"duplicate entry: {m!r}" for m in duplicate_ids(lang)]
    for message, where in sorted(messages.items()):
        translation = known.get(message, "")
        if not translation:
            out.append(f"missing ({where}): {message!r}")
        elif sorted(PLACEHOLDER.findall(message)) != sorted(PLACEHOLDER.findall(translation)):
            out.append(f"placeholders differ ({where}): {message!r} → {translation!r}")
    return out


def stale(lang: str) -> list[str]:
    messages = code_messages()
    return sorted(m for m in catalogue(lang) if m not in messages)


def _po_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def stub(lang: str) -> int:
    known = catalogue(lang)
    missing = [m for m in code_messages() if m not in known]
    with po_path(lang).open("a", encoding="utf-8") as f:
        for message in missing:
            f.write(f"\nmsgid {_po_quote(message)}\nmsgstr \"\"\n")
    return len(missing)


def fill(lang: str, pairs: dict[str, str]) -> int:
    """Put translations into entries whose translation is still empty."""
    path = po_path(lang)
    text = path.read_text(encoding="utf-8")
    done = 0
    for source, translation in pairs.items():
        empty = f"msgid {_po_quote(source)}\nmsgstr \"\"\n"
        if empty in text:
            text = text.replace(empty, f"msgid {_po_quote(source)}\nmsgstr "
                                       f"{_po_quote(translation)}\n")
            done += 1
    path.write_text(text, encoding="utf-8")
    return done


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "fill":
        pairs = dict(line.rstrip("\n").split("\t", 1) for line in sys.stdin if "\t" in line)
        print(f"filled {fill(TRANSLATED[0], pairs)} of {len(pairs)}")
        return 0
    if command == "stub":
        for lang in TRANSLATED:
            print(f"{lang}: {stub(lang)} new entries to translate at the end of {po_path(lang)}")
        return 0
    failed = False
    for lang in TRANSLATED:
        for line in problems(lang):
            print(f"{lang}: {line}")
            failed = True
        for message in stale(lang):
            print(f"{lang}: no longer used: {message!r}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
