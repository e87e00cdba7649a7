"""The member dialog, the movement dialog and the import dialog, driven as a clerk would."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.core.test_rosters import official_form
from ui.dialogs.import_dialog import ImportDialog
from ui.dialogs.member_dialog import MemberDialog, MovementDialog
from ui.tabs.members_tab import MembersTab
from unionapp import members
from unionapp.db import Database
from unionapp.models import MemberStatus, MovementKind
from unionapp.org import add_group


@pytest.fixture(autouse=True)
def _no_blocking_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    for name in ("information", "warning"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, **k: shown.append(a[2]) or 0)
    return shown


def test_new_member_is_checked_then_saved(qtbot: QtBot, db: Database) -> None:
    dialog = MemberDialog(db)
    qtbot.addWidget(dialog)
    dialog.full_name.setText("  nguyễn   thị thu hằng ")
    dialog.birth.setText("12/03/1985")
    dialog.national_id.setText("12345")
    dialog.save()
    assert dialog.saved is None
    assert "12 chữ số" in dialog.problems.text()
    assert dialog.national_id.styleSheet()
    dialog.national_id.setText("056652231581")
    dialog.birth.setText("31/02/1985")
    dialog.save()
    # the words of the one date rule, as the roster import says them
    assert dialog.saved is None and "không phải ngày có thật" in dialog.problems.text()
    dialog.birth.setText("1985")  # only the year is known: fine
    dialog.save()
    assert dialog.saved is not None
    assert dialog.saved.full_name == "Nguyễn Thị Thu Hằng"  # capitals put in
    assert (dialog.saved.date_of_birth, dialog.saved.birth_year) == (None, 1985)
    assert dialog.saved.national_id == "056652231581"


def test_edit_and_movement_history(qtbot: QtBot, db: Database) -> None:
    row = members.create_member(db, members.MemberInput(full_name="Lê Văn Tám",
                                                        joined_on=date(2001, 1, 2)))
    group = add_group(db, code="T1", name="Tổ công đoàn Giáo viên")
    data = members.member_input(db, row.uuid)
    data.org_unit = group.uuid
    members.update_member(db, row.uuid, data)
    dialog = MemberDialog(db, row.uuid)
    qtbot.addWidget(dialog)
    assert dialog.full_name.text() == "Lê Văn Tám"
    assert dialog.group.currentText() == "Tổ công đoàn Giáo viên"
    assert dialog.history.rowCount() == 2  # admission, then the change of group
    move = MovementDialog(db, row.uuid, dialog)
    qtbot.addWidget(move)
    move.kind.setCurrentIndex(move.kind.findData(MovementKind.RETIREMENT))
    move.when.setText(date.today().strftime("%d/%m/%Y"))  # not before the change of group
    move.save()
    assert members.get_member(db, row.uuid).status == MemberStatus.RETIRED
    dialog._load()
    assert dialog.history.rowCount() == 3
    assert "Nghỉ hưu" in dialog.status.text()


def test_import_dialog_previews_then_imports(qtbot: QtBot, db: Database,
                                             tmp_path: Path) -> None:
    dialog = ImportDialog(db, official_form(tmp_path / "ds.xlsx"))
    qtbot.addWidget(dialog)
    dialog.load()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=20_000)
    assert "Sẽ thêm mới 3" in dialog.summary_label.text()
    assert dialog.rows_model.rowCount() == 3
    assert members.member_list(db).count() == 0  # a preview writes nothing
    assert dialog.mapping.rowCount() >= 8
    dialog.do_import()
    qtbot.waitUntil(lambda: dialog.result_summary is not None, timeout=20_000)
    assert members.member_list(db).count() == 3


def test_members_tab_filters(qtbot: QtBot, demo_db: Database) -> None:
    tab = MembersTab(demo_db)
    qtbot.addWidget(tab)
    tab.reload()
    active = tab.model.rowCount()
    tab.gender.setCurrentIndex(2)  # women
    women = tab.model.rowCount()
    assert 0 < women < active
    assert all(tab.model.row_at(i).gender == "female" for i in range(women))
    tab.age.setCurrentIndex(1)  # under 30
    assert tab.model.rowCount() < women
    tab.status.setCurrentIndex(0)
    tab.gender.setCurrentIndex(0)
    tab.age.setCurrentIndex(0)
    assert tab.model.rowCount() == 300


def test_member_dialog_shows_the_support_history(qtbot: QtBot, demo_db: Database) -> None:
    from unionapp.support import member_cases

    helped = next(m for m in members.find_members(demo_db) if member_cases(demo_db, m.uuid))
    dialog = MemberDialog(demo_db, helped.uuid)
    qtbot.addWidget(dialog)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert titles == ["Thông tin", "Tình trạng và quá trình", "Hoạt động && Khen thưởng",
                      "Chăm lo – Hỗ trợ"]
    page = dialog.tabs.widget(titles.index("Chăm lo – Hỗ trợ"))
    from ui.widgets.member_support import MemberSupportTable

    table = page.findChild(MemberSupportTable)
    assert table is not None and table.model.rowCount() == len(member_cases(demo_db,
                                                                             helped.uuid))


def test_import_dialog_mapping_can_be_corrected(qtbot: QtBot, db: Database,
                                                tmp_path: Path) -> None:
    dialog = ImportDialog(db, official_form(tmp_path / "ds.xlsx"))
    qtbot.addWidget(dialog)
    dialog.load()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=20_000)
    assert dialog.sheet.count() >= 1
    chosen = dialog.chosen_columns()
    assert "full_name" in chosen.values() or "given_name" in chosen.values()
    first = dialog.rows_model.index(0, 1)
    assert dialog.rows_model.data(first)  # the name shows in the preview
    dialog.only_problems.setChecked(True)
    flagged = [r for r in dialog.summary.rows
               if r.action in ("error", "skip") or r.candidate.warnings]
    assert 0 < len(flagged) < 3  # a year-only birth date is flagged; the others are fine
    assert dialog.rows_model.rowCount() == len(flagged)
    dialog.only_problems.setChecked(False)
    other = next(c for c, f in chosen.items() if f not in ("full_name", "given_name",
                                                           "family_middle"))
    for r in range(dialog.mapping.rowCount()):  # the clerk says a column is not to be imported
        if dialog.mapping.item(r, 0).data(Qt.ItemDataRole.UserRole) == other:
            box = dialog.mapping.cellWidget(r, 1)
            box.setCurrentIndex(box.findData("ignore"))
    assert other not in dialog.chosen_columns()
    dialog.summary = None
    dialog.remap()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=20_000)
    assert other not in dialog.plan.layout.columns  # read again the way the clerk said
    assert dialog.rows_model.rowCount() == 3


def _roster(path: Path, rows: list[list[object]]) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for r, values in enumerate(rows):
        ws.write_row(r, 0, values)
    wb.close()
    return path


def test_import_dialog_offers_the_split_and_asks_before_making_groups(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    add_group(db, code="T-VP", name="Tổ công đoàn Văn phòng")
    path = _roster(tmp_path / "ds.xlsx", [
        ["STT", "Họ và tên", "Năm sinh", "Chức vụ, đơn vị công tác"],
        [1, "Nguyễn Văn Tài", 1980, "Lái xe, Văn phòng"],
        [2, "Trần Thị Mai", 1985, "Kế toán viên, Phòng Tài vụ"],
    ])
    dialog = ImportDialog(db, path)
    qtbot.addWidget(dialog)
    dialog.load()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=20_000)
    assert not dialog.split_box.isHidden() and dialog.split_box.isChecked()
    assert "Lái xe | Văn phòng" in dialog.split_box.text()
    assert not dialog.create_groups_box.isHidden()
    assert not dialog.create_groups_box.isChecked()  # never without the clerk's word
    assert "Phòng Tài vụ" in dialog.create_groups_box.text()
    assert "Các tổ đã có: Tổ công đoàn Văn phòng" in dialog.summary_label.text()
    first = dialog.summary
    dialog.create_groups_box.setChecked(True)  # the clerk agrees: checked again, not re-read
    qtbot.waitUntil(lambda: dialog.summary is not first, timeout=20_000)
    assert dialog.summary.groups_created == ["Phòng Tài vụ"]
    assert dialog.plan is not None and dialog.summary.rows[0].candidate.data.job_title == \
        "Lái xe"
    second = dialog.summary
    dialog.split_box.setChecked(False)
    qtbot.waitUntil(lambda: dialog.summary is not second, timeout=20_000)
    assert dialog.summary.rows[0].candidate.data.job_title == "Lái xe, Văn phòng"
    dialog.split_box.setChecked(True)
    qtbot.waitUntil(lambda: dialog.summary.split is not None and dialog.summary.split.split,
                    timeout=20_000)
    dialog.do_import()
    qtbot.waitUntil(lambda: dialog.result_summary is not None, timeout=20_000)
    placed = {m.full_name: (m.job_title, m.org_unit) for m in members.find_members(db)}
    assert placed == {"Nguyễn Văn Tài": ("Lái xe", "Tổ công đoàn Văn phòng"),
                      "Trần Thị Mai": ("Kế toán viên", "Phòng Tài vụ")}


def test_import_dialog_shows_encoding_cccd_notes_and_duplicate_reasons(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    from unionapp.rosters.legacy import TCVN3, to_legacy

    path = _roster(tmp_path / "cu.xlsx", [
        [to_legacy(h, TCVN3) for h in ("Họ và tên", "Năm sinh", "Số CCCD")],
        [to_legacy("Lê Thị Hằng", TCVN3), 1985, 12185345678],
        [to_legacy("Lê Thị Hằng", TCVN3), 1985, 12185345678],
    ])
    dialog = ImportDialog(db, path)
    qtbot.addWidget(dialog)
    dialog.load()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=20_000)
    text = dialog.summary_label.text()
    assert "TCVN3" in text and "2 số CCCD" in text
    problems = [dialog.rows_model.cells(r)[4] for r in dialog.summary.rows]
    assert "mất số 0" in problems[0]
    assert "Trùng số CCCD với dòng 2" in problems[1]
