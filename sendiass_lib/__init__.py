"""sendiass-workbench: load SENDIASS case extracts into DuckDB and publish report appendices."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sendiass-workbench")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
