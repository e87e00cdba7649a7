"""The program reads its translation catalogue with a small reader of its own (Babel costs
a tenth of a second at every start); it must read exactly what Babel reads."""

from __future__ import annotations

import io

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from unionapp.i18n import catalogue_path, read_catalogue


def _babel(data: bytes) -> dict[str, str]:
    catalog = read_po(io.BytesIO(data), locale="vi")
    return {str(m.id): str(m.string) for m in catalog
            if m.id and isinstance(m.id, str) and m.string and not m.fuzzy and not m.context}


def test_the_shipped_catalogue_reads_as_babel_reads_it() -> None:
    data = catalogue_path("vi").read_bytes()
    ours = read_catalogue(data.decode("utf-8"))
    assert ours == _babel(data)
    assert len(ours) > 1000


def test_quotes_escapes_long_lines_and_what_is_left_out() -> None:
    catalog = Catalog(locale="vi")
    catalog.add("Plain", "Thường")
    catalog.add('Say "{name}"\tnow\\n', 'Nói "{name}"\tngay\\n')
    catalog.add("Two\nlines", "Hai\ndòng")
    catalog.add("A long message " * 12, "Một câu dài " * 12)  # wrapped over several lines
    catalog.add("Fuzzy", "Chưa chắc", flags=["fuzzy"])
    catalog.add("Untranslated", "")
    catalog.add("In a context", "Trong ngữ cảnh", context="menu")
    catalog.add(("One file", "{count} files"), ("{count} tệp",))
    catalog.obsolete["Gone"] = catalog["Plain"].__class__("Gone", "Đã bỏ")
    out = io.BytesIO()
    write_po(out, catalog, width=40, include_previous=True)
    data = out.getvalue()
    ours = read_catalogue(data.decode("utf-8"))
    assert ours == _babel(data)
    assert ours == {"Plain": "Thường", 'Say "{name}"\tnow\\n': 'Nói "{name}"\tngay\\n',
                    "Two\nlines": "Hai\ndòng", "A long message " * 12: "Một câu dài " * 12}
