"""The ``unionapp`` program: a command runs headless (no Qt loaded); no command opens the
window. This module is the only place that knows about both, and the last guard: whatever
escapes becomes a plain sentence and a crash report (exit 3), never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Sequence

# unionapp.rosters.reading.CHILD_MARKER, written out so that a plain start does not load the
# sheet reader (tests/ui/test_startup.py keeps the two equal).
SHEET_CHILD = "--read-sheet-child"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except Exception as error:
        return _unexpected(error)


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [SHEET_CHILD]:  # the frozen program reading an untrusted sheet for itself
        from unionapp.rosters.reading import child_main

        return child_main(argv[1:])
    from unionapp.cli import parse, run

    args = parse(argv)
    if args.command is not None:
        return run(args)
    from ui.start import run_gui

    return run_gui(args)


def _unexpected(error: BaseException) -> int:
    from unionapp.cli import unexpected

    if "PySide6.QtWidgets" in sys.modules:  # the window was up: say it there (no console)
        from PySide6.QtWidgets import QApplication

        if QApplication.instance() is not None:
            from ui.crash import show_crash
            from unionapp.failures import explain

            show_crash(None, error)
            return 2 if explain(error) is not None else 3
    return unexpected(error)


if __name__ == "__main__":
    sys.exit(main())
