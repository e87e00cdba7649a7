"""The ``unionapp`` program: a command runs headless (no Qt loaded); no command opens the
window. This module is the only place that knows about both."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from unionapp.rosters.reading import CHILD_MARKER

    if argv[:1] == [CHILD_MARKER]:  # the frozen program reading an untrusted sheet for itself
        from unionapp.rosters.reading import child_main

        return child_main(argv[1:])
    from unionapp.cli import parse, run

    args = parse(argv)
    if args.command is not None:
        return run(args)
    from ui.app import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
