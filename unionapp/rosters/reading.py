"""Reading a spreadsheet a clerk hands us, safely: .xlsx, .xls, .ods and .csv.

Files are untrusted. Parsing is python-calamine's (~6× faster than openpyxl), which allocates
a sheet's whole extent up front and aborts the process — uncatchably — when an allocation
fails: a cell at ``XFD1048576`` asks for 512 GB, a workbook declaring four billion shared
texts for 96 GB. So:

- every workbook (.xlsx, .xls, .ods) is parsed in a **child process** with a memory limit
  (where the system has one) and a time limit: whatever a file does to calamine costs the
  child, never the program, and the child's answer is JSON, so it can hand back nothing but
  data (text, numbers, dates);
- while the child parses, the program checks the file itself (a fast first refusal with a
  message that says why): what the bytes really are (a renamed Word document is named as
  such), zip bombs, XML that declares a DTD, a sheet whose cell references or declared
  dimension reach absurdly far (read whatever the quoting and spacing of the XML), a
  shared-text table absurdly large. A refusal kills the child; the check's verdict wins
  over the child's, so the message is always the most precise one.
- CSV is read here (the ``csv`` module only builds strings): its code page is decided by
  scoring the decoded text as Vietnamese (see :func:`_decode`).

Cells come back as calamine gives them (text, numbers, dates), never evaluated: formulas are
read as their last cached value, which is data, not code. A number that is not finite
(``1e400``, NaN) means a damaged file: it is refused. The leading zero of a CCCD typed as
text stays, since nothing is converted here; the parser decides what each column means.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time as clock
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import repeat
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..i18n import _

MAX_FILE_BYTES = 60 * 1024 * 1024  # a 100,000-member roster is about 8 MB
MAX_CELLS = 10_000_000  # rows × columns calamine may allocate (~400 MB); a roster: ~2 million
MAX_UNCOMPRESSED = 800 * 1024 * 1024
MAX_RATIO = 200  # zip bombs compress far better than any real workbook
MAX_ENTRIES = 10_000  # parts in a workbook's zip; real ones have dozens
CHILD_MEMORY = 4 * 1024**3
CHILD_TIMEOUT_S = 600

Cell = str | float | int | bool | date | datetime | time | None


@dataclass
class RawSheet:
    """The cells of one sheet, by column: ``columns[c][r]`` is the cell in column ``c + 1`` of
    sheet row ``r + 1`` (every column is ``height`` long). Columns, because that is how the
    importer works and how cells cross from the reading process cheaply."""

    file: str
    sheet: str
    columns: list[list[Cell]]
    sheet_names: list[str] = field(default_factory=list)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    encoding: str | None = None  # for CSV: the code page the bytes were decoded with
    legacy_hint: str | None = None  # for CSV: the legacy encoding the decoding scored best

    @property
    def height(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def row(self, index: int) -> list[Cell]:
        """Sheet row ``index + 1``."""
        return [column[index] for column in self.columns]

    def head(self, count: int) -> list[list[Cell]]:
        """The first ``count`` rows (where the title and the header are)."""
        return [list(r) for r in zip(*(c[:count] for c in self.columns), strict=True)]

    @property
    def rows(self) -> list[list[Cell]]:
        """Every row (a copy: for small sheets and tests)."""
        return self.head(self.height)


def by_column(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Rows (of any lengths) → columns of equal length. ``zip(*rows)`` is one call with as
    many arguments as there are rows, and twice as quick as a pass over the rows a column
    (measured on a 100,000-row roster)."""
    widths = set(map(len, rows))
    width = max(widths, default=0)
    if len(widths) > 1:
        rows = [r + [None] * (width - len(r)) for r in rows]
    return list(map(list, zip(*rows, strict=True))) if width else []


class BadFile(UserError):
    """A file we won't or can't read; the message names it and says why."""


def _bad(path: Path, reason: str) -> BadFile:
    return BadFile(_("Can't read {name}: {reason}").format(name=path.name, reason=reason))


def _damaged(path: Path) -> BadFile:
    return _bad(path, _("the file is damaged or incomplete."))


# Errors the standard library raises on a damaged zip, wherever it notices.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
               RuntimeError, ValueError, struct.error)


# --- what is this file? ---------------------------------------------------------------------


def sniff(path: Path) -> str:
    """``xlsx``, ``xls``, ``ods`` or ``csv`` — from the bytes, not the name."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise _bad(path, _("the file can't be opened ({error}).").format(error=error)) from None
    if size == 0:
        raise _bad(path, _("the file is empty."))
    if size > MAX_FILE_BYTES:
        raise _bad(path, _("the file is larger than {size} MB.").format(
            size=MAX_FILE_BYTES // 1024 // 1024))
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z")):
        raise _bad(path, _("it is not a spreadsheet."))
    return "csv"


def _entry_count(path: Path) -> int | None:
    """The number of entries the zip's end-of-central-directory record declares (read before
    the directory itself is parsed), or None when the record is not found."""
    with path.open("rb") as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        f.seek(max(0, size - 65_557))
        tail = f.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    return int(struct.unpack("<H", tail[at + 10:at + 12])[0])


def _zip_kind(path: Path) -> str:
    count = _entry_count(path)
    if count is not None and count > MAX_ENTRIES:
        raise _bad(path, _("it holds {count} parts, far more than any spreadsheet.").format(
            count=count))
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if len(names) > MAX_ENTRIES:  # a zip64 directory, counted once parsed
                raise _bad(path, _("it holds {count} parts, far more than any spreadsheet.")
                           .format(count=len(names)))
            if "word/document.xml" in names:
                raise _bad(path, _("it is a Word document, not a spreadsheet."))
            if "ppt/presentation.xml" in names:
                raise _bad(path, _("it is a PowerPoint presentation, not a spreadsheet."))
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "content.xml" in names and "mimetype" in names:
                if b"spreadsheet" not in z.read("mimetype")[:200]:
                    raise _bad(path, _("it is not a spreadsheet."))
                return "ods"
    except _ZIP_ERRORS:
        raise _damaged(path) from None
    raise _bad(path, _("it is not a spreadsheet."))


# --- the checks that run while the child parses ----------------------------------------------


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


# A cell or row reference: the attribute r, however quoted and spaced (XML allows
# r = 'A1'). Patterns start with the literal "r" so they scan tens of megabytes fast.
_REF = rb"""r\s*=\s*["']\s*"""
# The references that can make a sheet big, in one pass: a row from 100,000 on (with its
# column), or a column from AA on (with a shorter row).
_FAR_REF = re.compile(_REF + rb"(?:([A-Za-z]*)(\d{6,})|([A-Za-z]{2,})\d)")
_ANY_ROW = re.compile(_REF + rb"[A-Za-z]{0,3}(\d+)")
_DIMENSION = re.compile(rb"""dimension\s+ref\s*=\s*["']\s*([A-Za-z]+)\s*(\d+)"""
                        rb"""(?:\s*:\s*([A-Za-z]+)\s*(\d+))?""")
_UNIQUE_COUNT = re.compile(rb"""(?:uniqueCount|count)\s*=\s*["']\s*(\d+)""")


def check_file(path: Path, kind: str) -> None:
    """The checks a workbook passes before its cells are trusted (see the module docstring).
    Raises :class:`BadFile`."""
    if kind not in ("xlsx", "ods"):
        return  # .xls: nothing cheap to check; the child's limits are the guard
    try:
        with zipfile.ZipFile(path) as z:
            _check_package(path, z, kind)
    except BadFile:
        raise
    except _ZIP_ERRORS:
        raise _damaged(path) from None


def _check_package(path: Path, z: zipfile.ZipFile, kind: str) -> None:
    """Refuse zip bombs, DTDs and absurd sheet extents."""
    total = 0
    for info in z.infolist():
        total += info.file_size
        if info.file_size > MAX_UNCOMPRESSED or total > MAX_UNCOMPRESSED or (
            info.file_size > 10 * 1024 * 1024
            and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise _bad(path, _("its contents are far larger than the file (a “zip bomb”)."))
        if not info.filename.endswith((".xml", ".rels")):
            continue
        extent = _Extent() if kind == "xlsx" and info.filename.startswith("xl/worksheets/") \
            else None
        for number, chunk in enumerate(_chunks(z, info)):
            if b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk:
                raise _bad(path, _("it contains a document type declaration (DTD), which "
                                   "spreadsheets never need and attacks use."))
            if extent is not None:
                extent.scan(path, chunk)
            elif number == 0 and kind == "xlsx" and info.filename == "xl/sharedStrings.xml":
                counts = [int(n) for n in _UNIQUE_COUNT.findall(chunk[:4096])]
                if counts and max(counts) > MAX_CELLS:
                    raise _bad(path, _("it declares {count} different texts, far more than "
                                       "any roster.").format(count=max(counts)))
        if extent is not None:
            extent.check(path, z, info)


_CHUNK = 8 * 1024 * 1024
_OVERLAP = 256  # longer than any reference or declaration the checks look for


def _chunks(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part's bytes in pieces that overlap a little (so nothing the checks look for is
    cut in two), never more than its declared size: a lying directory can't make us inflate
    gigabytes (the standard library stops at the declared size, then checks the CRC)."""
    tail = b""
    with z.open(info) as f:
        while piece := f.read(_CHUNK):
            yield tail + piece
            tail = piece[-_OVERLAP:]


class _Extent:
    """The rows × columns calamine would allocate for a sheet: from its declared dimension
    and from every cell reference (a single cell at XFD1048576 is enough to ask for 512 GB).
    Upper bounds, found with a few scans: rows below 100,000 and columns up to Z need no
    counting."""

    def __init__(self) -> None:
        self.rows, self.cols = 99_999, 26

    @staticmethod
    def refuse(path: Path, rows: int, cols: int) -> BadFile:
        return _bad(path, _("a sheet claims {rows} rows × {cols} columns, far more than any "
                            "roster.").format(rows=rows, cols=cols))

    def scan(self, path: Path, data: bytes) -> None:
        at = data.find(b"dimension")
        while at >= 0:
            if (m := _DIMENSION.match(data, at)) and m.group(3):
                rows = int(m.group(4)) - int(m.group(2)) + 1
                cols = _column_number(m.group(3)) - _column_number(m.group(1)) + 1
                if rows * cols > MAX_CELLS:
                    raise self.refuse(path, rows, cols)
            at = data.find(b"dimension", at + 9)
        found = set(_FAR_REF.findall(data))
        if not found:
            return
        letters = {a or c for a, _digits, c in found} - {b""}
        if any(len(x) > 3 for x in letters):
            raise _bad(path, _("a sheet has cells beyond the last column Excel allows."))
        self.rows = max([self.rows, *(int(d) for _a, d, _c in found if d)])
        self.cols = max([self.cols, *map(_column_number, letters)])

    def check(self, path: Path, z: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        rows = self.rows
        if rows * self.cols > MAX_CELLS and rows == 99_999:  # a wide sheet: count its rows
            rows = max((int(r) for chunk in _chunks(z, info) for r in _ANY_ROW.findall(chunk)),
                       default=1)
        if rows * self.cols > MAX_CELLS:
            raise self.refuse(path, rows, self.cols)


# --- reading --------------------------------------------------------------------------------


def read_sheet(path: Path, sheet: str | int = 0,
               cancelled: Callable[[], bool] | None = None) -> RawSheet:
    """Read one sheet (by name or position) of a roster file. Raises :class:`BadFile`.
    ``cancelled`` is asked now and then while the child parses (the child is then ended)."""
    path = Path(path)
    kind = sniff(path)
    if kind == "csv":
        return _read_csv(path)
    result = _in_child(path, kind, sheet, cancelled)
    if "error" in result:
        raise _bad(path, result["error"])
    return RawSheet(file=path.name, sheet=result["sheet"], columns=result["columns"],
                    sheet_names=result["sheet_names"], merged=result["merged"])


def _in_child(path: Path, kind: str, sheet: str | int,
              cancelled: Callable[[], bool] | None) -> dict[str, Any]:
    """Parse in a separate process while the file is checked here (see the module
    docstring). The child writes its JSON answer to a temporary file: no pipe to fill."""
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(child_command([str(path), json.dumps(sheet)]),
                                 stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=subprocess.DEVNULL, **_no_window())
        try:
            check_file(path, kind)
            returncode = _wait(child, cancelled)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        if returncode is None:
            return {"error": _("reading took too long; the file may be damaged.")}
        out.seek(0)
        answer = out.read()
    if returncode != 0 or not answer:
        return {"error": _("the file is damaged or too large to read.")}
    try:
        not_finite: list[str] = []  # NaN, infinity: no spreadsheet program writes them
        result: dict[str, Any] = json.loads(answer, parse_constant=not_finite.append)
        if not_finite:
            return {"error": _("it holds numbers no spreadsheet program writes (not a number, "
                               "or infinite): the file is damaged or was made by a faulty "
                               "program.")}
        if "error_detail" in result:
            return {"error": _("the file is damaged or not a spreadsheet ({detail}).").format(
                detail=result["error_detail"])}
        _restore_kinds(result["columns"], result.pop("kinds"))
    except (ValueError, KeyError, TypeError, IndexError):
        return {"error": _("the file is damaged or too large to read.")}
    result["merged"] = [tuple(tuple(corner) for corner in m) for m in result["merged"]]
    return result


def _wait(child: subprocess.Popen[bytes], cancelled: Callable[[], bool] | None) -> int | None:
    """The child's exit code; None when it ran out of time. Ends it if the user cancels
    (then ``cancelled`` raises, as Progress.check does, or we raise Cancelled)."""
    from ..progress import Cancelled

    deadline = clock.monotonic() + CHILD_TIMEOUT_S
    while True:
        try:
            return child.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            if cancelled is not None and cancelled():
                raise Cancelled() from None
            if clock.monotonic() > deadline:
                return None


def _parse(path: str, sheet: str | int) -> dict[str, Any]:
    """Calamine's reading of one sheet, or ``error_detail``; never raises."""
    try:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(path)
        names = list(workbook.sheet_names)
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise ValueError(f"no sheet {sheet + 1}")
            name = names[sheet]
        else:
            name = sheet
        data = workbook.get_sheet_by_name(name)
        if data.total_height * data.total_width > MAX_CELLS:
            raise ValueError(f"{data.total_height} × {data.total_width} cells")
        return {"sheet": name, "sheet_names": names,
                "rows": data.to_python(skip_empty_area=False),
                "merged": list(data.merged_cell_ranges or [])}
    except BaseException as error:  # calamine panics are BaseExceptions
        if isinstance(error, KeyboardInterrupt):
            raise
        return {"error_detail": f"{type(error).__name__}: {error}"[:300]}


def child_command(args: list[str]) -> list[str]:
    """How to start the reading child: the frozen program runs itself with a marker
    argument (see ui.launch); from source, Python runs the module."""
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_MARKER, *args]
    return [sys.executable, "-m", "unionapp.rosters.reading", *args]


CHILD_MARKER = "--read-sheet-child"


def _no_window() -> dict[str, Any]:
    if sys.platform == "win32":  # no console window flashing up in the GUI
        return {"creationflags": subprocess.CREATE_NO_WINDOW}  # type: ignore[attr-defined]
    return {}


# The answer crosses the process boundary as JSON, a column at a time: a column of text and
# numbers (most of them) goes as it is, with no Python code per cell on either side; a column
# holding dates goes as ISO text with a mask saying which cells were dates.
_PLAIN = frozenset((str, float, int, bool, type(None)))
_KINDS = {datetime: ("T", datetime.fromisoformat), date: ("D", date.fromisoformat),
          time: ("H", time.fromisoformat)}
_FROM_KIND = {mark: parse for mark, parse in _KINDS.values()}
_MARK = {kind: mark for kind, (mark, _parse) in _KINDS.items()}


def _columns(rows: list[list[Any]]) -> tuple[list[Any], dict[str, str]]:
    """The cells by column, and for each column holding dates (or other values JSON has no
    type for) a mask: one character per cell, "." for a plain one."""
    columns: list[Any] = by_column(rows)
    kinds: dict[str, str] = {}
    for index, column in enumerate(columns):
        if set(map(type, column)) <= _PLAIN:
            continue
        kinds[str(index)] = "".join(map(_MARK.get, map(type, column), repeat(".")))
        columns[index] = [c if c.__class__ in _PLAIN else c.isoformat()
                          if c.__class__ in _KINDS else str(c) for c in column]
    return columns, kinds


def _restore_kinds(columns: list[list[Any]], kinds: dict[str, str]) -> None:
    """The dates back into their columns."""
    height = len(columns[0]) if columns else 0
    if any(len(c) != height for c in columns):
        raise ValueError("columns of different lengths")
    for index, mask in kinds.items():
        column = columns[int(index)]
        if len(mask) != height:
            raise ValueError("mask")
        columns[int(index)] = [v if m == "." else _FROM_KIND[m](v)
                               for m, v in zip(mask, column, strict=True)]


def child_main(args: list[str]) -> int:
    """Runs in the child process: parse with calamine, print the cells as JSON."""
    gc.disable()  # a short life with millions of cells and no cycles: nothing to collect
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    except (ImportError, ValueError, OSError):  # Windows has no rlimit
        pass
    answer = _parse(args[0], json.loads(args[1]))
    if "rows" in answer:
        answer["columns"], answer["kinds"] = _columns(answer.pop("rows"))
    out = json.dumps(answer, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.buffer.write(out.encode("utf-8", "surrogatepass"))
    sys.stdout.flush()
    return 0


# --- CSV ---------------------------------------------------------------------------------

_SCORED_BYTES = 256 * 1024  # enough text to tell code pages apart


def _decode(path: Path, raw: bytes) -> tuple[str, str, str | None]:
    """(text, code page, legacy encoding) of a CSV file's bytes.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are recognised for sure. Old
    Vietnamese Windows files are 8-bit: code page 1258 (Vietnamese), or 1252 holding text
    typed with the TCVN3 or VNI fonts. Code page 1258 accepts nearly every byte those fonts
    use, so trying it first would turn "Thị" into "Th̃": each reading is scored instead — how
    many of its accented words are Vietnamese syllables — and the best one wins."""
    from . import legacy  # not at the top: the reading child never needs it

    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return raw.decode("utf-16"), "utf-16", None
        except UnicodeDecodeError:
            raise _bad(path, _("its text encoding is not recognised.")) from None
    try:
        return raw.decode("utf-8-sig"), "utf-8", None
    except UnicodeDecodeError:
        pass
    sample = raw[:_SCORED_BYTES]
    readings: list[tuple[int, int, str, str | None]] = []  # (score, preference, page, legacy)
    with contextlib.suppress(UnicodeDecodeError):  # bytes code page 1258 doesn't have
        readings.append((legacy.vietnamese_score(sample.decode("cp1258")), 3, "cp1258", None))
    western = sample.decode("cp1252", "replace")
    readings.append((legacy.vietnamese_score(western), 2, "cp1252", None))
    for preference, encoding in enumerate(legacy.ENCODINGS):
        readings.append((legacy.vietnamese_score(legacy.convert(western, encoding)),
                         preference, "cp1252", encoding))
    _score, _preference, page, legacy_encoding = max(readings)
    try:
        return raw.decode(page), page, legacy_encoding
    except UnicodeDecodeError:  # bytes the code page leaves undefined: keep them as Latin-1
        return raw.decode("latin-1"), "latin-1", legacy_encoding


def _read_csv(path: Path) -> RawSheet:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _bad(path, _("it is not a spreadsheet."))
    text, encoding, legacy_hint = _decode(path, raw)
    sample = text[:20_000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # newline="": the csv module sees every line ending as written, \r\n, \n or the old
    # Mac's \r alone (Excel's "CSV (Macintosh)"), and reads them all.
    try:
        rows: list[list[Cell]] = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error:
        raise _bad(path, _("a cell is longer than {count} characters or the file is not a "
                           "real CSV table.").format(count=f"{csv.field_size_limit():,}"
                                                     .replace(",", "."))) from None
    return RawSheet(file=path.name, sheet=path.stem, columns=by_column(rows),
                    sheet_names=[path.stem],
                    encoding=encoding, legacy_hint=legacy_hint)


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
