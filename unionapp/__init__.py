"""unionapp: the core of the union office program (no Qt here, ever)."""

# pyproject.toml's version, written here too (tests/core/test_dependencies.py keeps them
# equal): the program needs no package metadata at start (importlib.metadata costs ~50 ms)
# nor in a bundle.
__version__ = "0.1.0"
