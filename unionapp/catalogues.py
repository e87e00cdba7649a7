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

# code, name, default amount (VND), needs approval, the fund it usually draws on
SUPPORT_KINDS = [
    ("OM-DAU", "Thăm hỏi ốm đau", 500_000, False, "KPCD"),
    ("HIEU", "Việc hiếu", 1_000_000, False, "KPCD"),
    ("HI", "Việc hỉ", 500_000, False, "KPCD"),
    ("SINH-CON", "Sinh con", 500_000, False, "KPCD"),
    ("KHO-KHAN", "Trợ cấp khó khăn", 1_000_000, True, "KPCD"),
    ("THIEN-TAI", "Hỗ trợ thiên tai", 2_000_000, True, "QXH"),
    ("TET", "Quà Tết", 500_000, False, "KPCD"),
    ("THIEU-NHI", "Quà cho con đoàn viên (1/6, Trung thu)", 200_000, False, "KPCD"),
    ("MAI-AM", "Mái ấm Công đoàn", 50_000_000, True, "QXH"),
]

# The funds support usually draws on (code, name): offered when a year's funds are set up.
SUPPORT_FUNDS = [
    ("KPCD", "Kinh phí công đoàn (chi chăm lo đoàn viên)"),
    ("QXH", "Quỹ xã hội"),
]
