"""What the digital downloads (ga4, youtube, meta) share: reading the file as text, its CSV records
with their line numbers, dates as the tools and Excel write them, and the `digital` contract's
canonical layout (month, scope, channel, metric, item, value) with the file's own row numbers.

Scope: a channel the service lists under `joint_channels` in its service file (Herefordshire and
Worcestershire share their website, Facebook, Instagram and YouTube) is `joint`; any other is the
service's own slug, as a hand-made extract writes it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl

from ... import config
from ..encodings import utf8_bytes
from ..raw_extract import ROW, RawExtract, column

HEADERS = ["month", "scope", "channel", "metric", "item", "value"]
SEP_LINE = re.compile(r'^\s*"?sep=.?"?\s*$', re.IGNORECASE)


@dataclass(frozen=True)
class Out:
    """One canonical row: the file row it comes from (1-based data row), and its cells as text."""

    row: int
    month: str | None
    channel: str
    metric: str
    value: str | None
    item: str | None = None


def read_text(path: Path) -> tuple[str, str]:
    """The file as text (UTF-8, UTF-8 with BOM, UTF-16 with BOM or Windows-1252) and its encoding."""
    data, encoding = utf8_bytes(path.read_bytes(), path.name)
    return data.decode("utf-8-sig"), encoding


def records(lines: list[str], start: int = 0) -> list[tuple[int, list[str]]]:
    """CSV records from line `start` on (quoted cells may hold commas and line breaks): (0-based
    line the record starts on, trimmed cells). A blank line is a record with no cells."""
    reader = csv.reader(iter(line + "\n" for line in lines[start:]))
    found, begun = [], 0
    for cells in reader:
        found.append((start + begun, [c.strip() for c in cells]))
        begun = reader.line_num
    return found


def sep_skipped(lines: list[str]) -> int:
    """1 when the first line is Excel's `sep=` line, else 0."""
    return int(bool(lines) and bool(SEP_LINE.match(lines[0])))


def cells(line: str) -> list[str]:
    """One line's cells (for recognising a header)."""
    try:
        return [c.strip() for c in next(csv.reader([line]))]
    except (StopIteration, csv.Error):
        return []


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def parse_day(text: str | None, month_first: bool = False) -> date | None:
    """A day as the tools write it (20240131, 2024-01-31, 2024-01-31T00:00:00, Sep 27, 2024) or as
    Excel rewrites it on re-saving (13-06-2025, 13/06/2025, 3-Jun-26); slashes are day first unless
    `month_first` (Meta's `02/21/2022 13:58`); None when it is not a date."""
    text = (text or "").strip().strip('"')
    if not text:
        return None
    try:
        if re.fullmatch(r"\d{8}", text):
            return datetime.strptime(text, "%Y%m%d").date()
        if m := re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$", text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.match(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})(?:[ T].*)?$", text):
            first, second, year = int(m[1]), int(m[2]), _year(m[3])
            if month_first and first <= 12:
                return date(year, first, second)
            return date(year, second, first) if second <= 12 else date(year, first, second)
        if m := re.match(r"(\d{1,2})[- ]([A-Za-z]{3})[A-Za-z]*[- ](\d{2,4})$", text):
            return date(_year(m[3]), _MONTHS[m[2].lower()], int(m[1]))
        if m := re.match(r"([A-Za-z]{3})[A-Za-z]* (\d{1,2}),? (\d{4})$", text):
            return date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
    except (ValueError, KeyError):
        return None
    return None


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def month_text(day: date) -> str:
    """The month a day is in, as the contract reads it: '2024-01'."""
    return f"{day.year:04d}-{day.month:02d}"


def number(text: str | None) -> float | None:
    """A figure as the tools write it ('1234', '1,234', '12.5'); None for a blank or other cell."""
    text = (text or "").strip().strip('"').replace(",", "")
    try:
        return float(text) if text else None
    except ValueError:
        return None


def figure(value: float | None) -> str | None:
    """A summed figure as text: whole numbers without '.0' (the contract checks the rest)."""
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else repr(value)


def scope(service: str, channel: str) -> str:
    """`joint` for a channel the service file lists under joint_channels, else the service's slug."""
    joint = {c.strip().casefold() for c in config.service(service).joint_channels}
    return "joint" if channel.casefold() in joint else service


def extract(rows: list[Out], service: str, encoding: str) -> RawExtract:
    """The canonical RawExtract: headers HEADERS, cells as text, ROW the file's own row numbers."""
    scopes = {channel: scope(service, channel) for channel in {r.channel for r in rows}}
    data = {
        ROW: [r.row for r in rows],
        column(0): [r.month for r in rows],
        column(1): [scopes[r.channel] for r in rows],
        column(2): [r.channel for r in rows],
        column(3): [r.metric for r in rows],
        column(4): [r.item for r in rows],
        column(5): [r.value for r in rows],
    }
    schema = {ROW: pl.Int32, **{column(i): pl.String for i in range(6)}}
    return RawExtract(headers=list(HEADERS), rows=pl.DataFrame(data, schema=schema), encoding=encoding)


def period_of(days: list[date]) -> tuple[date, date] | None:
    return (min(days), max(days)) if days else None


class Monthly:
    """Figures added up per month, channel, metric and item (a level keeps its latest day's value),
    each output row numbered by the first file row that fed it; a file row with any unusable cell
    feeds nothing and becomes one row of its own, rejected with its reason (so every output row has
    its own number, and rejects point at the file)."""

    def __init__(self) -> None:
        self.sums: dict[tuple[str, str, str, str | None], list] = {}  # key -> [first row, total, day]
        self.bad: list[Out] = []

    def add(
        self,
        row: int,
        month: str,
        channel: str,
        metric: str,
        value: float,
        item: str | None = None,
        day: date | None = None,
        level: bool = False,
    ) -> None:
        found = self.sums.setdefault((month, channel, metric, item), [row, 0.0, None])
        if level:
            if found[2] is None or (day is not None and day >= found[2]):
                found[1], found[2] = value, day
        else:
            found[1] += value

    def reject(self, out: Out) -> None:
        self.bad.append(out)

    def rows(self) -> list[Out]:
        found = [
            Out(first, month, channel, metric, figure(total), item)
            for (month, channel, metric, item), (first, total, _) in self.sums.items()
        ]
        return sorted(found + self.bad, key=lambda o: o.row)
