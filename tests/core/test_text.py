"""The Vietnamese text module: folding, sort order, money, dates, amounts in words."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionapp.text import (
    amount_in_words,
    clean,
    fold,
    format_date,
    format_vnd,
    parse_birth,
    parse_date,
    parse_vnd,
    person_sort_key,
    place_date,
    search_words,
)

VIETNAMESE_LETTERS = (
    "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựv"
    "xyỳỷỹýỵ"
)
letters = st.sampled_from(VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper())
words = st.text(letters, min_size=1, max_size=8)
names = st.lists(words, min_size=1, max_size=5).map(" ".join)


def test_look_alike_eth_is_d() -> None:
    """Issue 17.13: "Ð" (U+00D0, old keyboards) is read and stored as Đ, and folds to d."""
    assert clean("Nguyễn \u00d0ức Anh") == "Nguyễn Đức Anh"
    assert fold("Nguyễn \u00d0ức Anh") == "nguyen duc anh"
    assert fold("\u00f0ào") == "dao"
    assert search_words("Ðức") == ["duc"]
    assert person_sort_key("Ðức") == person_sort_key("Đức")


def test_fold_examples() -> None:
    assert fold("Nguyễn Thị Thu Hằng") == "nguyen thi thu hang"
    assert fold("ĐẶNG Văn Đăng") == "dang van dang"
    assert fold("  Trần\u00a0 Thị\u200b  Lý ") == "tran thi ly"
    assert search_words("Lê-Thị  Hồng, Nhung") == ["le", "thi", "hong", "nhung"]


@given(names)
def test_fold_is_ascii_lowercase_and_ignores_normal_form(name: str) -> None:
    folded = fold(name)
    assert folded.isascii()
    assert folded == folded.lower()
    assert fold(unicodedata.normalize("NFD", name)) == folded
    assert fold(folded) == folded
    assert len(folded.split(" ")) == len(clean(name).split(" "))


@given(st.text())
def test_clean_is_idempotent_and_nfc(text: str) -> None:
    cleaned = clean(text)
    assert clean(cleaned) == cleaned
    assert unicodedata.is_normalized("NFC", cleaned)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned


def _reference_key(name: str) -> tuple[object, ...]:
    """A slow, obviously right comparator: word by word, given name first, then family and
    middle names; each word by its letters (Vietnamese alphabet), then its tone."""
    alphabet = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
    tones = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

    def split(word: str) -> tuple[list[int], list[int]]:
        letters_, marks = [], []
        for ch in word.lower():
            parts = unicodedata.normalize("NFD", ch)
            tone = next((tones[c] for c in parts if c in tones), 0)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            letters_.append(alphabet.index(base))
            marks.append(tone)
        return letters_, marks

    parts = name.split(" ")
    return tuple(split(w) for w in parts[-1:] + parts[:-1])


@given(names, names)
def test_sort_key_orders_like_the_reference(a: str, b: str) -> None:
    ka, kb = person_sort_key(a), person_sort_key(b)
    ra, rb = _reference_key(clean(a)), _reference_key(clean(b))
    if ra < rb:
        assert ka < kb
    elif ra > rb:
        assert ka > kb


def test_people_sort_by_given_name_first() -> None:
    people = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Anh", "Đặng Văn An", "Vũ Thị Ánh",
              "Nguyễn Thị Ân", "Phạm Văn Ăn"]
    # Given name first, letter by letter in the Vietnamese alphabet (a < ă < â, d < đ), tones
    # only between names whose letters are equal (Anh < Ánh); then family and middle names.
    assert sorted(people, key=person_sort_key) == [
        "Đặng Văn An", "Trần Thị An", "Lê Anh", "Vũ Thị Ánh", "Phạm Văn Ăn", "Nguyễn Thị Ân",
        "Nguyễn Văn Bình"]


def test_names_that_differ_only_by_tone_are_grouped_whole() -> None:
    """Issue 16.13: an office list groups each given name whole, tones in dictionary order."""
    people = ["Đặng Xuân Ẩn", "Lâm Hồng Ân", "Nguyễn Ân", "Ông Đình Xuân Ấn", "Võ Ngọc Ẩn"]
    assert sorted(people, key=person_sort_key) == [
        "Lâm Hồng Ân", "Nguyễn Ân", "Đặng Xuân Ẩn", "Võ Ngọc Ẩn", "Ông Đình Xuân Ấn"]


# Pairs in the order of ICU's Vietnamese collation applied word by word, given name first
# (letters of the Vietnamese alphabet, then tones ngang < huyền < hỏi < ngã < sắc < nặng):
# the first of each pair sorts first.
ORDERED_PAIRS = [
    ("Lâm Hồng Ân", "Đặng Xuân Ẩn"),  # the given name's tone before any family name
    ("Nguyễn Ân", "Võ Ngọc Ẩn"),
    ("Võ Ngọc Ẩn", "Ông Đình Xuân Ấn"),
    ("Trần Văn Ma", "An Văn Mà"),  # ngang < huyền
    ("An Văn Mà", "An Văn Mả"),  # huyền < hỏi
    ("An Văn Mả", "An Văn Mã"),  # hỏi < ngã
    ("An Văn Mã", "An Văn Má"),  # ngã < sắc
    ("An Văn Má", "An Văn Mạ"),  # sắc < nặng
    ("Vũ Mạ", "An Mai"),  # letters first: Mạ is a prefix of Mai
    ("Vũ Thị Anh", "Lê Thị Ánh"),
    ("Lê Thị Ánh", "Phạm Ăn"),  # a < ă whatever the tones
    ("Phạm Văn Ăn", "Hồ Ân"),  # ă < â
    ("Hồ Thị Dung", "Lê Đông"),  # d < đ
    ("Nguyễn Văn Đông", "Trần Văn Đồng"),
    ("Lê Hồng Ân", "Lễ Hoa Ân"),  # then the family name, grouped whole too
    ("Lê Ân", "Lê Văn Ân"),  # a shorter name first
    ("Đỗ Hoa", "Đỗ Thị Hòa"),
    ("Bùi Thị Hoà", "Trần Thị Hòa"),  # the same tone on another vowel (hoà / hòa): letters
    ("Cao Văn Hùng", "Cao Văn Hưng"),  # u < ư
    ("Ngô Văn Hưng", "Ngô Văn Hừng"),
    ("Lý Thị Ơn", "Lý Thị Ớn"),
    ("Mai Thị Tuyết Anh", "Mai Thị Tuyết"),  # the given name decides: Anh < Tuyết
]


def test_no_pair_out_of_order() -> None:
    wrong = [(a, b) for a, b in ORDERED_PAIRS if not person_sort_key(a) < person_sort_key(b)]
    assert wrong == []


def test_same_name_sorts_by_birth() -> None:
    older = person_sort_key("Nguyễn Văn An", date(1970, 1, 1))
    younger = person_sort_key("Nguyễn Văn An", date(1990, 1, 1))
    year_only = person_sort_key("Nguyễn Văn An", 1980)
    unknown = person_sort_key("Nguyễn Văn An")
    assert older < year_only < younger < unknown


@pytest.mark.parametrize(("amount", "text"), [
    (0, "0 đ"), (1_500_000, "1.500.000 đ"), (999, "999 đ"), (-25_000, "-25.000 đ"),
    (1_000_000_000_000, "1.000.000.000.000 đ"),
])
def test_format_vnd(amount: int, text: str) -> None:
    assert format_vnd(amount) == text


@given(st.integers(min_value=-10**13, max_value=10**13))
def test_vnd_round_trip(amount: int) -> None:
    assert parse_vnd(format_vnd(amount)) == amount
    assert parse_vnd(f"{amount:,}") == amount


@pytest.mark.parametrize("text", ["1.5", "1.50.000", "abc", "1,5 triệu"])
def test_parse_vnd_refuses_what_is_not_a_whole_amount(text: str) -> None:
    with pytest.raises(ValueError):
        parse_vnd(text)


@given(st.dates(min_value=date(1, 1, 1)))
def test_date_round_trip(value: date) -> None:
    assert parse_date(format_date(value)) == value


def test_dates() -> None:
    assert format_date(date(2024, 12, 27)) == "27/12/2024"
    assert parse_date("5/1/1985") == date(1985, 1, 5)
    assert parse_date("1985-01-05") == date(1985, 1, 5)
    assert parse_date("") is None
    assert parse_birth("1985") == (None, 1985)
    assert parse_birth("12/03/1985") == (date(1985, 3, 12), 1985)
    with pytest.raises(ValueError):
        parse_date("31/02/2020")


def test_place_date_follows_decree_30() -> None:
    assert place_date("Hà Nội", date(2024, 12, 27)) == "Hà Nội, ngày 27 tháng 12 năm 2024"
    assert place_date("Hà Nội", date(2025, 1, 5)) == "Hà Nội, ngày 05 tháng 01 năm 2025"
    assert place_date("Huế", date(2025, 3, 27)) == "Huế, ngày 27 tháng 3 năm 2025"


@pytest.mark.parametrize(("amount", "words"), [
    (0, "Không đồng"),
    (5, "Năm đồng"),
    (15, "Mười lăm đồng"),
    (21, "Hai mươi mốt đồng"),
    (105, "Một trăm linh năm đồng"),
    (110, "Một trăm mười đồng"),
    (1_500_000, "Một triệu năm trăm nghìn đồng"),
    (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
    (1_000_005, "Một triệu không trăm linh năm đồng"),
    (1_014_000, "Một triệu không trăm mười bốn nghìn đồng"),
    (21_000, "Hai mươi mốt nghìn đồng"),
    (15_000_000, "Mười lăm triệu đồng"),
    (500_000, "Năm trăm nghìn đồng"),
    (1_000_000_001, "Một tỷ không trăm linh một đồng"),
    (25_250_000, "Hai mươi lăm triệu hai trăm năm mươi nghìn đồng"),
    (1_000_000_000, "Một tỷ đồng"),
    (1_000_000_000_000, "Một nghìn tỷ đồng"),
])
def test_amount_in_words(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


_UNITS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "lăm": 5,
          "sáu": 6, "bảy": 7, "tám": 8, "chín": 9}


def _read_back(words: str) -> int:
    """Parse Vietnamese number words back (to check amount_in_words is unambiguous)."""
    total, group, current = 0, 0, 0
    scales = {"nghìn": 10**3, "triệu": 10**6, "tỷ": 10**9}
    for t in words.lower().removesuffix(" đồng").split():
        if t in _UNITS:
            current = _UNITS[t]
        elif t == "trăm":
            group += current * 100
            current = 0
        elif t == "mươi":
            group += current * 10
            current = 0
        elif t == "mười":
            group += 10
        elif t == "linh":
            pass
        elif t in scales:
            total += (group + current) * scales[t]
            group = current = 0
    return total + group + current


@given(st.integers(min_value=0, max_value=999_999_999_999))
def test_amount_in_words_reads_back(amount: int) -> None:
    words = amount_in_words(amount)
    assert words[0].isupper()
    assert words.endswith(" đồng")
    assert _read_back(words) == amount


def test_format_moment_is_local_time_to_the_minute() -> None:
    from datetime import UTC, datetime

    from unionapp.text import format_moment

    moment = datetime(2024, 12, 27, 7, 5, 59, tzinfo=UTC)
    assert format_moment(moment) == moment.astimezone().strftime("%d/%m/%Y %H:%M")
    assert format_moment(None) == ""


@given(st.text(st.characters(max_codepoint=0x1FFF, blacklist_categories=("Cs",)), max_size=40))
def test_folding_a_whole_text_at_once_equals_folding_word_by_word(text: str) -> None:
    """fold_cleaned's one-call table (bulk imports) agrees with the word-by-word fold."""
    from unionapp.text import _fold_word, fold_cleaned

    cleaned = clean(text)
    assert fold_cleaned(cleaned) == " ".join(_fold_word(w) for w in cleaned.split(" ")) \
        if cleaned else fold_cleaned(cleaned) == ""
