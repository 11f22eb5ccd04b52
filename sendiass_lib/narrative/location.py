"""Where a narrative is kept, without loading the narrative engine: the report build asks this for
every service-year to see whether its narrative changed, and must stay fast when nothing did."""

from __future__ import annotations

from pathlib import Path

from .. import config


def narrative_path(slug: str, year: int, sample: bool) -> Path:
    """The narrative of a service (or group) and year: beside the sample's extracts when the report
    is built from the sample's, else in data/raw/<slug>/narrative/ (docs/narrative.md)."""
    return (config.SAMPLE_DIR if sample else config.RAW_DIR) / slug / "narrative" / f"{year}.md"
