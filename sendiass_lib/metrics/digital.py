"""Digital reach: website visitors, social media and YouTube per month, and the mailing list.

Rules (docs/database.md, table digital_metrics):
- A service's page shows the rows of its own extracts whose scope is not "joint", and the joint rows
  of every service that shares a joint channel with it (`sharing_services`). Herefordshire's and
  Worcestershire's extracts may both carry the same joint rows: each figure (month, scope, channel,
  metric, item) is counted once, and when two extracts disagree the most recently loaded value is
  used and the disagreement is counted (`conflicts`), never added up.
- Levels (followers, subscribers, cumulative "Total views") are counts at a point in time: they are
  never summed over months. Everything else (visitors, reach, clicks, views) is a monthly flow.
- YouTube "views in YEAR" = the video's cumulative total recorded in the first month after the
  reporting year minus the total recorded in the year's first month (for 2024: Jan 2025 - Jan 2024),
  as the published Team Report 2024 computes its "Total views in 2024". A video first recorded after
  the year's first month with no earlier figure is taken as published since then (all its views
  count); a video with earlier figures but none for a snapshot month has no figure ([x]).
- Mailing list: the latest figure within the reporting year against the latest within the year
  before (the published "880 for 2023" and "1,155 latest figures").
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import polars as pl

from .. import config, periods
from ..config import Service
from ..fields import CUMULATIVE_VIEWS, LEVEL_METRICS, is_level
from ..periods import Period

JOINT = "joint"
WEBSITE = "website"
YOUTUBE = "youtube"
MAILING_LIST = {"mailing list", "newsletter"}
MONTH = "Month"
TOTAL = "Total"
VIDEO = "Video"


def month_label(day: date) -> str:
    """date(2024, 1, 1) -> 'Jan 2024'."""
    return f"{calendar.month_abbr[day.month]} {day.year}"


def sharing_services(con: duckdb.DuckDBPyConnection, service: str) -> tuple[str, ...]:
    """The service and every service whose extracts carry joint rows on a channel that the service's own
    extracts carry as joint too (Herefordshire and Worcestershire), ordered by area name."""
    found = {
        s
        for (s,) in con.execute(
            """SELECT DISTINCT o.service FROM digital_metrics s
               JOIN digital_metrics o ON lower(o.scope) = 'joint' AND lower(o.channel) = lower(s.channel)
               WHERE s.service = ? AND lower(s.scope) = 'joint'""",
            [service],
        ).fetchall()
    }
    found.add(service)
    known = config.services()
    return tuple(sorted(found, key=lambda s: (known[s].area if s in known else s, s)))


def scope_label(con: duckdb.DuckDBPyConnection, service: str, scope: str) -> str:
    """A scope as this service's page names it: 'joint: Herefordshire & Worcestershire', 'Worcestershire'."""
    if scope.lower() != JOINT:
        return config.service(service).area
    partners = sharing_services(con, service)
    if len(partners) < 2:
        return JOINT
    known = config.services()
    return f"{JOINT}: {' & '.join(known[s].area if s in known else s for s in partners)}"


def rows(con: duckdb.DuckDBPyConnection, service: str, start: date, end: date) -> pl.DataFrame:
    """Every figure shown on the service's page for months start..end, each once (see module docstring):
    month, scope, channel, metric, item, value, versions (distinct values loaded), first_row."""
    partners = list(sharing_services(con, service))
    found = con.execute(
        """SELECT month, scope, channel, metric, item, arg_max(value, load_id) AS value,
                  count(DISTINCT value) AS versions, min(rowid) AS first_row
           FROM digital_metrics
           WHERE month BETWEEN $start AND $end
             AND ((service = $service AND lower(scope) <> 'joint')
                  OR (lower(scope) = 'joint' AND list_contains($partners, service)))
           GROUP BY month, scope, channel, metric, item
           ORDER BY first_row""",
        {"service": service, "partners": partners, "start": start, "end": end},
    ).fetchall()
    schema = {
        "month": pl.Date,
        "scope": pl.String,
        "channel": pl.String,
        "metric": pl.String,
        "item": pl.String,
        "value": pl.Int64,
        "versions": pl.Int64,
        "first_row": pl.Int64,
    }
    return pl.DataFrame(found, schema=schema, orient="row")


def conflicts(con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None) -> int:
    """How many joint figures of the year two services' extracts give different values for."""
    span = periods.reporting_year(config.service(service), year, period)
    found = rows(con, service, span.start, _next_month(span.end))
    return found.filter(pl.col("versions") > 1).height


@dataclass(frozen=True)
class ChannelMonths:
    """One channel's metrics per month of a reporting year (a website, a social media platform)."""

    service: Service
    period: Period
    channel: str
    scope: str  # 'joint: Herefordshire & Worcestershire', or the service's area
    metrics: list[str]  # column names, in the extract's order
    months: pl.DataFrame  # month (first day), Month (label), one Int64 column per metric; null = none

    @property
    def levels(self) -> list[str]:
        """The metrics that are counts at a point in time: no total."""
        return [m for m in self.metrics if is_level(m)]

    def total(self, metric: str) -> int | None:
        """The year's total of a flow metric over the months reported (None for levels or no data)."""
        if is_level(metric) or self.months[metric].is_null().all():
            return None
        return int(self.months[metric].sum())

    def table(self) -> pl.DataFrame:
        """For display: Month, one column per metric, and a Total row (null for levels)."""
        frame = self.months.select(MONTH, *self.metrics)
        total = {MONTH: TOTAL, **{m: self.total(m) for m in self.metrics}}
        return pl.concat([frame, pl.DataFrame([total], schema=frame.schema)])

    def series(self, metric: str) -> pl.DataFrame:
        """One metric's months with a figure: month, Month, month_short, value, series (the metric)."""
        return (
            self.months.select("month", MONTH, pl.col(metric).alias("value"))
            .drop_nulls("value")
            .with_columns(
                pl.col("month").dt.strftime("%b").alias("month_short"), pl.lit(metric).alias("series")
            )
        )

    def peak(self, metric: str) -> tuple[str, int] | None:
        """The month with the highest figure (the first if tied) and the figure."""
        found = self.series(metric)
        if not found.height:
            return None
        row = found.row(found["value"].arg_max(), named=True)
        return row[MONTH], row["value"]


def channels(
    con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None
) -> list[ChannelMonths]:
    """Every channel reported month by month (all but YouTube's per-video totals and the mailing list),
    one per scope and channel, in the extract's order; metrics of an item are named 'metric (item)'."""
    svc = config.service(service)
    span = periods.reporting_year(svc, year, period)
    found = rows(con, service, span.start, span.end).filter(
        ~pl.col("channel").str.to_lowercase().is_in(list(MAILING_LIST))
        & ~(
            (pl.col("channel").str.to_lowercase() == YOUTUBE)
            & (pl.col("metric").str.to_lowercase() == CUMULATIVE_VIEWS)
        )
    )
    found = found.with_columns(
        pl.when(pl.col("item").is_null())
        .then(pl.col("metric"))
        .otherwise(pl.format("{} ({})", "metric", "item"))
        .alias("column")
    )
    months = pl.DataFrame({"month": month_starts(span)}, schema={"month": pl.Date}).with_columns(
        pl.col("month").dt.strftime("%b %Y").alias(MONTH)
    )
    result = []
    for scope, channel in found.select("scope", "channel").unique(maintain_order=True).iter_rows():
        part = found.filter((pl.col("scope") == scope) & (pl.col("channel") == channel))
        metrics = list(dict.fromkeys(part["column"]))
        wide = part.pivot(on="column", index="month", values="value", aggregate_function="first")
        frame = months.join(wide, on="month", how="left", maintain_order="left").select(
            "month", MONTH, *[pl.col(m).cast(pl.Int64) for m in metrics]
        )
        result.append(ChannelMonths(svc, span, channel, scope_label(con, service, scope), metrics, frame))
    return result


def website(
    con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None
) -> list[ChannelMonths]:
    """The website channel(s) of `channels` (normally one: the joint H&W website)."""
    return [c for c in channels(con, service, year, period) if c.channel.lower() == WEBSITE]


def social_media(
    con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None
) -> list[ChannelMonths]:
    """Every other channel of `channels`: one per social media platform."""
    return [c for c in channels(con, service, year, period) if c.channel.lower() != WEBSITE]


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


def month_starts(period: Period) -> list[date]:
    """The first days of the calendar months that start within the period (digital figures are monthly)."""
    day = period.start if period.start.day == 1 else _next_month(period.start)
    found = []
    while day <= period.end:
        found.append(day)
        day = _next_month(day)
    return found


def _next_month(day: date) -> date:
    return periods.month_end(day) + timedelta(days=1)


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


@dataclass(frozen=True)
class MailingList:
    """Mailing list subscribers at the latest month of the year against the latest of the year before."""

    service: Service
    period: Period
    scope: str
    metric: str
    previous: tuple[date, int] | None  # (month, value) latest in the previous reporting year
    current: tuple[date, int] | None  # (month, value) latest in the reporting year

    @property
    def change(self) -> float | None:
        """Fractional change from the previous figure, or None."""
        if self.previous is None or self.current is None or not self.previous[1]:
            return None
        return self.current[1] / self.previous[1] - 1

    def table(self) -> pl.DataFrame:
        """For display: one row (the metric), a column per figure and the change."""
        columns: dict[str, list] = {"Measure": [self.metric]}
        for found in (self.previous, self.current):
            if found is not None:
                columns[month_label(found[0])] = [found[1]]
        frame = pl.DataFrame(columns)
        if self.change is not None:
            frame = frame.with_columns(pl.lit(self.change).alias("Change"))
        return frame


def mailing_list(
    con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None
) -> list[MailingList]:
    """One MailingList per scope and level metric of the mailing list channel (normally one:
    subscribers; flows such as a Mailchimp download's Joined and Left are not a latest figure)."""
    svc = config.service(service)
    span = periods.reporting_year(svc, year, period)
    before = periods.reporting_year(svc, year - 1, period)
    found = rows(con, service, before.start, span.end).filter(
        pl.col("channel").str.to_lowercase().is_in(list(MAILING_LIST))
        & pl.col("item").is_null()
        # Levels only: a Mailchimp download's monthly Joined / Left are flows, not a latest figure.
        & pl.col("metric").str.strip_chars().str.to_lowercase().is_in(list(LEVEL_METRICS))
    )
    result = []
    for scope, metric in found.select("scope", "metric").unique(maintain_order=True).iter_rows():
        part = found.filter((pl.col("scope") == scope) & (pl.col("metric") == metric)).sort("month")
        latest = {}
        for year_span in (before, span):
            inside = part.filter(pl.col("month").is_between(year_span.start, year_span.end))
            latest[year_span] = inside.select("month", "value").row(-1) if inside.height else None
        if latest[span] is None:
            continue
        result.append(
            MailingList(svc, span, scope_label(con, service, scope), metric, latest[before], latest[span])
        )
    return result
