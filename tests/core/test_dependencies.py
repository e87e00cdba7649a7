"""The declared dependencies match the code (issue 17.11): every library the program imports
is declared, and every declared one is used at run time (defusedxml through openpyxl)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Used at run time without an import of ours: openpyxl parses the parent union's form (an
# untrusted file) through defusedxml when it is installed.
USED_BY_OTHERS = {"defusedxml": "openpyxl"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {_normal(re.split(r"[<>=!;\[ ]", spec, maxsplit=1)[0])
            for spec in project["dependencies"]}


def _imported() -> set[str]:
    """Top-level modules imported anywhere in the program (lazily imported ones too)."""
    found: set[str] = set()
    for package in ("unionapp", "ui"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found |= {alias.name.partition(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.partition(".")[0])
    return found - set(sys.stdlib_module_names) - {"unionapp", "ui", "__future__"}


def test_every_library_the_program_imports_is_declared() -> None:
    owners = importlib.metadata.packages_distributions()
    declared = _declared()
    optional = {"psycopg"}  # PostgreSQL: the "postgres" extra, imported only for such a URL
    undeclared = {module for module in _imported() - optional
                  if not {_normal(d) for d in owners.get(module, [module])} & declared}
    assert undeclared == set()


def test_every_declared_library_is_used() -> None:
    owners = importlib.metadata.packages_distributions()
    used = {_normal(d) for module in _imported() for d in owners.get(module, [])}
    unused = _declared() - used - set(USED_BY_OTHERS)
    assert unused == set()
    assert "babel" not in _declared()  # the catalogue tools' (dev): the program reads its own
    assert "pandas" not in _declared()


def test_openpyxl_reads_forms_through_defusedxml() -> None:
    import openpyxl

    assert openpyxl.DEFUSEDXML is True


def test_the_version_is_pyprojects() -> None:
    from unionapp import __version__

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert __version__ == project["version"]
