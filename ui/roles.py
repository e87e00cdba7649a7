"""The window follows the signed-in role: actions the role may not take are hidden, and a
record opened by a role that may not change it is shown read-only.

This is only what the person sees; the services check the role themselves
(``unionapp.permissions.require``), so a forgotten button can't change anything.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)

from unionapp.db import Database
from unionapp.i18n import _
from unionapp.permissions import Permission, granted

PROPERTY = "unionapp_needs"  # the permissions an action or button needs, comma-separated
Item = TypeVar("Item", bound=QObject)


def needs(item: Item, *permissions: Permission) -> Item:
    """Mark ``item`` (a QAction or a button) as needing ``permissions``."""
    item.setProperty(PROPERTY, ",".join(str(p) for p in permissions))
    return item


def apply_role(root: QWidget, db: Database) -> None:
    """Hide every marked action and button under ``root`` that the role may not use."""
    allowed = granted(db)
    items: list[QObject] = [*root.findChildren(QAction), *root.findChildren(QAbstractButton)]
    for item in items:
        value = item.property(PROPERTY)
        if value:
            shown = all(p in allowed for p in str(value).split(","))
            item.setVisible(shown)  # type: ignore[attr-defined]


def read_only_unless(dialog: QDialog, db: Database, permission: Permission) -> bool:
    """Show ``dialog``'s record read-only when the role may not ``permission``: no Save,
    no other action, fields that can't be typed in. Returns whether it was made read-only."""
    if permission in granted(db):
        return False
    boxes = dialog.findChildren(QDialogButtonBox)
    in_boxes = {b for box in boxes for b in box.buttons()}
    for box in boxes:
        for button in box.buttons():
            role = box.buttonRole(button)
            if role in (QDialogButtonBox.ButtonRole.RejectRole,
                        QDialogButtonBox.ButtonRole.NoRole):
                button.setText(_("Close"))
            else:
                button.setVisible(False)
    for button in dialog.findChildren(QPushButton):
        if button not in in_boxes:
            button.setEnabled(False)
    for edit in dialog.findChildren(QLineEdit):
        edit.setReadOnly(True)
    for text in (*dialog.findChildren(QTextEdit), *dialog.findChildren(QPlainTextEdit)):
        text.setReadOnly(True)
    for spin in dialog.findChildren(QAbstractSpinBox):
        spin.setReadOnly(True)
    for widget in (*dialog.findChildren(QComboBox), *dialog.findChildren(QCheckBox)):
        widget.setEnabled(False)
    dialog.setWindowTitle(_("{title} (read only)").format(title=dialog.windowTitle()))
    return True
