"""Writing a page or manifest in one step (a reader never sees half a file), and naming it (or what
went wrong making it) in messages."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomic(path: Path, text: str) -> None:
    """Write `text` beside `path`, then rename it over `path`."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def read_or_none(path: Path) -> str | None:
    """The file's text, or None when there is no file."""
    return path.read_text(encoding="utf-8") if path.exists() else None


def shown(path: Path) -> str:
    """The path as progress lines print it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def first_line(exc: Exception) -> str:
    """A failure in one line: the exception's type and the last line of its message."""
    text = str(exc).strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return f"{type(exc).__name__}: {lines[-1] if lines else ''}"
