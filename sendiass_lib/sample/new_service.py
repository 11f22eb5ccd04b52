"""Synthetic involvements for a service added as a config file, with no calibration targets of its
own (sample_targets/new_service.yaml): enough for every involvement appendix to build, marked as
sample data like the rest of data/sample/."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .. import config
from . import _csv_bytes, _targets
from .involvements import HEADERS, involvements, targets


def write(slug: str, years: list[int], out_dir: Path | None = None) -> list[Path]:
    """data/sample/<slug>/involvements_<year>.csv for each year (calendar months of that year)."""
    config.service(slug)  # an unknown slug fails here, naming the valid ones
    if slug in targets():
        raise ValueError(f"{slug} has calibrated sample data: run `sendiass sample` without --service")
    spec = _targets("new_service")
    mixes = {
        column: [{**table, "apply_to": list(years)} for table in tables]
        for column, tables in spec["mixes"].items()
    }
    plan = {"case_prefix": slug[:3].upper(), "level_percent": spec["level_percent"], "mixes": mixes}
    written = []
    for year in years:
        rows = involvements(slug, plan, year, spec["monthly"], open_tail=(year == max(years)))
        path = (out_dir or config.SAMPLE_DIR) / slug / f"involvements_{year}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_csv_bytes(HEADERS, rows))
        written.append(path)
    _record_sums(out_dir or config.SAMPLE_DIR, written)
    return written


def _record_sums(out_dir: Path, paths: list[Path]) -> None:
    """Add the files to out_dir/SHA256SUMS, which is how a load knows an extract is sample data
    (and every page built from it says so), keeping the other services' lines."""
    sums = out_dir / "SHA256SUMS"
    lines = (
        dict(reversed(line.split("  ", 1)) for line in sums.read_text(encoding="utf-8").splitlines() if line)
        if sums.exists()
        else {}
    )
    for path in paths:
        lines[path.relative_to(out_dir).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    text = "".join(f"{sha}  {name}\n" for name, sha in sorted(lines.items()))
    sums.write_text(text, encoding="utf-8", newline="\n")
