"""Legacy Vietnamese encodings (TCVN3, VNI): tables, conversion, detection."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from unionapp.demo import FAMILY, GIVEN, MIDDLE
from unionapp.rosters.legacy import (
    TCVN3,
    TCVN3_TO_UNICODE,
    VNI,
    VNI_TO_UNICODE,
    convert,
    detect_legacy,
    fix_texts,
    font_encoding,
    is_syllable,
    to_legacy,
)
from unionapp.text import clean, title_name

TONES = "\u0301\u0300\u0309\u0303\u0323"  # sắc, huyền, hỏi, ngã, nặng: the tables' order
VOWELS = list("aăâeêioôơuưy")
LOWER = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in ("", *TONES)] + ["đ"]
# The 134 letters that are not plain ASCII, both cases.
LETTERS = [c for c in LOWER if not c.isascii()] + [c.upper() for c in LOWER if not c.isascii()]
REPRESENTABLE_CAPITALS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZĂÂÊÔƠƯĐ")  # capitals TCVN3 can hold

NAMES = [
    "Nguyễn Văn Đức", "Trần Thị Hương", "Lê Hoàng Long", "Phạm Thị Thu Hằng",
    "Hoàng Văn Thắng", "Huỳnh Ngọc Ánh", "Phan Thanh Tùng", "Vũ Thị Ngọc Diệp",
    "Võ Minh Khôi", "Đặng Thị Mỹ Dung", "Bùi Quang Vinh", "Đỗ Thị Hồng Nhung",
    "Hồ Xuân Hương", "Ngô Đình Tuấn", "Dương Thị Bích Ngọc", "Lý Thường Kiệt",
    "Đinh Công Trứ", "Trịnh Thị Lựu", "Đào Duy Anh", "Mai Thị Ước",
    "Cao Bá Quát", "Lương Thế Vinh", "Tạ Quang Bửu", "Đoàn Thị Điểm",
    "Khổng Minh Thư", "Ưng Hoàng Phúc", "Lưu Hữu Phước", "Quách Thị Trang",
    "Nguyễn Thị Ngữ", "Trương Mỹ Lệ", "Phùng Thị Ngoãn", "Lã Văn Mỗ",
    "Nghiêm Xuân Yêm", "Châu Thị Ửng", "Tôn Nữ Thị Ninh", "Kiều Thị Nguyệt",
    "Giáp Văn Cương", "Âu Dương Lân", "Ông Ích Khiêm", "Vương Đình Huệ",
    "Đồng Sỹ Nguyên", "Hà Thị Kỷ", "Nguyễn Thị Ngọc Trâm", "Trần Đức Lương",
]  # fmt: skip


def tcvn3_round_trip(text: str) -> str:
    """What TCVN3 gives back for ``text``: a toned capital it cannot write comes back in lower
    case, except in a word typed in capitals that keeps a capital after its first letter."""
    words = []
    for word in text.split(" "):
        if word.isupper() and any(c in REPRESENTABLE_CAPITALS for c in word[1:]):
            words.append(word)
        else:
            words.append("".join(c.lower() if c.isupper() and c not in REPRESENTABLE_CAPITALS
                                 else c for c in word))
    return " ".join(words)


# --- the tables ----------------------------------------------------------------------------

# UniKey's tables (unikey/data.cpp of fcitx/fcitx5-unikey) written as byte values: TCVN3's
# toned lower-case letters, row by row in the order sắc, huyền, hỏi, ngã, nặng …
UNIKEY_TCVN3_TONED = {
    "a": "B8 B5 B6 B7 B9", "ă": "BE BB BC BD C6", "â": "CA C7 C8 C9 CB",
    "e": "D0 CC CE CF D1", "ê": "D5 D2 D3 D4 D6", "i": "DD D7 D8 DC DE",
    "o": "E3 DF E1 E2 E4", "ô": "E8 E5 E6 E7 E9", "ơ": "ED EA EB EC EE",
    "u": "F3 EF F1 F2 F4", "ư": "F8 F5 F6 F7 F9", "y": "FD FA FB FC FE",
}  # fmt: skip
# … and the letters with codes of their own.
UNIKEY_TCVN3_PLAIN = {
    "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC, "ư": 0xAD, "đ": 0xAE,
    "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
}  # fmt: skip
# VNI-WIN: the mark bytes (lower case; upper case is 0x20 less), and the one-byte letters.
UNIKEY_VNI_TONE = "F9 F8 FB F5 EF"  # after a e o u y ơ ư
UNIKEY_VNI_CIRCUMFLEX = "E2 E1 E0 E5 E3 E4"  # â ê ô, then with each tone
UNIKEY_VNI_BREVE = "EA E9 E8 FA FC EB"  # ă, then with each tone
UNIKEY_VNI_SINGLE = {"đ": 0xF1, "ơ": 0xF4, "ư": 0xF6, "ỵ": 0xEE,
                     "í": 0xED, "ì": 0xEC, "ỉ": 0xE6, "ĩ": 0xF3, "ị": 0xF2}


def cp1252(*codes: int) -> str:
    return bytes(codes).decode("cp1252")


def test_tcvn3_table_is_unikeys():
    expected = {cp1252(code): letter for letter, code in UNIKEY_TCVN3_PLAIN.items()}
    for vowel, codes in UNIKEY_TCVN3_TONED.items():
        for code, tone in zip(codes.split(), TONES, strict=True):
            expected[cp1252(int(code, 16))] = unicodedata.normalize("NFC", vowel + tone)
    assert expected == TCVN3_TO_UNICODE


def test_vni_table_is_unikeys():
    expected = {}
    for letter, code in UNIKEY_VNI_SINGLE.items():
        expected[cp1252(code)] = letter
        expected[cp1252(code - 0x20)] = letter.upper()
    rows = [("aeouyơư", UNIKEY_VNI_TONE, ""), ("aeo", UNIKEY_VNI_CIRCUMFLEX, "\u0302"),
            ("a", UNIKEY_VNI_BREVE, "\u0306")]
    base_code = {"ơ": 0xF4, "ư": 0xF6}
    for vowels, marks, modifier in rows:
        tones = TONES if not modifier else ("", *TONES)
        for vowel in vowels:
            for mark, tone in zip(marks.split(), tones, strict=True):
                letter = unicodedata.normalize("NFC", vowel + modifier + tone)
                base = base_code.get(vowel, ord(vowel))
                expected[cp1252(base, int(mark, 16))] = letter
                expected[cp1252(base - 0x20, int(mark, 16) - 0x20)] = letter.upper()
    same_case = {k: v for k, v in VNI_TO_UNICODE.items() if k in (k.lower(), k.upper())}
    assert same_case == expected


def test_every_letter_is_covered():
    assert len(LETTERS) == 134
    assert set(VNI_TO_UNICODE.values()) == set(LETTERS)
    # TCVN3: all lower-case letters and the seven capitals with a code of their own.
    assert set(TCVN3_TO_UNICODE.values()) == {c for c in LETTERS if c.islower()} | set(
        "ĂÂÊÔƠƯĐ")
    for letter in LETTERS:
        assert convert(to_legacy(letter, VNI), VNI) == letter
        assert convert(to_legacy(letter, TCVN3), TCVN3) == tcvn3_round_trip(letter)


# --- conversion ----------------------------------------------------------------------------


@pytest.mark.parametrize(("legacy", "encoding", "unicode"), [
    ("Nguyeãn", VNI, "Nguyễn"),
    ("NguyÔn", TCVN3, "Nguyễn"),
    ("Hå ChÝ Minh", TCVN3, "Hồ Chí Minh"),
    ("Tr\xad¬ng ThÞ Thu H»ng", TCVN3, "Trương Thị Thu Hằng"),
    ("§Æng V¨n §øc", TCVN3, "Đặng Văn Đức"),
    ("NGUYÔN THÞ NG÷", TCVN3, "NGUYỄN THỊ NGỮ"),  # a word in capitals is put back in capitals
    ("ñY BAN", TCVN3, "ỦY BAN"),
    ("¸nh", TCVN3, "ánh"),  # a toned capital TCVN3 cannot write
    ("NguyÔn V¨n An – Hå", TCVN3, "Nguyễn Văn An – Hồ"),  # cp1252's dash beside TCVN3
    ("Tröôøng Thò Thu Haèng", VNI, "Trường Thị Thu Hằng"),
    ("Ñaëng Vaên Ñöùc", VNI, "Đặng Văn Đức"),
    ("ÑAËNG THÒ MYÕ DUNG", VNI, "ĐẶNG THỊ MỸ DUNG"),
    ("AÙnh", VNI, "Ánh"),
    ("Aùnh", VNI, "Ánh"),  # capital base, lower-case mark (typed with Shift)
    ("Nguyeãn Thò Ngöõ, Ñoã Thò Thuûy", VNI, "Nguyễn Thị Ngữ, Đỗ Thị Thủy"),
    ("Ngoïc Dieäp  12/03/1985", VNI, "Ngọc Diệp  12/03/1985"),
])  # fmt: skip
def test_examples(legacy, encoding, unicode):
    assert convert(legacy, encoding) == unicode
    assert unicodedata.is_normalized("NFC", convert(legacy, encoding))


def test_ascii_and_unknown_encoding():
    assert convert("Nguyen Van An 1985", TCVN3) == "Nguyen Van An 1985"
    with pytest.raises(ValueError):
        convert("NguyÔn", "viscii")


def test_soft_hyphen_is_a_letter_before_clean():
    """TCVN3's ư is the soft hyphen: convert first, clean after."""
    assert clean(convert("L\xadu", TCVN3)) == "Lưu"


@pytest.mark.parametrize("encoding", [TCVN3, VNI])
def test_names_round_trip(encoding):
    legacy = [to_legacy(name, encoding) for name in NAMES]
    assert all(is_syllable(w) is False for w in legacy[0].split() if not w.isascii())
    fixed, found = fix_texts(legacy)
    assert found == encoding
    if encoding == VNI:
        assert fixed == NAMES
    else:
        assert fixed == [tcvn3_round_trip(n) for n in NAMES]
        assert [title_name(n) for n in fixed] == NAMES
    upper = [name.upper() for name in NAMES]
    fixed, _ = fix_texts([to_legacy(name, encoding) for name in upper])
    assert fixed == (upper if encoding == VNI else [tcvn3_round_trip(n) for n in upper])


SYLLABLES = sorted({w for n in NAMES for w in n.split()} | set(FAMILY)
                   | {w for names in (*MIDDLE.values(), *GIVEN.values()) for w in names})
ACCENTED = [w for w in SYLLABLES if not w.isascii()]
CASES = [str.lower, str.upper, str.title]


@st.composite
def names(draw, words=SYLLABLES):
    parts = draw(st.lists(st.sampled_from(words), min_size=1, max_size=4))
    case = draw(st.sampled_from(CASES))
    return " ".join(case(p) for p in parts)


@given(names())
def test_vni_round_trip_is_exact(name):
    assert convert(to_legacy(name, VNI), VNI) == name


@given(names())
def test_tcvn3_round_trip_loses_only_capitals(name):
    back = convert(to_legacy(name, TCVN3), TCVN3)
    assert back == tcvn3_round_trip(name)
    assert back.lower() == name.lower()


@given(st.lists(names(ACCENTED), min_size=3, max_size=30), st.sampled_from([TCVN3, VNI]))
@settings(max_examples=200)
def test_detects_any_small_legacy_roster(rows, encoding):
    legacy = [to_legacy(r, encoding) for r in rows]
    # The evidence detection needs: two words that are not Vietnamese as they stand (VNI's
    # "bình" is "bình", and its "Hoàng" is "Hồng": neither tells anything).
    assume(sum(not is_syllable(w) for r in legacy for w in r.split() if not w.isascii()) >= 2)
    assert detect_legacy(legacy) == encoding
    fixed, found = fix_texts(legacy)
    assert found == encoding
    assert [f.lower() for f in fixed] == [r.lower() for r in rows]


@given(st.lists(names(), min_size=1, max_size=30))
def test_unicode_is_never_legacy(rows):
    assert detect_legacy(rows) is None
    assert detect_legacy([unicodedata.normalize("NFD", r) for r in rows]) is None
    assert fix_texts(rows) == (rows, None)


# --- detection -----------------------------------------------------------------------------

NOT_LEGACY = {
    "unicode names": NAMES,
    "unicode capitals": [n.upper() for n in NAMES],
    "ascii": ["Nguyen Van An", "Tran Thi Binh", "Ha Noi", "Phong Ke toan"],
    "numbers and dates": ["001234", "12/03/1985", "1.500.000", "2024-01-31", "0912 345 678"],
    "western accents": ["Café Müller", "Hélène Dupré", "José Núñez", "François Lefèvre",
                        "Zoë Ångström", "Jürgen Groß", "naïve façade", "Loïc Pâté",
                        "Søren Kierkegaard", "crème brûlée", "São Paulo", "Dvořák"],
    "french sentence": ["Où est la bibliothèque ? Déjà vu, à côté du café, très été."],
    "empty": [],
    "blank cells": ["", " ", "\xa0"],
}


@pytest.mark.parametrize("texts", NOT_LEGACY.values(), ids=NOT_LEGACY.keys())
def test_not_legacy(texts):
    assert detect_legacy(texts) is None
    assert fix_texts(texts) == (list(texts), None)


@pytest.mark.parametrize("encoding", [TCVN3, VNI])
def test_a_few_names_among_other_cells(encoding):
    cells = ["STT", "Họ và tên", "Ngày sinh", "1", to_legacy("Nguyễn Văn Đức", encoding),
             "12/03/1985", "2", to_legacy("Trần Thị Hương", encoding), "07/11/1990", "0912345678"]
    fixed, found = fix_texts(cells)
    assert found == encoding
    assert fixed[4:8] == ["Nguyễn Văn Đức", "12/03/1985", "2", "Trần Thị Hương"]
    assert fixed[1] == "Họ và tên"  # typed in Unicode later: left alone
    assert fixed[:4] == cells[:4] and fixed[-1] == "0912345678"


@pytest.mark.parametrize("encoding", [TCVN3, VNI])
def test_mixed_sheet_converts_only_the_old_rows(encoding):
    old = NAMES[:8]
    new = [*NAMES[8:], "Hoàng Tú"]  # the last one uses only letters Latin-1 also has
    cells = [to_legacy(n, encoding) for n in old] + new
    fixed, found = fix_texts(cells)
    assert found == encoding
    assert [title_name(f) for f in fixed[:8]] == old
    assert fixed[8:] == new


def test_the_better_encoding_wins():
    assert detect_legacy([to_legacy(n, TCVN3) for n in NAMES[:5]]) == TCVN3
    assert detect_legacy([to_legacy(n, VNI) for n in NAMES[:5]]) == VNI
    # Mostly VNI with a stray TCVN3 row: VNI.
    mixed = [to_legacy(n, VNI) for n in NAMES[:20]] + [to_legacy(NAMES[20], TCVN3)]
    assert detect_legacy(mixed) == VNI


def test_one_repaired_word_is_not_enough():
    assert detect_legacy(["Lª Minh"]) is None  # "Lê Minh": one word could be chance
    assert detect_legacy(["Lª Minh", "Hå Hoa"]) == TCVN3


def test_syllables():
    assert all(is_syllable(w) for w in SYLLABLES)
    for word in ("quỳnh", "nguyệt", "giếng", "khuỷu", "thuở", "xoong", "hươu", "Ước", "yêm",
                 "già", "gìn", "quý", "hòa", "hoà", "thùy", "thuỳ", "người", "ngoài", "kìa"):
        assert is_syllable(word), word
    for word in ("nguyÔn", "v¨n", "nguyeãn", "café", "müller", "cac", "càt", "ổt", "bcd",
                 "nguyơn", "hoáng̉",
                 "baù", "kià", "ngoaì"):  # VNI's marks sit where Vietnamese puts no tone
        assert not is_syllable(word), word


def test_font_encoding():
    assert font_encoding(".VnTime") == TCVN3
    assert font_encoding(".VnTimeH") == TCVN3
    assert font_encoding("VNI-Times") == VNI
    assert font_encoding("Times New Roman") is None
    assert font_encoding(None) is None
