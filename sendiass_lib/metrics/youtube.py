"""YouTube views per video in a reporting year, from the videos' cumulative totals in the digital
figures (metrics.digital: each figure once, joint rows shared).

"Views in YEAR" = the video's cumulative total recorded in the first month after the reporting year
minus the total recorded in the year's first month (for 2024: Jan 2025 - Jan 2024), as the published
Team Report 2024 computes its "Total views in 2024". A video first recorded after the year's first
month with no earlier figure is taken as published since then (all its views count); a video with
earlier figures but none for a snapshot month has no figure ([x]).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import polars as pl

from .. import config, periods
from ..config import Service
from ..fields import CUMULATIVE_VIEWS
from ..periods import Period
from .digital import TOTAL, YOUTUBE, month_label, rows, scope_label

VIDEO = "Video"


@dataclass(frozen=True)
class VideoViews:
    """YouTube views per video in a reporting year, from cumulative totals (see the module docstring)."""

    service: Service
    period: Period
    scope: str
    start: date  # the snapshot month at the start of the year (Jan 2024)
    end: date  # the snapshot month after the year (Jan 2025)
    snapshots: list[date]  # the snapshot months shown: from two years before the start to the end
    # Video, one Int64 column of total views per snapshot month (named by month_label), views (the year's)
    videos: pl.DataFrame

    @property
    def total(self) -> int | None:
        """Views of every video with a figure for the year."""
        known = self.videos["views"].drop_nulls()
        return int(known.sum()) if known.len() else None

    def views(self, video: str) -> int | None:
        """One video's views in the year (None when a snapshot is missing)."""
        found = self.videos.filter(pl.col(VIDEO) == video)
        return found["views"].item() if found.height else None

    def table(self) -> pl.DataFrame:
        """Video, the total views at each snapshot month, the year's views, and a Total row."""
        frame = self.videos
        sums = {c: (int(frame[c].sum()) if frame[c].drop_nulls().len() else None) for c in frame.columns[1:]}
        return pl.concat([frame, pl.DataFrame([{VIDEO: TOTAL, **sums}], schema=frame.schema)])


def youtube_views(
    con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None
) -> list[VideoViews]:
    """Views per video in the reporting year from the cumulative totals, one per scope (normally one)."""
    svc = config.service(service)
    span = periods.reporting_year(svc, year, period)
    start = span.start.replace(day=1)
    end = (span.end + timedelta(days=1)).replace(day=1)
    first_shown = date(start.year - 2, start.month, 1)
    found = rows(con, service, date(1900, 1, 1), end).filter(
        (pl.col("channel").str.to_lowercase() == YOUTUBE)
        & (pl.col("metric").str.to_lowercase() == CUMULATIVE_VIEWS)
        & pl.col("item").is_not_null()
    )
    result = []
    for (scope,) in found.select("scope").unique(maintain_order=True).iter_rows():
        part = found.filter(pl.col("scope") == scope)
        shown = sorted(
            m for m in part["month"].unique() if first_shown <= m <= end and m.month == start.month
        )
        for edge in (start, end):
            if edge not in shown:
                shown = sorted({*shown, edge})
        videos = []
        for video in dict.fromkeys(part["item"]):
            figures = dict(part.filter(pl.col("item") == video).select("month", "value").iter_rows())
            at_end, at_start = figures.get(end), figures.get(start)
            if at_start is None and not any(m < start for m in figures):
                at_start = 0  # first recorded after the year began: published during it
            views = at_end - at_start if at_end is not None and at_start is not None else None
            snapshots = {month_label(m): figures.get(m) for m in shown}
            videos.append({VIDEO: video, **snapshots, "views": views})
        schema = {
            VIDEO: pl.String,
            **{month_label(m): pl.Int64 for m in shown},
            "views": pl.Int64,
        }
        frame = pl.DataFrame(videos, schema=schema)
        result.append(VideoViews(svc, span, scope_label(con, service, scope), start, end, shown, frame))
    return result
