"""Meta Business Suite exports (Facebook, Instagram): post exports and account metric exports.

Post export: one row per post, recognised by `Post ID` and `Publish time` in the header (month
first: `02/21/2022 13:58`; a re-saved file's day-first dates are read too). Instagram when the
header has `Account username` and no `Page name`, else Facebook. Added up per month of publication:
`Reach` -> `Post Reach`, `Reactions, Comments and Shares` -> `Engagement` (Instagram, without that
column: Likes + Comments + Shares), `Link clicks` -> `Link Clicks`, `Views`, `Impressions`. The
post's caption, link, id and page or account name are never read into the extract.

Account metric export: UTF-16 with BOM, `sep=,`, the metric's name on the next line (`Facebook
follows`), then `"Date","Primary"` and one row per day (days with nothing missing: zero). The platform
is the name's first word (Facebook, else Instagram; a name without one, such as `Views`, is
Facebook's); `follows` -> `Follows` (new follows, a flow), `visits` -> `Visits`, `Content
interactions` -> `Engagement`, a `followers` count -> `Followers` (a level: the month's last day);
anything else keeps its name. Added up per month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ...fields import is_level
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

POST_METRICS = {
    "reach": "Post Reach",
    "reactions, comments and shares": "Engagement",
    "link clicks": "Link Clicks",
    "views": "Views",
    "impressions": "Impressions",
}
ENGAGEMENT_PARTS = ("likes", "comments", "shares")  # Instagram's, when it has no combined column
ACCOUNT_METRICS = {
    "follows": "Follows",
    "visits": "Visits",
    "content interactions": "Engagement",
    "followers": "Followers",
    "views": "Views",
    "reach": "Reach",
}
KEPT_OUT = ("title", "description", "permalink", "caption", "page name", "account username", "post id")


def _platform_metric(name: str) -> tuple[str, str]:
    """('Facebook', 'Follows') from 'Facebook follows'."""
    words = name.strip()
    channel = "Facebook"
    if m := re.match(r"(?i)(facebook|instagram)\s+(.*)$", words):
        channel, words = m[1].capitalize(), m[2]
    metric = ACCOUNT_METRICS.get(words.lower(), words[:1].upper() + words[1:])
    return channel, metric


@dataclass(frozen=True)
class _Layout:
    form: str  # posts, account
    header_line: int
    header: list[str]
    metric_name: str = ""


def _layout(lines) -> _Layout | None:
    start = sep_skipped(list(lines[:1]))
    for at in range(start, min(len(lines), start + 30)):
        header = cells(lines[at])
        lower = [h.lower() for h in header]
        if "post id" in lower and "publish time" in lower:
            return _Layout("posts", at, header)
        if lower == ["date", "primary"] and at > start:
            name = " ".join(cells(lines[at - 1])).strip()
            return _Layout("account", at, header, name) if name else None
    return None


@dataclass(frozen=True)
class Meta:
    name: str = "Meta Business Suite export (posts, or one account metric)"

    def recognise(self, path: Path, peek: Peek) -> Recognised | None:
        layout = _layout(peek.lines)
        if layout is None:
            return None
        text, _ = read_text(path)
        rows = self._rows(text.splitlines(), layout)
        days = [d for _, d, _ in rows if d is not None]
        period = (min(days), max(days)) if days else None
        if layout.form == "account":
            channel, metric = _platform_metric(layout.metric_name)
            source = f"Meta Business Suite account metric ({channel} {metric.lower()})"
            return Recognised(source, "digital", period)
        lower = [h.lower() for h in layout.header]
        used = set(POST_METRICS) | ({*ENGAGEMENT_PARTS} if self._parts(lower) else set())
        unused = [
            f"{h} ({'text or a name: never read' if h.lower() in KEPT_OUT else 'not used'})"
            for h in layout.header
            if h.lower() not in used and h.lower() != "publish time"
        ]
        return Recognised(
            f"Meta Business Suite {self._channel(lower)} post export", "digital", period, tuple(unused)
        )

    @staticmethod
    def _channel(lower: list[str]) -> str:
        return "Instagram" if "account username" in lower and "page name" not in lower else "Facebook"

    @staticmethod
    def _parts(lower: list[str]) -> bool:
        return "reactions, comments and shares" not in lower and all(p in lower for p in ENGAGEMENT_PARTS)

    @staticmethod
    def _rows(lines: list[str], layout: _Layout):
        """(file row, day, cells) of each data row, numbered from 1 under the header."""
        lower = [h.lower() for h in layout.header]
        when = lower.index("publish time") if layout.form == "posts" else 0
        found, at = [], 0
        for _, row in records(lines, layout.header_line + 1):
            if not any(row):
                continue
            at += 1
            cell = row[when] if when < len(row) else ""
            found.append((at, parse_day(cell, month_first=layout.form == "posts"), row))
        return found

    def convert(self, path: Path, service: str) -> RawExtract:
        text, encoding = read_text(path)
        lines = text.splitlines()
        layout = _layout(lines)
        if layout is None:
            raise ValueError(f"{path.name}: not a Meta Business Suite export")
        lower = [h.lower() for h in layout.header]
        monthly = Monthly()
        if layout.form == "account":
            channel, metric = _platform_metric(layout.metric_name)
            used = {1: metric}
            parts: list[int] = []
        else:
            channel = self._channel(lower)
            used = {i: POST_METRICS[h] for i, h in enumerate(lower) if h in POST_METRICS}
            parts = [lower.index(p) for p in ENGAGEMENT_PARTS] if self._parts(lower) else []
        level = {i: is_level(m) for i, m in used.items()}
        for at, day, row in self._rows(lines, layout):
            if row and re.fullmatch(r"(?i)(grand\s+)?totals?:?", row[0]):
                monthly.reject(Out(at, row[0], channel, next(iter(used.values()), "Engagement"), None))
                continue
            values = {i: number(row[i]) if i < len(row) else None for i in [*used, *parts]}
            values = {i: (0.0 if v is None and i < len(row) and not row[i] else v) for i, v in values.items()}
            bad = next((i for i, v in values.items() if v is None or v < 0), None)
            if day is None or bad is not None:
                where = bad if bad is not None else next(iter(used), 0)
                cell = row[where] if where < len(row) else None
                name = used.get(where, "Engagement")
                month = month_text(day) if day else None
                monthly.reject(Out(at, month, channel, name, cell or None))
                continue
            for i, metric in used.items():
                monthly.add(at, month_text(day), channel, metric, values[i], day=day, level=level[i])
            if parts:
                monthly.add(at, month_text(day), channel, "Engagement", sum(values[i] for i in parts))
        return extract(monthly.rows(), service, encoding)


SOURCE = Meta()
