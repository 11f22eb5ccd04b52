"""What a page was built from, as hashes: the library and locked dependencies, the extracts loaded,
the notebook. A page whose hash matches its manifest entry is up to date and is not rendered again."""

from __future__ import annotations

import hashlib
import json
from functools import cache, lru_cache
from pathlib import Path

from .. import __version__, config


def digest(data: bytes) -> str:
    """SHA-256 of `data`, in hex."""
    return hashlib.sha256(data).hexdigest()


@cache
def code_fingerprint() -> str:
    """Hash of the library (code, data files, templates) and the locked dependency set."""
    hashed = hashlib.sha256(__version__.encode())
    files = sorted(
        p
        for p in config.PACKAGE_DIR.rglob("*")
        if p.is_file() and p.suffix in {".py", ".yaml", ".j2", ".css", ".json"}
    )
    lock = config.PROJECT_ROOT / "requirements" / "lock.txt"
    for path in [*files, *([lock] if lock.exists() else [])]:
        hashed.update(path.name.encode() + path.read_bytes())
    return hashed.hexdigest()


def data_fingerprint(extracts: list[dict]) -> str:
    """Hash of the extracts loaded for a service (each file's SHA-256 and rows loaded)."""
    return digest(json.dumps([[x["sha256"], x["rows_loaded"]] for x in extracts]).encode())


def page_key(code_key: str, data_key: str, service: str, year: int, notebook: Path) -> str:
    """Hash of everything one page is built from: code, data, service, year and its notebook."""
    stat = notebook.stat()
    return digest(
        f"{code_key}{data_key}{service}{year}".encode() + _read(notebook, stat.st_mtime_ns, stat.st_size)
    )


@lru_cache(maxsize=32)
def _read(notebook: Path, mtime_ns: int, size: int) -> bytes:
    """A notebook's bytes, read again only when it changed: a national build keys ~1,000 pages."""
    return notebook.read_bytes()
