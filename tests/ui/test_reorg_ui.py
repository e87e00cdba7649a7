"""The GUI of a reorganisation: the Đơn vị dialog (history, moving to a new parent, ending
the activity with its strong confirmation), transfers from the members tab, and the window of
a union that ended its activity (a banner, editing controls gone)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QItemSelectionModel
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from tests.exchange.conftest import Pair
from tests.ui.windows import main_window
from ui.dialogs.transfer_dialogs import TransferInDialog
from unionapp import closing, reorg
from unionapp.db import Database
from unionapp.exchange import keys
from unionapp.members import get_member
from unionapp.models import MemberStatus


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: said.append(a[2]))
    return said


def _ok(buttons: QDialogButtonBox) -> QPushButton:
    return buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_the_unit_dialog_shows_the_history_and_records_a_move(qtbot: QtBot, demo_db: Database,
                                                              told: list[str],
                                                              sync_pool: object) -> None:
    window = main_window(qtbot, demo_db)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "Đơ&n vị")
    assert [a.text() for a in menu.actions()] == ["Đơn vị và công đoàn &cấp trên…"]
    dialog = window.show_unit()
    assert dialog.history.rowCount() == 2
    assert dialog.history.item(1, 3).text() == "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HÀ NỘI"
    assert dialog.close_button.isVisibleTo(dialog) and not dialog.branch_button.isVisibleTo(
        dialog)
    move = dialog.move_parent()
    move.code.setText("LDLD-NB")
    move.name.setText("Liên đoàn Lao động tỉnh Ninh Bình")
    move.effective_on.setDate(QDate(2025, 9, 15))
    _ok(move.buttons).click()
    assert dialog.history.rowCount() == 3
    assert dialog.history.item(2, 0).text() == "15/09/2025"
    assert told and "LIÊN ĐOÀN LAO ĐỘNG TỈNH NINH BÌNH" in told[-1]
    assert reorg.parent_history(demo_db)[-1].parent_code == "LDLD-NB"


def test_transfer_out_from_the_members_tab(qtbot: QtBot, demo_db: Database, tmp_path: Path,
                                           told: list[str], sync_pool: object) -> None:
    keys.init_keys(demo_db)
    window = main_window(qtbot, demo_db)
    tab = window.members_tab
    selection = tab.view.selectionModel()
    for row in (0, 1):
        selection.select(tab.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)
    chosen = tab.selected_rows()
    assert len(chosen) == 2
    dialog = tab.transfer_out()
    assert dialog is not None
    dialog.to_code.setText("CDCS-BVBM")
    dialog.to_name.setText("Công đoàn cơ sở Bệnh viện Bạch Mai")
    dialog.folder.setText(str(tmp_path))
    _ok(dialog.buttons).click()
    assert dialog.result is not None and dialog.result.file.exists()
    assert dialog.result.letter is not None and dialog.result.letter.exists()
    for row in chosen:
        assert get_member(demo_db, row.uuid).status == MemberStatus.TRANSFERRED_OUT
    assert told and "Bạch Mai" in told[-1] and "giay-gioi-thieu.pdf" in told[-1]
    shown = [tab.model.row_at(i).uuid for i in range(tab.model.rowCount())]
    assert not {row.uuid for row in chosen} & set(shown)  # the active list follows


def test_transfer_in_is_checked_then_taken_in(qtbot: QtBot, pair: Pair,
                                              sync_pool: object) -> None:
    from unionapp import transfers
    from unionapp.members import find_members

    keys.trust(pair.other.db, pair.tmp / "branch.key", "VNCPT")
    who = [m.uuid for m in find_members(pair.branch.db, status=MemberStatus.ACTIVE)[:1]]
    transfers.transfer_out(pair.branch.db, who, to_branch_code="CDCS-KHAC",
                           out=pair.tmp / "t.zip")
    dialog = TransferInDialog(pair.other.db, pair.tmp / "t.zip")
    qtbot.addWidget(dialog)
    assert dialog.summary is not None and dialog.summary.outcome == "checked"
    assert "Đã kiểm tra" in dialog.details.toPlainText()
    _ok(dialog.buttons).click()
    assert dialog.summary is not None and dialog.summary.outcome == "committed"
    assert get_member(pair.other.db, who[0]).status == MemberStatus.ACTIVE


def test_ending_the_activity_needs_the_code_then_the_window_is_read_only(
        qtbot: QtBot, demo_db: Database, tmp_path: Path, told: list[str]) -> None:
    window = main_window(qtbot, demo_db)
    assert window.banner.isHidden()
    unit = window.show_unit()
    dialog = unit.close_union()
    dialog.package.setChecked(False)
    dialog.on.setDate(QDate(2025, 12, 1))
    dialog.folder.setText(str(tmp_path / "luu-tru"))
    ok = _ok(dialog.buttons)
    assert "sổ đăng ký đoàn viên" in dialog.plan.toPlainText()
    assert not ok.isEnabled()  # not before the code is typed
    dialog.confirm.setText("SAI")
    assert not ok.isEnabled()
    dialog.confirm.setText("VNCPT")
    assert ok.isEnabled()
    ok.click()
    qtbot.waitUntil(lambda: closing.is_closed(demo_db), timeout=60_000)
    qtbot.waitUntil(lambda: window.banner.isVisible() or not window.banner.isHidden(),
                    timeout=20_000)
    assert "01/12/2025" in window.banner.text()
    buttons = {b.text(): b for b in window.members_tab.findChildren(QPushButton)}
    assert not buttons["Thêm đoàn viên…"].isEnabled()
    assert buttons["Xuất ra Excel…"].isEnabled()  # reading and exporting still work
    texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()
             if a.isVisible()]
    assert "&Nhập tệp dữ liệu…" not in texts
    assert unit.copies_button.isVisibleTo(unit) and not unit.move_button.isEnabled()
    assert (tmp_path / "luu-tru" / "so-doan-vien.pdf").exists()


def test_a_closed_database_opens_read_only(qtbot: QtBot, demo_db: Database,
                                           tmp_path: Path) -> None:
    closing.close_branch(demo_db, on=date(2025, 12, 1), archive_dir=tmp_path / "a",
                         final_package=False)
    window = main_window(qtbot, demo_db)
    assert not window.banner.isHidden() and "kết thúc hoạt động" in window.banner.text()
    assert "chỉ xem" in window.unit_label.text()


def test_a_new_decision_is_headed_by_the_parent_of_its_date(qtbot: QtBot, db: Database) -> None:
    from ui.dialogs.decision_dialogs import DecisionDialog

    reorg.move_parent(db, code="LDLD-HN", name="Liên đoàn Lao động thành phố Hà Nội",
                      effective_on=date(2025, 7, 1))
    dialog = DecisionDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.issuing_superior.text() == "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HÀ NỘI"
    dialog.decided_on.setText("27/12/2024")
    dialog.decided_on.editingFinished.emit()
    assert dialog.issuing_superior.text() == "CÔNG ĐOÀN VIÊN CHỨC THÀNH PHỐ HÀ NỘI"
    dialog.issuing_superior.setText("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM")  # another body's
    dialog.decided_on.setText("20/10/2025")
    dialog.decided_on.editingFinished.emit()
    assert dialog.issuing_superior.text() == "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"


def test_a_member_typed_from_a_letter_is_taken_in(qtbot: QtBot, db: Database,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.dialogs.transfer_dialogs import LetterInDialog
    from unionapp.members import find_members

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: said.append(box.text()) or 0)
    dialog = LetterInDialog(db)
    qtbot.addWidget(dialog)
    dialog.full_name.setText("Đỗ Văn Chuyển")
    dialog.birth.setText("31/02/1990")
    dialog.save()
    assert said and "không phải ngày có thật" in said[-1] and dialog.member is None
    dialog.birth.setText("12/03/1990")
    dialog.letter_date.setText("02/10/2025")
    dialog.from_branch.setText("Công đoàn cơ sở Công ty May Hồng Hà")
    dialog.save()
    assert dialog.member is not None and dialog.result() == 1
    assert [m.full_name for m in find_members(db)] == ["Đỗ Văn Chuyển"]
