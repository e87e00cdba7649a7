"""The shared PDF basics: fonts embedded (no stray Helvetica), Vietnamese text survives."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import Paragraph

from tests.pdfcheck import assert_fonts_embedded, page_size_mm, pdf_text
from unionapp.pdf import SERIF_BOLD, new_canvas, new_document, nfc, style

NAMES = ["Nguyễn Thị Thu Hằng", "Đặng Văn Đức", "Trương Thị Ngọc Ữ", "Lưu Quốc Mỗ",
         "Phạm Thị Ưng Ơn"]


def test_canvas_embeds_its_fonts_and_keeps_vietnamese(tmp_path: Path) -> None:
    path = tmp_path / "c.pdf"
    c = new_canvas(path, landscape(A4))
    c.setFont(SERIF_BOLD, 20)
    for i, name in enumerate(NAMES):  # given decomposed, drawn composed
        c.drawString(50, 500 - 30 * i, nfc(unicodedata.normalize("NFD", name)))
    c.showPage()
    c.save()
    assert_fonts_embedded(path)
    text = pdf_text(path)
    for name in NAMES:
        assert name in text
    width, height = page_size_mm(path)
    assert (round(width), round(height)) == (297, 210)


def test_document_embeds_its_fonts(tmp_path: Path) -> None:
    path = tmp_path / "d.pdf"
    doc = new_document(path, A4)
    doc.build([Paragraph(nfc(n), style("body")) for n in NAMES])
    assert_fonts_embedded(path)
    assert "Trương Thị Ngọc Ữ" in pdf_text(path)
