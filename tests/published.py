"""The published figures the tests compare the sample's appendices with: one copy, in
tests/fixtures/published/ (a file per report section), each printed table under the id the reference
transcription gives it. No figure is written twice: a test reads it here, never types it again. The
sample generator keeps its own copy (sendiass_lib/sample_targets/) and never reads this one."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

import yaml

FOLDER = Path(__file__).parent / "fixtures" / "published"


@cache
def _tables() -> dict[str, dict]:
    found: dict[str, dict] = {}
    for path in sorted(FOLDER.glob("*.yaml")):
        for table_id, figures in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            if table_id in found:
                raise ValueError(f"{table_id} is in {found[table_id]['section']}.yaml and {path.name}")
            found[table_id] = {"id": table_id, "section": path.stem, **figures}
    return found


def table(table_id: str) -> dict:
    """One printed table's figures, with its `id` and `section` (the file it is in)."""
    return copy.deepcopy(_tables()[table_id])


def section(name: str) -> list[dict]:
    """Every table of one file (tests/fixtures/published/<name>.yaml), in the file's order."""
    return [table(t) for t, figures in _tables().items() if figures["section"] == name]


def ids() -> list[str]:
    """Every table id, in file order."""
    return list(_tables())
