"""The window of a union that ended its activity: a banner says so, and the controls that
change data are disabled and hidden (every change would be refused anyway, by the database:
see unionapp.closing). Searching, lists, exports, papers and copies stay.

The controls are found by their labels: the tabs make their buttons and toolbar actions from
these same translated texts.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from unionapp.i18n import _

# Source texts of every control that changes data.
EDIT_LABELS = (
    "Add member…", "Record a movement…", "Transfer out…", "Transfer in…", "Delete",
    "Import from Excel…", "New activity…", "New emulation movement…", "Edit…", "Add members…",
    "Add a whole group…", "Result…", "Remove from the list", "New decision…",
    "Print certificates…", "Award kinds…", "Add collectives…", "Remove from the decision",
    "Print for the selected…", "New initiative…", "New case…", "Reject…",
    "Correct the amount…", "Support for many…", "Funds…", "Kinds of support…",
    "Keep our version", "Take their version", "&Import data file…", "E&xport data file…",
    "Printer calibration…",
)


def edit_texts() -> set[str]:
    from ui.dialogs.support_step import ACTION

    texts = {_(label).replace("&", "") for label in EDIT_LABELS}
    texts |= {_(label).replace("&", "") for label in ACTION.values()}
    return texts


def banner_text(closed_on: str) -> str:
    return _("This union ended its activity on {date}. Its data can be read, searched and "
             "printed (copies of certificates: Union ▸ Union and parent unions), but no longer "
             "changed.").format(date=closed_on)


def make_banner() -> QLabel:
    banner = QLabel()
    banner.setWordWrap(True)
    banner.setStyleSheet("QLabel { background: #fff3cd; color: #664d03; padding: 8px; "
                         "border: 1px solid #ffe69c; font-weight: bold; }")
    banner.hide()
    return banner


def apply(window: QWidget, banner: QLabel, closed_on: str | None) -> int:
    """Show the read-only state; returns how many controls were disabled."""
    if closed_on is None:
        banner.hide()
        return 0
    banner.setText(banner_text(closed_on))
    banner.show()
    texts = edit_texts()
    count = 0
    for button in window.findChildren(QAbstractButton):
        if button.text().replace("&", "") in texts:
            button.setEnabled(False)
            button.hide()  # tabs enable their buttons again as the selection changes
            count += 1
    for action in window.findChildren(QAction):
        if action.text().replace("&", "") in texts:
            action.setEnabled(False)
            action.setVisible(False)
            count += 1
    return count
