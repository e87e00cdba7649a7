"""unionapp: the core of the union office program (no Qt here, ever)."""

# The one place the version is written: pyproject.toml reads it from here, and the program
# needs no package metadata at start (importlib.metadata costs ~50 ms) nor in a bundle.
__version__ = "0.1.0"
