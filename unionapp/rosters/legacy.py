"""Vietnamese text typed in the legacy 8-bit encodings: finding it and turning it into Unicode.

Spreadsheets typed in the 1990s–2000s with the fonts ``.VnTime``/``.VnArial`` or
``VNI-Times`` hold bytes that only those fonts drew as Vietnamese. Excel stores each byte as
its Windows-1252 character, so once the font is gone the text reads as mojibake:

* **TCVN3** (ABC, TCVN 5712:1993 "VN3"; fonts ``.Vn…``): one byte per precomposed letter,
  ``NguyÔn`` = ``Nguyễn`` (``Ô`` is ``ễ``). Only ``Ă Â Ê Ô Ơ Ư Đ`` have upper-case codes;
  capitals with a tone were drawn by separate upper-case fonts (``.VnTimeH``) from the
  lower-case codes. So a toned letter always comes out lower case here; inside a word that is
  otherwise in capitals (``NGUYÔN``) the whole word is put back in capitals (``NGUYỄN``).
  A toned capital at the start of a word (``¸nh`` for ``Ánh``) stays lower case:
  ``unionapp.text.title_name`` re-capitalises names.
* **VNI** (VNI-Windows; fonts ``VNI-…``): a base letter followed by a mark byte,
  ``Nguyeãn`` = ``Nguyễn`` (``e`` + ``ã`` = circumflex with ngã), ``aê`` = ``ă``,
  ``aé`` = ``ắ``; ``ô``/``ö`` are the letters ``ơ``/``ư`` (and take a tone byte after them:
  ``ôù`` = ``ớ``), ``ñ`` is ``đ``, and ``í ì æ ó ò`` / ``î`` are the toned ``i`` / ``ỵ``.
  Capitals use the upper-case base (``AÙ`` = ``Á``); the mark may come in either case. The
  font drew a mark byte as an accent over the letter before it, and that is how it is
  converted: into combining marks that NFC composes with that letter, so the result is what
  the clerk saw on screen.

Where the tables come from: UniKey's converter (VnConv by Pham Kim Long), file
``unikey/data.cpp`` of the repository ``fcitx/fcitx5-unikey`` — ``SingleByteTables`` (TCVN3)
and ``DoubleByteTables`` (VNI-WIN, given there as numbers). Cross-checked letter by letter with
``src/charsets.ts`` of ``duydev/vietnamese-conversion`` (same lower-case TCVN3 codes and the
same VNI sequences) and ``vni.h`` of ``lamdao/xvnkb``. The tests pin the tables to those
sources.

Why our own code: no small, maintained package on PyPI does just this (the Vietnamese text
packages there are NLP toolkits and document loaders), and the tables are a few dozen lines.

Detection scores words, not bytes: a word counts as evidence for an encoding when it is not a
valid Vietnamese syllable (onset, rhyme, one tone where Vietnamese puts it) as it stands but
becomes one once converted. Real Unicode Vietnamese is valid as it stands, and English or
French words with accents (``Café``, ``Müller``) do not turn into Vietnamese syllables, so
neither is flagged.

Callers must convert before ``unionapp.text.clean``: TCVN3's ``ư`` is byte 0xAD, the soft
hyphen that ``clean`` removes as an invisible character.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice
from typing import Any

TCVN3 = "tcvn3"
VNI = "vni"
ENCODINGS = (TCVN3, VNI)

# Tone marks in the order both legacy tables list them: sắc, huyền, hỏi, ngã, nặng.
_TONES = "\u0301\u0300\u0309\u0303\u0323"
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"


def _letter(base: str, *marks: str) -> str:
    return unicodedata.normalize("NFC", base + "".join(marks))


# --- TCVN3 ---------------------------------------------------------------------------------

# Each vowel's toned forms (sắc, huyền, hỏi, ngã, nặng), as the cp1252 characters of the bytes.
_TCVN3_TONED = {
    "a": "¸µ¶·¹",
    "ă": "¾»¼½Æ",
    "â": "ÊÇÈÉË",
    "e": "ÐÌÎÏÑ",
    "ê": "ÕÒÓÔÖ",
    "i": "\xdd\xd7\xd8\xdc\xde",  # Ý × Ø Ü Þ
    "o": "ãßáâä",
    "ô": "èåæçé",
    "ơ": "íêëìî",
    "u": "óïñòô",
    "ư": "øõö÷ù",
    "y": "ýúûüþ",
}
# The letters with a code of their own in both cases (0xAD, for ư, is the soft hyphen).
_TCVN3_PLAIN = {
    "¨": "ă", "©": "â", "ª": "ê", "«": "ô", "¬": "ơ", "\xad": "ư", "®": "đ",
    "¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư", "§": "Đ",
}  # fmt: skip

TCVN3_TO_UNICODE: dict[str, str] = {
    **_TCVN3_PLAIN,
    **{code: _letter(vowel, tone)
       for vowel, codes in _TCVN3_TONED.items() for code, tone in zip(codes, _TONES, strict=True)},
}
# A 256-character decoding table: Latin-1 text is re-read through it in one C call.
_TCVN3_DECODING = "".join(TCVN3_TO_UNICODE.get(chr(i), chr(i)) for i in range(256))
_TCVN3_TABLE = str.maketrans(TCVN3_TO_UNICODE)  # slower, for text with characters past U+00FF

# A word typed in capitals whose toned letters TCVN3 could only give in lower case: no ASCII
# lower-case letter, a toned lower-case letter, and a capital after the first letter.
_NOT_LOWER_ASCII = r"[^\W\d_a-z]"
_TONED_LOWER = "".join(sorted(v for v in TCVN3_TO_UNICODE.values() if len(v) == 1 and
                              unicodedata.decomposition(v) and v.upper() != v and
                              v not in "ăâêôơư"))
_CAPS_WORD = re.compile(
    rf"\b(?={_NOT_LOWER_ASCII}*[{_TONED_LOWER}])(?={_NOT_LOWER_ASCII}+?[A-ZĂÂÊÔƠƯĐ])"
    rf"{_NOT_LOWER_ASCII}+\b"
)


def _capitals_back(match: re.Match[str]) -> str:
    """``NGUYễN`` → ``NGUYỄN``, ``ủY`` → ``ỦY``; but ``Hồ`` (``Hå``) stays: a capital after
    the first letter is what shows a word was typed in capitals."""
    return match.group().upper()


# --- VNI ---------------------------------------------------------------------------------

# A VNI font draws a mark byte as an accent over the letter before it, so a mark byte is the
# combining mark(s) it draws, and NFC composes them with that letter: "e" + "ã" → ễ.
# Mark bytes (lower case, upper case) in tone order: sắc, huyền, hỏi, ngã, nặng.
_VNI_TONE = ("ùøûõï", "ÙØÛÕÏ")  # after a e o u y ơ ư
_VNI_CIRCUMFLEX = ("âáàåãä", "ÂÁÀÅÃÄ")  # circumflex alone, then with each tone; after a e o
_VNI_BREVE = ("êéèúüë", "ÊÉÈÚÜË")  # breve alone, then with each tone; after a
# Bytes that are letters of their own: đ, ơ, ư, the toned i's and ỵ.
_VNI_LETTERS = {
    "ñ": "đ", "ô": "ơ", "ö": "ư", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
}  # fmt: skip


def _vni_marks() -> dict[str, str]:
    marks: dict[str, str] = {}
    for (lower, upper), combining in (
        (_VNI_TONE, _TONES),
        (_VNI_CIRCUMFLEX, [_CIRCUMFLEX + tone for tone in ("", *_TONES)]),
        (_VNI_BREVE, [_BREVE + tone for tone in ("", *_TONES)]),
    ):
        for byte_lower, byte_upper, mark in zip(lower, upper, combining, strict=True):
            marks[byte_lower] = marks[byte_upper] = mark
    return marks


_VNI_MARKS = _vni_marks()
_VNI_SINGLE = {**_VNI_MARKS, **_VNI_LETTERS,
               **{k.upper(): v.upper() for k, v in _VNI_LETTERS.items()}}
_VNI_DECODING = {i: _VNI_SINGLE.get(chr(i), chr(i)) for i in range(256)}
_VNI_TABLE = str.maketrans(_VNI_SINGLE)  # for text with characters past U+00FF


def _vni_pairs() -> dict[str, str]:
    """The letters written as a base letter and a mark byte (the base's case decides)."""
    takes = {  # which mark bytes follow which base bytes
        "a": _VNI_TONE + _VNI_CIRCUMFLEX + _VNI_BREVE,
        "e": _VNI_TONE + _VNI_CIRCUMFLEX,
        "o": _VNI_TONE + _VNI_CIRCUMFLEX,
        "u": _VNI_TONE, "y": _VNI_TONE, "ô": _VNI_TONE, "ö": _VNI_TONE,
    }  # fmt: skip
    pairs: dict[str, str] = {}
    for base, mark_sets in takes.items():
        letter = _VNI_LETTERS.get(base, base)
        for mark in "".join(mark_sets):
            composed = _letter(letter, _VNI_MARKS[mark])
            pairs[base + mark] = composed
            pairs[base.upper() + mark] = composed.upper()
    return pairs


# The full table, for reference and for writing VNI in tests: every byte sequence that stands
# for a Vietnamese letter (mark bytes in either case: capitals typed with Shift mix them).
VNI_TO_UNICODE: dict[str, str] = {
    **{k: v for k, v in _VNI_SINGLE.items() if k not in _VNI_MARKS},
    **_vni_pairs(),
}


# --- conversion ----------------------------------------------------------------------------


def _decode(text: str, decoding: str | dict[int, str], table: dict[int, str]) -> str:
    try:  # legacy text is Latin-1 through and through: one C call re-reads it
        return codecs.charmap_decode(text.encode("latin-1"), "strict", decoding)[0]
    except UnicodeEncodeError:
        return text.translate(table)


def _tcvn3_piece(piece: str) -> str:
    out = _decode(piece, _TCVN3_DECODING, _TCVN3_TABLE)
    if not (out.istitle() or out.islower()):  # skip the slower search for most names
        out = _CAPS_WORD.sub(_capitals_back, out)
    return unicodedata.normalize("NFC", out)


def _vni_piece(piece: str) -> str:
    return unicodedata.normalize("NFC", _decode(piece, _VNI_DECODING, _VNI_TABLE))


# Conversion never reaches across a space, and a roster repeats the same few thousand words,
# so text is converted a space-separated piece at a time through a cache.
_PIECE = {
    TCVN3: lru_cache(maxsize=65536)(_tcvn3_piece),
    VNI: lru_cache(maxsize=65536)(_vni_piece),
}


def convert(text: str, encoding: str) -> str:
    """Text in ``encoding`` ("tcvn3" or "vni"), as read through Windows-1252, → Unicode (NFC).
    Characters that are not part of a legacy letter are kept as they are."""
    if encoding not in _PIECE:
        raise ValueError(f"unknown legacy encoding: {encoding!r}")
    if text.isascii():
        return text
    return " ".join(map(_PIECE[encoding], text.split(" ")))


def _unicode_to_legacy() -> dict[str, dict[str, str]]:
    tcvn3 = {letter: code for code, letter in TCVN3_TO_UNICODE.items()}
    # A capital TCVN3 cannot write is written as its lower-case letter, as the "H" fonts did.
    tcvn3 |= {letter.upper(): code for letter, code in list(tcvn3.items())
              if letter.upper() not in tcvn3}
    vni = {letter: code for code, letter in VNI_TO_UNICODE.items()
           if code in (code.lower(), code.upper())}  # marks in the base letter's case
    return {TCVN3: tcvn3, VNI: vni}


_TO_LEGACY = _unicode_to_legacy()


def to_legacy(text: str, encoding: str) -> str:
    """Unicode → ``encoding`` as Excel shows it without the font (for tests and sample files).
    TCVN3 has no capitals for toned letters: they are written in lower case."""
    table = _TO_LEGACY[encoding]
    return "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


# --- Vietnamese syllables ------------------------------------------------------------------

_ONSETS = "ngh ng gh gi kh nh ph th tr ch qu b c d đ g h k l m n p q r s t v x"
_RHYMES = """
    a ai ao au ay ac ach am an ang anh ap at ăc ăm ăn ăng ăp ăt
    âc âm ân âng âp ât âu ây e eo ec em en eng ep et ê êu êch êm ên ênh êp êt
    i ia iu ich im in inh ip it iêc iêm iên iêng iêp iêt iêu
    o oa oai oao oay oac oach oam oan oang oanh oap oat oăc oăm oăn oăng oăp oăt
    oe oeo oec oen oet oi oc om on ong op ot ooc oong ô ôi ôc ôm ôn ông ôp ôt
    ơ ơi ơm ơn ơp ơt u ua uân uâng uât uây uê uêch uênh uơ ui uc um un ung up ut
    uôc uôi uôm uôn uông uôt uy uya uych uyên uyêt uynh uyt uyu
    ư ưa ưi ưu ưc ưm ưn ưng ưt ươc ươi ươm ươn ương ươp ươt ươu
    y yêm yên yêng yêt yêu
"""


_VOWELS = "aăâeêioôơuưy"
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzăâêôơưđ")
_STOP_TONES = frozenset(("\u0301", "\u0323"))  # a syllable ending in c, ch, p, t: sắc or nặng


def _tone_places(rhyme: str) -> frozenset[int]:
    """Where the tone mark may sit in a rhyme: on its (last) vowel with a hat or horn
    (``ường``, ``thuế``); else on the last vowel before a final consonant (``hoàng``); else on
    the first of two vowels (``màu``, ``kìa``), either one in oa, oe, uy (``hòa``/``hoà``), the
    middle one of three (``ngoài``, ``khuỷu``)."""
    vowels = [i for i, ch in enumerate(rhyme) if ch in _VOWELS]
    marked = [i for i in vowels if rhyme[i] in "ăâêôơư"]
    if marked:
        return frozenset(marked[-1:])
    if rhyme[-1] not in _VOWELS or len(vowels) == 1:
        return frozenset(vowels[-1:])
    if len(vowels) == 2:
        return frozenset(vowels if rhyme in ("oa", "oe", "uy") else vowels[:1])
    return frozenset(vowels[1:2])


_ONSET_LIST = ("", *_ONSETS.split())
_RHYME_TONES = {rhyme: _tone_places(rhyme) for rhyme in _RHYMES.split()}
_TONE_MARKS = frozenset(_TONES)


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """Whether ``word`` is a well-formed Vietnamese syllable: onset, rhyme, at most one tone,
    placed where Vietnamese puts it (spelling, not meaning)."""
    letters: list[str] = []
    tone, tone_at = "", -1
    for ch in unicodedata.normalize("NFC", word.lower()):
        parts = unicodedata.normalize("NFD", ch)
        marks = [c for c in parts if c in _TONE_MARKS]
        if marks:
            if tone or len(marks) > 1:
                return False
            tone, tone_at = marks[0], len(letters)
            ch = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
        if ch not in _LETTERS:
            return False
        letters.append(ch)
    bare = "".join(letters)
    if bare.endswith(("c", "ch", "p", "t")) and tone not in _STOP_TONES:
        return False
    for onset in _ONSET_LIST:  # "gi", "qu": both readings are tried (già, gìn; quý, quỳnh)
        places = _RHYME_TONES.get(bare[len(onset):]) if bare.startswith(onset) else None
        if places is not None and (not tone or tone_at - len(onset) in places):
            return True
    return False


# --- detection -----------------------------------------------------------------------------

# A word: a run of anything but spaces, ASCII digits and ASCII punctuation (legacy letters
# such as TCVN3's "¸" or "×" are Latin-1 symbols, so \w would split words at them).
_WORD = re.compile(r"[^\s0-9!-/:-@\[-`{-~]+")
SAMPLE_CELLS = 2000  # cells with non-ASCII text looked at; a roster's first rows say enough
_MIN_FIXED = 2  # words an encoding must repair before it is believed …
_CLEAR_FIXED = 5  # … and how many it must repair in a sheet that is mostly Unicode already


def detect_legacy(texts: Iterable[str]) -> str | None:
    """"tcvn3", "vni" or None (Unicode, ASCII or anything else) for a column's or a sheet's
    cell texts.

    Only words with non-ASCII characters count. A word is *repaired* by an encoding when it is
    not a Vietnamese syllable as it stands but is one once converted, and *broken* the other
    way round. An encoding is believed when it repairs at least half of the words that are not
    Vietnamese, and at least two of them if it also repairs more than it breaks, otherwise
    at least five (a Unicode sheet with a few old rows: its Unicode words break). Between the
    two encodings, the one that repairs more wins.
    """
    sample = islice((t for t in texts if isinstance(t, str) and not t.isascii()), SAMPLE_CELLS)
    words = Counter(w for text in sample for w in _WORD.findall(text) if not w.isascii())
    invalid = sum(n for w, n in words.items() if not is_syllable(w))
    best, best_score = None, (0, 0)
    for encoding in ENCODINGS:
        fixed = broken = 0
        for word, n in words.items():
            before, after = is_syllable(word), is_syllable(convert(word, encoding))
            fixed += n if after and not before else 0
            broken += n if before and not after else 0
        believed = 2 * fixed >= invalid and fixed >= (
            _MIN_FIXED if fixed > broken else _CLEAR_FIXED)
        if believed and (fixed, -broken) > best_score:
            best, best_score = encoding, (fixed, -broken)
    return best


# Characters only Unicode Vietnamese has: a cell holding one is not legacy text.
_UNICODE_VIETNAMESE = re.compile("[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9\u0300-\u0303\u0306\u0309\u031b\u0323]")
# Latin-1 characters that Unicode Vietnamese never uses (all but its 32 accented letters and
# the no-break space): a cell holding one of them is legacy text.
_LEGACY_ONLY = re.compile("[\xa1-\xbf\xc4-\xc7\xcb\xce-\xd1\xd6-\xd8\xdb\xdc\xde\xdf"
                          "\xe4-\xe7\xeb\xee-\xf1\xf6-\xf8\xfb\xfc\xfe\xff]")
# Common words of names, to choose between two readings that are both Vietnamese: "Võ Minh
# Khôi" typed in Unicode reads "Vừ Minh Khụi" as TCVN3, and "Hồng" typed in VNI is "Hoàng".
_COMMON_WORDS = frozenset(unicodedata.normalize("NFC", """
    nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh trịnh đào
    mai cao lương tạ đoàn khổng ưng lưu quách tô tôn thái châu chu hà lâm la lã triệu kiều
    giáp phùng mạc từ doãn âu ông vương đồng lục thân lò quan hứa tăng nghiêm diệp
    văn thị hữu đức minh quang công thành xuân tiến ngọc đình trọng mạnh quốc bá thu thanh
    kim thùy thuỳ hồng phương diệu bích mỹ mĩ tuyết anh trung thúy thuý gia bảo khánh nhật
    như quỳnh an bình cường dũng đăng hải hiếu hùng huy long nam phong quân sơn thắng tuấn
    việt vinh hưng lộc đạt tùng thịnh phúc khôi toàn tâm tú hòa hoà hiển hoàn hậu kiên lực
    nghĩa nhân phát quý quyết sáng tài tân thiện thông tín trí trường tuyên vĩ vượng hằng
    hương lan linh ngân nhung oanh phượng thảo trang vân yến hạnh huyền loan nga thủy thuỷ
    hoa liên dung giang hiền quyên uyên vy duyên ánh trâm nhàn thoa lệ trinh thơ xuyến
    điệp cúc my
""").split())


@lru_cache(maxsize=65536)
def _word_reading(word: str) -> int:
    if word.isascii():
        return 0
    # A syllable outweighs any number of common words (a cell holds far fewer than 1000).
    return 1000 * is_syllable(word) + (word.lower() in _COMMON_WORDS)


def _reading(text: str) -> int:
    """How well a cell reads as Vietnamese: its accented syllables, then its common words."""
    return sum(map(_word_reading, _WORD.findall(text)))


_SAME, _UNICODE, _LEGACY, _EITHER = range(4)


def _kind(text: str) -> int:
    if _UNICODE_VIETNAMESE.search(text):
        return _UNICODE
    return _LEGACY if _LEGACY_ONLY.search(text) else _EITHER


def fix_texts(texts: list[str], encoding: str | None = None) -> tuple[list[str], str | None]:
    """Detect the legacy encoding of ``texts`` (unless ``encoding`` is given) and convert
    them: the converted texts (NFC) and the encoding found, or the texts unchanged and None.

    A sheet may mix old rows with rows typed later in Unicode, so each cell is judged: one with
    a letter only Unicode has is kept, one with a character Unicode Vietnamese never uses is
    converted. A cell of letters both share (``Võ Minh Khôi`` reads ``Vừ Minh Khụi`` as TCVN3)
    keeps the reading with more Vietnamese syllables, then more common name words; a tie goes
    to whichever kind of cell the sheet holds more of (``Hoàng`` is also VNI for ``Hồng``).
    """
    encoding = encoding or detect_legacy(texts)
    if encoding is None:
        return list(texts), None
    converted = [convert(t, encoding) for t in texts]
    kinds = [_kind(t) if c != t else _SAME for t, c in zip(texts, converted, strict=True)]
    ties_convert = kinds.count(_LEGACY) >= kinds.count(_UNICODE)
    fixed = []
    for text, new, kind in zip(texts, converted, kinds, strict=True):
        if kind == _EITHER:
            old_reading, new_reading = _reading(text), _reading(new)
            keep = old_reading > new_reading or (old_reading == new_reading and not ties_convert)
        else:
            keep = kind == _UNICODE
        fixed.append(text if keep else new)
    return fixed, encoding


def _sample(columns: list[list[Any]], head: int = 60, spread: int = 400) -> Iterator[Any]:
    """The cells of a sheet's first rows (title, header, first members), then of rows spread
    evenly over the rest: what the encoding is decided from."""
    height = len(columns[0]) if columns else 0
    picked = list(range(min(head, height)))
    if height > head:
        picked += range(head, height, max(1, (height - head) // spread))
    for index in picked:
        for column in columns:
            yield column[index]


def fix_sheet(columns: list[list[Any]], hint: str | None = None,
              ) -> tuple[list[list[Any]], str | None]:
    """A whole sheet's text cells — title, header and data alike — converted from the legacy
    encoding the sheet is typed in (decided from the whole sheet, or ``hint``), before
    anything looks for its header row. Takes and returns the sheet by column (the same lists
    when nothing was converted), and the encoding found, or None."""
    encoding = hint or detect_legacy(t for t in _sample(columns) if isinstance(t, str))
    if encoding is None:
        return columns, None
    distinct = list({cell for column in columns for cell in column
                     if isinstance(cell, str) and not cell.isascii()})
    fixed, _encoding = fix_texts(distinct, encoding)
    changed = {old: new for old, new in zip(distinct, fixed, strict=True) if old != new}
    if not changed:
        return columns, None
    get = changed.get
    return [[get(cell, cell) if isinstance(cell, str) else cell for cell in column]
            for column in columns], encoding


def vietnamese_score(text: str) -> int:
    """How Vietnamese a text reads: its accented words that are Vietnamese syllables, less
    those that are not (used to choose between the ways 8-bit bytes can be decoded)."""
    words = Counter(w for w in _WORD.findall(text) if not w.isascii())
    return sum(n if is_syllable(w) else -n for w, n in words.items())


def font_encoding(font_name: str | None) -> str | None:
    """The legacy encoding a cell's font implies: ``.VnTime``, ``.VnArialH`` … → "tcvn3",
    ``VNI-Times`` … → "vni", anything else → None. A hint to use beside ``detect_legacy``.
    (The TCVN3 fonts whose name ends in "H" showed every letter as a capital.)"""
    name = (font_name or "").strip().lower()
    if name.startswith(".vn"):
        return TCVN3
    if name.startswith("vni-") or name.startswith("vni "):
        return VNI
    return None
