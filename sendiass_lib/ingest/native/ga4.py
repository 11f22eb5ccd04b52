"""Google Analytics 4 CSV downloads: standard reports and Explorations, as monthly website figures.

Recognised by the English `#` preamble (`# Start date: YYYYMMDD` / `# End date: YYYYMMDD` in a
standard report, `# YYYYMMDD-YYYYMMDD` in an Exploration) and a header holding a GA4 metric; a
report downloaded in another language is not recognised (its headers could not be read anyway).

Output (channel `Website`, as the hand-made extracts name it): `Visitors` (Active users, else Total
users), `New users`, `Views`, `Sessions`, `Engaged sessions`, `Events` and `Key events` (formerly
`Conversions`), one row per month. The month is the `Year month` (YYYYMM) or `Date` (YYYYMMDD)
dimension, or, without one, the report's period when it is one calendar month (otherwise the rows
have no month and are rejected `missing_required`: export one month at a time). Rows of any other
dimension (page, channel group, ...) are added up per month, except users: a person counted under
two pages, channel groups or days is one visitor, so users are taken only from a file whose only
dimension is the month (or that has none). An Exploration's first data row, the grand total, is
rejected `total_row` and never counted. Rates, times, revenue and per-user figures are not used.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..raw_extract import RawExtract
from . import Peek, Recognised
from ._digital import Monthly, Out, cells, extract, month_text, number, parse_day, read_text, records

CHANNEL = "Website"
# GA4 header (lower case) -> the metric as the digital page names it
METRICS = {
    "active users": "Visitors",
    "total users": "Visitors",
    "users": "Visitors",
    "new users": "New users",
    "views": "Views",
    "sessions": "Sessions",
    "engaged sessions": "Engaged sessions",
    "event count": "Events",
    "key events": "Key events",
    "conversions": "Key events",
}
USERS = {"Visitors"}  # not additive across pages, channels or days
PREFERRED = ["active users", "users", "total users"]  # which header gives Visitors, when several do
# Other GA4 metrics, known so a header with only these is still a GA4 report (never used).
OTHER_METRICS = {
    "views per active user",
    "views per user",
    "average engagement time",
    "average engagement time per active user",
    "average engagement time per session",
    "engagement rate",
    "bounce rate",
    "total revenue",
    "user engagement",
    "event count per active user",
    "sessions per user",
    "average session duration",
    "session key event rate",
    "user key event rate",
    "key event rate",
}
MONTH_DIMENSIONS = {"year month": "yyyymm", "date": "yyyymmdd"}
START = re.compile(r"^#\s*Start date:\s*(\d{8})\s*$", re.IGNORECASE)
END = re.compile(r"^#\s*End date:\s*(\d{8})\s*$", re.IGNORECASE)
RANGE = re.compile(r"^#\s*(\d{8})\s*-\s*(\d{8})\s*$")
GRAND_TOTAL = re.compile(r"(?i)^grand\s+total$")


@dataclass
class _Layout:
    exploration: bool
    period: tuple[date, date] | None
    header_line: int  # 0-based line of the header
    header: list[str]
    unused: list[str] = field(default_factory=list)


def _layout(lines: list[str] | tuple[str, ...]) -> _Layout | None:
    """Where the preamble, period and header are; None when it is not an English GA4 download."""
    start = end = None
    exploration = False
    at = 0
    while at < len(lines) and (lines[at].startswith("#") or not lines[at].strip()):
        line = lines[at].strip()
        if m := START.match(line):
            start = parse_day(m[1])
        elif m := END.match(line):
            end = parse_day(m[1])
        elif m := RANGE.match(line):
            start, end, exploration = parse_day(m[1]), parse_day(m[2]), True
        at += 1
    if at == 0 or at >= len(lines) or start is None or end is None:
        return None
    header = cells(lines[at])
    known = {h.lower() for h in header} & (set(METRICS) | OTHER_METRICS)
    if not known:
        return None
    return _Layout(exploration, (start, end), at, header)


def _one_month(period: tuple[date, date] | None) -> date | None:
    """The month a period covers when it is exactly one calendar month."""
    if period is None:
        return None
    start, end = period
    last = calendar.monthrange(start.year, start.month)[1]
    if start.day == 1 and (end.year, end.month, end.day) == (start.year, start.month, last):
        return start
    return None


def _plan(layout: _Layout) -> tuple[int | None, str | None, dict[int, str], list[int], list[str]]:
    """(date column, its format, used metric columns -> metric, other dimension columns, unused)."""
    lower = [h.lower() for h in layout.header]
    date_at = next((i for i, h in enumerate(lower) if h in MONTH_DIMENSIONS), None)
    date_format = MONTH_DIMENSIONS[lower[date_at]] if date_at is not None else None
    metric_cols = [i for i, h in enumerate(lower) if h in METRICS or h in OTHER_METRICS]
    dims = [i for i in range(len(lower)) if i not in metric_cols and i != date_at]
    used: dict[int, str] = {}
    unused: list[str] = []
    visitors = next((lower.index(h) for h in PREFERRED if h in lower), None)
    by_month = date_format == "yyyymm" or (date_at is None and _one_month(layout.period) is not None)
    for i in metric_cols:
        name = METRICS.get(lower[i])
        if name is None:
            unused.append(f"{layout.header[i]} (a rate, time or per-user figure)")
        elif name in USERS and i != visitors:
            unused.append(f"{layout.header[i]} (Visitors come from {layout.header[visitors]})")
        elif name in USERS and (dims or not by_month):
            why = (
                "per day" if date_format == "yyyymmdd" else "per " + ", ".join(layout.header[d] for d in dims)
            )
            unused.append(f"{layout.header[i]} (users {why} do not add up to a month's visitors)")
        else:
            used[i] = name
    for d in dims:
        unused.append(f"{layout.header[d] or 'an unnamed column'} (added up over)")
    return date_at, date_format, used, dims, unused


@dataclass(frozen=True)
class Ga4:
    name: str = "Google Analytics 4 (standard report or exploration CSV)"

    def recognise(self, path: Path, peek: Peek) -> Recognised | None:
        layout = _layout(peek.lines)
        if layout is None:
            return None
        *_, unused = _plan(layout)
        if layout.exploration:
            unused.append("the grand total row (rejected as total_row, not counted)")
        kind = "exploration" if layout.exploration else "standard report"
        return Recognised(f"Google Analytics 4 {kind}", "digital", layout.period, tuple(unused))

    def convert(self, path: Path, service: str) -> RawExtract:
        text, encoding = read_text(path)
        lines = text.splitlines()
        layout = _layout(lines)
        if layout is None:  # recognised from its start, so only a file changed since
            raise ValueError(f"{path.name}: not a Google Analytics 4 download")
        date_at, date_format, used, dims, _ = _plan(layout)
        fixed = _one_month(layout.period) if date_at is None else None
        body = records(lines, layout.header_line)[1:]
        monthly = Monthly()
        number_at = 0
        for _, row in body:
            if not any(row):
                continue
            number_at += 1
            first = next(iter(used.items()), None)
            if first is None:
                continue
            if self._is_total(row, layout, date_at, dims, number_at):
                cell = row[first[0]] if first[0] < len(row) else None
                monthly.reject(Out(number_at, "Grand total", CHANNEL, first[1], cell))
                continue
            month = self._month(row, date_at, date_format, fixed)
            values = {i: number(row[i] if i < len(row) else "") for i in used}
            dated = month is not None and re.fullmatch(r"\d{4}-\d{2}", month)
            bad = next((i for i, v in values.items() if v is None or v < 0), None)
            if not dated or bad is not None:  # the row feeds nothing: rejected with its reason
                at = first[0] if bad is None else bad
                cell = row[at] if at < len(row) else None
                monthly.reject(Out(number_at, month, CHANNEL, used[at], cell or None))
                continue
            for i, metric in used.items():
                monthly.add(number_at, month, CHANNEL, metric, values[i])
        out = monthly.rows()
        return extract(out, service, encoding)

    @staticmethod
    def _is_total(row: list[str], layout: _Layout, date_at, dims: list[int], at: int) -> bool:
        """An Exploration's grand total: `Grand total` beyond the header, or the first row with
        every dimension cell empty."""
        if any(GRAND_TOTAL.match(c) for c in row[len(layout.header) :]):
            return True
        if any(c and GRAND_TOTAL.match(c) for c in row[:1]):
            return True
        keys = [*dims, *([date_at] if date_at is not None else [])]
        return layout.exploration and at == 1 and bool(keys) and not any(row[k] for k in keys if k < len(row))

    @staticmethod
    def _month(row: list[str], date_at, date_format, fixed: date | None) -> str | None:
        if date_at is None:
            return month_text(fixed) if fixed else None
        cell = row[date_at] if date_at < len(row) else ""
        if date_format == "yyyymm" and re.fullmatch(r"\d{6}", cell):
            return f"{cell[:4]}-{cell[4:]}"
        day = parse_day(cell)
        return month_text(day) if day else (cell or None)


SOURCE = Ga4()
