"""Reading a spreadsheet a clerk hands us, safely: .xlsx, .xls, .ods and .csv.

Files are untrusted. Before anything parses them we check their size and what they really
are (a renamed Word document is named as such) and refuse XML that declares a DTD (entity
expansion). Parsing is python-calamine's (~6× faster than openpyxl), which allocates a sheet's
whole extent up front: a file whose used range reaches ``XFD1048576`` makes it ask for 512 GB
and abort the process — uncatchably. So:
- an .xlsx (the common and the big case) has its sheets' real extent checked first — the
  declared ``<dimension>`` and the row and column of every cell reference — and is parsed
  in-process only when that extent is sane;
- .xls and .ods, whose extents we can't cheaply check, are parsed in a **child process**
  (with a memory limit where the system has one): a crash there costs the child, not the
  program, and its answer is JSON, so it can hand back nothing but data.

Cells come back as calamine gives them (text, numbers, dates), never evaluated: formulas are
read as their last cached value, which is data, not code. The leading zero of a CCCD typed as
text stays, since nothing is converted here; the parser decides what each column means.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..i18n import _

MAX_FILE_BYTES = 60 * 1024 * 1024  # a 100,000-member roster is about 8 MB
MAX_CELLS = 30_000_000  # rows × columns calamine may allocate (~1 GB)
MAX_UNCOMPRESSED = 800 * 1024 * 1024
MAX_RATIO = 200  # zip bombs compress far better than any real workbook
CHILD_MEMORY = 4 * 1024**3
CHILD_TIMEOUT_S = 600

Cell = str | float | int | bool | date | datetime | time | None


@dataclass
class RawSheet:
    """The cells of one sheet; ``rows[i]`` is sheet row ``i + 1``."""

    file: str
    sheet: str
    rows: list[list[Cell]]
    sheet_names: list[str] = field(default_factory=list)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    encoding: str | None = None  # for CSV: how the bytes were decoded


class BadFile(UserError):
    """A file we won't or can't read; the message names it and says why."""


def _bad(path: Path, reason: str) -> BadFile:
    return BadFile(_("Can't read {name}: {reason}").format(name=path.name, reason=reason))


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


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "word/document.xml" in names:
                raise _bad(path, _("it is a Word document, not a spreadsheet."))
            if "ppt/presentation.xml" in names:
                raise _bad(path, _("it is a PowerPoint presentation, not a spreadsheet."))
            if "xl/workbook.xml" in names:
                _check_package(path, z)
                return "xlsx"
            if "content.xml" in names and "mimetype" in names:
                if b"spreadsheet" not in z.read("mimetype"):
                    raise _bad(path, _("it is not a spreadsheet."))
                _check_package(path, z)
                return "ods"
    except zipfile.BadZipFile:
        raise _bad(path, _("the file is damaged or incomplete.")) from None
    raise _bad(path, _("it is not a spreadsheet."))


_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _check_package(path: Path, z: zipfile.ZipFile) -> None:
    """Refuse zip bombs, DTDs and absurd sheet extents before a parser sees the file."""
    total = 0
    for info in z.infolist():
        total += info.file_size
        if info.file_size > MAX_UNCOMPRESSED or total > MAX_UNCOMPRESSED or (
            info.compress_size and info.file_size / info.compress_size > MAX_RATIO
            and info.file_size > 10 * 1024 * 1024
        ):
            raise _bad(path, _("its contents are far larger than the file (a “zip bomb”)."))
        if info.filename.endswith((".xml", ".rels")):
            with z.open(info) as f:
                head = f.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise _bad(path, _("it contains a document type declaration (DTD), which "
                                   "spreadsheets never need and attacks use."))
            if info.filename.startswith("xl/worksheets/") and (m := _DIMENSION.search(head)) \
                    and m.group(3):
                    rows = int(m.group(4)) - int(m.group(2)) + 1
                    cols = _column_number(m.group(3)) - _column_number(m.group(1)) + 1
                    if rows * cols > MAX_CELLS:
                        raise _bad(path, _("a sheet claims {rows} rows × {cols} columns, far "
                                           "more than any roster.").format(rows=rows, cols=cols))


# --- reading --------------------------------------------------------------------------------


def read_sheet(path: Path, sheet: str | int = 0) -> RawSheet:
    """Read one sheet (by name or position) of a roster file. Raises :class:`BadFile`."""
    path = Path(path)
    kind = sniff(path)
    if kind == "csv":
        return _read_csv(path)
    if kind == "xlsx":
        _check_xlsx_extent(path)
        result = _parse(str(path), sheet)
    else:
        result = _in_child(path, sheet)
    if "error" in result:
        raise _bad(path, result["error"])
    return RawSheet(file=path.name, sheet=result["sheet"], rows=result["rows"],
                    sheet_names=result["sheet_names"], merged=result["merged"])


def _in_child(path: Path, sheet: str | int) -> dict[str, Any]:
    """Parse in a separate process (see the module docstring); its answer is JSON, so even a
    child that went wrong can't hand the program anything but data."""
    command = child_command([str(path), json.dumps(sheet)])
    try:
        done = subprocess.run(command, capture_output=True, timeout=CHILD_TIMEOUT_S,
                              stdin=subprocess.DEVNULL, **_no_window())
    except subprocess.TimeoutExpired:
        return {"error": _("reading took too long; the file may be damaged.")}
    if done.returncode != 0 or not done.stdout:
        return {"error": _("the file is damaged or too large to read.")}
    try:
        result: dict[str, Any] = json.loads(done.stdout)
    except ValueError:
        return {"error": _("the file is damaged or too large to read.")}
    if "error_detail" in result:
        return {"error": _("the file is damaged or not a spreadsheet ({detail}).").format(
            detail=result["error_detail"])}
    result["rows"] = [[_from_json(cell) for cell in row] for row in result["rows"]]
    result["merged"] = [tuple(tuple(corner) for corner in m) for m in result["merged"]]
    return result


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


# Attribute r="…" of cells (letters and digits) and rows (digits). Simple patterns that start
# with a literal run fast over tens of megabytes.
_TOO_WIDE = re.compile(rb' r="[A-Z]{4,}\d')
_LONG_ROWS = re.compile(rb' r="[A-Z]{0,3}(\d{6,})"')  # references from row 100000 on
_COLUMNS = {n: re.compile(rb' r="([A-Z]{%d})\d' % n) for n in (3, 2)}


def _check_xlsx_extent(path: Path) -> None:
    """The rows × columns calamine would allocate for each sheet, from every cell reference
    (a single cell at XFD1048576 is enough to ask for 512 GB). Upper bounds, found with a few
    scans of the sheet's XML: rows below 100,000 and columns up to Z need no counting."""
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            data = z.read(info)
            if _TOO_WIDE.search(data):
                raise _bad(path, _("a sheet has cells beyond the last column Excel allows."))
            rows = max((int(r) for r in _LONG_ROWS.findall(data)), default=99_999)
            cols = 26
            for pattern in _COLUMNS.values():
                found = pattern.findall(data)
                if found:
                    cols = _column_number(max(found))
                    break
            if rows * cols > MAX_CELLS:
                raise _bad(path, _("a sheet claims {rows} rows × {cols} columns, far more than "
                                   "any roster.").format(rows=rows, cols=cols))


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


def _to_json(cell: Any) -> Any:
    if isinstance(cell, datetime):
        return {"dt": cell.isoformat()}
    if isinstance(cell, date):
        return {"d": cell.isoformat()}
    if isinstance(cell, time):
        return {"t": cell.isoformat()}
    if isinstance(cell, str | int | float | bool) or cell is None:
        return cell
    return str(cell)  # e.g. a duration: keep it readable


def _from_json(cell: Any) -> Cell:
    if isinstance(cell, dict):
        if "d" in cell:
            return date.fromisoformat(cell["d"])
        if "dt" in cell:
            return datetime.fromisoformat(cell["dt"])
        if "t" in cell:
            return time.fromisoformat(cell["t"])
        return None
    return cell  # type: ignore[no-any-return]


def child_main(args: list[str]) -> int:
    """Runs in the child process: parse with calamine, print the cells as JSON."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    except (ImportError, ValueError, OSError):  # Windows has no rlimit
        pass
    answer = _parse(args[0], json.loads(args[1]))
    if "rows" in answer:
        answer["rows"] = [[_to_json(c) for c in row] for row in answer["rows"]]
    out = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    sys.stdout.buffer.write(out)
    sys.stdout.flush()
    return 0


# --- CSV ---------------------------------------------------------------------------------


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else (
        "utf-8-sig",
    ):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    # Old Vietnamese Windows files: code page 1258 (falls back to 1252 for legacy fonts).
    for encoding in ("cp1258", "cp1252"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise _bad(path, _("its text encoding is not recognised."))


def _read_csv(path: Path) -> RawSheet:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _bad(path, _("it is not a spreadsheet."))
    text, encoding = _decode(path, raw)
    sample = text[:20_000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[Cell]] = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    return RawSheet(file=path.name, sheet=path.stem, rows=rows, sheet_names=[path.stem],
                    encoding=encoding)


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
