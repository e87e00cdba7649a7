"""Turning the rows of a roster's table into members, as a clerk typed them.

Every cell is read as what it is (text, a date Excel knows, a number) and then parsed:
dates as Excel dates, ``dd/mm/yyyy`` text or a year alone (the rule of ``text.parse_birth``,
the same as the member dialog's); names in NFD or with stray spaces; CCCD numbers that Excel
turned into numbers (and so lost their leading zero). Problems name the sheet row and the
column as the file shows it. (Legacy TCVN3/VNI text was converted before, for the whole
sheet: see ``legacy.fix_sheet``.)

Work goes a **column at a time**: first the rows that belong to the table are found (the
header down to the first footer line, skipping blank rows and group headings), then each
column is parsed whole — a roster repeats the same words and dates thousands of times, so each
distinct value is parsed once — and only then are the members put together.

A problem that makes the row unusable (no name, an impossible birth date) is an **error**: the
row is not imported. One that can be fixed or dropped (a CCCD with 11 digits, an unreadable
admission date) is a **warning**: the row is imported and the summary says what was done.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import repeat
from typing import Any

from ..errors import Problem
from ..i18n import _
from ..members import MemberInput, surely_valid, validate_member
from ..models import Gender
from ..text import DateError, clean, fold, format_date, parse_birth, title_name
from . import legacy
from .layout import Layout, header_text
from .reading import Cell

TEXT_FIELDS = ("ethnicity", "religion", "card_number", "phone", "email", "hometown", "address",
               "job_title", "union_role", "education", "political_theory", "notes")
FOOTER = re.compile(
    r"^(tong cong|tong so|cong |cong:|total|prepared by|nguoi lap|lap bieu|xac nhan|thu truong|"
    r"tm |tm\.|t/m|"
    r"chu tich|ky ten|ky, ghi ro|ky ghi ro|ghi chu:|ngay \d+ thang|.{0,40}, ngay \d+ thang)"
)
SECTION = re.compile(r"^((i|ii|iii|iv|v|vi|vii|viii|ix|x|[a-h])[.)]\s|to |cong doan bo phan|"
                     r"phong |khoa |bo phan |don vi )")
_HEADING_NUMBER = re.compile(r"^(?:[IVXivx]{1,4}|[A-Ha-h]|\d{1,2})\s*[.)]\s+")  # "II. ", "a) "
EXCEL_EPOCH = date(1899, 12, 30)
# CCCD: province code (3 digits), century and gender (1), year of birth (2), then 6 digits.
# Every province code begins with 0, which is why Excel drops it from a number. (The codes
# of the 63 provinces; numbers keep them after the 2025 mergers.)
PROVINCES = frozenset(f"{code:03d}" for code in (
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96))


@dataclass
class Candidate:
    """One data row of the sheet, parsed."""

    row: int  # sheet row number (1-based)
    data: MemberInput
    group_name: str = ""  # as written in the file (resolved to a unit later)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    job_unit: str = ""  # a "job, unit" cell as written (see ``split_job_unit``)
    own_job_title: str = ""  # the job title of a column of its own
    national_id_restored: bool = False  # a CCCD Excel stored as a number, its zeros put back

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Parsed:
    candidates: list[Candidate]
    legacy_encoding: str | None = None
    last_row: int = 0  # the last sheet row that belonged to the table


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@lru_cache(maxsize=50_000)
def _clean_cached(text: str) -> str:
    return clean(text)


def _number_text(value: float | int) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer():
            return str(int(value))
    return str(value)


def _text(value: Cell) -> str:
    """A cell as clean text. Rosters repeat the same words (Kinh, Không, group names, job
    titles) a hundred thousand times, so cleaning is cached."""
    if _blank(value):
        return ""
    if isinstance(value, str):
        return _clean_cached(value)
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float | int):
        return _number_text(value)
    if isinstance(value, datetime):
        return format_date(value.date())
    if isinstance(value, date):
        return format_date(value)
    return clean(str(value))


def parse_birth_cell(value: Cell) -> tuple[date | None, int | None, str | None]:
    """(date, year, problem) from a birth-date cell: an Excel date, text read by the one
    date rule (``text.parse_birth``: ``dd/mm/yyyy``, ``yyyy``, ``mm/yyyy``…), or a number
    (a year, or an Excel date stored as a plain number)."""
    if _blank(value):
        return None, None, None
    if isinstance(value, datetime):
        return value.date(), value.year, None
    if isinstance(value, date):
        return value, value.year, None
    if isinstance(value, float | int) and not isinstance(value, bool):
        if not math.isfinite(value):
            return None, None, DateError(value).message
        number = int(value)
        if 1900 <= number <= 2100:
            return None, number, None
        if 2 <= number <= 80_000:  # a date Excel stored as a plain number
            day = EXCEL_EPOCH + timedelta(days=number)
            return day, day.year, None
        return None, None, DateError(value).message
    return _birth_text(str(value))


@lru_cache(maxsize=20_000)
def _birth_text(text: str) -> tuple[date | None, int | None, str | None]:
    try:
        born, year = parse_birth(text)
    except DateError as error:
        return None, None, error.message
    return born, year, None


def valid_cccd(number: str, birth_year: int | None = None) -> bool:
    """Whether a 12-digit number can be a CCCD: a real province code, and — when the year
    of birth is known — the century digit and the two digits of the year that match it."""
    if len(number) != 12 or not number.isdigit() or number[:3] not in PROVINCES:
        return False
    century = int(number[3]) // 2
    if birth_year is None:
        return century <= 1  # born in the 1900s or the 2000s
    return century == (birth_year - 1900) // 100 and number[4:6] == f"{birth_year % 100:02d}"


def parse_national_id(value: Cell, birth_year: int | None = None,
                      ) -> tuple[str | None, str | None, bool]:
    """(12-digit CCCD, problem, keep-in-notes). A number Excel stored loses its leading
    zeros (every province code begins with 0): an 11- or 10-digit number gets them back when
    the result is a valid CCCD for this member (see :func:`valid_cccd`). A 9-digit number is
    an old identity card (CMND)."""
    if value.__class__ is str and len(value) == 12 and value.isdigit():  # type: ignore[union-attr]
        return value, None, False  # most cells: a CCCD typed as text, as it should be
    if _blank(value):
        return None, None, False
    if isinstance(value, float | int) and not isinstance(value, bool):
        digits = _number_text(value)
        if 10 <= len(digits) <= 11 and digits.isdigit():
            number = digits.zfill(12)
            if valid_cccd(number, birth_year):
                return number, _("The CCCD {value} was stored as a number and lost its leading "
                                 "zero: it was put back.").format(value=digits), False
            return None, _("{value} looks like a CCCD that Excel stored as a number, but "
                           "{number} is not a valid CCCD for this member: left out.").format(
                value=digits, number=number), False
    else:
        digits = _ID_PUNCTUATION.sub("", str(value))
    if len(digits) == 12 and digits.isdigit():
        return digits, None, False
    if len(digits) == 9 and digits.isdigit():
        return None, _("{value} is an old identity card (CMND) number, not a CCCD: kept in the "
                       "notes.").format(value=digits), True
    return None, _("“{value}” is not a 12-digit CCCD number: left out.").format(
        value=value), False


@lru_cache(maxsize=1024)
def parse_gender(value: Cell) -> str | None:
    text = fold(_text(value))
    if text in ("nam", "m", "male", "trai", "1"):
        return Gender.MALE
    if text in ("nu", "f", "female", "gai", "0", "2"):
        return Gender.FEMALE
    return None


def parse_phone(value: Cell) -> str:
    if value.__class__ is str:
        return clean(value)  # type: ignore[arg-type]
    if isinstance(value, float | int) and not isinstance(value, bool) and math.isfinite(value):
        digits = str(int(value))
        # A mobile number stored as a number lost its leading zero (912345678 → 0912345678).
        return "0" + digits if len(digits) == 9 else digits
    return _text(value)


_ID_PUNCTUATION = re.compile(r"[\s.\-]")  # 001 080 000 001, 001.080.000.001
_SEPARATORS = re.compile(r"\s*[,;]\s*")
# How the name of a unit begins (folded) — but not a role such as "Tổ trưởng", "Phó phòng".
_UNIT_WORDS = re.compile(r"^(phong|khoa|ban|bo phan|van phong|trung tam|to|doi|xuong|"
                         r"phan xuong|chi nhanh|tram|cong doan bo phan)\b(?! (truong|pho)\b)")


def split_job_unit(text: str, is_unit: Callable[[str], bool] | None = None) -> tuple[str, str]:
    """``Lái xe, Văn phòng`` → (``Lái xe``, ``Văn phòng``): a cell that holds a job title and
    a unit, split at a comma or semicolon: before a known unit (``is_unit``), else before
    the first part that reads like a unit's name (``Phòng …``, ``Tổ …``, ``Khoa …``), else
    at the last one. Without a separator it is all job title."""
    parts = _SEPARATORS.split(text)
    if len(parts) < 2:
        return text, ""
    cuts = range(1, len(parts))
    unit_like = [cut for cut in cuts if _UNIT_WORDS.match(fold(parts[cut]))]
    known = [cut for cut in cuts if is_unit is not None and is_unit(", ".join(parts[cut:]))]
    cut = (known or unit_like or [len(parts) - 1])[0]
    return ", ".join(parts[:cut]), ", ".join(parts[cut:])


def _is_footer(text: str) -> bool:
    return bool(FOOTER.match(text))


# The first words a footer line can start with; a person's name never does, so most rows are
# told apart by one cached word instead of folding the whole name.
FOOTER_FIRST_WORDS = {"tong", "cong", "cong:", "total", "total:", "prepared", "nguoi", "lap",
                      "xac", "thu", "tm", "tm.", "t/m", "chu", "ky", "ky,", "ghi", "ngay"}


@lru_cache(maxsize=20_000)
def _first_word_may_end_table(word: str) -> bool:
    return fold(word) in FOOTER_FIRST_WORDS


def _may_be_footer(name: str) -> bool:
    return "," in name or ":" in name or (
        _first_word_may_end_table(name.split(" ", 1)[0]) and _is_footer(fold(name)))


def _row_text(row: list[Cell]) -> str:
    return fold(" ".join(_text(v) for v in row if not _blank(v)))


# --- the rows of the table -------------------------------------------------------------------


def _member_rows(columns: list[list[Cell]], layout: Layout,
                 ) -> tuple[list[int], list[str], list[str], int]:
    """The indexes of the rows that are members, their names, the group heading each one
    is under, and the last sheet row of the table."""
    width = len(columns)
    height = len(columns[0]) if columns else 0

    def values(kind: str) -> list[Cell] | None:
        col = layout.column_of(kind)
        return columns[col] if col is not None and col < width else None

    full, family, given = values("full_name"), values("family_middle"), values("given_name")
    stt = layout.column_of("stt")
    kept: list[int] = []
    names: list[str] = []
    sections: list[str] = []
    section = ""
    last_row = layout.data_start
    for index in range(layout.data_start, height):
        if full is not None:
            value = full[index]
            name = clean(value) if value.__class__ is str else _text(value)  # type: ignore[arg-type]
        else:
            name = " ".join(p for p in (_text(family[index]) if family is not None else "",
                                        _text(given[index]) if given is not None else "") if p)
        if not name or _may_be_footer(name):
            row = [column[index] for column in columns]
            filled = [v for v in row if not _blank(v)]
            if not filled:
                continue
            folded_row = _row_text(row)
            if _is_footer(folded_row) or _is_footer(fold(name)):
                break  # totals, "Người lập biểu", place and date, signatures: the table ended
            if len(filled) == 1 and isinstance(filled[0], str) and SECTION.match(folded_row):
                # a group's heading row: "II. Tổ công đoàn Phòng Kế toán" names the group
                section = _HEADING_NUMBER.sub("", _text(filled[0]))
                continue
            if all(_blank(v) for c, v in enumerate(row) if c != stt):
                continue  # a numbered line left empty in the form
        kept.append(index)
        names.append(name)
        sections.append(section)
        last_row = index + 1
    return kept, names, sections, last_row


# --- whole columns -----------------------------------------------------------------------------

# Problems found in a column: (position among the member rows, message, is an error).
Found = list[tuple[int, str, bool]]


_TEXT_TYPES = frozenset((str, type(None)))


def _texts(values: list[Cell]) -> list[str]:
    """A column as clean text: each distinct value cleaned once."""
    if set(map(type, values)) <= _TEXT_TYPES:  # text and blanks (not 1 and True, equal keys)
        memo = {v: clean(v) if v is not None else "" for v in set(values)}  # type: ignore[arg-type]
        return list(map(memo.__getitem__, values))
    return [_text(v) for v in values]


def _births(values: list[Cell], found: Found) -> tuple[list[date | None], list[int | None]]:
    days: list[date | None] = []
    years: list[int | None] = []
    for i, v in enumerate(values):
        if v.__class__ is date:
            days.append(v)  # type: ignore[arg-type]
            years.append(v.year)  # type: ignore[union-attr]
            continue
        born, year, problem = parse_birth_cell(v)
        if problem:
            found.append((i, problem, True))
        days.append(born)
        years.append(year)
    return days, years


def _joined(values: list[Cell], found: Found) -> list[date | None]:
    out: list[date | None] = []
    for i, v in enumerate(values):
        if v.__class__ is date:
            out.append(v)  # type: ignore[arg-type]
            continue
        joined, year, problem = parse_birth_cell(v)
        if problem or (joined is None and year is not None):
            found.append((i, problem or _("Only the year {year} is known: the admission date "
                                          "is left empty.").format(year=year), False))
        out.append(joined)
    return out


@dataclass
class _Columns:
    """The member fields found so far, each a list over the member rows (None: no column)."""

    size: int
    values: dict[str, list[Any]] = field(default_factory=dict)
    notes_extra: dict[int, str] = field(default_factory=dict)

    def put_text(self, name: str, texts: list[str]) -> None:
        before = self.values.get(name)
        self.values[name] = texts if before is None else [
            f"{a} {b}" if a and b else a or b for a, b in zip(before, texts, strict=True)]


_FIELD_DEFAULTS = {f.name: (f.default if f.default is not MISSING else None)
                   for f in fields(MemberInput) if f.name != "extra"}
_FIELD_ORDER = list(_FIELD_DEFAULTS)


def parse_rows(columns: list[list[Cell]], layout: Layout, encoding: str | None = None,
               ) -> Parsed:
    """Every data row of the table, from the header down to the first footer line: the
    sheet by column (see ``RawSheet``). ``encoding``: the legacy encoding the sheet was
    converted from, if any."""
    kept, names, sections, last_row = _member_rows(columns, layout)
    n = len(kept)
    contiguous = bool(kept) and kept[-1] - kept[0] + 1 == n

    def column(col: int) -> list[Cell]:
        if col >= len(columns):
            return [None] * n
        if contiguous:
            return columns[col][kept[0]:kept[-1] + 1]
        values = columns[col]
        return [values[i] for i in kept]

    fields_ = _Columns(n)
    found: dict[int, Found] = {}  # column → its problems
    restored: list[int] = []  # rows whose CCCD got its leading zeros back
    genders: list[str | None] = [None] * n
    days: list[date | None] = [None] * n
    years: list[int | None] = [None] * n
    for col, kind in sorted(layout.columns.items()):
        if kind in ("date_of_birth", "dob_male", "dob_female"):
            col_days, col_years = _births(column(col), found.setdefault(col, []))
            implied = {"dob_male": Gender.MALE, "dob_female": Gender.FEMALE}.get(kind)
            if all(y is None for y in years):  # the first (or only) birth column
                days, years = col_days, col_years
            else:
                days = [d if y is not None else old for d, y, old in zip(
                    col_days, col_years, days, strict=True)]
                years = [y if y is not None else old for y, old in zip(
                    col_years, years, strict=True)]
            if implied:
                genders = [implied if y is not None else g for y, g in zip(
                    col_years, genders, strict=True)]
        elif kind in ("male_mark", "female_mark"):
            implied = Gender.MALE if kind == "male_mark" else Gender.FEMALE
            for i, v in enumerate(column(col)):
                if not _blank(v):
                    genders[i] = implied
    for col, kind in sorted(layout.columns.items()):
        values = column(col) if kind not in ("stt", "full_name", "family_middle",
                                             "given_name") else []
        if kind == "gender":
            problems = found.setdefault(col, [])
            memo: dict[Cell, str | None] = {}
            for i, v in enumerate(values):
                if v is None:
                    continue
                if v.__class__ is not str:
                    v = _text(v)
                gender = memo[v] if v in memo else memo.setdefault(v, parse_gender(v))
                if gender is None:
                    if _blank(v):
                        continue
                    problems.append((i, _("“{value}” is not Nam or Nữ: gender left "
                                          "empty.").format(value=v), False))
                else:
                    genders[i] = gender
        elif kind == "national_id":
            problems = found.setdefault(col, [])
            ids: list[str | None] = []
            for i, v in enumerate(values):
                if v.__class__ is str and len(v) == 12 and v.isdigit():  # type: ignore[union-attr]
                    ids.append(v)  # type: ignore[arg-type]
                    continue
                number, message, keep = parse_national_id(v, years[i])
                ids.append(number)
                if message:
                    problems.append((i, message, False))
                    if number is not None:
                        restored.append(i)
                if keep:
                    fields_.notes_extra[i] = f"CMND: {_text(v)}"
            fields_.values["national_id"] = ids
        elif kind == "joined_on":
            fields_.values["joined_on"] = _joined(values, found.setdefault(col, []))
        elif kind == "phone":
            fields_.put_text("phone", _texts(values) if set(map(type, values)) <= _TEXT_TYPES
                             else [parse_phone(v) for v in values])
        elif kind in TEXT_FIELDS or kind in ("group", "job_and_unit"):
            fields_.put_text(kind, _texts(values))
    fields_.values.update(date_of_birth=days, birth_year=years, gender=genders)
    if fields_.notes_extra:
        notes = fields_.values.setdefault("notes", [""] * n)
        for i, extra in fields_.notes_extra.items():
            notes[i] = clean(f"{notes[i]} {extra}")

    tcvn3 = encoding == legacy.TCVN3  # TCVN3 has no toned capitals: "ữ" may begin a name
    fields_.values["full_name"] = [title_name(name) if tcvn3 or name.isupper() or
                                   name.islower() else name for name in names]
    own_jobs = fields_.values.get("job_title")
    job_units = fields_.values.pop("job_and_unit", None)
    groups = fields_.values.pop("group", None) or sections
    given = fields_.values
    datas = list(map(MemberInput, *(given[name] if name in given else
                                    [_FIELD_DEFAULTS[name]] * n for name in _FIELD_ORDER)))
    candidates = list(map(Candidate, (i + 1 for i in kept), datas, groups))
    if job_units is not None:
        for candidate, job_unit, own in zip(candidates, job_units, own_jobs or repeat(""),
                                            strict=False):
            candidate.job_unit, candidate.own_job_title = job_unit, own
            candidate.data.job_title = own or job_unit
    for i in restored:
        candidates[i].national_id_restored = True
    for col, problems in found.items():
        header = layout.headers[col] if col < len(layout.headers) else None
        for i, message, is_error in problems:
            candidate = candidates[i]
            (candidate.errors if is_error else candidate.warnings).append(
                Problem(message=message, field=header, row=candidate.row))
    _validate(candidates, layout)
    return Parsed(candidates=candidates, legacy_encoding=encoding, last_row=last_row)


def _validate(candidates: list[Candidate], layout: Layout) -> None:
    """The same rules as the member dialog (one place for them): a quick test for every row,
    the full check only for the rows it doubts."""
    today = date.today()
    for candidate in candidates:
        data = candidate.data
        if surely_valid(data, today) or candidate.errors:
            continue
        for issue in validate_member(data, today=today):
            col = _column_for_field(layout, issue.field)
            header = layout.headers[col] if col is not None and col < len(layout.headers) \
                else None
            problem = Problem(message=issue.message, field=header, row=candidate.row)
            if issue.field in ("national_id", "joined_on", "gender"):
                candidate.warnings.append(problem)
                setattr(data, issue.field, None)
            else:
                candidate.errors.append(problem)


def _column_for_field(layout: Layout, field_name: str | None) -> int | None:
    if field_name is None:
        return None
    if field_name == "date_of_birth":
        for name in ("date_of_birth", "dob_male", "dob_female"):
            if (col := layout.column_of(name)) is not None:
                return col
    if field_name == "full_name":
        return layout.column_of("full_name") or layout.column_of("given_name")
    return layout.column_of(field_name)


def group_key(name: str) -> str:
    """How a group's name is compared: folded, without the words every group's name has."""
    text = header_text(name)
    for prefix in ("to cong doan ", "to cd ", "cong doan bo phan ", "to "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def loose_group_key(name: str) -> str:
    """A looser comparison, tried when the strict one finds nothing: also without the
    kind of office (``Phòng Hành chính`` ~ ``Hành chính``)."""
    text = group_key(name)
    for prefix in ("phong ", "khoa ", "ban ", "bo phan ", "don vi "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text
