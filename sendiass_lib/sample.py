"""Deterministic synthetic extracts, calibrated to the published figures (sample_targets/*.yaml).

`sendiass sample` writes data/sample/<service>/involvements_<year>.csv as a case-management system
exports them: human headers, UK dates, UTF-8 with BOM and CRLF line ends. Monthly counts equal the
published ones exactly; intervention levels of closed involvements match the published percentages
by largest remainder. Randomness comes only from random.Random(seed).random(), whose stream Python
keeps stable, seeded from the service and year, so the same targets always give the same bytes.
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
import random
from datetime import date, timedelta
from pathlib import Path

import yaml

from . import config

TARGETS = config.PACKAGE_DIR / "sample_targets" / "involvements.yaml"
HEADERS = ["Case Ref", "Date Opened", "Date of First Response", "Date Closed", "Level"]


def targets() -> dict:
    """The calibration targets, by service."""
    return yaml.safe_load(TARGETS.read_text(encoding="utf-8"))["services"]


def generate(out_dir: Path | None = None) -> list[Path]:
    """Write every sample extract and SHA256SUMS under out_dir (default data/sample); return the files."""
    out_dir = out_dir or config.SAMPLE_DIR
    written = []
    for service, spec in targets().items():
        last_year = max(spec["monthly"])
        for year, months in spec["monthly"].items():
            rows = involvements(service, spec, year, months, open_tail=(year == last_year))
            path = out_dir / service / f"involvements_{year}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_csv_bytes(rows))
            written.append(path)
    sums = "".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(out_dir).as_posix()}\n"
        for p in sorted(written)
    )
    (out_dir / "SHA256SUMS").write_text(sums, encoding="utf-8", newline="\n")
    return written


def involvements(service: str, spec: dict, year: int, months: list[int], open_tail: bool) -> list[list[str]]:
    """One year's rows: months[i] involvements opened in month i+1, on working days."""
    rng = random.Random(_seed(service, year))
    opened = []
    for month, count in enumerate(months, start=1):
        days = _weekdays(year, month)
        opened += sorted(days[int(rng.random() * len(days))] for _ in range(count))

    records = []
    for opened_on in opened:
        response = _add_weekdays(opened_on, _response_delay(rng.random()))
        still_open = open_tail and opened_on >= date(year, 12, 10) and rng.random() < 0.5
        closed = None if still_open else response + timedelta(days=round(rng.random() ** 2 * 120))
        records.append([opened_on, response, closed])

    closed_rows = [i for i, r in enumerate(records) if r[2] is not None]
    order = sorted(closed_rows, key=lambda _: rng.random())
    levels = _allocate(len(order), spec["level_percent"])
    level_of = dict(zip(order, levels, strict=True))

    prefix = spec["case_prefix"]
    return [
        [
            f"{prefix}-{year % 100:02d}-{i + 1:05d}",
            _uk(opened_on),
            _uk(response),
            _uk(closed) if closed else "",
            f"Level {level_of[i]}" if i in level_of else "",
        ]
        for i, (opened_on, response, closed) in enumerate(records)
    ]


def _allocate(n: int, percent: dict) -> list[int]:
    """n levels in the given proportions, rounded by largest remainder, in level order."""
    total = sum(percent.values())
    exact = {int(level): n * share / total for level, share in percent.items()}
    counts = {level: int(x) for level, x in exact.items()}
    by_remainder = sorted(exact, key=lambda lv: (-(exact[lv] - counts[lv]), lv))
    for level in by_remainder[: n - sum(counts.values())]:
        counts[level] += 1
    return [level for level in sorted(counts) for _ in range(counts[level])]


def _response_delay(r: float) -> int:
    """Working days to first response: most the same or next day, a few up to five."""
    for limit, delay in ((0.55, 0), (0.85, 1), (0.94, 2), (0.98, 3)):
        if r < limit:
            return delay
    return 5


def _seed(service: str, year: int) -> int:
    return int(hashlib.sha256(f"sendiass-sample:{service}:{year}".encode()).hexdigest()[:16], 16)


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


def _csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")
