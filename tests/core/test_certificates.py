"""Certificates: templates as checked data, rendering read back with poppler, the award
register's serials and print log, printer calibration."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.awardsdata import NAMES, make_decision
from tests.pdfcheck import assert_fonts_embedded, page_size_mm, pdf_pages, pdf_text
from unionapp import awards
from unionapp.certificates import (
    calibration_page,
    load_template,
    print_certificates,
    print_log,
    print_sample,
    printer_offset,
    register_list,
    save_printer_offset,
    template_names,
)
from unionapp.certificates.render import fit
from unionapp.certificates.templates import read_template, user_templates_dir
from unionapp.db import Database, open_database
from unionapp.errors import UserError, ValidationError
from unionapp.models import AuditLog, Certificate, CertificatePrint
from unionapp.progress import Cancelled, Progress
from unionapp.settings import Settings


def _lines(path: Path, page: int) -> list[str]:
    return [line.strip() for line in pdf_text(path, page=page).splitlines() if line.strip()]


def test_shipped_templates_load_with_both_designs() -> None:
    assert {"giay_khen", "bang_khen"} <= set(template_names())
    for name in ("giay_khen", "bang_khen"):
        template = load_template(name)
        assert (template.width, template.height) == (297, 210)
        full, blank = template.designs["full"], template.designs["blank"]
        assert full.border is not None and blank.border is None
        texts = " ".join(e.text for e in full.elements if hasattr(e, "text"))
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts and "{title}" in texts
        blank_texts = " ".join(e.text for e in blank.elements if hasattr(e, "text"))
        assert "{recipient}" in blank_texts and "{title}" not in blank_texts


def test_every_recipient_gets_a_page_with_the_exact_name(db: Database, tmp_path: Path) -> None:
    made = make_decision(db, groups=1)
    out = tmp_path / "gk.pdf"
    summary = print_certificates(db, made.decision, out=out)
    assert summary.pages == pdf_pages(out) == len(NAMES) + 1
    assert (summary.numbered, summary.reprinted) == (len(NAMES) + 1, 0)
    assert_fonts_embedded(out)
    width, height = page_size_mm(out)
    assert (round(width), round(height)) == (297, 210)
    recipients = awards.award_list(db, made.decision).all()
    names = {n for n, _g in NAMES}
    for page, row in enumerate(recipients, start=1):
        lines = _lines(out, page)
        others = names - {row.name}
        assert not any(o in line for o in others for line in lines)
        if row.recipient_type == "person":
            honorific = "Bà" if row.gender == "female" else "Ông"
            assert f"{honorific} {row.name}" in lines  # exactly, NFC, on its own line
        else:
            assert row.name in lines
        assert f"Số vào sổ khen thưởng: {page}/2024" in " ".join(lines)
        assert "Hà Nội, ngày 27 tháng 12 năm 2024" in " ".join(lines)
        assert "GIẤY KHEN" in lines and "Độc lập - Tự do - Hạnh phúc" in " ".join(lines)


def test_serials_are_unique_and_continue_across_runs_reprints_are_logged(
        db: Database, tmp_path: Path) -> None:
    first = make_decision(db, groups=0, names=NAMES[:3])
    one = print_certificates(db, first.decision, out=tmp_path / "a.pdf")
    assert (one.first_serial, one.last_serial) == ("1/2024", "3/2024")
    second = make_decision(db, number="16/QĐ-CĐCS", groups=1, names=NAMES[3:])
    two = print_certificates(db, second.decision, out=tmp_path / "b.pdf")
    assert (two.first_serial, two.last_serial, two.numbered) == ("4/2024", "7/2024", 4)
    # A reprint of part of the first decision: same serials, logged, nothing renumbered.
    chosen = [r.uuid for r in awards.award_list(db, first.decision).all()[1:]]
    again = print_certificates(db, first.decision, out=tmp_path / "c.pdf", award_uuids=chosen,
                               design="blank")
    assert (again.numbered, again.reprinted, again.first_serial) == (0, 2, "2/2024")
    assert "Số vào sổ khen thưởng: 3/2024" in pdf_text(tmp_path / "c.pdf", page=2)
    # A recipient added later gets the next free number.
    late = make_decision(db, number="17/QĐ-CĐCS", groups=0, names=[("Hồ Thị Mới", "female")])
    awards.add_member_recipients(db, first.decision, late.members)
    three = print_certificates(db, first.decision, out=tmp_path / "d.pdf")
    assert (three.numbered, three.reprinted) == (1, 3)
    register = register_list(db).all()
    serials = [e.serial for e in register]
    assert serials == [f"{n}/2024" for n in range(1, 9)] and len(set(serials)) == 8
    by_serial = {e.serial: e for e in register}
    assert by_serial["2/2024"].prints == 3 and by_serial["4/2024"].prints == 1
    log = print_log(db, by_serial["2/2024"].uuid)
    assert [(p.design, p.reprint) for p in log] == [("full", False), ("blank", True),
                                                    ("full", True)]
    # Removing an award keeps its line in the register; its number is not reused.
    awards.remove_awards(db, [awards.award_list(db, first.decision).all()[0].uuid])
    assert next(e for e in register_list(db).all() if e.serial == "1/2024").removed
    with db.read() as s:
        assert s.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "print")) == 4


def test_the_register_is_per_year(db: Database, tmp_path: Path) -> None:
    from datetime import date

    old = make_decision(db, groups=0, names=NAMES[:2])
    new = make_decision(db, number="1/QĐ-CĐCS", decided_on=date(2025, 1, 10), groups=0,
                        names=NAMES[2:4])
    print_certificates(db, old.decision, out=tmp_path / "a.pdf")
    assert print_certificates(db, new.decision, out=tmp_path / "b.pdf").first_serial == "1/2025"


def test_concurrent_printing_never_shares_a_number(db: Database, tmp_path: Path) -> None:
    decisions = [make_decision(db, number=f"{n}/QĐ-CĐCS", groups=0, names=NAMES).decision
                 for n in (20, 21, 22)]
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            print_certificates(db, decisions[i], out=tmp_path / f"{i}.pdf")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(e.number for e in register_list(db).all())
    assert numbers == list(range(1, 3 * len(NAMES) + 1))


def test_cancelling_rolls_back_the_register_and_leaves_no_file(db: Database,
                                                               tmp_path: Path) -> None:
    made = make_decision(db, groups=0)
    calls = []

    def cancel_at_third(done: int, total: int, message: str) -> None:
        calls.append(done)

    progress = Progress(report=cancel_at_third, is_cancelled=lambda: len(calls) >= 3)
    with pytest.raises(Cancelled):
        print_certificates(db, made.decision, out=tmp_path / "x.pdf", progress=progress,
                           per_recipient_dir=tmp_path / "each")
    assert list(tmp_path.glob("*.pdf*")) == [] and list((tmp_path / "each").iterdir()) == []
    with db.read() as s:
        assert s.scalar(select(func.count(Certificate.id))) == 0
        assert s.scalar(select(func.count(CertificatePrint.id))) == 0


def test_one_file_per_recipient(db: Database, tmp_path: Path) -> None:
    made = make_decision(db, groups=0, names=NAMES[:3])
    summary = print_certificates(db, made.decision, out=None, per_recipient_dir=tmp_path / "e")
    files = sorted((tmp_path / "e").iterdir())
    assert [f.name for f in files] == sorted(f.name for f in summary.files)
    assert files[0].name.startswith("0001-2024_")
    assert all(pdf_pages(f) == 1 for f in files)
    texts = {pdf_text(f) for f in files}
    for name, _g in NAMES[:3]:
        assert sum(name in t for t in texts) == 1


def test_a_kind_without_paper_and_an_empty_decision_are_refused(db: Database,
                                                              tmp_path: Path) -> None:
    empty = make_decision(db, groups=0, names=[])
    with pytest.raises(UserError, match="15/QĐ-CĐCS"):
        print_certificates(db, empty.decision, out=tmp_path / "x.pdf")
    flag = make_decision(db, number="2/QĐ", groups=1, names=[], kind_code="CTD")
    with pytest.raises(UserError, match="Cờ thi đua"):
        print_certificates(db, flag.decision, out=tmp_path / "x.pdf")


def test_blank_design_prints_only_the_variable_text_moved_by_the_offset(
        db: Database, tmp_path: Path) -> None:
    made = make_decision(db, groups=0, names=NAMES[:1])
    full, blank = tmp_path / "full.pdf", tmp_path / "blank.pdf"
    print_certificates(db, made.decision, out=full)
    print_certificates(db, made.decision, out=blank, design="blank", offset=(5.0, 10.0))
    text = pdf_text(blank)
    assert "Ông Đỗ Hữu Phước" in text and "CỘNG HÒA" not in text and "GIẤY KHEN" not in text

    def name_box(path: Path) -> tuple[float, float]:
        import re
        import subprocess

        html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                              text=True, encoding="utf-8", check=True).stdout
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>Phước</word>', html)
        assert m, html[:500]
        return float(m.group(1)), float(m.group(2))

    (x0, y0), (x1, y1) = name_box(full), name_box(blank)
    assert x1 - x0 == pytest.approx(5 * 72 / 25.4, abs=0.2)
    assert y1 - y0 == pytest.approx(10 * 72 / 25.4, abs=0.2)


def test_long_text_shrinks_to_fit_and_wraps_in_balanced_lines() -> None:
    template = load_template("giay_khen")
    elements = {e.text: e for e in template.designs["full"].elements if hasattr(e, "text")}
    name = elements["{recipient}"]
    assert fit(name, "Bà An").size == name.size
    long = fit(name, "Tổ công đoàn Phòng Nghiên cứu Kinh tế – Xã hội và Môi trường Bền vững "
                     "của Viện")
    assert name.min_size <= long.size < name.size and len(long.lines) == 1
    reason = elements["{reason}"]
    layout = fit(reason, "Đã có thành tích xuất sắc trong phong trào thi đua “Lao động giỏi, "
                         "lao động sáng tạo” năm 2024")
    assert len(layout.lines) == 2 and layout.size == reason.size
    from reportlab.pdfbase.pdfmetrics import stringWidth

    widths = [stringWidth(line, reason.font, layout.size) for line in layout.lines]
    assert min(widths) > 0.7 * max(widths)  # balanced: no lone word on the last line
    assert layout.lines[1].startswith("“Lao động")  # broken before the quote, not in "thi đua"
    huge = fit(reason, "rất dài " * 200)
    assert len(huge.lines) <= reason.max_lines or huge.size == 5.0


def _write(tmp_path: Path, data: object, name: str = "mau.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _minimal() -> dict:
    element = {"text": "{recipient}", "x": 10, "y": 10, "width": 100, "height": 10, "size": 20}
    return {"title": "Mẫu thử", "page": {"width": 297, "height": 210},
            "designs": {"full": {"elements": [element]}, "blank": {"elements": [element]}}}


def test_template_errors_name_the_file_and_the_field(tmp_path: Path) -> None:
    read_template(_write(tmp_path, _minimal()))  # the minimal template is fine
    bad = _minimal()
    bad["designs"]["full"]["elements"][0].update(
        {"font": "comic", "size": "to", "widht": 3, "text": "{ten}", "x": 290})
    bad["designs"]["full"]["border"] = {"color": "red"}
    with pytest.raises(ValidationError) as caught:
        read_template(_write(tmp_path, bad))
    messages = [p.message for p in caught.value.problems]
    assert all(m.startswith("Mẫu giấy khen mau.json") for m in messages), messages
    fields = {p.field for p in caught.value.problems}
    assert {"font", "size", "widht", "text", "color"} <= fields
    joined = " ".join(messages)
    assert "“full”" in joined and "phần tử 1" in joined and "{ten}" in joined
    assert "ra ngoài trang" in joined
    del bad["designs"]["blank"]
    with pytest.raises(ValidationError, match="“blank”"):
        read_template(_write(tmp_path, bad))
    broken = tmp_path / "hong.json"
    broken.write_text('{"title": "x",', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"hong.json.*dòng 1"):
        read_template(broken)
    with pytest.raises(ValidationError):
        load_template("../giay_khen")


def test_a_user_template_overrides_the_shipped_one_and_may_carry_a_logo(
        db: Database, tmp_path: Path) -> None:
    from PIL import Image, ImageDraw

    folder = user_templates_dir()
    folder.mkdir(parents=True)
    logo = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse((5, 5, 115, 115), outline=(180, 20, 28, 255), width=8)
    logo.save(folder / "logo.png")
    data = json.loads(load_template("giay_khen").path.read_text(encoding="utf-8"))
    data["title"] = "Giấy khen của tôi"
    data["designs"]["full"]["logo"] = {"file": "logo.png", "x": 30, "y": 22, "width": 18}
    _write(folder, data, "giay_khen.json")
    template = load_template("giay_khen")
    assert template.title == "Giấy khen của tôi" and template.designs["full"].logo is not None
    made = make_decision(db, groups=0, names=NAMES[:1])
    out = tmp_path / "logo.pdf"
    print_certificates(db, made.decision, out=out)
    assert "Ông Đỗ Hữu Phước" in pdf_text(out)
    data["designs"]["full"]["logo"]["file"] = "../../etc/passwd.png"
    _write(folder, data, "giay_khen.json")
    with pytest.raises(ValidationError, match="logo"):
        load_template("giay_khen")


def test_sample_and_calibration_page(tmp_path: Path) -> None:
    sample = print_sample("bang_khen", tmp_path / "s.pdf", title="BẰNG KHEN")
    assert pdf_pages(sample) == 3
    assert "Ông Đỗ Hữu Phước" in pdf_text(sample) and "BẰNG KHEN" in pdf_text(sample)
    assert_fonts_embedded(sample)
    page = calibration_page(tmp_path / "cal.pdf", printer="HP LaserJet", offset=(1.5, -2))
    text = pdf_text(page)
    assert "HP LaserJet" in text and "+1,5" in text and "-2,0" in text
    assert_fonts_embedded(page)


def test_printer_offsets_are_kept_per_printer_in_the_settings() -> None:
    settings = Settings.load()
    assert printer_offset(settings, "HP") == (0.0, 0.0)
    save_printer_offset(settings, "HP", (1.25, -40))
    save_printer_offset(settings, "Canon", (0, 2))
    again = Settings.load()
    assert printer_offset(again, "HP") == (1.2, -30.0)  # rounded, bounded
    assert printer_offset(again, "Canon") == (0.0, 2.0)
    json.dumps(again.extra)  # JSON primitives only


def test_a_second_process_can_not_take_the_same_numbers(db: Database, tmp_path: Path) -> None:
    """The unique constraint backs the lock: a forged duplicate number is refused."""
    import sqlite3

    from sqlalchemy.exc import IntegrityError

    from unionapp.bulk import insert_records
    from unionapp.models import Award, utcnow

    made = make_decision(db, groups=0, names=NAMES[:2])
    print_certificates(db, made.decision, out=tmp_path / "a.pdf", award_uuids=[
        awards.award_list(db, made.decision).all()[0].uuid])
    # Bulk inserts go through the driver on SQLite: its own IntegrityError then.
    with pytest.raises((IntegrityError, sqlite3.IntegrityError)), db.transaction() as s:
        award_id = s.scalar(select(Award.id).order_by(Award.id.desc()))
        insert_records(s, Certificate, [{"award_id": award_id, "register_year": 2024,
                                         "register_number": 1, "first_printed_at": utcnow()}],
                       owner=db.home_unit_uuid)  # type: ignore[arg-type]
    assert db.path is not None
    with open_database(db.path, readonly=True) as reader:
        assert len(register_list(reader).all()) == 1
