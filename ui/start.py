"""Starting the GUI, window first.

Python, Qt, SQLAlchemy and the program's models take most of a second to load on an office
PC, before anything could be shown. So the start shows a light window at once, where the main
window will be (the same saved geometry), saying the program is opening; once it has been
painted, the rest loads (:mod:`ui.app`: the database, signing in, the main window), and the
main window takes its place. This module imports only Qt's widgets and the light parts of the
core; tests/ui/test_startup.py keeps it so.
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QLabel, QProgressBar, QVBoxLayout, QWidget

from ui import geometry, qt_dialogs
from ui.geometry import place
from ui.painted import after_first_paint
from ui.state import window_state
from unionapp.i18n import _, language, set_language
from unionapp.resources import resource
from unionapp.settings import Settings


class StartWindow(QWidget):
    """Shown while the program opens: the program's name, and that it is opening."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(_("Union office"))
        title = QLabel(f"<h2>{_('Union office')}</h2>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel(_("Opening…"))
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        busy = QProgressBar()
        busy.setRange(0, 0)  # no known end: it only says the program is working
        busy.setMaximumWidth(320)
        column = QVBoxLayout(self)
        column.addStretch(1)
        column.addWidget(title)
        column.addWidget(self.message)
        column.addWidget(busy, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(2)
        place(self, window_state().value("main_window/geometry"))


def run_gui(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName("unionapp")
    app.setApplicationName("unionapp")
    app.setDesktopFileName("unionapp")  # Linux: matches installer/linux/unionapp.desktop
    app.setWindowIcon(QIcon(str(resource("icons", "unionapp.svg"))))
    settings = Settings.load()
    if args.lang:
        settings.language = args.lang
    set_language(language())
    from ui.crash import install

    install()  # from here on, an unexpected error is a dialog and a crash report
    geometry.install(app)  # every dialog inside its screen
    qt_dialogs.install(app)  # Qt's own file dialog writes dates dd/mm/yyyy
    if args.smoke_seconds is not None:
        from ui.smoke import arm

        arm(app, args.smoke_seconds)
    start_window = StartWindow()
    start_window.show()
    controllers = []

    def begin() -> None:
        from ui.app import Controller  # the heavy part: SQLAlchemy, the models, the window

        controller = Controller(app, args, settings, start_window=start_window)
        controllers.append(controller)
        controller.start()

    # A start window never painted (the program started minimised) holds nothing up for long.
    after_first_paint(start_window, begin, fallback_ms=1000)
    try:
        return app.exec()
    finally:
        for controller in controllers:
            controller.shutdown()
