"""Spreadsheets we write open in LibreOffice and never carry formulas."""

from __future__ import annotations

import csv
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import need_tool
from unionapp.spreadsheets import Sheet, neutralise, write_csv, write_table, write_xlsx

HOSTILE = ["=1+1", "+84912345678", "-2", "@SUM(A1)", "\tx", "=HYPERLINK(\"http://x\",\"y\")"]


def _sheet() -> Sheet:
    rows = [["Nguyễn Thị Thu Hằng", date(1985, 3, 12), "056652231581", 1_500_000]]
    rows += [[text, None, "", 0] for text in HOSTILE]
    return Sheet(headers=["Họ và tên", "Ngày sinh", "Số CCCD", "Số tiền"], rows=rows,
                 title_lines=["CÔNG ĐOÀN CƠ SỞ THỬ NGHIỆM", "DANH SÁCH"],
                 widths=[30, 12, 16, 14], money_columns={3})


def test_neutralise() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("Nguyễn") == "Nguyễn"


def test_xlsx_keeps_text_as_text(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    assert write_xlsx(path, _sheet()) == 1 + len(HOSTILE)
    ws = openpyxl.load_workbook(path).active
    cells = {c.value for row in ws.iter_rows() for c in row}
    assert "056652231581" in cells  # the leading zero survives
    for text in HOSTILE:
        assert text in cells
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    assert ws.freeze_panes == "A5"  # two title lines, a blank line, the header


def test_csv_has_bom_and_neutralised_cells(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    write_csv(path, _sheet())
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    assert rows[1][:3] == ["Nguyễn Thị Thu Hằng", "12/03/1985", "056652231581"]
    assert [r[0] for r in rows[2:]] == ["'" + t for t in HOSTILE]


def test_written_files_open_in_libreoffice(tmp_path: Path) -> None:
    soffice = need_tool("soffice")
    source = tmp_path / "roster.xlsx"
    write_table(source, _sheet())
    out = tmp_path / "out"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir",
                    str(out), str(source)], check=True, capture_output=True, timeout=180)
    text = (out / "roster.csv").read_text(encoding="utf-8")
    assert "Nguyễn Thị Thu Hằng" in text and "056652231581" in text
    assert "=1+1" in text and "@SUM(A1)" in text  # shown as typed, not computed


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    from unionapp.errors import UserError

    with pytest.raises(UserError):
        write_table(tmp_path / "a.doc", _sheet())
