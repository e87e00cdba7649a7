"""``python -m bench`` runs every benchmark; ``python -m bench NAME [PART …]`` runs one (its
``main`` receives the parts, e.g. ``python -m bench members search``)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)])
                  if not m.name.startswith("_") and m.name != "report")


def main(argv: list[str]) -> int:
    if argv and argv[0] not in available():
        print(f"unknown benchmark {argv[0]!r}; available: {', '.join(available())}")
        return 2
    runs = [(argv[0], argv[1:])] if argv else [(name, []) for name in available()]
    for name, parts in runs:
        print(f"\n== {name} ==")
        importlib.import_module(f"bench.{name}").main(parts)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
