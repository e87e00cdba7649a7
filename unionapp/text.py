"""Vietnamese text: clean-up, search folding, people's sort order, money, dates, amounts in words.

Everything here is pure and Qt-free; the GUI, the CLI, imports and reports all share it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

# --- clean-up and folding ---------------------------------------------------------------

# Invisible format characters that creep in from Word and the web: soft hyphen, zero-width
# space/joiners, direction marks, word joiner, BOM.
_INVISIBLE: dict[int, str | None] = dict.fromkeys(
    [0xAD, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065), 0xFEFF])
# Look-alikes of Đ/đ that old keyboards and code-page mix-ups type: the Icelandic eth (Ð ð).
# No Vietnamese text means them, so they are read as Đ/đ and stored so.
_LOOK_ALIKES = {0xD0: "Đ", 0xF0: "đ"}
_CLEAN_TABLE = {**_INVISIBLE, **_LOOK_ALIKES}
_WORD = re.compile(r"[^\W_]+")  # letters and digits; punctuation and '_' split words


def clean(text: str | None) -> str:
    """NFC-normalise, drop invisible format characters, read the look-alike Ð as Đ and
    collapse whitespace. Every stored name and code passes through here.

    Legacy TCVN3/VNI text must be converted before (see ``rosters.legacy``): its bytes for
    ``ư`` and ``é`` are the soft hyphen and ``Ð`` here."""
    if not text:
        return ""
    # str methods, not regular expressions: imports clean millions of cells. ASCII text
    # (codes, numbers, most of a roster's cells) needs no normalising and has nothing to drop.
    if text.isascii():
        return " ".join(text.split())
    return " ".join(unicodedata.normalize("NFC", text).translate(_CLEAN_TABLE).split())


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    text = unicodedata.normalize("NFD", word.casefold().translate(_LOOK_ALIKES))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).replace("đ", "d")


def fold(text: str | None) -> str:
    """Search key: lower case, no diacritics, đ → d (``Nguyễn Thị Thu Hằng`` → ``nguyen thi thu
    hang``; the look-alike ``Ð`` folds to ``d`` as well).

    ``đ`` is a letter of its own, not ``d`` plus a combining mark, so Unicode decomposition
    alone (and SQLite's ``remove_diacritics``) leaves it alone: it is mapped explicitly.
    Names repeat the same few thousand words, so folding is cached per word.
    """
    return fold_cleaned(clean(text)) if text else ""


def _fold_table() -> dict[int, str]:
    """Every Latin letter folded on its own, for one C call per text: a letter's fold does
    not depend on its neighbours, except where folding makes non-ASCII (then the slow way)."""
    table: dict[int, str] = {}
    for code in (*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        folded = _fold_word(chr(code))
        if folded.isascii() and folded != chr(code):
            table[code] = folded
    return table


_FOLD_TABLE = _fold_table()


def fold_cleaned(text: str) -> str:
    """:func:`fold` of text already passed through :func:`clean` (bulk paths)."""
    if not text:
        return ""
    folded = text.translate(_FOLD_TABLE)
    if folded.isascii():
        return folded
    return " ".join(_fold_word(w) for w in text.split(" "))


def search_words(text: str | None) -> list[str]:
    """The folded words of a name or a query, in order (punctuation splits words)."""
    return _WORD.findall(fold(text))


def title_name(text: str | None) -> str:
    """Capitalise each word of a person's name (``NGUYỄN văn an`` → ``Nguyễn Văn An``)."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in clean(text).split(" ") if w)


# --- Vietnamese sort order ----------------------------------------------------------------

# Dictionary order of Vietnamese letters (ă, â after a; đ after d; ê after e; ô, ơ after o;
# ư after u) with the foreign letters f, j, w, z at their Latin places.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Each letter gets one ASCII code so that byte order equals Vietnamese order; digits sort
# before letters. Codes are plain ASCII so `ORDER BY sort_key` agrees in SQLite and in
# PostgreSQL (whose column uses COLLATE "C").
_LETTER_CODE = {ch: chr(0x41 + i) for i, ch in enumerate(_ALPHABET)}
_MODIFIERS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter
# Tones, in dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
# Separators, each sorting before the next and all before any letter, digit or tone code:
_PART_GAP = " "  # before the birth: a name sorts before a longer one it begins
_WORD_GAP = "!"  # between words: "An" < "Anh", "Ân" < "Ân Văn"
_TONE_GAP = "#"  # between a word's letters and its tones: "An" < "Ân" < "Ấn" < "Anh"


@lru_cache(maxsize=65536)
def _word_code(word: str) -> str:
    """One word's key: its letters, then its tones (so a word is grouped whole: every "Ân"
    before any "Ẩn", and "Ẩn" before "Anh" only because of its letters)."""
    primary, tones = [], []
    for ch in unicodedata.normalize("NFC", word.casefold()):
        parts = unicodedata.normalize("NFD", ch)
        base = "".join(c for c in parts if not unicodedata.combining(c) or c in _MODIFIERS)
        base = unicodedata.normalize("NFC", base)
        tone = next((_TONES[c] for c in parts if c in _TONES), "0")
        if base in _LETTER_CODE:
            primary.append(_LETTER_CODE[base])
        elif base.isdigit() and base.isascii():
            primary.append(base)
        else:  # a letter outside the Vietnamese alphabet: after all of them, by code point
            primary.append(f"~{ord(base[:1] or ' '):05x}")
        tones.append(tone)
    return "".join(primary) + _TONE_GAP + "".join(tones)


def person_sort_key(full_name: str | None, birth: date | int | None = None) -> str:
    """The Vietnamese order of people, as office lists have it: the given name (last word)
    first, then the family name and the middle names in order, each word grouped whole —
    its letters in the Vietnamese alphabet, then its tone in dictionary order (ngang, huyền,
    hỏi, ngã, sắc, nặng: the order of ICU's Vietnamese collation) — then the date (or year)
    of birth. ``Lâm Hồng Ân, Nguyễn Ân, Đặng Xuân Ẩn, Võ Ngọc Ẩn, Ông Đình Xuân Ấn``.

    Returns an ASCII string, so the database can index it and sort by it. It always ends
    with the 8 characters of the birth (bulk paths compute the two parts apart)."""
    return person_sort_key_cleaned(clean(full_name), birth)


def person_sort_key_cleaned(full_name: str, birth: date | int | None = None) -> str:
    """:func:`person_sort_key` of a name already passed through :func:`clean`."""
    return name_sort_key(full_name) + _PART_GAP + birth_sort_key(birth)


@lru_cache(maxsize=65536)
def name_sort_key(full_name: str) -> str:
    """The name part of :func:`person_sort_key` (for a cleaned name; cached: names repeat)."""
    words = full_name.split(" ") if full_name else []
    return _WORD_GAP.join(map(_word_code, words[-1:] + words[:-1]))


@lru_cache(maxsize=65536)  # birth dates repeat across a register
def birth_sort_key(birth: date | int | None) -> str:
    """The last 8 characters of :func:`person_sort_key`: unknown births after known ones."""
    if isinstance(birth, date):
        return f"{birth.year:04d}{birth.month:02d}{birth.day:02d}"
    if isinstance(birth, int):
        return f"{birth:04d}0000"
    return "99999999"


# --- money ---------------------------------------------------------------------------------


def format_vnd(amount: int | None, *, unit: bool = True) -> str:
    """``1500000`` → ``1.500.000 đ`` (dots for thousands, as Vietnamese documents write)."""
    if amount is None:
        return ""
    digits = f"{abs(int(amount)):,}".replace(",", ".")
    sign = "-" if amount < 0 else ""
    return f"{sign}{digits} đ" if unit else f"{sign}{digits}"


def format_count(n: int | None) -> str:
    """``4236`` → ``4.236``: counts take the thousands dot too (Vietnamese documents)."""
    return "" if n is None else format_vnd(n, unit=False)


_MONEY_JUNK = re.compile(r"(?i)\s|đồng|đ|vnd|vnđ")


def parse_vnd(text: str | int | None) -> int | None:
    """Read an amount as clerks type it: ``1.500.000``, ``1,500,000 đ``, ``1500000 VNĐ``.

    Returns None for blank text; raises ValueError when it is not a whole number of đồng.
    """
    if text is None:
        return None
    if isinstance(text, int):
        return text
    raw = _MONEY_JUNK.sub("", unicodedata.normalize("NFC", str(text)))
    if not raw:
        return None
    negative = raw.startswith("-")
    raw = raw.lstrip("-+")
    if not re.fullmatch(r"\d{1,3}([.,]\d{3})*|\d+", raw):
        raise ValueError(text)
    value = int(re.sub(r"[.,]", "", raw))
    return -value if negative else value


# --- dates -------------------------------------------------------------------------------


def format_date(value: date | None) -> str:
    """``date(2024, 12, 27)`` → ``27/12/2024``; None → ``""``."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else ""


def format_moment(value: datetime | None) -> str:
    """A moment in the computer's local time, to the minute: ``27/12/2024 14:05``."""
    if value is None:
        return ""
    local = value.astimezone()
    return f"{format_date(local.date())} {local:%H:%M}"


def format_birth(value: date | None, year: int | None) -> str:
    """A birth date, or its year alone when only the year is known."""
    if value:
        return format_date(value)
    return str(year) if year else ""


_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")
_YEAR = re.compile(r"\d{4}")
_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{4})")


class DateError(ValueError):
    """Text that is not a date. ``message`` says why in the user's language, the same words
    wherever a date is typed or imported."""

    def __init__(self, text: object, *, real: bool = False, year_allowed: bool = False):
        super().__init__(text)
        self.text, self.real, self.year_allowed = text, real, year_allowed

    @property
    def message(self) -> str:
        from .i18n import _

        if self.real:  # written as a date, but no such day (31/02/1990)
            return _("“{value}” is not a real date.").format(value=self.text)
        if self.year_allowed:
            return _("“{value}” is not a date (write dd/mm/yyyy or the year).").format(
                value=self.text)
        return _("“{value}” is not a date (write dd/mm/yyyy).").format(value=self.text)


def _two_digit_year(year: int, today: date | None = None) -> int:
    """``85`` → 1985, ``05`` → 2005: a two-digit year is in the last hundred years."""
    this_year = (today or date.today()).year
    return year + 1900 if year > this_year % 100 else year + 2000


def parse_date(text: str | None) -> date | None:
    """Read a date as clerks type it: ``dd/mm/yyyy`` (also with ``-`` or ``.``, one-digit
    day or month, or a two-digit year) or ISO ``yyyy-mm-dd``. The one rule for every date
    typed in a form or read from a file.

    Returns None for blank text; raises :class:`DateError` (a ValueError) otherwise."""
    raw = clean(text)
    if not raw:
        return None
    if m := _DMY.fullmatch(raw):
        d, mth, y = (int(g) for g in m.groups())
        if len(m.group(3)) == 2:
            y = _two_digit_year(y)
    elif m := _YMD.fullmatch(raw):
        y, mth, d = (int(g) for g in m.groups())
    else:
        raise DateError(text)
    try:
        return date(y, mth, d)
    except ValueError:
        raise DateError(text, real=True) from None


def parse_birth(text: str | None) -> tuple[date | None, int | None]:
    """A birth date that may be known only as a year: returns ``(date, year)``.

    ``12/03/1985`` → ``(date(1985, 3, 12), 1985)``; ``1985`` → ``(None, 1985)``; a month and
    year (``3/1985``) keeps the year. Raises :class:`DateError` like :func:`parse_date`."""
    raw = clean(text)
    if _YEAR.fullmatch(raw):
        return None, int(raw)
    if m := _MONTH_YEAR.fullmatch(raw):
        return None, int(m.group(2))
    try:
        value = parse_date(raw)
    except DateError as error:
        raise DateError(text, real=error.real, year_allowed=True) from None
    return value, value.year if value else None


def place_date(place: str, value: date) -> str:
    """``Hà Nội, ngày 05 tháng 01 năm 2025`` — Decree 30/2020: days below 10 and the months
    1 and 2 take a leading zero; other months do not (``ngày 27 tháng 3``)."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"{clean(place)}, ngày {value.day:02d} tháng {month} năm {value.year}"


# --- amounts in words ------------------------------------------------------------------------

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_GROUPS = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]


def _three_digits(n: int, *, full: bool) -> list[str]:
    """Words for 0 < n < 1000. ``full`` reads leading zeros ("không trăm linh năm"), as a
    group after a higher one does."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens > 1:
            words.append("mốt")
        elif units == 5 and tens > 0:
            words.append("lăm")
        else:
            words.append(_DIGITS[units])
    return words


def amount_in_words(amount: int, currency: str = "đồng") -> str:
    """``1005000`` → ``Một triệu không trăm linh năm nghìn đồng`` (the "Bằng chữ" line)."""
    if amount < 0:
        words = amount_in_words(-amount, currency)
        return "Âm " + words[0].lower() + words[1:]
    if amount >= 1000 ** len(_GROUPS):
        raise ValueError(amount)
    groups = []
    n = amount
    while n:
        groups.append(n % 1000)
        n //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if not value:
            continue
        words += _three_digits(value, full=index < len(groups) - 1)
        if _GROUPS[index]:
            words.append(_GROUPS[index])
    text = " ".join(words or ["không"]) + (f" {currency}" if currency else "")
    return text[0].upper() + text[1:]
