"""Qt's own dialogs in the interface's language.

On Windows (and on Linux desktops whose platform theme offers them) the file and print
dialogs are the system's own, in the system's language. Elsewhere Qt draws its own: their
words come from ``resources/translations/vi/qtbase_vi.ts`` (Qt ships no Vietnamese; the
catalogue covers every string the file, print, page set-up, input and message dialogs show,
which tests/ui/test_qt_dialogs.py checks), and the file dialog's dates, which Qt writes in
the system locale's short form ("4 12 2026" under a C locale), are shown dd/mm/yyyy here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QEvent,
    QIdentityProxyModel,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTranslator,
)
from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel, QTreeView

from unionapp.resources import resource

SIZE_COLUMN, DATE_COLUMN = 1, 3  # QFileSystemModel: name, size, type, date modified


class DatesOurWay(QIdentityProxyModel):
    """The file dialog's model with its dates written dd/mm/yyyy hh:mm and its sizes in the
    interface's language (Qt writes both in the system locale's way)."""

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        source = self.sourceModel()
        if role == Qt.ItemDataRole.DisplayRole and isinstance(source, QFileSystemModel):
            if index.column() == DATE_COLUMN:
                moment = source.lastModified(self.mapToSource(index))
                if moment.isValid():
                    return moment.toString("dd/MM/yyyy HH:mm")
            elif index.column() == SIZE_COLUMN and not source.isDir(self.mapToSource(index)):
                return QLocale().formattedDataSize(
                    source.size(self.mapToSource(index)), 1,
                    QLocale.DataSizeFormat.DataSizeTraditionalFormat)
        return super().data(index, role)


class FileDialogDates(QObject):
    """Installed on the application: every file dialog Qt draws itself gets our dates."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.Show and isinstance(watched, QFileDialog)
                and not isinstance(watched.proxyModel(), DatesOurWay)):
            watched.setProxyModel(DatesOurWay(watched))
            tree = watched.findChild(QTreeView, "treeView")
            if tree is not None:  # the details view: room for a whole date and time
                width = tree.fontMetrics().horizontalAdvance("00/00/0000 00:00") + 16
                tree.header().resizeSection(DATE_COLUMN, width)
        return False


def install(app: QApplication) -> FileDialogDates:
    keeper = FileDialogDates(app)
    app.installEventFilter(keeper)
    return keeper


def install_translation(app: QApplication, language: str,
                        previous: QTranslator | None = None) -> QTranslator | None:
    """Qt's own strings (standard buttons, context menus, file and print dialogs) and its
    locale (calendar, numbers) in ``language``; replaces ``previous``."""
    if previous is not None:
        app.removeTranslator(previous)
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese if language == "vi"
                               else QLocale.Language.English))
    qm = resource("translations", language, f"qtbase_{language}.qm")
    translator = QTranslator(app)
    if qm.exists() and translator.load(str(qm)):
        app.installTranslator(translator)
        return translator
    return None
