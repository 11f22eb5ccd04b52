"""New involvements per month of a reporting year, beside earlier years, and the change on last year.

A month is "not available" (null, shown as [x]) when it lies wholly outside the span of the service's
data, so a year in progress is never read as zeros. The data are taken to run from the first
involvement to the end of the month of the last one (extracts carry no coverage dates, and months
are the reporting grain). The change on last year compares like with like: when the selected year
is partial, the previous year is counted up to the same calendar day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from .. import config, disclosure, periods
from ..config import Service
from ..periods import Period

TOTAL = "Total"
MONTH = "Month"


@dataclass(frozen=True)
class MonthlyInvolvements:
    """Monthly counts for `years` reporting years ending with the selected one."""

    service: Service
    periods: list[Period]  # oldest first; the selected year is last
    counts: pl.DataFrame  # Month (labels, then "Total") and one Int64 column per period; null = n/a
    data_through: date | None  # end of the month of the service's latest involvement
    current: int | None  # the selected year's total
    previous: int | None  # the previous year's total over the same days (None if not loaded)
    partial: bool  # the selected year runs past the data

    @property
    def selected(self) -> Period:
        return self.periods[-1]

    @property
    def change(self) -> float | None:
        """Fractional change of the selected year on the previous one, like for like, or None."""
        if self.current is None or not self.previous:
            return None
        return self.current / self.previous - 1

    def total(self, label: str) -> int | None:
        """A period's total over its available months (None when no month is available)."""
        return self.counts.filter(pl.col(MONTH) == TOTAL)[label].item()

    def table(self) -> pl.DataFrame:
        """For display: months and total of each period with data, and the change on last year.

        The change column is left out when there is no previous year, or the selected year is
        partial (a whole-year comparison would mislead; the headline compares the same days).
        """
        shown = [p.label for p in self.periods if self.counts[p.label].is_not_null().any()]
        frame = self.counts.select(MONTH, *shown)
        if len(self.periods) < 2:  # years=1: no column to compare with
            return frame
        before, now = self.periods[-2].label, self.selected.label
        if self.change is not None and not self.partial and before in shown:
            # A month with none the year before has no percentage change (null: [x]), not infinity.
            change = pl.when(pl.col(before) > 0).then(pl.col(now) / pl.col(before) - 1)
            frame = frame.with_columns(change.alias(f"Change {before} to {now}"))
        return frame

    def protected(self) -> disclosure.Shown:
        """`table()` as it may be published under the service's disclosure rule: small monthly
        counts, and whatever would give one back from a total, null; a month's change on last year
        goes with either count."""
        frame = self.table()
        change = [c for c in frame.columns if c.startswith("Change")]
        years = [c for c in frame.columns[1:] if c not in change]
        rule = disclosure.rule(self.service)
        shown, hidden = disclosure.protect(frame, years, rule)
        if change:
            compared = set(years[-2:])
            more = {month: change for month, cells in hidden.items() if compared & set(cells)}
            shown = disclosure.withhold(shown, hidden, more)
        return disclosure.Shown(shown, hidden, rule)

    def long(self) -> pl.DataFrame:
        """One row per period and month that may be published (no total, nothing the disclosure rule
        hides): period, month_no, month, month_short, involvements."""
        months = self.selected.months()
        shorts = pl.DataFrame(
            {
                MONTH: [m.label for m in months],
                "month_no": list(range(1, len(months) + 1)),
                "month_short": [m.short_label for m in months],
            }
        )
        shown = self.protected().data
        return (
            shown.select(MONTH, *[p.label for p in self.periods if p.label in shown.columns])
            .filter(pl.col(MONTH) != TOTAL)
            .unpivot(index=MONTH, variable_name="period", value_name="involvements")
            .drop_nulls("involvements")
            .join(shorts, on=MONTH, maintain_order="left")
            .rename({MONTH: "month"})
            .select("period", "month_no", "month", "month_short", "involvements")
        )


def monthly(
    con: duckdb.DuckDBPyConnection, service: str, year: int, years: int = 3, period: str | None = None
) -> MonthlyInvolvements:
    """New involvements per month for the service's reporting year `year` and the years before it."""
    svc = config.service(service)
    span = con.execute(
        "SELECT min(opened_on), max(opened_on) FROM involvements WHERE service = ?", [service]
    ).fetchall()[0]
    first, last = span if span else (None, None)
    if last is not None:
        last = periods.month_end(last)
    chosen = [periods.reporting_year(svc, y, period) for y in range(year - years + 1, year + 1)]

    buckets = [(p.label, i, m.start, m.end) for p in chosen for i, m in enumerate(p.months())]
    values = ", ".join(["(?, ?, ?::DATE, ?::DATE)"] * len(buckets))
    rows = con.execute(
        f"""
        WITH buckets(period, month_no, start_on, end_on) AS (VALUES {values})
        SELECT b.period, b.month_no, count(i.involvement_id) AS n
        FROM buckets b
        LEFT JOIN involvements i
          ON i.service = ? AND i.opened_on BETWEEN b.start_on AND b.end_on
        GROUP BY ALL
        """,
        [v for bucket in buckets for v in bucket] + [service],
    ).fetchall()
    count_of = {(period, month_no): n for period, month_no, n in rows}

    labels = [m.label for m in chosen[-1].months()]
    columns: dict[str, list] = {MONTH: [*labels, TOTAL]}
    for p in chosen:
        column = [
            count_of[(p.label, i)] if first is not None and m.end >= first and m.start <= last else None
            for i, m in enumerate(p.months())
        ]
        known = [n for n in column if n is not None]
        columns[p.label] = [*column, sum(known) if known else None]
    counts = pl.DataFrame(columns, schema={MONTH: pl.String, **{p.label: pl.Int64 for p in chosen}})

    selected = chosen[-1]
    current = counts.filter(pl.col(MONTH) == TOTAL)[selected.label].item()
    partial = last is not None and last < selected.end
    previous = None
    if current is not None:
        before = periods.reporting_year(svc, year - 1, period)
        previous = _previous_same_days(con, svc, before, selected, last if partial else selected.end, first)
    return MonthlyInvolvements(
        service=svc,
        periods=chosen,
        counts=counts,
        data_through=last,
        current=current,
        previous=previous,
        partial=partial,
    )


def _previous_same_days(
    con, svc: Service, before: Period, selected: Period, through: date, first: date | None
):
    """The previous reporting year's count (`before`) from its start over as many days as `selected`
    has data."""
    if first is None or first > before.months()[0].end:
        return None  # the data start after the previous year began: no fair comparison
    end = before.end
    if through < selected.end:
        end = min(periods.year_before(through), before.end)
    row = con.execute(
        "SELECT count(*) FROM involvements WHERE service = ? AND opened_on BETWEEN ? AND ?",
        [svc.slug, before.start, end],
    ).fetchall()[0]
    return int(row[0])
