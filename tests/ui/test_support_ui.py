"""The Chăm lo – Hỗ trợ tab and its dialogs, driven as a clerk would (offscreen)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from tests.pdfcheck import pdf_pages, pdf_text
from ui import operations
from ui.dialogs import pdf_preview
from ui.dialogs.support_batch import BatchDialog
from ui.dialogs.support_case import CaseDialog
from ui.dialogs.support_print import PrintListDialog
from ui.dialogs.support_setup import FundForm, FundsDialog, KindForm
from ui.dialogs.support_step import CorrectionDialog, StepDialog
from ui.operations import Changes, Outcome
from ui.tabs import support_tab as tab_module
from ui.tabs.support_tab import SupportTab, period_range
from ui.widgets.inputs import index_of
from ui.widgets.member_support import MemberSupportTable
from unionapp.db import Database
from unionapp.members import find_members
from unionapp.models import AuditLog, Relation, SupportStatus
from unionapp.relatives import relatives_of
from unionapp.support import (
    CaseQuery,
    FundInput,
    case_detail,
    case_list,
    fund_balances,
    kind_list,
    member_cases,
    save_fund,
)
from unionapp.text import amount_in_words, format_vnd

YEAR = date.today().year


@pytest.fixture
def tab(qtbot: QtBot, demo_db: Database) -> SupportTab:
    widget = SupportTab(demo_db)
    qtbot.addWidget(widget)
    widget.reload()
    return widget


def _select(tab: SupportTab, *rows: int) -> None:
    tab.view.clearSelection()
    model = tab.view.selectionModel()
    for row in rows:
        model.select(tab.model.index(row, 0), model.SelectionFlag.Select | model.SelectionFlag.Rows)


def _row_of(tab: SupportTab, status: str) -> int:
    return next(i for i in range(tab.model.rowCount()) if tab.model.row_at(i).status == status)


def test_the_tab_filters_and_totals(tab: SupportTab, demo_db: Database) -> None:
    everything = tab.model.rowCount()
    assert everything > 300 and "hồ sơ — tổng" in tab.footer.text()
    tab.status.setCurrentIndex(index_of(tab.status, SupportStatus.PROPOSED))
    assert 0 < tab.model.rowCount() < 10
    assert {tab.model.row_at(i).status for i in range(tab.model.rowCount())} == {"proposed"}
    tab.status.setCurrentIndex(0)
    tab.kind.setCurrentIndex(index_of(tab.kind, "TET"))
    assert tab.model.rowCount() == 280
    assert "84.000.000 đ" in tab.footer.text()
    tab.kind.setCurrentIndex(0)
    tab.period.setCurrentIndex(index_of(tab.period, (1, 3)))  # quarter I: the Tết batch
    assert all(tab.model.row_at(i).occurred_on.month <= 3 for i in range(tab.model.rowCount()))
    tab.period.setCurrentIndex(0)
    group = tab.group.itemData(1)
    tab.group.setCurrentIndex(1)
    assert 0 < tab.model.rowCount() < everything
    assert {tab.model.row_at(i).group for i in range(tab.model.rowCount())} == {
        tab.group.itemText(1)}
    assert group is not None
    assert tab.funds_table.rowCount() == 2 and tab.batches.count() == 2


def test_the_side_panel_narrows_to_a_batch_or_a_fund(tab: SupportTab) -> None:
    tet = next(i for i in range(tab.batches.count()) if "Nguyên đán" in tab.batches.item(i).text())
    tab._batch_clicked(tab.batches.item(tet))
    assert tab.model.rowCount() == 280 and tab.scope_bar.isVisibleTo(tab)
    tab.scope_clear.click()
    assert tab.scope is None and tab.model.rowCount() > 300
    tab._fund_clicked(tab.funds_table.item(1, 0))
    assert {tab.model.row_at(i).fund.split(" (")[0] for i in range(tab.model.rowCount())} == {
        "Quỹ xã hội"}


def test_period_range() -> None:
    assert period_range(2024, (2, 2)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_range(2025, (10, 12)) == (date(2025, 10, 1), date(2025, 12, 31))
    assert period_range(None, None) == (None, None)


def test_buttons_follow_the_selected_cases(tab: SupportTab) -> None:
    tab.status.setCurrentIndex(0)
    _select(tab, _row_of(tab, SupportStatus.PROPOSED))
    steps = tab.step_actions
    assert steps[SupportStatus.APPROVED].isEnabled() and steps[SupportStatus.REJECTED].isEnabled()
    assert not steps[SupportStatus.PAID].isEnabled() and not tab.correct_action.isEnabled()
    assert tab.delete_action.isEnabled() and not tab.print_slip_action.isEnabled()
    _select(tab, _row_of(tab, SupportStatus.PAID))
    assert steps[SupportStatus.CLOSED].isEnabled() and tab.correct_action.isEnabled()
    assert not steps[SupportStatus.APPROVED].isEnabled() and tab.print_slip_action.isEnabled()
    _select(tab, _row_of(tab, SupportStatus.PROPOSED), _row_of(tab, SupportStatus.PAID))
    assert not any(a.isEnabled() for a in steps.values())  # no step fits both


def test_approving_then_paying_from_the_tab(tab: SupportTab, demo_db: Database,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(StepDialog, "exec", lambda self: 1)
    row = tab.model.row_at(_row_of(tab, SupportStatus.PROPOSED))
    _select(tab, _row_of(tab, SupportStatus.PROPOSED))
    tab.step(SupportStatus.APPROVED)
    assert case_detail(demo_db, row.uuid).status == SupportStatus.APPROVED
    _select(tab, next(i for i in range(tab.model.rowCount())
                      if tab.model.row_at(i).uuid == row.uuid))
    tab.step(SupportStatus.PAID)
    detail = case_detail(demo_db, row.uuid)
    assert detail.status == SupportStatus.PAID and detail.events[-1].by_user == "tester"


def test_an_overspend_asks_and_is_logged_only_when_confirmed(
        tab: SupportTab, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(StepDialog, "exec", lambda self: 1)
    index = _row_of(tab, SupportStatus.PROPOSED)
    row = tab.model.row_at(index)
    fund = next(f for f in fund_balances(demo_db, row.occurred_on.year)
                if row.fund.startswith(f.name))
    save_fund(demo_db, FundInput(code=fund.code, name=fund.name, year=fund.year,
                                 budget=fund.committed), fund.uuid)  # nothing left
    asked = []
    monkeypatch.setattr(operations, "confirm",
                        lambda parent, error: asked.append(error) or False)
    _select(tab, index)
    tab.step(SupportStatus.APPROVED)
    assert asked and asked[0].shortfall == row.amount
    assert case_detail(demo_db, row.uuid).status == SupportStatus.PROPOSED
    monkeypatch.setattr(operations, "confirm", lambda parent, error: True)
    _select(tab, index)
    tab.step(SupportStatus.APPROVED)
    assert case_detail(demo_db, row.uuid).events[-1].over_budget
    with demo_db.read() as s:
        assert s.scalar(select(AuditLog).where(AuditLog.action == "over_budget")) is not None
    assert tab.funds_table.item(next(i for i, f in enumerate(tab.funds) if f.uuid == fund.uuid),
                                2).foreground().color().name() == "#b00020"


def test_the_case_dialog_records_a_bereavement_with_a_new_relative(
        qtbot: QtBot, demo_db: Database) -> None:
    who = find_members(demo_db, "", status="active")[5]
    dialog = CaseDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.member.set_member(who.uuid)
    assert dialog.history.model.rowCount() == len(member_cases(demo_db, who.uuid))
    hieu = next(k for k in kind_list(demo_db) if k.code == "HIEU")
    dialog.kind.setCurrentIndex(index_of(dialog.kind, hieu.uuid))
    assert dialog.amount.value() == hieu.default_amount  # the catalogue's default
    assert "Một triệu đồng" in dialog.words.text()
    assert "KPCD" in (dialog.fund.currentData(Qt.ItemDataRole.UserRole + 1) or "")
    dialog.for_relative.setChecked(True)
    dialog.relative.setEditText("Lê Thị Mận")
    dialog.relation.setCurrentIndex(index_of(dialog.relation, Relation.MOTHER_IN_LAW))
    assert dialog.save_relative.isVisibleTo(dialog)
    dialog.reason.setPlainText("Phúng viếng")
    dialog.save()
    assert dialog.result() == 1 and dialog.saved is not None
    assert dialog.saved.beneficiary_name == "Lê Thị Mận"
    assert dialog.saved.status == SupportStatus.APPROVED  # bereavement: by the rules
    assert "Lê Thị Mận" in [r.full_name for r in relatives_of(demo_db, who.uuid)]


def test_the_case_dialog_refuses_bad_input_and_keeps_paid_amounts(
        qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    dialog = CaseDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.save()  # no member
    assert dialog.result() == 0 and "đoàn viên" in warnings[-1]
    dialog.amount.setText("1,5 triệu")
    dialog.save()
    assert "số đồng" in warnings[-1]
    paid = case_list(demo_db, CaseQuery(status=SupportStatus.PAID)).page(0, 1)[0]
    edit = CaseDialog(demo_db, paid.uuid)
    qtbot.addWidget(edit)
    assert not edit.amount.isEnabled() and not edit.member.isEnabled()
    assert edit.reason.isEnabled()
    edit.paper_ref.setText("PC-2026-99")
    edit.save()
    assert edit.result() == 1 and case_detail(demo_db, paid.uuid).paper_ref == "PC-2026-99"


def test_a_correction_from_the_tab(tab: SupportTab, demo_db: Database,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    index = _row_of(tab, SupportStatus.PAID)
    row = tab.model.row_at(index)

    def fill(self: CorrectionDialog) -> int:
        self.amount.set_value(row.amount + 200_000)
        self.reason.setText("Bổ sung theo nghị quyết")
        return 1

    monkeypatch.setattr(CorrectionDialog, "exec", fill)
    monkeypatch.setattr(operations, "confirm", lambda parent, error: True)
    _select(tab, index)
    tab.correct()
    detail = case_detail(demo_db, row.uuid)
    assert detail.amount == row.amount + 200_000
    assert detail.corrections[-1].reason == "Bổ sung theo nghị quyết"


def test_the_batch_dialog_records_many_cases_at_once(qtbot: QtBot, demo_db: Database) -> None:
    dialog = BatchDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(index_of(dialog.kind, next(
        k.uuid for k in kind_list(demo_db) if k.code == "HI")))
    dialog.with_children.setChecked(True)
    dialog.child_age.setValue(6)
    young = dialog.model.rowCount()
    assert young > 0 and all(dialog.model.rows[i].children for i in range(young))
    dialog.with_children.setChecked(False)
    dialog.group.setCurrentIndex(1)
    chosen = dialog.model.chosen()
    assert chosen and dialog.ok.isEnabled()
    dialog.model.setData(dialog.model.index(0, 0), Qt.CheckState.Unchecked.value,
                         Qt.ItemDataRole.CheckStateRole)
    assert len(dialog.model.chosen()) == len(chosen) - 1
    dialog.amount.set_value(250_000)
    dialog.title.setText("Quà 20/10 cho tổ")
    assert "× 250.000 đ" in dialog.summary.text()
    dialog.create()
    qtbot.waitUntil(lambda: dialog.result() == 1, timeout=10_000)
    assert dialog.batch_result is not None
    rows = case_list(demo_db, CaseQuery(batch=dialog.batch_result.uuid)).all()
    assert len(rows) == len(chosen) - 1 and {r.amount for r in rows} == {250_000}
    assert {r.batch for r in rows} == {"Quà 20/10 cho tổ"}


def test_printing_the_signature_list_and_slips(tab: SupportTab, qtbot: QtBot,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[Path] = []
    monkeypatch.setattr(pdf_preview, "preview_pdf",  # the tab imports it when it shows one
                        lambda parent, path, title="", **kwargs: shown.append(path))
    monkeypatch.setattr(PrintListDialog, "exec", lambda self: 1)
    tet = next(i for i in range(tab.batches.count())
               if "Nguyên đán" in tab.batches.item(i).text())
    tab._batch_clicked(tab.batches.item(tet))
    tab.print_list()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    text = pdf_text(shown[0])
    assert "DANH SÁCH KÝ NHẬN" in text and "Quà Tết Nguyên đán" in text
    flat = " ".join(text.split())
    assert "84.000.000" in flat and f"Bằng chữ: {amount_in_words(84_000_000)}." in flat
    assert tab.last_paper is not None and tab.last_paper.count == 280
    _select(tab, 0, 1)
    tab.print_slips()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=20_000)
    assert pdf_text(shown[1]).count("PHIẾU CHI") == 2


def test_the_signature_list_prints_what_is_selected_and_says_so_first(
        tab: SupportTab, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 16.7: one case selected printed the whole year (362 cases, 22 pages) on main."""
    shown: list[tuple[Path, str]] = []
    monkeypatch.setattr(pdf_preview, "preview_pdf",  # the tab imports it when it shows one
                        lambda parent, path, title="", **kwargs: shown.append((path, title)))
    said: list[str] = []

    def look(dialog: PrintListDialog) -> int:
        said.extend(radio.text() for radio in dialog.choices)
        said.append(dialog.summary.text())
        return 1

    monkeypatch.setattr(PrintListDialog, "exec", look)
    row = _row_of(tab, SupportStatus.PAID)
    _select(tab, row)
    chosen = tab.model.row_at(row)
    assert chosen is not None
    tab.print_list()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert said[0] == "Chỉ các hồ sơ đang chọn (1)"
    assert said[-1] == f"Sẽ in 1 hồ sơ, tổng cộng {format_vnd(chosen.amount)}."
    assert tab.last_paper is not None and tab.last_paper.count == 1
    path, title = shown[0]
    assert pdf_pages(path) == 1 and chosen.member_name in pdf_text(path)
    assert title.startswith("Danh sách ký nhận")
    # Nothing selected: the list as shown, counted before printing.
    tab.view.clearSelection()
    said.clear()
    tab.print_list()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=20_000)
    assert said[0].startswith("Mọi hồ sơ của danh sách đang hiển thị")
    assert "Sẽ in " in said[-1] and "chưa được duyệt" in said[-1]


def test_the_slip_preview_is_titled_with_the_person(tab: SupportTab, qtbot: QtBot,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 16.8: the window was titled with a file name (phieu-chi-20261204-035305)."""
    shown: list[str] = []
    monkeypatch.setattr(pdf_preview, "preview_pdf",  # the tab imports it when it shows one
                        lambda parent, path, title="", **kwargs: shown.append(title))
    row = _row_of(tab, SupportStatus.PAID)
    _select(tab, row)
    chosen = tab.model.row_at(row)
    assert chosen is not None
    tab.print_slips()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert shown[0] == f"Phiếu chi — {chosen.member_name}"


def test_export_from_the_tab(tab: SupportTab, qtbot: QtBot, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch, sync_pool: object,
                             heard: list[Outcome]) -> None:
    target = tmp_path / "cham-lo"
    monkeypatch.setattr(tab_module.QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), "Bảng tính Excel (*.xlsx)"))
    tab.kind.setCurrentIndex(index_of(tab.kind, "HIEU"))
    tab.export()
    assert target.with_suffix(".xlsx").exists()
    [told] = [o for o in heard if o.message]  # the word in the status bar, and the file
    assert f"{tab.model.rowCount()} hồ sơ" in told.message
    assert told.file == target.with_suffix(".xlsx") and not told.changes


def test_the_member_support_table(qtbot: QtBot, demo_db: Database) -> None:
    who = case_list(demo_db, CaseQuery(kind_code="OM-DAU")).page(0, 1)[0].member_uuid
    widget = MemberSupportTable(demo_db)
    qtbot.addWidget(widget)
    assert "Chọn đoàn viên" in widget.summary.text()
    widget.set_member(who)
    assert widget.model.rowCount() == len(member_cases(demo_db, who)) > 0
    assert "đã nhận" in widget.summary.text()
    with qtbot.waitSignal(widget.case_activated) as activated:
        widget.view.doubleClicked.emit(widget.model.index(0, 0))
    assert activated.args[0] == widget.model.row_at(0).uuid


def test_funds_and_kinds_are_edited_in_dialogs(qtbot: QtBot, demo_db: Database,
                                               heard: list[Outcome]) -> None:
    dialog = FundsDialog(demo_db, YEAR + 1)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    dialog.copy_last_year()
    assert dialog.table.rowCount() == 2
    assert [o.changes for o in heard] == [Changes.SUPPORT]  # the support tab shows them too
    form = FundForm(demo_db, YEAR + 1)
    qtbot.addWidget(form)
    form.code.setEditText("QPL")
    form.name.setText("Quỹ phúc lợi")
    form.budget.setText("25.000.000")
    form.save()
    assert form.result() == 1
    assert {f.code: f.budget for f in fund_balances(demo_db, YEAR + 1)}["QPL"] == 25_000_000
    om = next(k for k in kind_list(demo_db) if k.code == "OM-DAU")
    kind = KindForm(demo_db, om)
    qtbot.addWidget(kind)
    kind.amount.set_value(800_000)
    kind.save()
    assert next(k for k in kind_list(demo_db) if k.code == "OM-DAU").default_amount == 800_000


def test_step_dialog_needs_a_reason_to_reject(qtbot: QtBot, demo_db: Database,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)
    rows = case_list(demo_db, CaseQuery(status=SupportStatus.PROPOSED)).all()
    dialog = StepDialog(rows, SupportStatus.REJECTED)
    qtbot.addWidget(dialog)
    dialog._check()
    assert dialog.result() == 0
    dialog.note.setText("Không thuộc đối tượng")
    dialog._check()
    assert dialog.result() == 1
    assert f"{len(rows)} hồ sơ" in dialog.summary.text()
