"""Deterministic synthetic extracts, calibrated to the published figures (sample_targets/*.yaml).

`sendiass sample` writes data/sample/<service>/<kind>_<year>.csv for every kind with targets, plus
data/sample/SHA256SUMS (committed.py). Randomness comes only from random.Random(seed).random(), whose
stream Python keeps stable, seeded from the kind, service and year, so the same targets always give
the same bytes.
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
from datetime import date, timedelta
from functools import cache
from pathlib import Path, PurePosixPath

import yaml

from .. import config

TARGETS_DIR = config.PACKAGE_DIR / "sample_targets"
# The columns of a case export that are about the person (all invented): they end every case file.
PERSON_HEADERS = [
    *("Client ID", "Parent/Carer Name", "Child Name", "DOB", "Email", "Phone", "Postcode", "Notes")
]


def write_sums(out_dir: Path, paths: list[Path], keep: bool = False) -> None:
    """out_dir/SHA256SUMS: the sha256 of each file, which is how a load knows an extract is sample
    data (and every page built from it says so). With `keep`, other files' lines stay."""
    sums = out_dir / "SHA256SUMS"
    lines = {}
    if keep and sums.exists():
        lines = {
            name: sha
            for sha, name in (line.split("  ", 1) for line in sums.read_text(encoding="utf-8").splitlines())
        }
    for path in paths:
        lines[path.relative_to(out_dir).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    text = "".join(f"{lines[name]}  {name}\n" for name in sorted(lines, key=lambda n: PurePosixPath(n).parts))
    sums.write_text(text, encoding="utf-8", newline="\n")


@cache
def _targets(name: str) -> dict:
    """A calibration file from sample_targets/ (involvements, training, digital, figures, fake_people)."""
    return yaml.safe_load((TARGETS_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def scale_presets() -> dict[str, dict[str, int]]:
    """The named sizes `sendiass sample --scale` offers (sample_targets/scale.yaml)."""
    return _targets("scale")["presets"]


def _seed(*parts) -> int:
    text = "sendiass-sample:" + ":".join(str(p) for p in parts)
    return int(hashlib.sha256(text.encode()).hexdigest()[:16], 16)


def _largest_remainder(total: int, weights: list[float]) -> list[int]:
    """`total` shared in proportion to `weights` in whole numbers that sum to it exactly: each
    share rounded down, then one more to the largest remainders (ties to the earlier weight)."""
    exact = [total * w / sum(weights) for w in weights]
    counts = [int(x) for x in exact]
    for i in sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _split(total: int, parts: int, r) -> list[int]:
    """`total` split into `parts` random whole numbers that sum to it exactly."""
    return _largest_remainder(total, [0.5 + r() for _ in range(parts)])


def _shuffled(items: list, r) -> list:
    """The items in a random order drawn from `r` (one draw per item)."""
    keyed = sorted((r(), n) for n in range(len(items)))
    return [items[n] for _, n in keyed]


def _weekdays(year: int, month: int) -> list[date]:
    last = calendar.monthrange(year, month)[1]
    return [d for d in (date(year, month, day) for day in range(1, last + 1)) if d.weekday() < 5]


def _add_weekdays(day: date, n: int) -> date:
    while n:
        day += timedelta(days=1)
        n -= day.weekday() < 5
    return day


def _uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    """CSV as Excel's "CSV UTF-8" writes it: a BOM, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")
