"""Words for clerks in the exchange: the signing key explained in one sentence where it is
first met, fingerprints and checksums behind "Chi tiết", every count with its thousands dot,
"the first file" instead of "changes since number 0", and headings that are not cut."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QHeaderView, QMessageBox, QTableWidget
from pytestqt.qtbot import QtBot

from tests.exchange.conftest import Pair
from tests.ui.windows import main_window
from ui.dialogs.exchange import ImportDialog, export_file
from ui.dialogs.keys import KeysDialog
from unionapp.db import Database
from unionapp.exchange import keys
from unionapp.text import format_count

KEY_SENTENCE = "Khóa ký là con dấu điện tử của công đoàn"


def _headings_fit(table: QTableWidget) -> None:
    """No heading is cut: each column is at least as wide as Qt needs to show it whole."""
    header = table.horizontalHeader()
    for column in range(table.columnCount()):
        title = table.horizontalHeaderItem(column).text()
        assert header.sectionSize(column) >= header.sectionSizeHint(column), title


def test_export_says_what_a_clerk_needs_and_keeps_the_checksum_behind_details(
        qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    keys.init_keys(demo_db)
    window = main_window(qtbot, demo_db, shown=True)
    target = tmp_path / "usb" / "VNCPT.zip"
    task = export_file(window, demo_db, target, full=False)
    assert task is not None
    qtbot.waitUntil(lambda: task.finished, timeout=20_000)
    box = next(w for w in window.findChildren(QMessageBox) if w.isVisible())
    text = box.text()
    log = window.exchange_tab
    log.reload()
    rows = int(log.packages.item(0, 4).text().replace(".", ""))
    assert rows > 1000  # the demo branch's first file: everything
    assert format_count(rows) in text and str(rows) not in text  # 4.236, not 4236
    assert "SHA-256" not in text and "Toàn bộ (tệp đầu tiên)".lower() in text
    assert "SHA-256" in box.detailedText()
    # The exchange tab: the count with its dot, the first file in words, headings whole.
    assert log.packages.item(0, 4).text() == format_count(rows)
    assert log.packages.item(0, 2).text() == "Toàn bộ (tệp đầu tiên)"
    _headings_fit(log.packages)
    _headings_fit(log.conflicts)
    box.close()


def test_the_parent_unions_table_headings_fit(qtbot: QtBot, pair: Pair) -> None:
    window = main_window(qtbot, pair.parent.db, shown=True)
    window.tabs.setCurrentWidget(window.exchange_tab)
    _headings_fit(window.exchange_tab.packages)


def test_the_import_preview_speaks_plainly_details_on_request(qtbot: QtBot,
                                                              pair: Pair) -> None:
    package = pair.export()
    dialog = ImportDialog(pair.parent.db, package)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.check()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=20_000)
    about = dialog.about.text()
    assert "Tệp dữ liệu số 1 của VNCPT" in about
    assert "Chữ ký (con dấu điện tử) hợp lệ" in about
    total = sum(dialog.summary.total(k) for k in ("created", "updated", "deleted",
                                                  "unchanged"))
    assert f"{format_count(total)} bản ghi" in about
    fingerprint = dialog.summary.package.key_fingerprint
    shown = " ".join(w.text() for w in (dialog.headline, dialog.about, dialog.problems))
    assert fingerprint not in shown and "SHA-256" not in shown
    assert not dialog.details.isVisible()
    assert dialog.details_button.text() == "Chi tiết"
    dialog.details_button.click()
    assert dialog.details.isVisible()
    assert "SHA-256" in dialog.details.toPlainText()
    assert fingerprint in dialog.details.toPlainText()
    counts = [dialog.counts.item(r, 1).text() for r in range(dialog.counts.rowCount())]
    assert counts == [format_count(c.created) for c in dialog.summary.entities.values()
                      if any(c.as_json().values())]
    _headings_fit(dialog.counts)


def test_the_signing_key_is_explained_where_it_is_first_met(qtbot: QtBot, db: Database,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    dialog = KeysDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.about.text().startswith(KEY_SENTENCE)
    _headings_fit(dialog.peers)
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    assert keys.own_public(db) is None
    assert export_file(dialog, db, Path("/nonexistent/x.zip"), full=True) is None
    assert asked and asked[0].startswith(KEY_SENTENCE)
    assert keys.own_public(db) is None  # declined: nothing made


def test_the_exported_text_of_the_command_line_has_the_dot_too(demo_db: Database,
                                                               tmp_path: Path) -> None:
    from unionapp.exchange import export_package

    keys.init_keys(demo_db)
    result = export_package(demo_db, tmp_path / "a.zip")
    assert result.total_rows > 1000
    assert format_count(result.total_rows) in result.text()
    assert "từ số 0" not in result.text()


def test_headers_resize_to_their_words() -> None:
    table = QTableWidget(0, 2)
    from ui.dialogs.exchange import fit_headers

    fit_headers(table, stretch=1)
    header = table.horizontalHeader()
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.ResizeToContents
    assert header.sectionResizeMode(1) == QHeaderView.ResizeMode.Stretch
