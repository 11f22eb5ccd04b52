"""The report's glossary: the acronyms of reference/glossary.yaml (an analyst's file to edit) that
the report's own text uses, each with what it stands for."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import yaml

from .. import config

GLOSSARY = config.PACKAGE_DIR / "reference" / "glossary.yaml"


class GlossaryFileError(ValueError):
    """The glossary file is not a mapping of acronyms to what each stands for."""


def acronyms(path: Path = GLOSSARY) -> dict[str, str]:
    """Every acronym in the file with its meaning, in the file's order (read again only when the
    file changed: a national build makes ~150 reports)."""
    stat = path.stat()
    return dict(_acronyms(path, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=4)
def _acronyms(path: Path, mtime_ns: int, size: int) -> dict[str, str]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found = raw.get("acronyms") if isinstance(raw, dict) else None
    if not isinstance(found, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in found.items()
    ):
        raise GlossaryFileError(f"{path}: should hold `acronyms:` with lines `ACRONYM: what it stands for`")
    return {key: " ".join(value.split()) for key, value in found.items()}


def used(text: str, path: Path = GLOSSARY) -> list[tuple[str, str]]:
    """(acronym, meaning) for each acronym of the file that `text` (a report's words) uses as a
    whole word, in capitals as the file writes it; in alphabetical order."""
    words = html.unescape(text)
    found = [
        (key, value)
        for key, value in acronyms(path).items()
        if re.search(rf"(?<![A-Za-z0-9]){re.escape(key)}(?![A-Za-z0-9])", words)
    ]
    return sorted(found, key=lambda item: item[0].lower())
