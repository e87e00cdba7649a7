"""File ▸ Export/Import data file, the two-step import dialog, the data exchange tab with its
conflict queue, the branch filter of a parent union, and the signing keys dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.exchange.conftest import Pair
from tests.ui.windows import main_window
from ui.dialogs.keys import KeysDialog, TrustDialog
from unionapp import members
from unionapp.db import Database
from unionapp.exchange import import_package, keys
from unionapp.i18n import _


def test_the_file_menu_offers_export_import_and_keys(qtbot: QtBot, pair: Pair) -> None:
    window = main_window(qtbot, pair.branch.db)
    texts = [a.text().replace("&", "") for a in window.menuBar().actions()[0].menu().actions()]
    assert "Xuất tệp dữ liệu…" in texts and "Nhập tệp dữ liệu…" in texts
    assert any("Khóa ký" in t for t in texts)
    assert window.tabs.tabText(4) == "Trao đổi dữ liệu"


def test_import_is_checked_and_previewed_then_committed(qtbot: QtBot, pair: Pair,
                                                       sync_pool: object) -> None:
    package = pair.export()
    window = main_window(qtbot, pair.parent.db)
    assert window.members_tab.model.rowCount() == 0
    dialog = window.import_file(package)
    assert dialog is not None and dialog.summary is not None
    assert dialog.summary.dry_run and dialog.summary.outcome == "checked"
    assert "Đã kiểm tra" in dialog.headline.text()
    assert dialog.counts.rowCount() >= 5 and dialog.commit_button.isEnabled()
    assert "Chữ ký: hợp lệ" in dialog.details.toPlainText()
    assert members.find_members(pair.parent.db) == []  # the preview wrote nothing

    qtbot.mouseClick(dialog.commit_button, __import__("PySide6").QtCore.Qt.MouseButton.LeftButton)
    assert dialog.summary.outcome == "committed"
    assert "Đã nhập" in dialog.headline.text() and dialog.commit_button.isHidden()
    assert window.members_tab.model.rowCount() > 0  # the views showing members follow
    branch_filter = window.members_tab.branch_filter
    assert branch_filter is not None
    assert branch_filter.itemText(0) == "Tất cả đơn vị"
    assert window.exchange_tab.packages.item(0, 0).text() in ("VNCPT", "CDCS-KHAC")


def test_a_refused_file_says_why_and_cannot_be_imported(qtbot: QtBot, pair: Pair,
                                                        tmp_path: Path,
                                                        sync_pool: object) -> None:
    damaged = tmp_path / "hong.zip"
    damaged.write_bytes(pair.export().read_bytes()[:-300])
    window = main_window(qtbot, pair.parent.db)
    dialog = window.import_file(damaged)
    assert dialog is not None and dialog.summary is not None
    assert dialog.summary.refused
    assert "Bị từ chối" in dialog.headline.text()
    assert "hỏng" in dialog.details.toPlainText()
    assert not dialog.commit_button.isEnabled()


def test_export_writes_the_file_and_says_so(qtbot: QtBot, pair: Pair, tmp_path: Path,
                                            sync_pool: object) -> None:
    from ui.dialogs.exchange import export_file

    window = main_window(qtbot, pair.branch.db)
    target = tmp_path / "usb" / "VNCPT.zip"
    task = export_file(window, pair.branch.db, target, full=False)
    assert task is not None and task.finished
    assert target.exists() and window.property("last_export")
    boxes = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
    assert boxes and "Đã ghi" in boxes[0].text()
    assert window.exchange_tab.packages.item(0, 0).text() == "Đã gửi"  # the tab follows
    assert window.exchange_tab.packages.item(0, 5).text() == "Chưa"


def test_parent_union_filters_lists_by_branch(qtbot: QtBot, pair: Pair) -> None:
    pair.send_up()
    assert import_package(pair.parent.db, pair.export(pair.other)).outcome == "committed"
    window = main_window(qtbot, pair.parent.db)
    tab = window.members_tab
    everyone = tab.model.rowCount()
    box = tab.branch_filter
    assert box is not None and box.count() == 3
    box.setCurrentIndex(box.findData(str(pair.other.db.home_unit_uuid)))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3)
    box.setCurrentIndex(0)
    qtbot.waitUntil(lambda: tab.model.rowCount() == everyone)
    states = [window.exchange_tab.packages.item(r, 5).text() for r in range(2)]
    assert states == ["Đã cập nhật", "Đã cập nhật"]


def test_the_conflict_queue_shows_both_versions_and_keeps_ours(qtbot: QtBot,
                                                               pair: Pair) -> None:
    target = pair.phone_conflict()
    window = main_window(qtbot, pair.parent.db)
    tab = window.exchange_tab
    assert tab.conflicts.rowCount() == 1 and "1" in tab.conflict_count.text()
    assert not tab.keep_ours.isEnabled()
    tab.conflicts.selectRow(0)
    rows = {tab.versions.item(r, 0).text(): (tab.versions.item(r, 1).text(),
                                             tab.versions.item(r, 2).text())
            for r in range(tab.versions.rowCount())}
    assert rows[_("Phone")] == ("0933000001", "0933000002")
    tab.keep_ours.click()
    assert tab.conflicts.rowCount() == 0
    assert members.get_member(pair.parent.db, target).phone == "0933000001"


def test_keys_dialog_makes_shows_saves_and_enrols(qtbot: QtBot, db: Database,
                                                  tmp_path: Path, monkeypatch) -> None:
    dialog = KeysDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.fingerprint.text() == "" and not dialog.export_button.isEnabled()
    dialog.make_button.click()
    own = keys.own_public(db)
    assert own is not None and dialog.fingerprint.text() == own.fingerprint
    saved = dialog.export_public(tmp_path / "mine.key")
    assert saved is not None and keys.read_public_key_file(saved).fingerprint == own.fingerprint

    # A parent union's key, enrolled only after the fingerprint was checked.
    from unionapp.db import open_database
    from unionapp.org import init_database

    with open_database(tmp_path / "parent.db", create=True, user="t") as parent:
        init_database(parent, code="CDVC-HN", name="Công đoàn Viên chức thành phố Hà Nội",
                      parent_mode=True)
        key = keys.init_keys(parent)
        keys.export_public(parent, tmp_path / "parent.key")
    trust = dialog.choose_and_trust(tmp_path / "parent.key")
    assert isinstance(trust, TrustDialog)
    assert trust.fingerprint.text() == key.fingerprint and not trust.ok.isEnabled()
    trust.checked.setChecked(True)
    assert trust.ok.isEnabled()
    trust.ok.click()
    assert dialog.peers.rowCount() == 1 and dialog.peers.item(0, 2).text() == key.fingerprint


def test_several_files_are_previewed_then_imported_as_one_batch(qtbot: QtBot, pair: Pair,
                                                                tmp_path: Path,
                                                                sync_pool: object) -> None:
    from PySide6.QtCore import Qt

    from ui.dialogs.exchange import BatchImportDialog
    from unionapp.backups import list_backups

    damaged = tmp_path / "hong.zip"
    damaged.write_bytes(pair.export(pair.other).read_bytes()[:-300])
    files = [pair.export(), damaged, pair.export(pair.other)]
    window = main_window(qtbot, pair.parent.db)
    dialog = window.import_file(files)
    assert isinstance(dialog, BatchImportDialog)
    assert dialog.commit_button.isEnabled()
    assert "2" in dialog.headline.text() and "3" in dialog.headline.text()
    assert "Bị từ chối" in dialog.table.item(1, 3).text()
    assert members.find_members(pair.parent.db) == []  # the previews wrote nothing

    qtbot.mouseClick(dialog.commit_button, Qt.MouseButton.LeftButton)
    assert dialog.committed
    assert [s.outcome if s else None for s in dialog.summaries] == [
        "committed", "refused", "committed"]
    assert "Đã nhập" in dialog.table.item(2, 3).text()
    assert len(list_backups(pair.parent.db)) == 1  # one backup before the whole batch
    assert members.find_members(pair.parent.db, "pham minh duc")  # the other branch's too
    assert window.members_tab.model.rowCount() > 40
