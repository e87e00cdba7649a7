"""Every save dialog proposes a valid file name in the Documents folder (issue 16, point 1):
on main they started in the home folder or the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from tests.core.test_filenames import assert_valid_everywhere
from ui.dialogs.award_register import AwardRegisterDialog
from ui.dialogs.certificate_dialogs import PrintCertificatesDialog
from ui.dialogs.exchange import default_file_name
from ui.dialogs.keys import KeysDialog
from ui.dialogs.personal_export import PersonalExportDialog
from ui.tabs.members_tab import MembersTab
from ui.tabs.support_tab import SupportTab
from unionapp import awards
from unionapp.db import Database
from unionapp.exchange import keys


def test_every_save_dialog_starts_in_documents_with_a_valid_name(
        qtbot: QtBot, demo_db: Database, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setenv("UNIONAPP_DOCUMENTS_DIR", str(documents))
    proposed: list[str] = []

    def save_dialog(parent: object, title: str, start: str = "", *args: object,
                    **kwargs: object) -> tuple[str, str]:
        proposed.append(start)
        return "", ""  # the clerk cancels: nothing is written

    def folder_dialog(parent: object, title: str, start: str = "", *args: object,
                      **kwargs: object) -> str:
        proposed.append(str(Path(start) / "x"))
        return ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", folder_dialog)

    def choose_columns(dialog: PersonalExportDialog) -> int:  # the roster's columns: as offered
        dialog._check()
        return 1

    monkeypatch.setattr(PersonalExportDialog, "exec", choose_columns)

    members = MembersTab(demo_db)
    qtbot.addWidget(members)
    members.export_file()
    support = SupportTab(demo_db)
    qtbot.addWidget(support)
    support.export()
    register = AwardRegisterDialog(demo_db)
    qtbot.addWidget(register)
    register.export()
    keys.init_keys(demo_db)
    key_dialog = KeysDialog(demo_db)
    qtbot.addWidget(key_dialog)
    key_dialog.export_public()
    decision = awards.find_decision(demo_db, "15/QĐ-CĐCS")
    certificates = PrintCertificatesDialog(demo_db, decision, [])
    qtbot.addWidget(certificates)
    certificates.one_file.setChecked(True)
    certificates.start()
    certificates.per_recipient.setChecked(True)
    certificates.start()
    proposed.append(default_file_name(demo_db))

    assert len(proposed) == 7
    for start in proposed:
        path = Path(start)
        assert path.parent == documents, start
        assert_valid_everywhere(path.name)
    assert Path(proposed[4]).name == "Giấy khen — 15-QĐ-CĐCS.pdf"
