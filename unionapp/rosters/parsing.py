"""Turning the rows of a roster's table into members: one cell at a time, as a clerk typed it.

Every cell is read as what it is (text, a date Excel knows, a number) and then parsed:
dates as Excel dates, ``dd/mm/yyyy`` text or a year alone; names in NFD or with stray spaces;
text in the legacy TCVN3/VNI encodings; CCCD numbers that Excel turned into numbers (and so
lost their leading zero). Problems name the sheet row and the column as the file shows it.

A problem that makes the row unusable (no name, an impossible birth date) is an **error**: the
row is not imported. One that can be fixed or dropped (a CCCD with 11 digits, an unreadable
admission date) is a **warning**: the row is imported and the summary says what was done.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from ..errors import Problem
from ..i18n import _
from ..members import MemberInput, surely_valid, validate_member
from ..models import Gender
from ..text import clean, fold, format_date, title_name
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
EXCEL_EPOCH = date(1899, 12, 30)


@dataclass
class Candidate:
    """One data row of the sheet, parsed."""

    row: int  # sheet row number (1-based)
    data: MemberInput
    group_name: str = ""  # as written in the file (resolved to a unit later)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

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


def _text(value: Cell) -> str:
    """A cell as clean text. Rosters repeat the same words (Kinh, Không, group names, job
    titles) a hundred thousand times, so cleaning is cached."""
    if _blank(value):
        return ""
    if isinstance(value, str):
        return _clean_cached(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return format_date(value.date())
    if isinstance(value, date):
        return format_date(value)
    return clean(str(value))


def parse_birth_cell(value: Cell) -> tuple[date | None, int | None, str | None]:
    """(date, year, problem) from a birth-date cell: an Excel date, ``dd/mm/yyyy``, ``yyyy``,
    ``mm/yyyy`` (kept as the year), or an Excel serial number."""
    if _blank(value):
        return None, None, None
    if isinstance(value, datetime):
        return value.date(), value.year, None
    if isinstance(value, date):
        return value, value.year, None
    if isinstance(value, float | int) and not isinstance(value, bool):
        number = int(value)
        if 1900 <= number <= 2100:
            return None, number, None
        if 2 <= number <= 80_000:  # a date Excel stored as a plain number
            day = EXCEL_EPOCH + timedelta(days=number)
            return day, day.year, None
        return None, None, _("“{value}” is not a date.").format(value=value)
    text = clean(str(value)).replace(" ", "")
    if re.fullmatch(r"\d{4}", text):
        return None, int(text), None
    if m := re.fullmatch(r"(\d{1,2})[/.\-](\d{4})", text):
        return None, int(m.group(2)), None
    if m := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", text):
        day_, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if year < 100:
            year += 1900 if year > date.today().year % 100 else 2000
        try:
            return date(year, month, day_), year, None
        except ValueError:
            return None, None, _("“{value}” is not a real date.").format(value=value)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", text):
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return day, day.year, None
        except ValueError:
            pass
    return None, None, _("“{value}” is not a date (write dd/mm/yyyy or the year).").format(
        value=value)


def parse_national_id(value: Cell) -> tuple[str | None, str | None, bool]:
    """(12-digit CCCD, problem, keep-in-notes). A number Excel stored loses its leading zero:
    an 11-digit one gets it back. A 9-digit number is an old identity card (CMND)."""
    if _blank(value):
        return None, None, False
    if isinstance(value, float | int) and not isinstance(value, bool):
        digits = str(int(value))
        if len(digits) == 11:
            return "0" + digits, _("The CCCD {value} was stored as a number and lost its leading "
                                   "zero: it was put back.").format(value=digits), False
    else:
        digits = re.sub(r"[\s.\-]", "", str(value))
    if re.fullmatch(r"\d{12}", digits):
        return digits, None, False
    if re.fullmatch(r"\d{9}", digits):
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
    if isinstance(value, float | int) and not isinstance(value, bool):
        digits = str(int(value))
        # A mobile number stored as a number lost its leading zero (912345678 → 0912345678).
        return "0" + digits if len(digits) == 9 else digits
    return _text(value)


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


def parse_rows(rows: list[list[Cell]], layout: Layout) -> Parsed:
    """Every data row of the table, from the header down to the first footer line."""
    name_col = layout.column_of("full_name")
    family_col, given_col = layout.column_of("family_middle"), layout.column_of("given_name")
    group_col = layout.column_of("group")
    data_rows = rows[layout.data_start:]

    # Legacy encodings: decide from the names, convert every text cell of the table.
    encoding = None
    sample = [str(r[c]) for r in data_rows[:2000] for c in (name_col, family_col, given_col)
              if c is not None and c < len(r) and isinstance(r[c], str) and r[c].strip()]
    if sample:
        encoding = legacy.detect_legacy(sample)

    def cell(row: list[Cell], col: int | None) -> Cell:
        if col is None or col >= len(row):
            return None
        value = row[col]
        if encoding and isinstance(value, str):
            return legacy.convert(value, encoding)
        return value

    candidates: list[Candidate] = []
    section = ""
    last_row = layout.data_start
    today = date.today()
    plan = [(col, kind, HANDLERS[kind]) for col, kind in sorted(layout.columns.items())
            if kind in HANDLERS]
    for offset, row in enumerate(data_rows):
        sheet_row = layout.data_start + offset + 1
        if name_col is not None:
            name = _text(cell(row, name_col))
        else:
            name = " ".join(p for p in (_text(cell(row, family_col)),
                                        _text(cell(row, given_col))) if p)
        if not name or _may_be_footer(name):
            filled = [v for v in row if not _blank(v)]
            if not filled:
                continue
            folded_row = _row_text([cell(row, c) for c in range(len(row))])
            if _is_footer(folded_row) or _is_footer(fold(name)):
                break  # totals, "Người lập biểu", place and date, signatures: the table ended
            if len(filled) == 1 and isinstance(filled[0], str) and SECTION.match(folded_row):
                section = _text(cell(row, row.index(filled[0])))  # a group's heading row
                continue
            stt = layout.column_of("stt")
            if all(_blank(v) for c, v in enumerate(row) if c != stt):
                continue  # a numbered line left empty in the form
        if encoding == legacy.TCVN3:
            name = title_name(name)  # TCVN3 has no toned capitals: "ữ" may begin a name
        candidates.append(_candidate(sheet_row, row, layout, cell, name, section, group_col,
                                     today, plan, encoding is not None))
        last_row = sheet_row
    return Parsed(candidates=candidates, legacy_encoding=encoding, last_row=last_row)


def _set_birth(found: Candidate, data: MemberInput, value: Cell, col: int, kind: str,
               problem: Any) -> None:
    born, year, error = parse_birth_cell(value)
    if error:
        problem(found.errors, col, error)
        return
    data.date_of_birth, data.birth_year = born, year
    if kind == "dob_male":
        data.gender = Gender.MALE
    elif kind == "dob_female":
        data.gender = Gender.FEMALE


def _set_gender(found: Candidate, data: MemberInput, value: Cell, col: int, kind: str,
                problem: Any) -> None:
    if kind == "male_mark":
        data.gender = Gender.MALE
    elif kind == "female_mark":
        data.gender = Gender.FEMALE
    else:
        data.gender = parse_gender(value) or data.gender
        if data.gender is None:
            problem(found.warnings, col, _("“{value}” is not Nam or Nữ: gender left "
                                           "empty.").format(value=value))


def _set_national_id(found: Candidate, data: MemberInput, value: Cell, col: int, kind: str,
                     problem: Any) -> None:
    number, message, keep = parse_national_id(value)
    data.national_id = number
    if message:
        problem(found.warnings, col, message)
    if keep:
        data.notes = clean(f"{data.notes} CMND: {_text(value)}")


def _set_joined(found: Candidate, data: MemberInput, value: Cell, col: int, kind: str,
                problem: Any) -> None:
    joined, year, error = parse_birth_cell(value)
    if error or joined is None:
        problem(found.warnings, col, error or _("Only the year {year} is known: the admission "
                                                "date is left empty.").format(year=year))
    else:
        data.joined_on = joined


def _set_phone(found: Candidate, data: MemberInput, value: Cell, col: int, kind: str,
               problem: Any) -> None:
    data.phone = parse_phone(value)


def _set_text(found: Candidate, data: MemberInput, value: Cell, col: int, kind: str,
              problem: Any) -> None:
    text = _clean_cached(value) if isinstance(value, str) else _text(value)
    before = getattr(data, kind)
    setattr(data, kind, f"{before} {text}" if before else text)


HANDLERS = {
    "date_of_birth": _set_birth, "dob_male": _set_birth, "dob_female": _set_birth,
    "gender": _set_gender, "male_mark": _set_gender, "female_mark": _set_gender,
    "national_id": _set_national_id, "joined_on": _set_joined, "phone": _set_phone,
    **dict.fromkeys(TEXT_FIELDS, _set_text),
}


def _candidate(sheet_row: int, row: list[Cell], layout: Layout, cell: Any, name: str,
               section: str, group_col: int | None, today: date,
               plan: list[tuple[int, str, Any]], converting: bool) -> Candidate:
    data = MemberInput(full_name=title_name(name) if name.isupper() or name.islower() else name)
    found = Candidate(row=sheet_row, data=data)

    def problem(kind: list[Problem], col: int | None, message: str) -> None:
        header = layout.headers[col] if col is not None and col < len(layout.headers) else None
        kind.append(Problem(message=message, field=header, row=sheet_row))

    width = len(row)
    for col, kind, handler in plan:
        value = (cell(row, col) if converting else row[col]) if col < width else None
        if value is None or value == "" or (isinstance(value, str) and not value.strip()):
            continue
        handler(found, data, value, col, kind, problem)
    found.group_name = _text(cell(row, group_col)) if group_col is not None else section

    # The same rules as the member dialog: one place for them (cells are cleaned already).
    if surely_valid(data, today):
        return found
    for issue in validate_member(data, today=today):
        col = _column_for_field(layout, issue.field)
        if issue.field in ("national_id", "joined_on", "gender"):
            problem(found.warnings, col, issue.message)
            setattr(data, issue.field, None)
        else:
            problem(found.errors, col, issue.message)
    return found


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
