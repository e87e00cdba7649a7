"""Forms a clerk types in all day: the add-member dialog opens with a field focused, Escape
asks before throwing typed data away (every edit dialog), an impossible date says it is not
a real date, a red mark clears as soon as its field is corrected, and a date field's hint
is not cut."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QStyle, QStyleOptionFrame
from pytestqt.qtbot import QtBot

from ui.dialogs.activity_dialogs import ActivityDialog
from ui.dialogs.decision_dialogs import DecisionDialog
from ui.dialogs.initiative_dialog import InitiativeDialog
from ui.dialogs.member_dialog import MemberDialog, MovementDialog
from ui.dialogs.support_case import CaseDialog
from ui.widgets import editing
from ui.widgets.editing import EditDialog
from ui.widgets.fields import DateField
from unionapp import members
from unionapp.db import Database


def _open(qtbot: QtBot, dialog: EditDialog) -> EditDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def _asked(monkeypatch: pytest.MonkeyPatch, answer: bool) -> list[str]:
    asked: list[str] = []

    def ask(parent: EditDialog) -> bool:
        asked.append(parent.windowTitle())
        return answer

    monkeypatch.setattr(editing, "ask_discard", ask)
    return asked


def test_the_add_member_dialog_opens_ready_to_type(qtbot: QtBot, db: Database) -> None:
    dialog = _open(qtbot, MemberDialog(db))
    assert dialog.focusWidget() is dialog.full_name
    qtbot.keyClicks(dialog.focusWidget(), "Nguyen Thi Hanh")  # QTest types ASCII
    assert dialog.full_name.text() == "Nguyen Thi Hanh"  # nothing typed was lost


@pytest.mark.parametrize("make", [
    lambda db: MemberDialog(db),
    lambda db: ActivityDialog(db),
    lambda db: DecisionDialog(db),
    lambda db: InitiativeDialog(db),
    lambda db: CaseDialog(db),
])
def test_escape_asks_before_throwing_typed_data_away(qtbot: QtBot, demo_db: Database,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     make: object) -> None:
    dialog = _open(qtbot, make(demo_db))  # type: ignore[operator]
    # Nothing typed: Escape closes at once, without a question.
    asked = _asked(monkeypatch, answer=False)
    field = next(e for e in dialog.findChildren(QLineEdit) if e.isVisible()
                 and not e.isReadOnly())
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == [] and not dialog.isVisible()

    dialog = _open(qtbot, make(demo_db))  # type: ignore[operator]
    field = next(e for e in dialog.findChildren(QLineEdit) if e.isVisible()
                 and not e.isReadOnly())
    field.setFocus()
    qtbot.keyClicks(field, "Hoi nghi")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == [dialog.windowTitle()] and dialog.isVisible()  # kept: "go back"
    assert field.text().endswith("Hoi nghi")
    # The window's ✕ asks the same; this time the clerk throws it away.
    monkeypatch.setattr(editing, "ask_discard", lambda _parent: True)
    dialog.close()
    assert not dialog.isVisible()


def test_a_read_only_record_closes_without_a_question(qtbot: QtBot, demo_db: Database,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.accounts_helpers import as_role, make_accounts

    make_accounts(demo_db)
    as_role(demo_db, "viewer")
    someone = members.find_members(demo_db)[0]
    asked = _asked(monkeypatch, answer=False)
    dialog = _open(qtbot, MemberDialog(demo_db, someone.uuid))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == [] and not dialog.isVisible()


def test_an_impossible_date_is_not_a_real_date(qtbot: QtBot, db: Database) -> None:
    dialog = _open(qtbot, MemberDialog(db))
    dialog.full_name.setText("Lê Văn Tám")
    dialog.birth.setText("31/02/1990")
    dialog.save()
    assert dialog.isVisible()
    assert "“31/02/1990” không phải ngày có thật." in dialog.problems.text()
    assert "dd/mm/yyyy" not in dialog.problems.text()
    dialog.joined_on.setText("30/02/2020")
    dialog.save()
    assert "“30/02/2020” không phải ngày có thật." in dialog.problems.text()


def test_a_red_mark_clears_as_soon_as_the_field_is_corrected(qtbot: QtBot,
                                                             db: Database) -> None:
    dialog = _open(qtbot, MemberDialog(db))
    dialog.birth.setText("31/02/1990")
    dialog.save()  # no name, and no such day
    assert dialog.full_name.styleSheet() and dialog.birth.styleSheet()
    assert "không phải ngày có thật" in dialog.problems.text()
    dialog.birth.setFocus()
    qtbot.keyClick(dialog.birth, Qt.Key.Key_Backspace)  # "31/02/199": still not a date
    assert dialog.birth.styleSheet()
    dialog.birth.setText("28/02/1990")
    assert dialog.birth.styleSheet() == "" and dialog.birth.toolTip() == ""
    assert "ngày có thật" not in dialog.problems.text()
    assert dialog.full_name.styleSheet()  # still empty: still marked
    qtbot.keyClicks(dialog.full_name, "Le Van Tam")
    assert dialog.full_name.styleSheet() == "" and dialog.problems.text() == ""
    dialog.save()
    assert dialog.saved is not None


def test_marks_clear_in_the_other_forms_too(qtbot: QtBot, demo_db: Database) -> None:
    dialog = _open(qtbot, ActivityDialog(demo_db))
    dialog.title.setText("")
    dialog.starts_on.setText("32/13/2025")
    dialog.save()
    assert dialog.title.styleSheet() and dialog.starts_on.styleSheet()
    dialog.starts_on.setText("15/03/2025")
    assert dialog.starts_on.styleSheet() == "" and dialog.title.styleSheet()
    dialog.title.setText("Hội nghị người lao động")
    assert dialog.title.styleSheet() == "" and not dialog.problems.isVisible()


def _placeholder_fits(edit: QLineEdit) -> bool:
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    room = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    usable = room.width() - margins.left() - margins.right() - 4  # Qt's 2 px either side
    return edit.fontMetrics().horizontalAdvance(edit.placeholderText()) <= usable


def test_date_hints_are_not_cut(qtbot: QtBot, db: Database) -> None:
    dialog = _open(qtbot, MemberDialog(db))
    assert dialog.birth.placeholderText() == "dd/mm/yyyy hoặc chỉ năm"
    assert _placeholder_fits(dialog.birth) and _placeholder_fits(dialog.joined_on)
    movement = _open(qtbot, MovementDialog(db, members.create_member(
        db, members.MemberInput(full_name="Lê Văn Tám")).uuid))
    assert _placeholder_fits(movement.when)
    field = DateField()
    qtbot.addWidget(field)
    field.show()
    assert _placeholder_fits(field)
