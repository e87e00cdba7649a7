"""Accounts in the window: a viewer sees CCCD and phone masked and no edit actions, the
chair's accounts dialog, signing in, the idle lock, the audit trail view, the export's
purpose, and an unusual support amount asked about."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from tests.accounts_helpers import as_role, make_accounts, password
from tests.role_office import Office, build_office, copy_office
from ui import operations
from ui.dialogs.accounts import AccountsDialog
from ui.dialogs.audit_view import AuditDialog
from ui.dialogs.member_dialog import MemberDialog
from ui.dialogs.personal_export import PersonalExportDialog
from ui.dialogs.sign_in import LockDialog, SignInDialog
from ui.dialogs.support_case import CaseDialog
from ui.main_window import MainWindow
from ui.widgets.inputs import index_of
from unionapp import accounts
from unionapp.db import Database, open_database
from unionapp.permissions import Permission
from unionapp.support import case_detail, kind_list


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Office:
    return build_office(tmp_path_factory.mktemp("office"))


@pytest.fixture
def office_db(office: Office, tmp_path: Path) -> Iterator[Database]:
    database = open_database(copy_office(office, tmp_path), user="os-user")
    yield database
    database.close()


PAY = "Xác nhận đã chi"


def _window(qtbot: QtBot, db: Database) -> MainWindow:
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _visible_buttons(widget: object) -> set[str]:
    return {b.text() for b in widget.findChildren(QPushButton)  # type: ignore[attr-defined]
            if b.isVisibleTo(widget)}


def test_a_viewer_sees_masked_cccd_and_phone_and_no_edit_actions(
        qtbot: QtBot, office_db: Database, office: Office) -> None:
    as_role(office_db, "viewer")
    window = _window(qtbot, office_db)
    members = window.members_tab
    shown = _visible_buttons(members)
    assert {"Xem / sửa…", "Xuất ra Excel…"} <= shown
    assert not shown & {"Thêm đoàn viên…", "Ghi biến động…", "Xóa", "Nhập từ Excel…"}
    columns = [c.key for c in members.model.columns]
    rows = [members.model.row_at(i) for i in range(members.model.rowCount())]
    hanh = next(r for r in rows if r.uuid == office.ids["member"])
    cccd = members.model.index(rows.index(hanh), columns.index("national_id"))
    phone = members.model.index(rows.index(hanh), columns.index("phone"))
    assert members.model.data(cccd) == "*********345"
    assert members.model.data(phone) == "*******678"
    support = window.support_tab
    visible = {a.text() for a in support.toolbar_actions() if a.isVisible() and a.text()}
    assert {"Xem / sửa…", "Danh sách ký nhận…"} <= visible
    assert not visible & {"Thêm hồ sơ…", "Duyệt", PAY, "Xóa", "Quỹ…", "Danh mục…",
                          "Chi theo danh sách…", "Điều chỉnh số tiền…"}
    activities = window.activities_tab
    assert not _visible_buttons(activities) & {"Thêm hoạt động…", "Thêm quyết định…", "Xóa",
                                               "In giấy khen…", "Thêm đoàn viên…"}
    menus = {a.text() for m in window.menuBar().actions() if m.menu()
             for a in m.menu().actions() if a.isVisible()}
    assert "&Nhật ký thay đổi…" not in menus and "&Quản lý tài khoản…" not in menus
    assert "Chỉ xem" in window.account_label.text()
    # a record opened by the viewer: masked and read-only
    dialog = MemberDialog(office_db, office.ids["member"], window)
    qtbot.addWidget(dialog)
    assert dialog.national_id.text() == "*********345" and dialog.phone.text() == "*******678"
    assert dialog.national_id.isReadOnly() and "(chỉ xem)" in dialog.windowTitle()
    boxes = dialog.findChildren(QDialogButtonBox)
    assert [b.text() for box in boxes for b in box.buttons() if b.isVisibleTo(dialog)] == [
        "Đóng"]
    assert not any(b.isEnabled() for b in dialog.findChildren(QPushButton)
                   if b.text() in ("Ghi biến động…", "Trường hợp chăm lo mới…"))


def test_the_clerk_and_treasurer_see_their_own_work(qtbot: QtBot, office_db: Database) -> None:
    as_role(office_db, "clerk")
    clerk = _window(qtbot, office_db)
    assert {"Thêm đoàn viên…", "Nhập từ Excel…"} <= _visible_buttons(clerk.members_tab)
    visible = {a.text() for a in clerk.support_tab.toolbar_actions() if a.isVisible()}
    assert "Thêm hồ sơ…" in visible and "Duyệt" not in visible and PAY not in visible
    clerk.close()
    as_role(office_db, "treasurer")
    treasurer = _window(qtbot, office_db)
    assert "Thêm đoàn viên…" not in _visible_buttons(treasurer.members_tab)
    visible = {a.text() for a in treasurer.support_tab.toolbar_actions() if a.isVisible()}
    assert {PAY, "Quỹ…"} <= visible and "Thêm hồ sơ…" not in visible


def test_without_accounts_nothing_is_hidden(qtbot: QtBot, demo_db: Database) -> None:
    window = _window(qtbot, demo_db)
    assert {"Thêm đoàn viên…", "Xóa", "Nhập từ Excel…"} <= _visible_buttons(window.members_tab)
    menus = {a.text() for m in window.menuBar().actions() if m.menu()
             for a in m.menu().actions() if a.isVisible()}
    assert {"Tạo tài khoản (đăng nhập, phân quyền)…", "&Nhật ký thay đổi…"} <= menus


def test_signing_in(qtbot: QtBot, office_db: Database) -> None:
    dialog = SignInDialog(office_db, "Công đoàn thử", "clerk")
    qtbot.addWidget(dialog)
    dialog.password.setText("sai-mat-khau")
    dialog.try_sign_in()
    assert "Sai tên đăng nhập hoặc mật khẩu" in dialog.message.text()
    assert dialog.result() == 0 and office_db.account is None
    dialog.password.setText(password("clerk"))
    dialog.try_sign_in()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert office_db.account is not None and office_db.account.role == "clerk"


def test_the_window_locks_and_only_the_password_opens_it(
        qtbot: QtBot, office_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    as_role(office_db, "clerk")
    window = _window(qtbot, office_db)
    assert window.idle.timer.isActive()  # counting down the idle minutes
    assert window.idle.timer.interval() == accounts.idle_minutes(office_db) * 60_000
    seen: list[bool] = []
    record = MemberDialog(office_db, None, window)  # left open by the clerk
    qtbot.addWidget(record)
    record.show()
    record.full_name.setText("Đang gõ dở")

    def unlock(self: LockDialog) -> int:
        from ui.idle import Curtain
        seen.append(window.centralWidget().isVisible())
        covers = record.findChildren(Curtain)
        seen.append(bool(covers) and covers[0].isVisible()
                    and covers[0].geometry() == record.rect())
        self.password.setText("sai-mat-khau")
        self._unlock()
        assert "Sai" in self.message.text()
        self.password.setText(password("clerk"))
        self._unlock()
        return self.result()

    monkeypatch.setattr(LockDialog, "exec", unlock)
    window.idle.idle.emit()  # the idle time has passed
    assert seen == [False, True]  # nothing showed while locked
    assert window.centralWidget().isVisible() and window.idle.timer.isActive()
    assert record.isVisible() and record.full_name.text() == "Đang gõ dở"  # nothing lost


def test_the_chairs_accounts_dialog(qtbot: QtBot, office_db: Database,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    as_role(office_db, "chair")
    dialog = AccountsDialog(office_db)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 5
    roles = {dialog.table.item(i, 0).text(): dialog.table.item(i, 2).text()
             for i in range(5)}
    assert roles == {"chair": "Chủ tịch", "treasurer": "Kế toán – thủ quỹ",
                     "clerk": "Cán bộ công đoàn", "inspector": "Ủy ban kiểm tra",
                     "viewer": "Chỉ xem"}
    dialog.table.selectRow(next(i for i in range(5) if dialog.table.item(i, 0).text() ==
                                "viewer"))
    dialog.toggle()
    assert not next(r for r in accounts.list_users(office_db) if r.username == "viewer").active
    dialog.idle.setValue(3)
    dialog._save_idle()
    assert accounts.idle_minutes(office_db) == 3
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    from PySide6.QtWidgets import QInputDialog
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("mat-khau-moi-9", True))
    dialog.table.selectRow(next(i for i in range(5) if dialog.table.item(i, 0).text() ==
                                "clerk"))
    dialog.reset()
    assert told and "clerk" in told[0]
    assert accounts.sign_in(office_db, "clerk", "mat-khau-moi-9").must_change_password


def test_the_audit_view(qtbot: QtBot, office_db: Database, office: Office,
                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    as_role(office_db, "inspector")
    dialog = AuditDialog(office_db, member=office.ids["member"])
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() > 3
    entities = {dialog.model.row_at(i).entity for i in range(dialog.model.rowCount())}
    assert {"member", "support_case"} <= entities
    created = next(i for i in range(dialog.model.rowCount())
                   if dialog.model.row_at(i).entity == "member"
                   and dialog.model.row_at(i).action == "create")
    dialog.view.selectRow(created)
    fields = {dialog.changes.item(i, 0).text(): dialog.changes.item(i, 2).text()
              for i in range(dialog.changes.rowCount())}
    assert fields["Họ và tên"] == "Nguyễn Thị Hạnh" and fields["Số CCCD"] == "001190012345"
    dialog.user.setCurrentIndex(dialog.user.findData("treasurer"))
    assert {dialog.model.row_at(i).user for i in range(dialog.model.rowCount())} == {
        "treasurer"}
    target = tmp_path / "nhat-ky.xlsx"
    monkeypatch.setattr("ui.dialogs.audit_view.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(target), ""))
    done: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: done.append(a[2]))
    dialog.export()
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)  # the task has finished the file
    assert "nhat-ky.xlsx" in done[0]
    from python_calamine import CalamineWorkbook
    sheet = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert any("NHẬT KÝ THAY ĐỔI" in str(c) for row in sheet for c in row)
    assert any("Kế toán – thủ quỹ" in str(c) for row in sheet for c in row)


def test_the_audit_view_is_for_the_chair_and_the_inspection_committee(
        qtbot: QtBot, office_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.dialogs.audit_view import open_audit

    shown: list[str] = []
    monkeypatch.setattr("ui.dialogs.audit_view.show_error",
                        lambda parent, error: shown.append(error.message))
    as_role(office_db, "clerk")
    assert open_audit(office_db, None) is None and "nhật ký" in shown[0]


def test_exporting_the_roster_asks_once_for_the_purpose(qtbot: QtBot,
                                                        office_db: Database) -> None:
    as_role(office_db, "clerk")
    dialog = PersonalExportDialog(office_db)
    qtbot.addWidget(dialog)
    assert dialog.national_id.isChecked() and dialog.phone.isChecked()
    warned: list[str] = []
    import ui.dialogs.personal_export as module
    original = QMessageBox.warning
    QMessageBox.warning = lambda *a, **k: warned.append(a[2])  # type: ignore[method-assign]
    try:
        dialog._check()
    finally:
        QMessageBox.warning = original  # type: ignore[method-assign]
    assert warned and dialog.choice is None
    dialog.purpose.setText("Đối chiếu bảo hiểm")
    dialog._check()
    assert dialog.choice == module.ExportChoice(True, True, "Đối chiếu bảo hiểm")
    again = PersonalExportDialog(office_db)
    qtbot.addWidget(again)
    assert again.purpose.text() == "Đối chiếu bảo hiểm"  # asked once, offered again
    as_role(office_db, "viewer")
    viewer = PersonalExportDialog(office_db)
    qtbot.addWidget(viewer)
    assert not viewer.national_id.isChecked() and not viewer.national_id.isEnabled()


def test_an_unusual_amount_is_asked_about_in_the_case_dialog(
        qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from unionapp.members import find_members

    who = find_members(demo_db, "", status="active")[3]
    dialog = CaseDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.member.set_member(who.uuid)
    sick = next(k for k in kind_list(demo_db) if k.code == "OM-DAU")
    dialog.kind.setCurrentIndex(index_of(dialog.kind, sick.uuid))
    dialog.amount.set_value(2_000_000)
    dialog.reason.setPlainText("Nằm viện dài ngày")
    asked: list[str] = []
    monkeypatch.setattr(operations, "confirm",
                        lambda parent, error: asked.append(error.message) or False)
    dialog.save()
    assert asked and "500.000 đ" in asked[0] and dialog.saved is None
    monkeypatch.setattr(operations, "confirm", lambda parent, error: True)
    dialog.save()
    assert dialog.saved is not None
    detail = case_detail(demo_db, dialog.saved.uuid)
    assert "Đã xác nhận khi lưu" in detail.events[0].note


def test_the_first_account_from_the_window(qtbot: QtBot, db: Database,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.dialogs import sign_in

    window = _window(qtbot, db)
    shown: list[str] = []

    def fill(self: sign_in.NewAccountDialog) -> int:
        self.username.setText("hai.nt")
        self.password.setText("mat-khau-chu-tich")
        self.again.setText("mat-khau-chu-tich")
        self._apply()
        return self.result()

    monkeypatch.setattr(sign_in.NewAccountDialog, "exec", fill)
    monkeypatch.setattr(sign_in, "show_recovery_code", lambda p, code, text: shown.append(code))
    rebuilt: list[bool] = []
    window.rebuild_requested.connect(lambda: rebuilt.append(True))
    window.create_first_account()
    assert shown and len(shown[0]) == 19 and rebuilt == [True]
    assert db.account is not None and db.account.role == "chair"
    again = _window(qtbot, db)
    assert "Chủ tịch" in again.account_label.text()


def test_a_read_only_dialog_keeps_close_only(qtbot: QtBot, office_db: Database,
                                            office: Office) -> None:
    from ui.roles import read_only_unless

    as_role(office_db, "treasurer")
    dialog = CaseDialog(office_db, office.ids["proposed"])
    qtbot.addWidget(dialog)
    assert "(chỉ xem)" in dialog.windowTitle()
    assert all(e.isReadOnly() for e in dialog.findChildren(QLineEdit))
    as_role(office_db, "chair")
    other = QDialog()
    qtbot.addWidget(other)
    assert read_only_unless(other, office_db, Permission.SUPPORT_APPROVE) is False


def test_make_accounts_helper_leaves_the_chair_signed_in(db: Database) -> None:
    make_accounts(db)
    assert db.account is not None and db.account.role == "chair"


def test_the_program_asks_to_sign_in_at_start(qtbot: QtBot, office: Office, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              sync_pool: object) -> None:
    from PySide6.QtWidgets import QApplication

    from ui import app as app_module
    from unionapp.cli import parse
    from unionapp.settings import Settings

    path = copy_office(office, tmp_path)
    asked: list[str] = []

    def answer(self: SignInDialog) -> int:
        asked.append(self.username.text())
        self.password.setText(password("treasurer"))
        self.try_sign_in()
        return self.result()

    monkeypatch.setattr(SignInDialog, "exec", answer)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    controller = app_module.Controller(app, parse(["--user", "treasurer", "--db", str(path)]),
                                       Settings())
    controller.start()
    assert asked == ["treasurer"] and controller.window is not None
    qtbot.addWidget(controller.window)
    assert controller.db is not None and controller.db.account is not None
    assert "Kế toán – thủ quỹ" in controller.window.account_label.text()
    # signing out asks again; giving up leaves the program
    monkeypatch.setattr(SignInDialog, "exec", lambda self: 0)
    quits: list[bool] = []
    monkeypatch.setattr(app, "quit", lambda: quits.append(True))
    controller.window.sign_out()
    assert quits == [True] and controller.db.account is None
    controller.shutdown()
