"""Digital reach: website visitors and social media per month, from the digital figures every page
of a service shows (YouTube's views per video: metrics.youtube; the mailing list: metrics.mailing).

Rules (docs/database.md, table digital_metrics):
- A service's page shows the rows of its own extracts whose scope is not "joint", and the joint rows
  of every service that shares a joint channel with it (`sharing_services`). Herefordshire's and
  Worcestershire's extracts may both carry the same joint rows: each figure (month, scope, channel,
  metric, item) is counted once, and when two extracts disagree the most recently loaded value is
  used and the disagreement is counted (`conflicts`), never added up.
- Levels (followers, subscribers, cumulative "Total views") are counts at a point in time: they are
  never summed over months. Everything else (visitors, reach, clicks, views) is a monthly flow.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import polars as pl

from .. import config, periods
from ..config import Service
from ..fields import CUMULATIVE_VIEWS, is_level
from ..periods import Period

JOINT = "joint"
WEBSITE = "website"
YOUTUBE = "youtube"
MAILING_LIST = {"mailing list", "newsletter"}
MONTH = "Month"
TOTAL = "Total"


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
    found = rows(con, service, span.start, next_month(span.end))
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


def month_starts(period: Period) -> list[date]:
    """The first days of the calendar months that start within the period (digital figures are monthly)."""
    day = period.start if period.start.day == 1 else next_month(period.start)
    found = []
    while day <= period.end:
        found.append(day)
        day = next_month(day)
    return found


def next_month(day: date) -> date:
    """The first day of the month after the one `day` is in."""
    return periods.month_end(day) + timedelta(days=1)
