"""unionapp: the core of the union office program (no Qt here, ever)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("unionapp")
except PackageNotFoundError:  # running from a bundle or a bare checkout
    __version__ = "0.1.0"
