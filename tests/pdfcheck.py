"""Checking PDFs the way a reader would, with poppler: fonts, text, pages, images."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import need_tool


@dataclass(frozen=True)
class PdfFont:
    name: str
    embedded: bool
    subset: bool


def pdf_fonts(path: Path) -> list[PdfFont]:
    lines = subprocess.run([need_tool("pdffonts"), str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()  # … emb sub uni object-id generation
        fonts.append(PdfFont(parts[0], parts[-5] == "yes", parts[-4] == "yes"))
    return fonts


def assert_fonts_embedded(path: Path) -> None:
    fonts = pdf_fonts(path)
    assert fonts, "no fonts at all"
    assert all(f.embedded and f.subset for f in fonts), fonts
    assert not any("Helvetica" in f.name or "Times" in f.name for f in fonts), fonts


def pdf_text(path: Path, *, page: int | None = None) -> str:
    """The text poppler reads back, NFC-normalised."""
    args = [need_tool("pdftotext"), "-enc", "UTF-8", "-layout"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    out = subprocess.run([*args, str(path), "-"], capture_output=True, text=True,
                         encoding="utf-8", check=True).stdout
    return unicodedata.normalize("NFC", out)


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run([need_tool("pdfinfo"), str(path)], capture_output=True, text=True,
                         check=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines()
                                              if ":" in line)}


def pdf_pages(path: Path) -> int:
    return int(pdf_info(path)["Pages"])


def page_size_mm(path: Path) -> tuple[float, float]:
    m = re.match(r"([\d.]+) x ([\d.]+) pts", pdf_info(path)["Page size"])
    assert m, pdf_info(path)
    return float(m.group(1)) * 25.4 / 72, float(m.group(2)) * 25.4 / 72
