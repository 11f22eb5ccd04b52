"""sendiass-workbench: load SENDIASS case extracts into DuckDB and publish report appendices."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sendiass-workbench")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"


def __getattr__(name: str):
    """`sendiass_lib.connect()`: the read-only database connection analysts start from (db.connect),
    imported on first use so that commands which never touch the database do not load DuckDB."""
    if name == "connect":
        from .db import connect

        return connect
    raise AttributeError(f"module 'sendiass_lib' has no attribute {name!r}")
