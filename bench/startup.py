"""Start-up: from launching the program to its window painted, the whole process, against an
empty PySide6 window started and timed the same way in the same run (target ≤ 5×).

Each start is a new process (``python -m ui.launch … --smoke-seconds 0``): it prints a line as
soon as its start window has been painted (the window the program shows at once, where the
main window will be, saying it is opening), and another as soon as the main window, filled
with the union's data, has been painted; then it quits. The clock runs from spawning the
process to reading each line; the CPU figure is the process's own user + system time from
start to exit (less disturbed by other work on a shared machine). Runs alternate between the
baseline and ours, five of each after one warm-up each (which writes the compiled bytecode an
installed program has); medians are reported.

- ``demo``: ``--demo`` on the demo union (300 members), as ``./dev demo`` opens it;
- ``office``: the same data opened as a union's own database (``--db``): the quick check and
  the day's backup run too, after the first paint.

``python -m bench startup [demo|office]``. Set ``QT_QPA_PLATFORM`` to time another platform
(e.g. ``xcb`` under ``xvfb-run``); the default is ``offscreen``.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import Figure, print_figures

RUNS = 5

# The baseline: the least a PySide6 program does to show a window, reporting the same way.
EMPTY_WINDOW = """
import json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("empty")
window.resize(1200, 760)

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if watched is window and event.type() == QEvent.Type.Paint:
            window.removeEventFilter(self)
            QTimer.singleShot(0, report)
        return False

def report():
    print(json.dumps({"windows": [{"class": "QMainWindow"}], "errors": []}), flush=True)
    app.exit(0)

painted = FirstPaint()
window.installEventFilter(painted)
window.show()
sys.exit(app.exec())
"""


def _start(argv: list[str], env: dict[str, str]) -> tuple[list[float], float, dict]:
    """Seconds from spawning to each line printed (the start window painted, then the main
    window), CPU seconds of the whole process, and the last line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               env=env, text=True)
    assert process.stdout is not None
    times, lines = [], []
    for line in process.stdout:
        times.append(time.perf_counter() - start)
        lines.append(line)
    if process.wait(timeout=120) != 0 or not lines:
        raise RuntimeError(f"{argv} failed ({process.returncode}): {lines!r}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return times, cpu, json.loads(lines[-1])


def _prepare(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Compiled bytecode, as an installed program has (a warm-up start writes it here), even
    # where the environment says not to write any.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    env["UNIONAPP_DATA_DIR"] = str(tmp / "data")
    env["UNIONAPP_CONFIG_DIR"] = str(tmp / "config")
    os.environ.update(UNIONAPP_DATA_DIR=env["UNIONAPP_DATA_DIR"],
                      UNIONAPP_CONFIG_DIR=env["UNIONAPP_CONFIG_DIR"])
    from unionapp.db import default_path, open_database
    from unionapp.demo import fill_demo

    demo = default_path(demo=True)
    with open_database(demo, create=True, user="bench") as db:
        fill_demo(db)
    shutil.copy(demo, tmp / "office.db")
    return env


def main(parts: list[str] | None = None) -> None:
    wanted = parts or ["demo", "office"]
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        env = _prepare(tmp)
        ours_argv = {
            "demo": [sys.executable, "-m", "ui.launch", "--demo", "--smoke-seconds", "0"],
            "office": [sys.executable, "-m", "ui.launch", "--db", str(tmp / "office.db"),
                       "--smoke-seconds", "0"],
        }
        base_argv = [sys.executable, "-c", EMPTY_WINDOW]
        # Per part: (start window painted, main window painted, CPU) of each run.
        samples: dict[str, list[tuple[float, float, float]]] = {k: [] for k in
                                                                ["empty", *wanted]}
        modules = tmp / "modules.json"
        for argv in [base_argv, *(ours_argv[part] for part in wanted)]:
            _start(argv, env)  # warm-up: bytecode written, files in the system's cache
        for _run in range(RUNS):
            times, cpu, _report = _start(base_argv, env)
            samples["empty"].append((times[0], times[0], cpu))
            for part in wanted:
                times, cpu, report = _start(ours_argv[part],
                                            {**env, "UNIONAPP_SMOKE_MODULES": str(modules)})
                if [w["class"] for w in report["windows"]] != ["MainWindow"] or report["errors"]:
                    raise RuntimeError(f"{part}: {report}")
                samples[part].append((times[0], times[-1], cpu))
        loaded = {window: len(names) for window, names in
                  json.loads(modules.read_text(encoding="utf-8")).items()}

    def median(part: str, which: int) -> float:
        return statistics.median(s[which] for s in samples[part])

    figures = []
    for part in wanted:
        figures += [
            Figure(f"{part}: launch → start window painted", median(part, 0),
                   median("empty", 0), "s", "≤ 5× an empty PySide6 window"),
            Figure(f"{part}: launch → main window painted", median(part, 1),
                   median("empty", 0), "s", "(the window with the union's lists)"),
            Figure(f"{part}: whole process, CPU (user + sys)", median(part, 2),
                   median("empty", 2), "s"),
        ]
    print(f"platform {env['QT_QPA_PLATFORM']}; median of {RUNS}; modules loaded when each "
          f"window was painted: {loaded}")
    print_figures(figures)
    for part in ["empty", *wanted]:
        for which, what in enumerate(("start", "main", "cpu")):
            if part != "empty" or which != 1:
                print(f"  {part:<7} {what:<5} " + " ".join(f"{s[which]:.3f}"
                                                          for s in samples[part]))


if __name__ == "__main__":
    main(sys.argv[1:])
