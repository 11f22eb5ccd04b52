"""The mailing list: subscribers at the latest month of a reporting year against the latest of the
year before (the published "880 for 2023" and "1,155 latest figures"), from the digital figures
(metrics.digital: each figure once, joint rows shared).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from .. import config, periods
from ..config import Service
from ..fields import LEVEL_METRICS
from ..periods import Period
from .digital import MAILING_LIST, month_label, rows, scope_label


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
