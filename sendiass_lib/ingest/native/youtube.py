"""YouTube Studio (Advanced mode) exports: `Chart data.csv`, `Totals.csv` and `Table data.csv`.

Recognised by the header, whatever the file is called: `Date,Content,Video title,...` (chart
data, long form: one row per day and video), `Date,<one Studio metric>` (totals) and
`Content,Video title,...` with `Total` on the first data row (table data).

Output (channel `YouTube`): `Views` per month (totals) and per month and video (chart data, item =
the video title, else its id), also `Impressions`, `Likes`, `Shares` and `Comments` when
exported. Not used: `Subscribers` (a net change, negative when more left than joined), watch
time in hours, average view duration (H:MM:SS), percentages (`(%)` headers), revenue, duration,
publish time. Table data says nothing of the period it covers (chosen in Studio, not written in
the file): its rows have no month, so they are rejected `missing_required` (its `Total` row
`total_row`); export the chart data by day for monthly figures. The hand-made extracts' `Total
views` (a video's lifetime views at a month, a level) is not what these files give: monthly `Views`
are flows, shown month by month on the digital page.
"""

from __future__ import annotations

import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from ..raw_extract import RawExtract
from . import Peek, Recognised
from ._digital import (
    Monthly,
    Out,
    cells,
    extract,
    month_text,
    number,
    parse_day,
    read_text,
    records,
    sep_skipped,
)

CHANNEL = "YouTube"
METRICS = {
    "views": "Views",
    "impressions": "Impressions",
    "likes": "Likes",
    "shares": "Shares",
    "comments added": "Comments",
}
KNOWN = {  # other Studio columns: a file with these is still a Studio export (never used)
    "watch time (hours)",
    "subscribers",
    "subscribers gained",
    "subscribers lost",
    "average view duration",
    "average percentage viewed (%)",
    "impressions click-through rate (%)",
    "estimated revenue (usd)",
    "estimated revenue (gbp)",
    "unique viewers",
    "dislikes",
    "video publish time",
    "duration",
}
WHY = {
    "subscribers": "a net change, negative when more left than joined",
    "watch time (hours)": "hours, not a count",
    "average view duration": "a time (H:MM:SS)",
}


@dataclass(frozen=True)
class _Layout:
    form: str  # chart, totals, table
    header_line: int
    header: list[str]


def _layout(lines) -> _Layout | None:
    at = sep_skipped(list(lines[:1]))
    while at < len(lines) and not lines[at].strip():
        at += 1
    if at >= len(lines):
        return None
    header = cells(lines[at])
    lower = [h.lower() for h in header]
    studio = {h for h in lower if h in METRICS or h in KNOWN or h.endswith("(%)")}
    if not studio and not (len(lower) == 2 and lower[0] == "date" and lower[1] in METRICS):
        return None
    if lower[:1] == ["date"] and "content" in lower and "video title" in lower:
        return _Layout("chart", at, header)
    if len(lower) == 2 and lower[0] == "date":
        return _Layout("totals", at, header)
    if lower[:1] == ["content"] and "video title" in lower:
        following = cells(lines[at + 1]) if at + 1 < len(lines) else []
        if following[:1] == ["Total"]:
            return _Layout("table", at, header)
    return None


def _unused(layout: _Layout) -> list[str]:
    found = []
    for h in layout.header:
        low = h.lower()
        if low in METRICS or low in {"date", "content", "video title"}:
            continue
        why = WHY.get(low) or ("a percentage" if low.endswith("(%)") else "not a monthly count")
        found.append(f"{h} ({why})")
    if layout.form == "table":
        found.append("every row: table data does not say the period it covers (export the chart data by day)")
    return found


ZIP_MEMBERS = ("Chart data.csv", "Totals.csv")  # what a Studio export zip is read from, in this order


def _zip_member(path: Path, members: tuple[str, ...]) -> str | None:
    """The member of a YouTube Studio export zip to read: its chart data (views by day and video),
    else its totals; None for a zip that is not one (it has no Table data.csv beside them)."""
    names = {PurePosixPath(m).name: m for m in members}
    if "Table data.csv" not in names:
        return None
    return next((names[n] for n in ZIP_MEMBERS if n in names), None)


@contextmanager
def _unzipped(path: Path):
    """The zip's chart data (or totals) as a file of its own, for the same reading as a CSV."""
    with zipfile.ZipFile(path) as archive:
        member = _zip_member(path, tuple(archive.namelist()))
        data = archive.read(member)
    with tempfile.TemporaryDirectory() as folder:
        inside = Path(folder) / PurePosixPath(member).name
        inside.write_bytes(data)
        yield inside


@dataclass(frozen=True)
class YouTube:
    name: str = "YouTube Studio export (its zip, or Chart data.csv, Totals.csv or Table data.csv)"

    def recognise(self, path: Path, peek: Peek) -> Recognised | None:
        if peek.members:  # the export as Studio downloads it: a zip of the three files
            if _zip_member(path, peek.members) is None:
                return None
            from . import peek as peek_at

            with _unzipped(path) as inside:
                found = self.recognise(inside, peek_at(inside))
            return found and replace(found, source=f"{found.source} (in a Studio export zip)")
        layout = _layout(peek.lines)
        if layout is None:
            return None
        period = None
        if layout.form != "table":
            text, _ = read_text(path)
            days = [
                d
                for _, row in records(text.splitlines(), layout.header_line + 1)
                if (d := parse_day(row[0] if row else ""))
            ]
            period = (min(days), max(days)) if days else None
        names = {"chart": "chart data", "totals": "totals", "table": "table data"}
        return Recognised(f"YouTube Studio {names[layout.form]}", "digital", period, tuple(_unused(layout)))

    def convert(self, path: Path, service: str) -> RawExtract:
        if path.suffix.lower() == ".zip":  # row numbers are then the member file's
            with _unzipped(path) as inside:
                return self.convert(inside, service)
        text, encoding = read_text(path)
        lines = text.splitlines()
        layout = _layout(lines)
        if layout is None:
            raise ValueError(f"{path.name}: not a YouTube Studio export")
        lower = [h.lower() for h in layout.header]
        used = {i: METRICS[h] for i, h in enumerate(lower) if h in METRICS}
        title = lower.index("video title") if "video title" in lower else None
        content = lower.index("content") if "content" in lower else None
        monthly = Monthly()
        at = 0
        for _, row in records(lines, layout.header_line + 1):
            if not any(row):
                continue
            at += 1
            first = next(iter(used.items()), None)
            if first is None:
                continue
            item = None
            if layout.form != "totals":
                item = (row[title] if title is not None and title < len(row) else "") or (
                    row[content] if content is not None and content < len(row) else None
                )
            if layout.form == "table":  # no month: rejected (its Total row as total_row)
                total = row[0] if row and row[0] == "Total" else None
                monthly.reject(
                    Out(
                        at,
                        total,
                        CHANNEL,
                        first[1],
                        row[first[0]] if first[0] < len(row) else None,
                        None if total else item,
                    )
                )
                continue
            day = parse_day(row[0] if row else "")
            values = {i: number(row[i]) if i < len(row) else None for i in used}
            blank = all(not (row[i] if i < len(row) else "") for i in used)
            if day is not None and blank:  # Totals.csv: blank on days without data
                continue
            bad = next((i for i, v in values.items() if v is None or v < 0), None)
            if day is None or bad is not None:
                where = first[0] if bad is None else bad
                cell = row[where] if where < len(row) else None
                month = month_text(day) if day else (row[0] if row and row[0] else None)
                monthly.reject(Out(at, month, CHANNEL, used[where], cell or None, item))
                continue
            for i, metric in used.items():
                monthly.add(at, month_text(day), CHANNEL, metric, values[i], item)
        return extract(monthly.rows(), service, encoding)


SOURCE = YouTube()
