"""The catalogues a new database starts with (award kinds, support kinds).

They are data, not code: a branch edits them, and a parent union sends its own down as
reference data. Names are the union's Vietnamese terms; amounts follow common spending
rules (quy chế chi tiêu) and are only defaults.
"""

from __future__ import annotations

from .models import RecipientType

# code, name, certificate title, recipient type, template
AWARD_KINDS = [
    (
        "GK-CDCS",
        "Giấy khen của Ban Chấp hành Công đoàn cơ sở",
        "GIẤY KHEN",
        RecipientType.BOTH,
        "giay_khen",
    ),
    (
        "GK-CAPTREN",
        "Giấy khen của Công đoàn cấp trên",
        "GIẤY KHEN",
        RecipientType.BOTH,
        "giay_khen",
    ),
    ("BK", "Bằng khen", "BẰNG KHEN", RecipientType.BOTH, "bang_khen"),
    ("DVXS", "Đoàn viên công đoàn xuất sắc", "GIẤY KHEN", RecipientType.PERSON, "giay_khen"),
    ("CDCS-VM", "Công đoàn cơ sở vững mạnh", "GIẤY KHEN", RecipientType.COLLECTIVE, "giay_khen"),
    ("CTD", "Cờ thi đua", "", RecipientType.COLLECTIVE, ""),
    ("KNC", "Kỷ niệm chương Vì sự nghiệp xây dựng tổ chức Công đoàn", "", RecipientType.PERSON, ""),
]

# code, name, default amount (VND), needs approval
SUPPORT_KINDS = [
    ("OM-DAU", "Thăm hỏi ốm đau", 500_000, False),
    ("HIEU", "Việc hiếu", 1_000_000, False),
    ("HI", "Việc hỉ", 500_000, False),
    ("SINH-CON", "Sinh con", 500_000, False),
    ("KHO-KHAN", "Trợ cấp khó khăn", 1_000_000, True),
    ("THIEN-TAI", "Hỗ trợ thiên tai", 2_000_000, True),
    ("TET", "Quà Tết", 500_000, False),
    ("MAI-AM", "Mái ấm Công đoàn", 50_000_000, True),
]
