"""Legacy encodings: converting a 100,000-row roster's names from TCVN3 and VNI.

Baseline: one NFC normalisation of each name, the least any import does to a cell.
"""

from __future__ import annotations

import random
import unicodedata

from bench.report import Figure, print_figures, timed
from unionapp.demo import FAMILY, GIVEN, MIDDLE
from unionapp.rosters import legacy

ROWS = 100_000


def roster_names(rows: int = ROWS, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    middles = [m for names in MIDDLE.values() for m in names]
    givens = [g for names in GIVEN.values() for g in names]
    return [f"{rnd.choice(FAMILY)} {rnd.choice(middles)} {rnd.choice(givens)}"
            for _ in range(rows)]


def main() -> None:
    names = roster_names()
    baseline, _ = timed(lambda: [unicodedata.normalize("NFC", n) for n in names], repeat=5)
    figures = []
    for encoding in legacy.ENCODINGS:
        old = [legacy.to_legacy(n, encoding) for n in names]
        ours, out = timed(lambda old=old, encoding=encoding:
                          [legacy.convert(t, encoding) for t in old], repeat=5)
        assert [n.lower() for n in out] == [n.lower() for n in names]
        figures.append(Figure(f"convert {ROWS:,} names ({encoding})", ours, baseline,
                              target="well under 1 s"))
        ours, (_, found) = timed(lambda old=old: legacy.fix_texts(old), repeat=3)
        assert found == encoding
        figures.append(Figure(f"fix_texts {ROWS:,} names ({encoding})", ours, baseline,
                              target="well under 1 s"))
    ours, _ = timed(lambda: legacy.fix_texts(names), repeat=3)
    figures.append(Figure(f"fix_texts {ROWS:,} Unicode names (no-op)", ours, baseline))
    print_figures(figures)


if __name__ == "__main__":
    main()
