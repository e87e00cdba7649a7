"""Importing a decision's recipients from a spreadsheet: preview, then all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.awardsdata import make_decision
from unionapp import awards
from unionapp.db import Database
from unionapp.errors import UserError
from unionapp.members import MemberInput, create_member
from unionapp.models import Gender
from unionapp.progress import Cancelled, Progress
from unionapp.rosters.recipients import import_recipients, preview_recipients
from unionapp.spreadsheets import Sheet, write_xlsx

HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Đơn vị", "Số tiền", "Thành tích"]


def _file(tmp_path: Path, rows: list[list[object]]) -> Path:
    path = tmp_path / "de-nghi.xlsx"
    write_xlsx(path, Sheet(headers=HEADERS, rows=[[i + 1, *r] for i, r in enumerate(rows)],
                           title_lines=["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"]))
    return path


def test_preview_then_import_people_and_a_collective(db: Database, tmp_path: Path) -> None:
    made = make_decision(db, groups=1, names=[("Đỗ Hữu Phước", Gender.MALE)])
    group_name = "Tổ công đoàn Phòng số 1"
    twin_a = create_member(db, MemberInput(full_name="Nguyễn Văn An", birth_year=1980,
                                           gender=Gender.MALE, org_unit=made.groups[0]))
    create_member(db, MemberInput(full_name="Nguyễn Văn An", birth_year=1990, gender=Gender.MALE))
    hang = create_member(db, MemberInput(full_name="Lưu Thị Ngọc Ữ", gender=Gender.FEMALE))
    path = _file(tmp_path, [
        ["LƯU THỊ NGỌC Ữ", None, "", "1.500.000", "Giải Nhất hội thi"],
        ["Nguyễn Văn An", 1980, "", 500000, ""],
        ["Nguyễn Văn An", None, "", "", ""],  # two of them: which one?
        ["Phòng số 1", None, "", "2.000.000 đ", ""],  # a collective, already on the decision
        ["Đỗ Hữu Phước", None, "", "", ""],  # already on the decision
        ["Lưu Thị Ngọc Ữ", None, "", "", ""],  # the same person again
        ["Trần Không Có", None, "", "", ""],
        ["Nguyễn Văn An", None, group_name, "abc", ""],  # the group tells them apart
    ])
    _plan, summary = preview_recipients(db, made.decision, path)
    actions = [(r.row, r.action) for r in summary.rows]
    assert [a for _r, a in actions] == ["person", "person", "error", "already", "already",
                                        "skip", "error", "skip"]
    assert summary.rows[0].amount == 1_500_000 and summary.rows[0].reason == "Giải Nhất hội thi"
    assert summary.rows[1].matched.startswith("Nguyễn Văn An, 1980")
    errors = {p.row: p.message for p in summary.errors}
    assert "2 đoàn viên" in errors[summary.rows[2].row]
    assert "Trần Không Có" in errors[summary.rows[6].row]
    assert summary.rows[7].warnings  # "abc" is not an amount; and it repeats row 3's person
    assert summary.columns["Số tiền"] == "amount" and summary.columns["Thành tích"] == "reason"
    assert (summary.persons, summary.collectives, summary.already) == (2, 0, 2)
    assert awards.get_decision(db, made.decision).persons == 1  # nothing written yet

    done = import_recipients(db, made.decision, path)
    assert not done.dry_run and done.persons == 2
    rows = {r.name: r for r in awards.award_list(db, made.decision).all()}
    assert rows["Lưu Thị Ngọc Ữ"].amount == 1_500_000
    assert rows["Lưu Thị Ngọc Ữ"].reason == "Giải Nhất hội thi"
    assert rows["Lưu Thị Ngọc Ữ"].member_uuid == hang.uuid
    assert any(r.member_uuid == twin_a.uuid for r in rows.values())
    again = import_recipients(db, made.decision, path, dry_run=True)
    assert again.added == 0 and again.already == 4  # importing twice adds nobody
    with pytest.raises(UserError):
        import_recipients(db, made.decision, path)


def test_kind_rules_and_cancel(db: Database, tmp_path: Path) -> None:
    made = make_decision(db, groups=0, names=[("Đỗ Hữu Phước", Gender.MALE)], kind_code="DVXS")
    create_member(db, MemberInput(full_name="Hồ Thị Mới", gender=Gender.FEMALE))
    path = _file(tmp_path, [["Phòng số 1", None, "", "", ""], ["Hồ Thị Mới", None, "", "", ""]])
    _plan, summary = preview_recipients(db, made.decision, path)
    assert [r.action for r in summary.rows] == ["error", "person"]
    assert "chỉ dành cho cá nhân" in summary.errors[0].message
    with pytest.raises(Cancelled):
        import_recipients(db, made.decision, path,
                          progress=Progress(is_cancelled=lambda: True))
    assert awards.get_decision(db, made.decision).persons == 1
