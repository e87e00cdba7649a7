"""Finding the table in a roster sheet: its header row(s), what each column holds, and where
the data starts.

Rosters come with title lines above the table ("DANH SÁCH ĐOÀN VIÊN…", "(Tính đến ngày…)"),
headers in one or two rows (merged cells; *Ngày, tháng, năm sinh* split into **Nam** and
**Nữ** columns, the column holding the date giving the gender), a numbering row
``(1) (2) (3)…`` under the header, and column names in many spellings. We score each of the
first rows against the known spellings, take the best as the header, merge a sub-header row
into it, and map columns to fields. The clerk can correct the mapping; the correction is
remembered for the next file of the same shape (``shape_key``).
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field

from ..i18n import N_
from ..text import fold
from .reading import Cell

# Fields a column can hold. ``family_middle`` + ``given_name``: rosters that split the name.
FIELD_LABELS: dict[str, str] = {
    "stt": N_("No."),
    "full_name": N_("Full name"),
    "family_middle": N_("Family and middle name"),
    "given_name": N_("Given name"),
    "date_of_birth": N_("Date of birth"),
    "dob_male": N_("Date of birth (men)"),
    "dob_female": N_("Date of birth (women)"),
    "gender": N_("Gender"),
    "male_mark": N_("Male (marked)"),
    "female_mark": N_("Female (marked)"),
    "ethnicity": N_("Ethnicity"),
    "religion": N_("Religion"),
    "national_id": N_("CCCD number"),
    "card_number": N_("Card number"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "hometown": N_("Home town"),
    "address": N_("Address"),
    "job_title": N_("Job title"),
    "job_and_unit": N_("Job title and unit"),
    "union_role": N_("Union role"),
    "education": N_("Qualifications"),
    "political_theory": N_("Political theory"),
    "joined_on": N_("Admission date"),
    "group": N_("Union group"),
    "notes": N_("Notes"),
    "ignore": N_("(not imported)"),
}

# Folded, punctuation-free spellings, most specific first. A header matches a field when it
# equals a spelling or starts with it.
SPELLINGS: list[tuple[str, tuple[str, ...]]] = [
    ("stt", ("stt", "tt", "so tt", "so thu tu", "thu tu")),
    ("dob_male", ("ngay thang nam sinh nam", "ngay sinh nam", "nam sinh nam")),
    ("dob_female", ("ngay thang nam sinh nu", "ngay sinh nu", "nam sinh nu")),
    ("male_mark", ("gioi tinh nam",)),
    ("female_mark", ("gioi tinh nu",)),
    ("family_middle", ("ho va ten dem", "ho va dem", "ho dem", "ho va chu dem", "ho")),
    ("given_name", ("ten",)),
    ("full_name", ("ho va ten", "ho ten", "ho va ten doan vien", "ho ten doan vien",
                   "ten doan vien", "ho va ten khai sinh")),
    ("date_of_birth", ("ngay thang nam sinh", "ngay sinh", "sinh ngay", "nam sinh",
                       "ngay thang sinh")),
    ("gender", ("gioi tinh", "gioi", "nam nu", "phai")),
    ("ethnicity", ("dan toc",)),
    ("religion", ("ton giao",)),
    ("national_id", ("so cccd", "cccd", "so cmnd cccd", "cmnd cccd", "so dinh danh ca nhan",
                     "so dinh danh", "dinh danh", "so cmnd", "cmnd", "can cuoc")),
    ("card_number", ("so the doan vien", "so the dv", "so the cong doan", "so the",
                     "the doan vien", "ma the")),
    ("phone", ("so dien thoai", "dien thoai", "sdt", "dt di dong", "di dong", "dt")),
    ("email", ("email", "e mail", "thu dien tu")),
    ("hometown", ("que quan", "nguyen quan")),
    ("address", ("dia chi", "noi o hien nay", "noi o", "cho o hien nay", "cho o", "ho khau",
                 "thuong tru", "noi thuong tru")),
    ("union_role", ("chuc vu cong doan", "chuc vu cd", "chuc danh cong doan",
                    "chuc vu trong cong doan")),
    ("job_and_unit", ("chuc vu don vi cong tac", "chuc vu don vi", "chuc vu va don vi cong tac",
                      "chuc vu va don vi", "chuc danh don vi cong tac", "chuc danh don vi",
                      "chuc vu noi cong tac", "chuc vu va noi cong tac", "chuc vu bo phan",
                      "chuc vu phong ban", "nghe nghiep don vi cong tac",
                      "nghe nghiep noi lam viec", "cong viec don vi")),
    ("job_title", ("chuc vu chinh quyen", "chuc vu", "chuc danh", "nghe nghiep",
                   "cong viec", "vi tri viec lam")),
    ("political_theory", ("ly luan chinh tri", "trinh do ly luan chinh tri", "trinh do llct",
                          "llct", "chinh tri")),
    ("education", ("trinh do chuyen mon", "trinh do cm", "trinh do hoc van", "trinh do",
                   "hoc van", "hoc vi", "bang cap")),
    ("joined_on", ("ngay vao cong doan", "ngay vao cd", "ngay ket nap cong doan",
                   "ngay ket nap", "ngay gia nhap cong doan", "ngay gia nhap",
                   "nam vao cong doan", "ngay vao cdcs", "ket nap")),
    ("group", ("to cong doan", "to cd", "cong doan bo phan", "cdbp", "don vi cong tac",
               "don vi", "bo phan", "phong ban", "phong khoa", "khoa phong", "phong", "to")),
    ("notes", ("ghi chu",)),
]
# Headers that look like ours but are not (the Party, the Youth Union).
NOT_OURS = re.compile(r"\b(dang|doan tn|doan thanh nien|tncs)\b")

_PUNCTUATION = re.compile(r"[^\w]+|_")
_NUMBERING = re.compile(r"^\(?\s*(\d{1,2}|[a-z])\s*\)?$")


def header_text(value: Cell) -> str:
    """A header cell, folded and without punctuation: ``Ngày, tháng, năm sinh`` →
    ``ngay thang nam sinh``."""
    if value is None or (isinstance(value, float | int) and not isinstance(value, bool)):
        return ""
    return _PUNCTUATION.sub(" ", fold(str(value))).strip()


def field_for(header: str) -> str | None:
    """The field a (folded) header names, or None."""
    if not header or NOT_OURS.search(header):
        return None
    for name, spellings in SPELLINGS:
        if header in spellings:
            return name
    for name, spellings in SPELLINGS:
        for spelling in spellings:
            if len(spelling) > 2 and header.startswith(spelling + " "):
                return name
    return None


@dataclass
class Layout:
    """Where the table is in a sheet (row indexes are 0-based; sheet row = index + 1)."""

    header_row: int
    data_start: int
    headers: list[str]  # the header of each column as the file shows it (merged rows joined)
    columns: dict[int, str]  # column index → field
    shape_key: str
    sub_header_row: int | None = None
    numbering_row: int | None = None
    remembered: bool = False  # the mapping came from a correction the clerk made before
    unmapped: list[int] = field(default_factory=list)

    def column_of(self, name: str) -> int | None:
        return next((i for i, f in self.columns.items() if f == name), None)


def _is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _display(value: Cell) -> str:
    return " ".join(str(value).split()) if not _is_blank(value) else ""


def _spread_merges(rows: list[list[Cell]], merged: list[tuple[tuple[int, int], tuple[int, int]]],
                   top: int, bottom: int) -> list[list[Cell]]:
    """Header rows with each merged cell's text copied into every cell it covers."""
    out = [list(rows[r]) if r < len(rows) else [] for r in range(top, bottom + 1)]
    for (r1, c1), (r2, c2) in merged:
        if r2 < top or r1 > bottom:
            continue
        source = rows[r1][c1] if r1 < len(rows) and c1 < len(rows[r1]) else None
        for r in range(max(r1, top), min(r2, bottom) + 1):
            line = out[r - top]
            while len(line) <= c2:
                line.append(None)
            for c in range(c1, c2 + 1):
                if _is_blank(line[c]):
                    line[c] = source
    return out


def _score(row: list[Cell]) -> tuple[int, bool]:
    fields = [field_for(header_text(v)) for v in row]
    names = {"full_name", "family_middle", "given_name"}
    return sum(1 for f in fields if f is not None), any(f in names for f in fields)


def detect_layout(rows: list[list[Cell]],
                  merged: list[tuple[tuple[int, int], tuple[int, int]]] | None = None,
                  remembered: dict[str, dict[str, str]] | None = None,
                  scan: int = 40) -> Layout | None:
    """The table's layout, or None when no row looks like a roster's header."""
    merged = merged or []
    best: tuple[int, int] | None = None  # (score, row)
    for index in range(min(scan, len(rows))):
        score, has_name = _score(_spread_merges(rows, merged, index, index)[0])
        if has_name and score >= 2 and (best is None or score > best[0]):
            best = (score, index)
    if best is None:
        return None
    header_row = best[1]
    width = max((len(r) for r in rows[header_row:header_row + 3]), default=0)
    top = _spread_merges(rows, merged, header_row, header_row + 1)
    head = (top[0] + [None] * width)[:width]
    below = (top[1] + [None] * width)[:width] if len(top) > 1 else [None] * width

    # A second header row: under a header that spans several columns (merged horizontally),
    # or whose cells name fields on their own (Nam / Nữ), and with no name in it.
    sub_header = False
    spans = any(r1 == header_row and c2 > c1 for (r1, c1), (_r2, c2) in merged)
    name_columns = [c for c in range(width) if field_for(header_text(head[c])) in
                    ("full_name", "family_middle", "given_name")]
    next_row = rows[header_row + 1] if header_row + 1 < len(rows) else []
    next_row_is_text = bool(next_row) and all(_is_blank(v) or isinstance(v, str)
                                              for v in next_row)
    no_name_below = all(c >= len(next_row) or _is_blank(next_row[c]) for c in name_columns)
    if next_row_is_text and no_name_below:
        texts = [header_text(v) for v in below]
        if any(texts) and not all(_NUMBERING.match(t) for t in texts if t) and (
            spans or any(t in ("nam", "nu") for t in texts)
        ):
            sub_header = True
    headers = []
    for col in range(width):
        top_text = _display(head[col])
        bottom_text = _display(below[col]) if sub_header else ""
        if bottom_text and bottom_text != top_text:
            headers.append(f"{top_text} {bottom_text}".strip())
        else:
            headers.append(top_text)
    data_start = header_row + (2 if sub_header else 1)
    numbering_row = None
    if data_start < len(rows):
        cells = [header_text(v) if isinstance(v, str) else (str(int(v)) if isinstance(
            v, float | int) and not isinstance(v, bool) and math.isfinite(v) else "")
            for v in rows[data_start]]
        filled = [c for c in cells if c]
        if len(filled) >= 3 and all(_NUMBERING.match(c) for c in filled) and (
            len(set(filled)) == len(filled)
        ):
            numbering_row = data_start
            data_start += 1
    key = shape_key(headers)
    columns: dict[int, str] = {}
    if remembered and key in remembered:
        columns = {int(c): f for c, f in remembered[key].items() if f in FIELD_LABELS}
    else:
        for col, text in enumerate(headers):
            found = field_for(header_text(text))
            if found is not None and found not in columns.values():
                columns[col] = found
    unmapped = [c for c, t in enumerate(headers) if t and c not in columns]
    return Layout(header_row=header_row, data_start=data_start, headers=headers,
                  columns=columns, shape_key=key,
                  sub_header_row=header_row + 1 if sub_header else None,
                  numbering_row=numbering_row, remembered=bool(remembered and
                                                                key in remembered),
                  unmapped=unmapped)


def shape_key(headers: list[str]) -> str:
    """Files with the same headers in the same places have the same shape."""
    text = "|".join(header_text(h) for h in headers)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
