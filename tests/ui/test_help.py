"""Help ("Trợ giúp", issue 16.12): a first-day guide read offline, the data folder, and About
with the version and the places whoever supports the office asks for."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QTextBrowser
from pytestqt.qtbot import QtBot

from ui.dialogs import help as help_dialogs
from ui.main_window import MainWindow
from unionapp import __version__
from unionapp.backups.catalogue import folder_for
from unionapp.crash import reports_dir
from unionapp.db import Database
from unionapp.i18n import _catalogue
from unionapp.settings import data_dir

SECTIONS = ["Khai báo công đoàn", "Nhập danh sách đoàn viên", "Tạo tài khoản và phân quyền",
            "In giấy khen", "Gửi tệp dữ liệu lên công đoàn cấp trên", "Lập báo cáo",
            "Sao lưu và khôi phục"]


class _Guide(HTMLParser):
    """The guide's anchors, links and the interface words it quotes (class "menu")."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.quoted: list[str] = []
        self._in_menu = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        self._in_menu = values.get("class") == "menu"

    def handle_endtag(self, tag: str) -> None:
        self._in_menu = False

    def handle_data(self, data: str) -> None:
        if self._in_menu:
            self.quoted.append(data)


def _read(lang: str) -> _Guide:
    guide = _Guide()
    guide.feed(help_dialogs.guide_path(lang).read_text(encoding="utf-8"))
    return guide


def _help_menu(window: MainWindow) -> list[str]:
    [menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "Trợ &giúp"]
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_the_help_menu_has_the_guide_the_data_folder_and_about(qtbot: QtBot,
                                                              demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    assert _help_menu(window) == ["&Hướng dẫn ngày đầu", "Mở thư mục &dữ liệu", "&Giới thiệu"]


def test_the_guide_opens_offline_and_covers_the_first_day(qtbot: QtBot,
                                                          demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    dialog = help_dialogs.show_guide(window)
    assert help_dialogs.show_guide(window) is dialog  # one guide at a time
    browser = dialog.findChild(QTextBrowser)
    assert browser is not None and not browser.openExternalLinks()
    text = browser.toPlainText()
    assert text.startswith("Hướng dẫn ngày đầu")
    for section in SECTIONS:
        assert section in text
    # every link goes to a place in the guide itself: nothing needs the Internet
    guide = _read("vi")
    assert guide.links and all(link.startswith("#") and link[1:] in guide.ids
                               for link in guide.links)
    browser.setSource(QUrl("#giay-khen"))  # following a link of the contents stays here
    assert "In giấy khen" in browser.toPlainText()
    dialog.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_guide_quotes_the_interface_word_for_word(lang: str) -> None:
    """A guide that names a menu or a button the program doesn't have sends the clerk
    looking for it: every quoted word must be one the interface shows."""
    def plain(text: str) -> str:  # accelerators' "&" out, a literal "&" kept
        return " ".join(re.sub(r"&(?=\S)", "", text).split())

    words = _catalogue("vi").values() if lang == "vi" else _catalogue("vi").keys()
    shown = {plain(word) for word in words}
    quoted = [plain(part) for q in _read(lang).quoted for part in q.split("▸")]
    assert quoted
    missing = [q for q in quoted if q not in shown]
    assert missing == []


def test_both_guides_have_the_same_sections() -> None:
    vi, en = _read("vi"), _read("en")
    assert len(vi.ids) == len(en.ids) == 8
    assert len(vi.links) == len(en.links)


def test_open_the_data_folder_opens_it_in_the_file_manager(
        qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toLocalFile()) or True)
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    [menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "Trợ &giúp"]
    [action] = [a for a in menu.actions() if a.text() == "Mở thư mục &dữ liệu"]
    action.trigger()
    assert opened == [str(data_dir())] and data_dir().is_dir()


def test_about_says_the_version_and_where_everything_is(qtbot: QtBot,
                                                        demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    dialog = help_dialogs.show_about(window, demo_db)
    text = dialog.text()
    assert demo_db.path is not None
    for line in (f"Phiên bản: {__version__}", f"Cơ sở dữ liệu: {demo_db.path}",
                 f"Bản sao lưu: {folder_for(demo_db.url, demo_db.path)}",
                 f"Báo cáo lỗi: {reports_dir()}", f"Thư mục dữ liệu: {data_dir()}",
                 "Thư mục sao lưu thứ hai: (không có)"):
        assert line in text.splitlines()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == text
    assert re.search(r"Python \d+\.\d+", text)
    dialog.close()
    QApplication.processEvents()


def test_about_hides_a_server_password(tmp_path: Path) -> None:
    from sqlalchemy import make_url

    from unionapp.about import program_facts

    class Server:
        url = make_url("postgresql+psycopg://union:secret@db.example/union")
        path = None

    facts = {f.label: f.value for f in program_facts(Server())}  # type: ignore[arg-type]
    assert "secret" not in facts["Cơ sở dữ liệu"] and "***" in facts["Cơ sở dữ liệu"]
