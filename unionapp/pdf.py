"""PDF basics every printed paper shares (certificates, signature lists, slips, reports).

- One Times-compatible font with full Vietnamese coverage (Liberation Serif, SIL OFL, in
  ``resources/fonts/``), embedded and subset by ReportLab, and set as each document's
  *initial* font: otherwise ReportLab refers to an unembedded Helvetica on every page.
- Text is drawn NFC: decomposed marks render overlapped.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from array import array
from pathlib import Path
from typing import IO, Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from .resources import resource

SERIF = "LiberationSerif"
SERIF_BOLD = "LiberationSerif-Bold"
SERIF_ITALIC = "LiberationSerif-Italic"
SERIF_BOLD_ITALIC = "LiberationSerif-BoldItalic"
_FILES = {
    SERIF: "LiberationSerif-Regular.ttf",
    SERIF_BOLD: "LiberationSerif-Bold.ttf",
    SERIF_ITALIC: "LiberationSerif-Italic.ttf",
    SERIF_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}
_registered = False


def register_fonts() -> None:
    """Register the embedded fonts with ReportLab (once per process)."""
    global _registered
    if _registered:
        return
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource("fonts", filename))))
    pdfmetrics.registerFontFamily(SERIF, normal=SERIF, bold=SERIF_BOLD, italic=SERIF_ITALIC,
                                  boldItalic=SERIF_BOLD_ITALIC)
    _registered = True


def nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


Target = str | Path | IO[bytes]


def new_canvas(target: Target, pagesize: tuple[float, float], **kwargs: Any) -> Canvas:
    """A canvas whose initial font is the embedded serif (see the module docstring)."""
    register_fonts()
    return Canvas(target if not isinstance(target, Path) else str(target), pagesize=pagesize,
                  initialFontName=SERIF, initialFontSize=12, pageCompression=1, **kwargs)


def new_document(target: Target, pagesize: tuple[float, float], **kwargs: Any) -> SimpleDocTemplate:
    """A platypus document (tables, long lists) with the same initial font."""
    register_fonts()
    return SimpleDocTemplate(target if not isinstance(target, Path) else str(target),
                             pagesize=pagesize, initialFontName=SERIF, initialFontSize=12,
                             **kwargs)


def style(name: str, *, size: float = 12, bold: bool = False, italic: bool = False,
          align: int = 0, leading: float | None = None, **kwargs: Any) -> ParagraphStyle:
    """A paragraph style in the embedded serif (align: 0 left, 1 centre, 2 right, 4 justify)."""
    register_fonts()
    font = {(False, False): SERIF, (True, False): SERIF_BOLD, (False, True): SERIF_ITALIC,
            (True, True): SERIF_BOLD_ITALIC}[(bold, italic)]
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.25,
                          alignment=align, **kwargs)


# --- joining the parts of a long run ------------------------------------------------------------

_XREF_AT = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_ROWS = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_OBJ_HEAD = re.compile(rb"\s*(\d+) 0 obj\s*")
_STREAM = re.compile(rb">>\s*stream\r?\n")
_REF = re.compile(rb"(\d+) 0 R\b")
_TRAILER_REF = re.compile(rb"/(Root|Info|Encrypt) (\d+) 0 R")
_PAGES_REF = re.compile(rb"/Pages (\d+) 0 R")
_KIDS = re.compile(rb"/Kids\s*\[([^\]]*)\]")


def _objects(data: bytes) -> tuple[dict[int, bytes], dict[bytes, int]]:
    """The objects of a PDF with a classic cross-reference table (what ReportLab writes),
    by number, each as the bytes between ``N 0 obj`` and ``endobj``; and the trailer's
    references."""
    at = _XREF_AT.search(data[-64:])
    if at is None:
        raise ValueError("not a PDF with a cross-reference table at its end")
    xref = int(at.group(1))
    if data[xref:xref + 4] != b"xref":
        raise ValueError("cross-reference streams are not supported")
    trailer_at = data.index(b"trailer", xref)
    head = data[xref + 4:trailer_at].split(None, 2)
    first = int(head[0])
    offsets = {first + i: int(m.group(1)) for i, m in enumerate(_XREF_ROWS.finditer(head[2]))
               if m.group(3) == b"n"}
    ordered = sorted(offsets.items(), key=lambda item: item[1])
    bodies = {}
    for (number, start), (_next, end) in zip(ordered, [*ordered[1:], (0, xref)], strict=True):
        chunk = data[start:end]
        m = _OBJ_HEAD.match(chunk)
        if m is None or int(m.group(1)) != number:
            raise ValueError(f"object {number} is not where the table says")
        bodies[number] = chunk[m.end():chunk.rindex(b"endobj")].rstrip()
    trailer = {k.decode(): int(v) for k, v in _TRAILER_REF.findall(data[trailer_at:])}
    return bodies, trailer


def _text_string(text: str) -> bytes:
    return b"<FEFF" + nfc(text).encode("utf-16-be").hex().upper().encode() + b">"


def join_pdfs(parts: list[Path], out: Path, *, title: str = "", author: str = "") -> int:
    """Write the pages of ``parts`` (PDFs that ReportLab made: classic cross-reference
    table, one flat page tree, no encryption) one after the other into ``out``. Returns the
    number of pages.

    Why not a library: ReportLab keeps every page of a document until it saves it, and the
    PDF libraries at hand build the whole joined document in memory before writing it
    (pypdfium2 +34 MB, pikepdf +135 MB for 10,000 certificates). Copying the objects of one
    part at a time, renumbered, keeps memory flat however long the run."""
    catalog, pages_tree, info = 1, 2, 3
    offsets = array("q", [0, 0, 0, 0])  # by object number; 0 is the free head
    kids = array("q")
    with open(out, "wb") as f:
        f.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        for part in parts:
            bodies, trailer = _objects(Path(part).read_bytes())
            if "Encrypt" in trailer or "Root" not in trailer:
                raise ValueError(f"{part}: encrypted or without a catalogue")
            m = _PAGES_REF.search(bodies[trailer["Root"]])
            if m is None:
                raise ValueError(f"{part}: no page tree")
            old_tree = int(m.group(1))
            skip = {trailer["Root"], trailer.get("Info", -1), old_tree}
            renumber = {old_tree: pages_tree}
            for number in sorted(bodies):
                if number not in skip:
                    renumber[number] = len(offsets)
                    offsets.append(0)

            def new_ref(ref: re.Match[bytes], renumber: dict[int, int] = renumber) -> bytes:
                return b"%d 0 R" % renumber[int(ref.group(1))]

            kids_m = _KIDS.search(bodies[old_tree])
            assert kids_m is not None
            for ref in _REF.finditer(kids_m.group(1)):
                page = int(ref.group(1))
                if b"/Type /Page" not in bodies[page] or b"/Type /Pages" in bodies[page]:
                    raise ValueError(f"{part}: the page tree is not flat")
                kids.append(renumber[page])
            for number, body in bodies.items():
                if number in skip:
                    continue
                stream = _STREAM.search(body)
                cut = stream.start() if stream else len(body)
                offsets[renumber[number]] = f.tell()
                f.write(b"%d 0 obj\n" % renumber[number])
                f.write(_REF.sub(new_ref, body[:cut]))
                f.write(body[cut:])
                f.write(b"\nendobj\n")
        offsets[catalog] = f.tell()
        f.write(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /PageMode /UseNone >>\nendobj\n")
        offsets[pages_tree] = f.tell()
        f.write(b"2 0 obj\n<< /Type /Pages /Count %d /Kids [" % len(kids))
        for start in range(0, len(kids), 1000):
            f.write(b"".join(b" %d 0 R" % k for k in kids[start:start + 1000]))
        f.write(b" ] >>\nendobj\n")
        offsets[info] = f.tell()
        f.write(b"3 0 obj\n<< /Title " + _text_string(title) + b" /Author "
                + _text_string(author) + b" /Creator (unionapp) /Producer (ReportLab) >>"
                b"\nendobj\n")
        xref = f.tell()
        f.write(b"xref\n0 %d\n0000000000 65535 f \n" % len(offsets))
        for start in range(1, len(offsets), 1000):
            f.write(b"".join(b"%010d 00000 n \n" % o for o in offsets[start:start + 1000]))
        ident = hashlib.md5(b"%d %d" % (xref, len(kids)), usedforsecurity=False).hexdigest()
        f.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R /ID [<%s><%s>] >>\n"
                b"startxref\n%d\n%%%%EOF\n" % (len(offsets), ident.encode(), ident.encode(),
                                               xref))
    return len(kids)


# --- names set on several lines ----------------------------------------------------------------

NBSP = "\u00a0"  # ReportLab's paragraphs never break a line here
# Vietnamese writes every syllable apart, so a line may fall inside a word: "PHÁT / TRIỂN".
# These two-syllable words of unit names are kept whole (folded, as search keys).
_COMPOUNDS = frozenset(tuple(pair.split()) for pair in (
    "bao hiem", "benh vien", "buu dien", "cao dang", "chi minh", "co phan", "co so",
    "cong doan", "cong nghe", "cong nghiep", "cong ty", "da khoa", "dai hoc", "dao tao",
    "dich vu", "dien luc", "du lich", "duoc pham", "giao duc", "giao thong", "ha noi",
    "hanh chinh", "ho chi", "hoc vien", "huu han", "ke toan", "khoa hoc", "kinh te",
    "ky thuat", "lam nghiep", "lao dong", "moi truong", "ngan hang", "nghien cuu",
    "ngoai ngu", "nhan dan", "nong nghiep", "phat trien", "phu nu", "quan ly", "quoc gia",
    "quoc te", "san xuat", "su pham", "tai chinh", "tai nguyen", "thanh nien", "thanh pho",
    "thanh vien", "the thao", "thong tin", "thuong mai", "thuy loi", "tong cong",
    "trach nhiem", "trung tam", "trung uong", "truyen thong", "van hoa", "van tai",
    "vien chuc", "vien thong", "xa hoi", "xay dung", "y hoc", "y te"))
# A line may well start with these: the head of a unit's name ("… / VIỆN NGHIÊN CỨU …").
_HEADS = frozenset(("vien", "truong", "benh", "trung", "cong", "tong", "ban", "phong",
                    "khoa", "so", "cuc", "lien", "hoc", "to", "chi"))


def keep_words_together(text: str, font: str, size: float, width: float) -> str:
    """``text`` with non-breaking spaces where a line must not break, so that a paragraph
    of ``width`` points breaks it into even lines at good places: between words, not
    inside one ("PHÁT TRIỂN"), preferably before the head of a unit's name or after
    punctuation, and never leaving one syllable alone."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from .text import fold

    register_fonts()
    words = nfc(text).split()
    if len(words) < 2 or stringWidth(" ".join(words), font, size) <= width:
        return " ".join(words)
    keys = [fold(w) for w in words]
    n = len(words)

    def cost_of_break(i: int) -> float:  # a line break before words[i]
        pair = (keys[i - 1], keys[i])
        cost = 0.0
        if pair in _COMPOUNDS:
            cost += 2 * width ** 2  # only when nothing else fits
        if keys[i] in _HEADS:
            cost -= (0.15 * width) ** 2
        if words[i - 1][-1:] in ",;:)" or words[i] in ("–", "-"):
            cost -= (0.2 * width) ** 2
        return cost

    inf = float("inf")
    best: list[float] = [inf] * (n + 1)  # best[i]: the cheapest way to set words[:i]
    back = [0] * (n + 1)
    best[0] = 0.0
    extra_line = (0.5 * width) ** 2  # one more line costs less than a word cut in two
    for i in range(1, n + 1):
        for j in range(i - 1, -1, -1):
            line = stringWidth(" ".join(words[j:i]), font, size)
            if line > width:
                break
            if best[j] == inf:
                continue
            lonely = (0.5 * width) ** 2 if i - j == 1 else 0.0
            value = (best[j] + (width - line) ** 2 + extra_line + lonely
                     + (cost_of_break(j) if j else 0.0))
            if value < best[i]:
                best[i], back[i] = value, j
    if best[n] == inf:  # a single word wider than the column: leave it to the paragraph
        return " ".join(words)
    lines, i = [], n
    while i:
        j = back[i]
        lines.append(NBSP.join(words[j:i]))
        i = j
    return " ".join(reversed(lines))
