"""What the commands share: exit codes, the --db help, warnings printed at the end, child processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .. import config

USAGE_ERROR, FAILED = 2, 1
DB_HELP = "database file (default: $SENDIASS_DB or data/processed/sendiass.duckdb)"


def print_warnings(lines: list[str]) -> None:
    """A block at the end of a command's output: what to look at before publishing."""
    if lines:
        print(
            "sendiass: check these before publishing (the data-quality page lists them too):", file=sys.stderr
        )
        for line in lines:
            print(f"  - {line}", file=sys.stderr)


def run_child(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> int:
    """Run a program (a tool of the project's Python, e.g. `python -m ruff`) in the project folder
    and return its exit code. Ctrl-C reaches it too and it decides (JupyterLab asks before stopping),
    so this waits on until it ends."""
    child = subprocess.Popen(command, cwd=cwd or config.PROJECT_ROOT, env=env)
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:
            continue


def python_module(module: str, *args: str) -> list[str]:
    """The command line running a module with this Python (the project's environment), on any system."""
    return [sys.executable, "-m", module, *args]


def with_env(**values: str) -> dict[str, str]:
    """This process's environment with `values` set, for a child process."""
    return {**os.environ, **values}
