"""Qt's own dialogs in Vietnamese (issue 16.11): every string the file, print, page set-up,
input, message and progress dialogs ask a translator for has a Vietnamese translation in our
catalogue (Qt ships none), and the file dialog writes dates dd/mm/yyyy, not "4 12 2026"."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer, QTranslator
from PySide6.QtPrintSupport import QPageSetupDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
)
from pytestqt.qtbot import QtBot

from ui import qt_dialogs
from ui.qt_dialogs import DatesOurWay

# Strings that stay as they are: key names, numbers, units' symbols, Designer forms' titles
# (never shown), and paper sizes known by their names (A4, Letter, JIS B5…).
AS_THEY_ARE = {
    ("QFileDialog", "Alt+Left"), ("QFileDialog", "Alt+Right"), ("QFileDialog", "Alt+Up"),
    ("QShortcut", "Ctrl"), ("QProgressBar", "%p%"), ("QPrintWidget", "..."),
    ("QPrintWidget", "Form"), ("QPrintSettingsOutput", "Form"), ("QPageSetupWidget", "Form"),
    ("QPageSetupWidget", "mm"), ("QPageSetupWidget", "Cicero (CC)"),
    ("QPageSetupWidget", "Didot (DD)"), ("QPageSetupWidget", "Pica (P̸)"),
    ("QGuiApplication", "QT_LAYOUT_DIRECTION"), ("QPageSize", "%1 x %2 in"),
    *(("QPrintDialog", n) for n in ("1 (1x1)", "2 (2x1)", "4 (2x2)", "6 (2x3)", "9 (3x3)",
                                    "16 (4x4)")),  # pages per sheet
}
# Paper sizes with words in them are translated; the others are names.
WORDS = ("Envelope", "Postcard", "Custom")


class Checking(QTranslator):
    """Installed last, so asked first: notes what our catalogue leaves untranslated."""

    def __init__(self, ours: QTranslator):
        super().__init__()
        self.ours = ours
        self.asked: set[tuple[str, str]] = set()
        self.missing: set[tuple[str, str]] = set()

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str:
        self.asked.add((context, source))
        if not self.ours.translate(context, source, disambiguation, n):
            self.missing.add((context, source))
        return ""  # the real lookup goes on to our catalogue

    def isEmpty(self) -> bool:
        return False


@pytest.fixture
def checking(qapp: QApplication) -> Iterator[Checking]:
    ours = qt_dialogs.install_translation(qapp, "vi")
    assert ours is not None
    checker = Checking(ours)
    qapp.installTranslator(checker)
    yield checker
    qapp.removeTranslator(checker)
    qapp.removeTranslator(ours)


def _show(app: QApplication, dialog: QDialog, *steps: Callable[[], object]) -> None:
    """Show ``dialog`` as the program does (modal), take ``steps``, then close it; any
    message box a step opens is answered."""
    def answer() -> None:
        for window in app.topLevelWidgets():
            if isinstance(window, QMessageBox) and window.isVisible():
                window.done(0)

    boxes = QTimer()
    boxes.timeout.connect(answer)
    boxes.start(50)

    def run() -> None:
        for step in steps:
            step()
            app.processEvents()
        QTimer.singleShot(100, dialog.reject)

    QTimer.singleShot(100, run)
    dialog.exec()
    boxes.stop()


def _file_dialog(folder: Path, mode: QFileDialog.FileMode,
                 accept: QFileDialog.AcceptMode) -> QFileDialog:
    dialog = QFileDialog(None, "Chọn tệp", str(folder), "Bảng tính Excel (*.xlsx);;Mọi tệp (*)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setFileMode(mode)
    dialog.setAcceptMode(accept)
    return dialog


def test_every_string_of_qts_own_dialogs_is_vietnamese(qapp: QApplication, qtbot: QtBot,
                                                      checking: Checking,
                                                      tmp_path: Path) -> None:
    (tmp_path / "danh-sach.xlsx").write_bytes(b"")
    (tmp_path / "thu-muc").mkdir()
    modes = [(QFileDialog.FileMode.ExistingFile, QFileDialog.AcceptMode.AcceptOpen),
             (QFileDialog.FileMode.ExistingFiles, QFileDialog.AcceptMode.AcceptOpen),
             (QFileDialog.FileMode.AnyFile, QFileDialog.AcceptMode.AcceptSave),
             (QFileDialog.FileMode.Directory, QFileDialog.AcceptMode.AcceptOpen)]
    for mode, accept in modes:
        dialog = _file_dialog(tmp_path, mode, accept)
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        # what it says of a name that is not there, or already is
        typed = "khong-co.xlsx" if accept == QFileDialog.AcceptMode.AcceptOpen else \
            "danh-sach.xlsx"
        _show(qapp, dialog, lambda d=dialog: d.setViewMode(QFileDialog.ViewMode.Detail),
              lambda d=dialog: d.setViewMode(QFileDialog.ViewMode.List),
              lambda n=name, t=typed: n.setText(t), dialog.accept)
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "giay-khen.pdf"))
    dialog = QPrintDialog(printer)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)

    def click(label: str) -> None:
        for button in dialog.findChildren(QPushButton):
            if button.text().replace("&", "").startswith(label):
                QTimer.singleShot(200, lambda: [w.reject() for w in qapp.topLevelWidgets()
                                                if w.isVisible() and isinstance(w, QDialog)
                                                and w is not dialog])
                button.click()
                return

    _show(qapp, dialog, lambda: click("Options"), lambda: click("Properties"))
    _show(qapp, QPageSetupDialog(printer))
    text = QInputDialog()
    text.setLabelText("Tên")
    _show(qapp, text)
    choice = QInputDialog()
    choice.setComboBoxItems(["Một", "Hai"])
    _show(qapp, choice)
    buttons = QMessageBox.StandardButton
    box = QMessageBox(QMessageBox.Icon.Question, "Hỏi", "Xóa?", buttons.Yes | buttons.No
                      | buttons.Ok | buttons.Cancel | buttons.Save | buttons.Discard
                      | buttons.Close | buttons.Apply | buttons.Retry | buttons.Ignore
                      | buttons.Help | buttons.Abort)
    box.setDetailedText("chi tiết")
    _show(qapp, box)
    progress = QProgressDialog()
    progress.setLabelText("Đang làm…")
    _show(qapp, progress)
    QLineEdit().createStandardContextMenu()

    assert len(checking.asked) > 150  # the dialogs really asked
    untranslated = {(c, s) for c, s in checking.missing if (c, s) not in AS_THEY_ARE
                    and not (c == "QPageSize" and not s.startswith(WORDS))}
    assert untranslated == set()


def test_the_file_dialog_writes_dates_dd_mm_yyyy(qapp: QApplication, qtbot: QtBot,
                                                 tmp_path: Path) -> None:
    sheet = tmp_path / "danh-sach.xlsx"
    sheet.write_bytes(b"x" * 2048)
    moment = datetime(2026, 12, 4, 8, 5).timestamp()
    os.utime(sheet, (moment, moment))
    keeper = qt_dialogs.install(qapp)
    seen: list[tuple[str, str]] = []

    def look() -> None:
        dialog = next(w for w in qapp.topLevelWidgets()
                      if isinstance(w, QFileDialog) and w.isVisible())
        proxy = dialog.proxyModel()
        assert isinstance(proxy, DatesOurWay)
        source = proxy.sourceModel()
        qtbot.waitUntil(lambda: source.index(str(sheet)).isValid()
                        and proxy.mapFromSource(source.index(str(sheet), 3)).isValid())
        row = proxy.mapFromSource(source.index(str(sheet), 0)).row()
        parent = proxy.mapFromSource(source.index(str(tmp_path)))
        seen.append((proxy.index(row, 3, parent).data(), proxy.index(row, 1, parent).data()))
        dialog.reject()

    try:
        QTimer.singleShot(300, look)
        # the way the program asks (a static function: Qt's own dialog off Windows)
        QFileDialog.getOpenFileName(None, "Mở", str(tmp_path), "Mọi tệp (*)",
                                    options=QFileDialog.Option.DontUseNativeDialog)
    finally:
        qapp.removeEventFilter(keeper)
    assert seen == [("04/12/2026 08:05", "2,0 kB")]
