"""Choosing a member by typing part of the name (accents not needed), as in the register."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from ui.widgets.pause import after_pause
from unionapp.db import Database
from unionapp.i18n import _
from unionapp.members import MemberQuery, MemberRow, get_member, member_list
from unionapp.text import format_birth

SUGGESTIONS = 30  # the first matches, in name order; typing more narrows them


def describe(row: MemberRow) -> str:
    born = format_birth(row.date_of_birth, row.birth_year)
    return f"{row.full_name} — {row.org_unit}" + (f" ({born})" if born else "")


class MemberPicker(QLineEdit):
    """Type a name, pick a suggestion. ``member()`` is the chosen member's uuid, or None
    until a suggestion is chosen (or after the text is changed again)."""

    member_changed = Signal(object)

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self._member: uuid.UUID | None = None
        self._rows: dict[str, MemberRow] = {}
        self.setPlaceholderText(_("Type part of the name, e.g. “nguyen thi hang”"))
        self.setClearButtonEnabled(True)
        self._model = QStringListModel(self)
        self._completer = QCompleter(self._model, self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        # The database already matched the words; show every suggestion it gave.
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.activated.connect(self._chosen)
        self.setCompleter(self._completer)
        self._timer = after_pause(self, self._suggest, 150)
        self.textEdited.connect(self._edited)

    def member(self) -> uuid.UUID | None:
        return self._member

    def set_member(self, member_uuid: uuid.UUID | None) -> None:
        if member_uuid is None:
            self.clear()
            self._set(None)
            return
        row = get_member(self.db, member_uuid)
        self.setText(describe(row))
        self.setCursorPosition(0)
        self._set(row.uuid)

    def _set(self, member_uuid: uuid.UUID | None) -> None:
        if member_uuid != self._member:
            self._member = member_uuid
            self.member_changed.emit(member_uuid)

    def _edited(self, _text: str) -> None:
        self._set(None)
        self._timer.start()

    def _suggest(self) -> None:
        text = self.text().strip()
        rows = member_list(self.db, MemberQuery(text=text)).page(0, SUGGESTIONS) if text else []
        self._rows = {describe(r): r for r in rows}
        self._model.setStringList(list(self._rows))
        if rows:
            self._completer.complete()

    def _chosen(self, text: str) -> None:
        row = self._rows.get(text)
        if row is not None:
            self.setText(text)
            self._set(row.uuid)
