"""Printing benchmark figures beside their baselines, as ratios."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


def timed(fn: Callable[[], T], repeat: int = 1) -> tuple[float, T]:
    """Best-of-``repeat`` wall time of ``fn()`` (seconds) and its last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result  # type: ignore[return-value]


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


@dataclass(frozen=True)
class Figure:
    name: str
    ours: float
    baseline: float | None = None
    unit: str = "s"
    target: str = ""  # e.g. "≤ 2× baseline"

    def line(self) -> str:
        ours = f"{self.ours:.4g} {self.unit}"
        if self.baseline is None:
            return f"{self.name:<46} {ours:>14} {'':>14} {'':>8}  {self.target}"
        ratio = self.ours / self.baseline if self.baseline else float("inf")
        base = f"{self.baseline:.4g} {self.unit}"
        return f"{self.name:<46} {ours:>14} {base:>14} {ratio:>7.2f}×  {self.target}"


def print_figures(figures: list[Figure]) -> None:
    print(f"{'figure':<46} {'ours':>14} {'baseline':>14} {'ratio':>8}  target")
    for figure in figures:
        print(figure.line())
