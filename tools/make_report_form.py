"""Make the example of a parent union's own report form, shipped in ``resources/reports/``:

    python tools/make_report_form.py

A parent union makes such a form in Excel as it likes (merged cells, borders, formulas) and
writes ``{{members.women}}``-style placeholders where the branches' figures go; the program
fills a copy (``unionapp reports make statistics --form FORM.xlsx --out FILLED.xlsx``). This
script writes it with XlsxWriter, as a spreadsheet program would, so that the tests fill a
file the program did not make with the library that fills it.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
FORM = ROOT / "resources" / "reports" / "mau-bao-cao-thong-ke-cap-tren.xlsx"

FIRST_ROW = 10  # the sheet row of the table's first line
# (row label, unit, total, women or note): a placeholder, or a formula over other lines
# written "=SUM(@5:@6)" (@n: column D of line n).
ROWS: list[tuple[str, str, str, str]] = [
    ("Số tổ công đoàn", "tổ", "{{members.groups}}", ""),
    ("Tổng số đoàn viên", "người", "{{members.total}}", "{{members.women}}"),
    ("Đoàn viên là người dân tộc thiểu số", "người", "{{members.ethnic_minorities}}", ""),
    ("Đoàn viên dưới 30 tuổi", "người", "{{members.by_age_band.Dưới 30 tuổi}}", ""),
    ("Kết nạp mới", "người", "{{members.admitted}}", ""),
    ("Chuyển đến", "người", "{{members.transferred_in}}", ""),
    ("Cộng tăng", "người", "=@5+@6", ""),
    ("Chuyển đi", "người", "{{members.transferred_out}}", ""),
    ("Thôi sinh hoạt", "người", "{{members.left}}", ""),
    ("Nghỉ hưu", "người", "{{members.retired}}", ""),
    ("Từ trần", "người", "{{members.deceased}}", ""),
    ("Cộng giảm", "người", "=SUM(@8:@11)", ""),
    ("Số lượt đoàn viên được thăm hỏi, hỗ trợ", "lượt", "{{support.cases}}", ""),
    ("Số tiền thăm hỏi, hỗ trợ", "đồng", "{{support.amount}}", ""),
    ("Trong đó: quà Tết", "đồng", "{{support.by_kind.Quà Tết.amount}}", ""),
    ("Số hoạt động đã tổ chức", "hoạt động", "{{activities.activities}}", ""),
    ("Số phong trào thi đua", "phong trào", "{{activities.movements}}", ""),
    ("Cộng hoạt động và phong trào", "", "=@16+@17", ""),
    ("Lượt người tham gia hoạt động", "lượt", "{{activities.participants}}", ""),
    ("Lượt cá nhân được khen thưởng", "lượt", "{{awards.persons}}", ""),
    ("Lượt tập thể được khen thưởng", "lượt", "{{awards.collectives}}", ""),
    ("Số sáng kiến; giá trị làm lợi (đồng)", "sáng kiến", "{{awards.initiatives}}",
     "{{awards.initiatives_benefit}}"),
]


def formula(text: str) -> str:
    """``=@5+@6`` → ``=D14+D15``."""
    out, i = "", 0
    while i < len(text):
        if text[i] == "@":
            j = i + 1
            while j < len(text) and text[j].isdigit():
                j += 1
            out += f"D{FIRST_ROW + int(text[i + 1:j]) - 1}"
            i = j
        else:
            out += text[i]
            i += 1
    return out


def main() -> None:
    wb = xlsxwriter.Workbook(str(FORM), {"strings_to_formulas": False})
    ws = wb.add_worksheet("Mẫu 1-TK")
    base = {"font_name": "Times New Roman", "font_size": 12, "valign": "vcenter"}
    centre = wb.add_format({**base, "align": "center"})
    bold_centre = wb.add_format({**base, "align": "center", "bold": True})
    motto_line = wb.add_format({**base, "align": "center", "bold": True, "underline": 1})
    title = wb.add_format({**base, "align": "center", "bold": True, "font_size": 14})
    italic = wb.add_format({**base, "align": "center", "italic": True})
    head = wb.add_format({**base, "align": "center", "bold": True, "border": 1,
                          "text_wrap": True, "bg_color": "#FFF2CC"})
    cell = wb.add_format({**base, "border": 1, "text_wrap": True})
    unit = wb.add_format({**base, "border": 1, "align": "center"})
    number = wb.add_format({**base, "border": 1, "num_format": "#,##0", "align": "right"})
    total = wb.add_format({**base, "border": 1, "num_format": "#,##0", "bold": True,
                           "bg_color": "#F2F2F2"})
    ws.set_column("A:A", 6)
    ws.set_column("B:B", 42)
    ws.set_column("C:C", 11)
    ws.set_column("D:E", 15)
    ws.set_column("F:F", 14)
    ws.merge_range("A1:C1", "CÔNG ĐOÀN VIÊN CHỨC THÀNH PHỐ HÀ NỘI", centre)
    ws.merge_range("A2:C2", "{{unit.name}}", bold_centre)
    ws.merge_range("D1:F1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold_centre)
    ws.merge_range("D2:F2", "Độc lập - Tự do - Hạnh phúc", motto_line)
    ws.merge_range("D3:F3", "{{report.place_date}}", italic)
    ws.merge_range("A5:F5", "BÁO CÁO SỐ LIỆU THỐNG KÊ CÔNG ĐOÀN CƠ SỞ", title)
    ws.merge_range("A6:F6", "(Kỳ báo cáo: từ ngày {{report.from}} đến ngày {{report.to}})",
                   italic)
    ws.write_row(f"A{FIRST_ROW - 1}", ["STT", "Chỉ tiêu", "Đơn vị tính", "Tổng số",
                                       "Trong đó nữ / ghi chú", "Ghi chú"], head)
    for n, (label, what, value, second) in enumerate(ROWS, start=1):
        row = FIRST_ROW + n - 2  # 0-based
        ws.write_number(row, 0, n, unit)
        ws.write_string(row, 1, label, cell)
        ws.write_string(row, 2, what, unit)
        if value.startswith("="):
            ws.write_formula(row, 3, formula(value), total)
        else:
            ws.write_string(row, 3, value, number)
        if second:
            ws.write_string(row, 4, second, number)
        else:
            ws.write_blank(row, 4, None, number)
        ws.write_blank(row, 5, None, cell)
    foot = FIRST_ROW + len(ROWS) + 1  # 1-based
    ws.write_string(foot - 1, 1, "NGƯỜI LẬP BIỂU", bold_centre)
    ws.merge_range(f"D{foot}:F{foot}", "TM. BAN CHẤP HÀNH", bold_centre)
    ws.merge_range(f"D{foot + 1}:F{foot + 1}", "CHỦ TỊCH", bold_centre)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    wb.close()
    print(FORM)


if __name__ == "__main__":
    main()
