"""Synthetic involvements for a service added as a config file, with no calibration targets of its
own (sample_targets/new_service.yaml): enough for every involvement appendix to build, marked as
sample data like the rest of data/sample/."""

from __future__ import annotations

from pathlib import Path

from .. import config
from . import _csv_bytes, _targets, write_sums
from .involvements import HEADERS, involvements, targets


class CalibratedServiceError(ValueError):
    """The service has calibrated sample data of its own, which uncalibrated data must not replace."""


def write(slug: str, years: list[int], out_dir: Path | None = None) -> list[Path]:
    """data/sample/<slug>/involvements_<year>.csv for each year (calendar months of that year)."""
    config.service(slug)  # an unknown slug fails here, naming the valid ones
    if slug in targets():
        raise CalibratedServiceError(
            f"{slug} has calibrated sample data: run `sendiass sample` without --service"
        )
    spec = _targets("new_service")
    mixes = {
        column: [{**table, "apply_to": list(years)} for table in tables]
        for column, tables in spec["mixes"].items()
    }
    plan = {"case_prefix": slug[:3].upper(), "level_percent": spec["level_percent"], "mixes": mixes}
    out_dir = out_dir or config.SAMPLE_DIR
    written = []
    for year in years:
        rows = involvements(slug, plan, year, spec["monthly"], open_tail=(year == max(years)))
        path = out_dir / slug / f"involvements_{year}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_csv_bytes(HEADERS, rows))
        written.append(path)
    write_sums(out_dir, written, keep=True)
    return written
