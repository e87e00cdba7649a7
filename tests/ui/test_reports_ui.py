"""Báo cáo ▸ Lập báo cáo…, driven as a clerk would (offscreen): pick a report and a period,
make it in the background, read where it went."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pytestqt.qtbot import QtBot

from tests.exchange.conftest import Pair
from ui.dialogs.reports import ReportDialog
from ui.main_window import MainWindow
from ui.widgets.inputs import index_of
from unionapp.db import Database
from unionapp.reports.definitions import definitions_dir

TODAY = date.today()


def _make(qtbot: QtBot, dialog: ReportDialog) -> None:
    dialog.result_message = None
    dialog.make_button.click()
    qtbot.waitUntil(lambda: dialog.result_message is not None, timeout=60_000)
    assert dialog.make_button.isEnabled()


def test_the_menu_opens_the_dialog(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.report_action.trigger()
    dialog = window.findChild(ReportDialog)
    assert dialog is not None and dialog.isVisible()
    assert [dialog.kind.itemData(i) for i in range(dialog.kind.count())] == [
        "members", "support", "awards", "activities", "statistics"]
    dialog.close()


def test_a_report_made_from_the_dialog(qtbot: QtBot, demo_db: Database,
                                       tmp_path: Path) -> None:
    dialog = ReportDialog(demo_db)
    qtbot.addWidget(dialog)
    # Other reports start with the year so far; the statistics form with the last reporting
    # period that has ended (31/5, 30/11 or 31/12).
    assert (dialog.start.date_value(), dialog.end.date_value()) == (date(TODAY.year, 1, 1),
                                                                    TODAY)
    assert dialog.out.text().endswith(f"bao-cao-doan-vien-{TODAY.isoformat()}.xlsx")
    dialog.kind.setCurrentIndex(index_of(dialog.kind, "statistics"))
    end = dialog.end.date_value()
    assert end <= TODAY and (end.month, end.day) in ((5, 31), (11, 30), (12, 31))
    assert dialog.out.text().endswith(f"bao-cao-thong-ke-{end.isoformat()}.xlsx")
    dialog.out.setText(str(tmp_path / "thong-ke.xlsx"))
    _make(qtbot, dialog)
    assert (tmp_path / "thong-ke.xlsx").exists()
    assert str(tmp_path / "thong-ke.xlsx") in dialog.result_message.text()
    assert dialog.last_result is not None and dialog.last_result.kind == "statistics"
    dialog.result_message.close()

    # Dates typed by hand; a PDF.
    dialog.kind.setCurrentIndex(index_of(dialog.kind, "support"))
    dialog.start.set_date(date(TODAY.year, 3, 1))
    assert dialog.period.currentData() == -1  # "Other dates"
    dialog.format.setCurrentIndex(1)
    assert dialog.out.text().endswith(".pdf")
    dialog.out.setText(str(tmp_path / "cham-lo.pdf"))
    _make(qtbot, dialog)
    assert (tmp_path / "cham-lo.pdf").read_bytes().startswith(b"%PDF")
    assert dialog.last_result.period.start == date(TODAY.year, 3, 1)


def test_the_parents_form_from_the_dialog(qtbot: QtBot, demo_db: Database,
                                          tmp_path: Path) -> None:
    dialog = ReportDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(1)
    dialog.set_form(definitions_dir() / "mau-bao-cao-thong-ke-cap-tren.xlsx")
    assert dialog.format.currentData() == ".xlsx" and not dialog.format.isEnabled()
    dialog.out.setText(str(tmp_path / "bieu-mau.xlsx"))
    _make(qtbot, dialog)
    ws = openpyxl.load_workbook(tmp_path / "bieu-mau.xlsx").active
    assert ws["D11"].value == dialog.last_result.figures["members.total"]
    assert dialog.last_result.unknown == ()


def test_a_refusal_is_shown_and_nothing_written(qtbot: QtBot, demo_db: Database,
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr("ui.operations.show_error", lambda parent, error: shown.append(
        getattr(error, "message", str(error))))
    dialog = ReportDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.out.setText(str(tmp_path / "missing" / "a.xlsx"))
    dialog.make_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    assert "không tồn tại" in shown[0] and dialog.make_button.isEnabled()
    assert not (tmp_path / "missing").exists()


def test_a_parent_union_picks_its_branches(qtbot: QtBot, pair: Pair, tmp_path: Path) -> None:
    pair.send_up(full=True)
    dialog = ReportDialog(pair.parent.db)
    qtbot.addWidget(dialog)
    assert [dialog.branch.itemData(i) for i in range(dialog.branch.count())] == [
        "", "CDCS-KHAC", "VNCPT"]
    dialog.out.setText(str(tmp_path / "all.xlsx"))
    _make(qtbot, dialog)
    assert dialog.last_result.parent and "CDCS-KHAC" in dialog.result_message.text()
    dialog.result_message.close()
    dialog.branch.setCurrentIndex(index_of(dialog.branch, "VNCPT"))
    dialog.out.setText(str(tmp_path / "one.xlsx"))
    _make(qtbot, dialog)
    assert not dialog.last_result.parent
