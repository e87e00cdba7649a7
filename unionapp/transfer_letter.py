"""The letter that goes with a member who transfers to another branch: giấy giới thiệu chuyển
sinh hoạt công đoàn, one page per member, in the layout of official documents (Decree
30/2020/NĐ-CP, 933/QĐ-TLĐ): the issuing body top left under its superior of the letter's
date, the national motto top right, the number, place and date, the title, the body, the
signer block, and where the copies go. A Vietnamese document, whatever the interface speaks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer, Table, TableStyle

from .letterhead import Issuer, PaperSetup, header, para
from .pdf import SERIF, new_document
from .text import format_date

VALID_DAYS = 30  # the letter is valid for a month: long enough to report to the new branch


@dataclass(frozen=True)
class LetterMember:
    number: str  # the letter's number, e.g. 3/GGT-CĐCS
    full_name: str
    gender: str  # Nam / Nữ / ""
    birth: str  # dd/mm/yyyy or the year
    ethnicity: str
    hometown: str
    national_id: str
    joined_on: date | None
    card_number: str
    group: str
    job_title: str
    union_role: str


@dataclass(frozen=True)
class Letter:
    issuer: Issuer  # of the letter's date
    place: str
    day: date
    to_name: str
    reason: str
    signer_name: str
    members: Sequence[LetterMember]


def _line(label: str, value: str) -> Flowable:
    return para(f"{label}: {value or '.' * 40}", 12.5, align=0, leading=18)


def _pair(left: tuple[str, str], right: tuple[str, str], width: float) -> Table:
    table = Table([[_line(*left), _line(*right)]], colWidths=[width * 0.6, width * 0.4])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), SERIF, 12),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _page(letter: Letter, member: LetterMember, width: float) -> list[Flowable]:
    setup = PaperSetup(issuing_superior=letter.issuer.superior,
                       issuing_body=letter.issuer.body, place=letter.place, day=letter.day)
    body = letter.issuer.body
    valid = letter.day + timedelta(days=VALID_DAYS)
    story: list[Flowable] = [
        header(setup, width, number=member.number),
        Spacer(1, 10 * mm),
        para("GIẤY GIỚI THIỆU", 15, bold=True),
        para("Chuyển sinh hoạt công đoàn", 13.5, bold=True),
        Spacer(1, 7 * mm),
        para(f"Ban Chấp hành {body} trân trọng giới thiệu:", 12.5, align=0, leading=18),
        Spacer(1, 1 * mm),
        _pair(("Đồng chí", member.full_name), ("Giới tính", member.gender), width),
        _pair(("Sinh ngày", member.birth), ("Dân tộc", member.ethnicity), width),
        _line("Quê quán", member.hometown),
        _line("Số định danh cá nhân (CCCD)", member.national_id),
        _pair(("Ngày vào công đoàn", format_date(member.joined_on)),
              ("Số thẻ đoàn viên", member.card_number), width),
        _line("Chức vụ chuyên môn", member.job_title),
    ]
    if member.union_role:
        story.append(_line("Chức vụ công đoàn", member.union_role))
    story += [
        _line("Đang sinh hoạt tại", f"{member.group}, {body}" if member.group != body else body),
        _line("Được chuyển sinh hoạt công đoàn đến", letter.to_name),
    ]
    if letter.reason:
        story.append(_line("Lý do", letter.reason))
    story += [
        Spacer(1, 2 * mm),
        para(f"Đề nghị Ban Chấp hành {letter.to_name} tiếp nhận và tạo điều kiện để đồng chí "
             f"{member.full_name} tiếp tục sinh hoạt công đoàn theo quy định của Điều lệ Công "
             f"đoàn Việt Nam.", 12.5, align=4, leading=18),
        para(f"Giấy giới thiệu có giá trị đến hết ngày {format_date(valid)}.", 12.5,
             italic=True, align=0, leading=18),
        Spacer(1, 8 * mm),
    ]
    recipients = [para("Nơi nhận:", 11, bold=True, italic=True, align=0),
                  para(f"- {letter.to_name};", 10.5, align=0),
                  para("- Đoàn viên có tên trên;", 10.5, align=0),
                  para("- Lưu: VT.", 10.5, align=0)]
    signer = [para("TM. BAN CHẤP HÀNH", 12.5, bold=True), para("CHỦ TỊCH", 12.5, bold=True),
              Spacer(1, 24 * mm), para(letter.signer_name, 12.5, bold=True)]
    foot = Table([[recipients, signer]], colWidths=[width * 0.5, width * 0.5])
    foot.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("FONT", (0, 0), (-1, -1), SERIF, 12),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story.append(foot)
    return story


def write_letters(path: Path, letter: Letter) -> Path:
    """One letter per member, each on its own A4 page (margins as Decree 30 asks: 20–25 mm
    top and bottom, 30–35 mm left, 15–20 mm right)."""
    left, right = 30 * mm, 15 * mm
    doc = new_document(path, A4, leftMargin=left, rightMargin=right, topMargin=20 * mm,
                       bottomMargin=20 * mm, title="Giấy giới thiệu chuyển sinh hoạt công đoàn",
                       author=letter.issuer.body)
    width = A4[0] - left - right
    story: list[Flowable] = []
    for n, member in enumerate(letter.members):
        if n:
            story.append(PageBreak())
        story.extend(_page(letter, member, width))
    doc.build(story)
    return path
