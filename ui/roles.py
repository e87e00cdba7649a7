"""What the window lets a person do: actions are tagged with the permissions they need
(:func:`needs`); those the signed-in role may not take are hidden, and a record opened by a
role that may not change it is shown read-only. A union that ended its activity is the same
case: its database allows only reading, exports and copies (:data:`WHEN_CLOSED`), whatever
the role, so every other tagged action goes and every record opens read-only.

This is only what the person sees; the services check the role themselves
(``unionapp.permissions.require``) and the database refuses changes once the union has
closed (``unionapp.closing``), so a forgotten button can't change anything.
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

# What a closed union's database still allows: nothing that writes to it.
WHEN_CLOSED = frozenset({Permission.PERSONAL_DATA_VIEW, Permission.PERSONAL_DATA_EXPORT,
                         Permission.AUDIT_READ, Permission.REPORTS_MAKE,
                         Permission.BACKUP_CREATE})


def allowed(db: Database) -> frozenset[Permission]:
    """What the window offers: the role's permissions, narrowed once the union has closed."""
    permissions = granted(db)
    return permissions & WHEN_CLOSED if db.closed_on is not None else permissions


def needs(item: Item, *permissions: Permission) -> Item:
    """Mark ``item`` (a QAction or a button) as needing ``permissions``."""
    item.setProperty(PROPERTY, ",".join(str(p) for p in permissions))
    return item


def apply_role(root: QWidget, db: Database) -> int:
    """Hide (and disable) every marked action and button under ``root`` that may not be
    used; returns how many. Items allowed are left as they are (a tab enables its buttons
    as the selection changes)."""
    offered = allowed(db)
    items: list[QObject] = [*root.findChildren(QAction), *root.findChildren(QAbstractButton)]
    hidden = 0
    for item in items:
        value = item.property(PROPERTY)
        if value and not all(p in offered for p in str(value).split(",")):
            item.setVisible(False)  # type: ignore[attr-defined]
            item.setEnabled(False)  # type: ignore[attr-defined]
            hidden += 1
    return hidden


def read_only_unless(dialog: QDialog, db: Database, permission: Permission) -> bool:
    """Show ``dialog``'s record read-only when the role (or a closed union) may not
    ``permission``: no Save, no other action, fields that can't be typed in. Returns whether
    it was made read-only."""
    if permission in allowed(db):
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
