"""Synthetic digital extracts: the published joint H&W figures (sample_targets/digital.yaml) in long
form, one row per month, channel, metric and item, written to each sharing service's folder. A real
export's repeated row is included once; the loader rejects the copy."""

from __future__ import annotations

from pathlib import Path

from . import _csv_bytes, _targets

HEADERS = ["Month", "Scope", "Platform", "Measure", "Video Title", "Value"]


def write(out_dir: Path) -> list[Path]:
    """digital_2024.csv in the folder of each service that shares the channels."""
    targets = _targets("digital")
    rows = [
        [m["month"], targets["scope"], m["channel"], m["metric"], m.get("item", ""), str(m["value"])]
        for m in targets["metrics"]
    ]
    rows.append(list(rows[len(rows) // 2]))  # the same row twice, as exports sometimes have
    written = []
    for service in targets["services"]:
        path = out_dir / service / "digital_2024.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_csv_bytes(HEADERS, rows))
        written.append(path)
    return written
