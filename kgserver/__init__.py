"""ESS Knowledge Graph server: loading, validation, reasoning and publishing of the ESS policy graph."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kgserver")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
