"""A label column's themes (the taxonomy's crosswalk, e.g. reasons -> "EHC plans") over several
reporting years: labels recorded per theme and their share of the year's labels, a trend that spans
a change of list. A theme is hidden in a year where a page hides one of its labels
(`with_hidden_labels`, given the year's mixes); metrics.mixes.theme_trend gives them those a page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from dataclasses import field as default

import duckdb
import polars as pl

from .. import config, disclosure, labels, periods
from ..config import Service
from ..fields import label_fields
from ..periods import Period
from .label_mix import LabelMix

THEME = "Theme"


@dataclass(frozen=True)
class ThemeTrend:
    """Labels recorded per theme (the taxonomy's crosswalk) over several reporting years."""

    service: Service
    periods: list[Period]  # the years asked for, oldest first (those with labels are columns)
    # Theme, then one column per year with data; themes largest first in the last year,
    # "Unmapped" (if any) last. shares: fraction of the year's labels; counts: labels recorded.
    shares: pl.DataFrame
    counts: pl.DataFrame
    # {theme: [years]} where one of its labels is hidden on that year's own page: its share is the
    # sum of its labels, so it is hidden too, as if small.
    made_of_hidden: dict[str, list[str]] = default(default_factory=dict)

    @property
    def years(self) -> list[str]:
        return self.shares.columns[1:]

    def protected(self) -> disclosure.Shown:
        """The shares as they may be published under the service's disclosure rule: a theme with
        too few labels, one that would give it back from the year's 100%, and every theme of a year
        under the rule's minimum base are null; with the cells to show as [c] ({theme: [years]})."""
        rule = disclosure.rule(self.service)
        counts, hidden = disclosure.protect(self.counts, self.years, rule, also=self.made_of_hidden)
        small = [y for y in self.years if not disclosure.percent_shown(int(self.counts[y].sum()), rule)]
        if small:
            disclosure.withhold(counts, hidden, {theme: small for theme in self.counts[THEME]})
        return disclosure.Shown(disclosure.null_cells(self.shares, hidden), hidden, rule)

    def with_hidden_labels(self, mixes: dict[str, list[LabelMix]]) -> ThemeTrend:
        """The trend with `made_of_hidden` from the labels each year's mixes hide (`mixes`: {year
        label: that year's mixes}); a label no theme takes counts under "Unmapped"."""
        made: dict[str, list[str]] = {}
        for year, found in mixes.items():
            for mix in found:
                theme_of = {
                    (row["list"], row["label"]): row["theme"]
                    for row in _lookup(mix.field.taxonomy).iter_rows(named=True)
                }
                for label in mix.protected().hidden:
                    theme = theme_of.get((mix.list_name, label)) or labels.UNMAPPED
                    made.setdefault(theme, []).append(year)
        return replace(self, made_of_hidden=made)


def _lookup(taxonomy: str) -> pl.DataFrame:
    """list, label, theme of every label of the taxonomy's lists."""
    table = labels.taxonomy(taxonomy).select("list", "label", "theme")
    return table.unique(["list", "label"], maintain_order=True)


def counted(
    con: duckdb.DuckDBPyConnection,
    service: str,
    field: str,
    year: int,
    years: int = 3,
    period: str | None = None,
) -> ThemeTrend:
    """Labels recorded in each theme, and their share of the labels recorded, per reporting year for
    the `years` years to `year`; no theme is hidden yet for a hidden label (with_hidden_labels)."""
    svc = config.service(service)
    spec = label_fields()[field]
    lookup = _lookup(spec.taxonomy)
    spans = [periods.reporting_year(svc, y, period) for y in range(year - years + 1, year + 1)]
    counts = []
    for span in spans:
        found = con.execute(
            """SELECT l.list, l.label, count(DISTINCT l.involvement_id)
               FROM involvement_labels l JOIN involvements i USING (service, involvement_id)
               WHERE l.service = ? AND l.field = ? AND i.opened_on BETWEEN ? AND ? GROUP BY 1, 2""",
            [svc.slug, field, span.start, span.end],
        ).fetchall()
        counts += [(span.label, *row) for row in found]
    schema = {"period": pl.String, "list": pl.String, "label": pl.String, "n": pl.Int64}
    frame = pl.DataFrame(counts, schema=schema, orient="row")
    themes = lookup["theme"].drop_nulls().unique(maintain_order=True).to_list()
    if frame.is_empty():
        empty = pl.DataFrame({THEME: themes})
        return ThemeTrend(svc, spans, empty, empty)
    long = (
        frame.join(lookup, on=["list", "label"], how="left")
        .with_columns(pl.col("theme").fill_null(labels.UNMAPPED))
        .group_by("period", "theme")
        .agg(pl.col("n").sum())
        .with_columns((pl.col("n") / pl.col("n").sum().over("period")).alias("share"))
    )
    shown = [s.label for s in spans if s.label in set(long["period"])]
    everything = pl.DataFrame({"theme": themes})

    def wide(values: str, fill) -> pl.DataFrame:
        table = long.pivot(on="period", index="theme", values=values)
        table = everything.join(table, on="theme", how="full", coalesce=True, maintain_order="left_right")
        return table.select(pl.col("theme").alias(THEME), *[pl.col(c).fill_null(fill) for c in shown])

    shares = wide("share", 0.0).sort(
        pl.col(THEME) == labels.UNMAPPED, pl.col(shown[-1]), descending=[False, True], maintain_order=True
    )
    counts_wide = shares.select(THEME).join(wide("n", 0), on=THEME, how="left", maintain_order="left")
    return ThemeTrend(svc, spans, shares, counts_wide)
