"""Whether the database is older than anything it is built from, by file times alone: the extracts
(adding, changing or removing one touches its folder too), the code and data files that read them,
and the locked dependencies. Cheap enough to ask before every report; `sendiass data` then decides
exactly, by content, what to load (build.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .. import config


def inputs() -> list[Path]:
    """The files and folders the database is built from."""
    package = config.PACKAGE_DIR
    return [
        config.RAW_DIR,
        config.SAMPLE_DIR,
        package / "ingest",
        config.SERVICES_DIR,
        package / "taxonomies",
        package / "privacy.py",
        package / "db.py",
        config.PROJECT_ROOT / "requirements" / "lock.txt",
    ]


def stale(db_path: Path) -> bool:
    """True when the database is missing or anything in inputs() changed after it was last brought
    up to date (mark_fresh)."""
    try:
        since = Path(db_path).stat().st_mtime_ns
    except FileNotFoundError:
        return True
    return any(_changed_after(path, since) for path in inputs())


def mark_fresh(db_path: Path) -> None:
    """Record that the database matches its inputs now (a build that loads nothing leaves its file
    as it was)."""
    os.utime(db_path)


def _changed_after(path: Path, since: int) -> bool:
    """Whether the file, or the folder or anything below it (compiled code aside), changed after `since`."""
    try:
        info = path.stat()
    except FileNotFoundError:  # not there (no data/raw/, say): nothing to be newer
        return False
    if info.st_mtime_ns > since:
        return True
    if not stat.S_ISDIR(info.st_mode):
        return False
    with os.scandir(path) as entries:
        return any(_changed_after(Path(e.path), since) for e in entries if e.name != "__pycache__")
