"""The banner of a union that ended its activity: its data can be read, searched and printed,
no longer changed. What changes data is hidden by the same tags as for a role that may not
(:func:`ui.roles.apply_role`); every change would be refused anyway, by the database (see
unionapp.closing)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from unionapp.i18n import _


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


def show_banner(banner: QLabel, closed_on: str | None) -> None:
    if closed_on is None:
        banner.hide()
        return
    banner.setText(banner_text(closed_on))
    banner.show()
