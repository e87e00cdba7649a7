"""The home tab (Tổng quan) on 1,000,000 members (the members bench's database, built once in
``bench/.data/``), measured in a fresh process:

- **first paint**: the tab made, shown and painted, before any figure is read (target
  < 300 ms); and the whole window opening on it, for comparison;
- **figures in**: from the first paint until the to-do list, the key counts and the three
  charts are drawn, beside a raw baseline made in the same process with plain ``sqlite3``:
  the same figures' cheapest queries (the register counted, grouped by admission date, the
  year's support, awards and activities grouped), nothing drawn;
- **longest pause of the window** while the figures load: the worst delay of a 10 ms timer
  on the GUI thread (the work runs in the background; only drawing the charts is on the GUI
  thread).

``python -m bench home``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

from bench.members import big_database
from bench.report import Figure, print_figures

GUI_SCRIPT = r"""
import json, os, sqlite3, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from unionapp.db import open_database
from ui.tabs.home_tab import HomeTab
from ui.tasks import pool

path = sys.argv[1]
db = open_database(path, readonly=True)

def raw_baseline():
    conn = sqlite3.connect(path)
    start = time.perf_counter()
    conn.execute("SELECT count(*), sum(gender = 'female') FROM member "
                 "WHERE deleted_at IS NULL AND status = 'active'").fetchall()
    conn.execute("SELECT joined_on, count(*) FROM member WHERE deleted_at IS NULL "
                 "AND status = 'active' GROUP BY joined_on").fetchall()
    year = time.strftime("%Y")
    conn.execute("SELECT m.org_unit_id, count(*), sum(c.amount) FROM support_case c "
                 "JOIN member m ON m.id = c.member_id WHERE c.deleted_at IS NULL AND "
                 "c.status IN ('paid', 'closed') AND c.occurred_on >= ? GROUP BY 1",
                 (f"{year}-01-01",)).fetchall()
    conn.execute("SELECT d.award_kind_id, count(*) FROM award a JOIN award_decision d "
                 "ON d.id = a.decision_id WHERE a.deleted_at IS NULL AND d.decided_on >= ? "
                 "GROUP BY 1", (f"{int(year) - 1}-01-01",)).fetchall()
    conn.execute("SELECT kind, count(*) FROM activity WHERE deleted_at IS NULL AND "
                 "starts_on >= ? GROUP BY 1", (f"{year}-01-01",)).fetchall()
    took = time.perf_counter() - start
    conn.close()
    return took

raw_baseline()  # files opened, cache warm, as for the tab after it
raw = min(raw_baseline() for _ in range(2))

start = time.perf_counter()
tab = HomeTab(db)
tab.resize(1366, 690)
tab.show()
tab.repaint()
first_paint = time.perf_counter() - start

# The GUI thread's pauses while the figures load: a 10 ms timer's worst lateness.
clock = QElapsedTimer()
clock.start()
worst = [0.0]
last = [clock.elapsed()]
def tick():
    now = clock.elapsed()
    worst[0] = max(worst[0], now - last[0] - 10)
    last[0] = now
timer = QTimer()
timer.timeout.connect(tick)
timer.start(10)
loaded_from = time.perf_counter()
deadline = loaded_from + 120
app.processEvents()
while (tab.overview is None or tab.todos is None or tab.loading()) and \
        time.perf_counter() < deadline:
    app.processEvents()
    time.sleep(0.002)
app.processEvents()
figures_in = time.perf_counter() - loaded_from
timer.stop()
shown = tab.overview.counts.members if tab.overview else None
tab.close()
pool().waitForDone(60000)

from ui.main_window import MainWindow
start = time.perf_counter()
window = MainWindow(db)
window.resize(1366, 768)
window.tabs.setCurrentIndex(0)
window.show()
window.repaint()
window_paint = time.perf_counter() - start
window.close()
pool().waitForDone(60000)
print(json.dumps({"first_paint": first_paint, "figures_in": figures_in, "raw": raw,
                  "worst_pause_ms": worst[0], "members": shown, "window_paint": window_paint}))
"""


def bench_gui() -> list[Figure]:
    path = big_database()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryDirectory() as tmp:
        env["UNIONAPP_CONFIG_DIR"] = tmp
        env["UNIONAPP_DATA_DIR"] = tmp
        out = subprocess.run([sys.executable, "-c", GUI_SCRIPT, str(path)], env=env,
                             capture_output=True, text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    print(f"home tab: {result['members']:,} active members counted")
    return [
        Figure("home tab: first paint", result["first_paint"] * 1000, None, "ms", "< 300 ms"),
        Figure("home tab: figures and charts in", result["figures_in"], result["raw"], "s",
               "in the background"),
        Figure("home tab: longest pause while loading", result["worst_pause_ms"], None, "ms"),
        Figure("window opening on the home tab: first paint", result["window_paint"] * 1000,
               None, "ms"),
    ]


def main(argv: list[str] | None = None) -> None:
    print_figures(bench_gui())
