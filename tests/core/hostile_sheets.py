"""Crafted and damaged spreadsheets (issue 17, points 3 and 14): each is built here from a
small valid workbook, so what is wrong with it can be read in one place. Every one of them
broke the import once (a crash of the whole program, or a traceback); each must now be
refused with a plain message and exit code 2."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import xlsxwriter

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
NAME_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c></row>'


def _base(path: Path) -> Path:
    base = path.with_name(path.stem + ".base.xlsx")
    wb = xlsxwriter.Workbook(str(base))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["Họ và tên", "Năm sinh"])
    ws.write_row(1, 0, ["Lê Văn A", 1980])
    wb.close()
    return base


def _rewrite(path: Path, parts: dict[str, str | bytes | None],
             compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """The base workbook with some parts replaced (None: left out) or added."""
    base = _base(path)
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", compression) as dst:
        for item in src.infolist():
            if item.filename in parts:
                data = parts.pop(item.filename)
                if data is not None:
                    dst.writestr(item.filename, data)
            else:
                dst.writestr(item, src.read(item))
        for name, data in parts.items():
            if data is not None:
                dst.writestr(name, data)
    base.unlink()
    return path


def _sheet(rows: str, before: str = "") -> str:
    return f"{HEAD}{before}<sheetData>{NAME_ROW}{rows}</sheetData></worksheet>"


def far_cell_single_quotes(path: Path) -> Path:
    """The file that took the program down (SIGABRT in calamine): valid XML, the guard of
    the time looked for double quotes only."""
    return _rewrite(path, {SHEET: _sheet("<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>")})


def far_cell_spaced(path: Path) -> Path:
    return _rewrite(path, {SHEET: _sheet('<row r="1048576"><c\n  r = "XFD1048576" ><v>1</v>'
                                         '</c></row>')})


def far_dimension_single_quotes(path: Path) -> Path:
    return _rewrite(path, {SHEET: _sheet("", before="<dimension ref = 'A1:XFD1048576'/>")})


def one_cell_at_z999999(path: Path) -> Path:
    """1.15 GB for a single cell."""
    return _rewrite(path, {SHEET: _sheet('<row r="999999"><c r="Z999999"><v>1</v></c></row>')})


def four_billion_shared_texts(path: Path) -> Path:
    """calamine reserves room for every declared text: 96 GB."""
    return _rewrite(path, {STRINGS: '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://'
                                    'schemas.openxmlformats.org/spreadsheetml/2006/main" count='
                                    '"4000000000" uniqueCount=\'4000000000\'><si><t>Họ và tên'
                                    '</t></si></sst>'})


def shared_text_index_past_the_end(path: Path) -> Path:
    return _rewrite(path, {SHEET: _sheet('<row r="2"><c r="A2" t="s"><v>4294967295</v></c>'
                                         '</row>')})


def no_sheets(path: Path) -> Path:
    return _rewrite(path, {"xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://'
                                              'schemas.openxmlformats.org/spreadsheetml/2006/'
                                              'main"><sheets/></workbook>'})


def missing_sheet_part(path: Path) -> Path:
    return _rewrite(path, {SHEET: None})


def external_link(path: Path) -> Path:
    """A formula pointing into another workbook, with its link part missing."""
    return _rewrite(path, {SHEET: _sheet('<row r="2"><c r="A2"><f>[1]Sheet1!A1</f></c></row>'),
                           "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships '
                           'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                           '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/'
                           'officeDocument/2006/relationships/externalLink" Target="externalLinks'
                           '/externalLink1.xml"/></Relationships>'})


def dtd_after_4_kb(path: Path) -> Path:
    padding = "<!--" + "x" * 5000 + "-->"
    doctype = '<!DOCTYPE x [<!ENTITY e "e">]>'
    return _rewrite(path, {SHEET: '<?xml version="1.0"?>' + padding + doctype + _sheet("")
                           .split("\n", 1)[1]})


def flipped_bits(path: Path) -> Path:
    _base(path).rename(path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(start + 10, start + info.compress_size - 10, 7):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def lying_directory(path: Path) -> Path:
    """A sheet that inflates to far more than its directory entry says (a 2 MB file that
    reached 2.19 GB before "Bad CRC-32")."""
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Lê Văn {r}</t></is></c></row>'
                   for r in range(2, 200_000))
    _rewrite(path, {SHEET: _sheet(rows)})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(SHEET)
    # The sheet's entry in the central directory: its declared size shrunk.
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = int.from_bytes(data[at + 28:at + 30], "little")
        if data[at + 46:at + 46 + name_length] == SHEET.encode():
            data[at + 24:at + 28] = (1000).to_bytes(4, "little")  # uncompressed size
            break
        at = data.find(b"PK\x01\x02", at + 4)
    assert at >= 0 and info.file_size > 1000
    path.write_bytes(bytes(data))
    return path


def not_a_number(path: Path) -> Path:
    """Numbers no spreadsheet program writes: NaN, infinity, 1e400."""
    return _rewrite(path, {SHEET: _sheet('<row r="2"><c r="A2" t="inlineStr"><is><t>Lê Văn A'
                                         '</t></is></c><c r="B2"><v>1e400</v></c></row>'
                                         '<row r="3"><c r="A3" t="inlineStr"><is><t>Lê Văn B'
                                         '</t></is></c><c r="B3"><v>NaN</v></c></row>')})


def csv_long_field(path: Path) -> Path:
    path = path.with_suffix(".csv")
    path.write_text("Họ và tên,Ghi chú\nLê Văn A,\"" + "x" * 200_000 + "\"\n", encoding="utf-8")
    return path


HOSTILE: dict[str, Callable[[Path], Path]] = {
    f.__name__: f for f in (far_cell_single_quotes, far_cell_spaced, far_dimension_single_quotes,
                            one_cell_at_z999999, four_billion_shared_texts,
                            shared_text_index_past_the_end, no_sheets, missing_sheet_part,
                            external_link, dtd_after_4_kb, flipped_bits, lying_directory,
                            not_a_number, csv_long_field)
}


def make(kind: str, folder: Path) -> Path:
    return HOSTILE[kind](folder / f"{kind}.xlsx")
