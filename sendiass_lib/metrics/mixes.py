"""The mix of a label column (reasons, SEN type, caller type, contact method, where heard) in a period.

Every label of the taxonomy list in force is listed, zeros included, then "Unmapped" if any raw
label matched nothing. What a percentage is of (its base) depends on the column, and is stated
under every table:
- several labels per involvement (reasons, SEN types): of all labels recorded, so an involvement
  citing two reasons counts once for each; the count of involvements citing each is shown too;
- one label per involvement: of the involvements with the column filled in; those left blank are
  reported beside the table as a share of all involvements.
A reporting year that spans a change of list (reasons: 1 April 2024) gives one mix per list.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from dataclasses import field as default
from datetime import date

import duckdb
import polars as pl
import yaml

from .. import config, disclosure, labels, periods
from ..config import Service
from ..fields import Field, label_fields
from ..periods import Period

LABEL = "Label"
COUNT = "Involvements"
SHARE = "Share"
SHARE_OF_INVOLVEMENTS = "Share of involvements"
NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class LabelMix:
    """One column's labels over the involvements opened in `period`, under one taxonomy list."""

    service: Service
    field: Field
    period: Period  # labelled with its dates: "1 Jan - 31 Mar 2024", "2021/22 (24 Feb 2021 - ...)"
    list_name: str
    involvements: int  # opened in the period
    recorded: int  # of which with the column filled in
    labels_recorded: int  # labels recorded (several per involvement for multi-valued columns)
    # Label, code, Involvements (citing it), Share (of the base), Share of involvements (opened in
    # the period); shares are null when their base is 0.
    rows: pl.DataFrame
    carried: bool = True  # the extracts the period's involvements came from have this column
    # A one-label column with 1-4 involvements left blank lists them as a row of their own
    # (NOT_RECORDED), its percentages of all involvements: a base that left them out, stated
    # beside the involvements, would give their number back.
    blank_row: bool = False
    audited: dict[str, list[str]] = default(default_factory=dict)  # further cells the audit hides

    @property
    def empty(self) -> bool:
        """Whether a page says so instead of showing a table of zeros: the extracts lack the column,
        or no involvement opened in the period has it recorded."""
        return not self.carried or not self.recorded

    @property
    def lists_blank(self) -> bool:
        """Whether the blank involvements are a row of the table (as published: see blank_row)."""
        return NOT_RECORDED in self.rows[LABEL]

    @property
    def base(self) -> int:
        """What each share is of: labels recorded, or involvements with the column recorded (all
        involvements, when the blank ones are a row of the table)."""
        if self.lists_blank:
            return self.involvements
        return self.labels_recorded if self.field.multi else self.recorded

    def with_blank_row(self) -> LabelMix:
        """The mix with its blank involvements as a row of their own, every share of all of them."""
        blank = pl.DataFrame(
            {LABEL: [NOT_RECORDED], "code": [None], COUNT: [self.not_recorded]},
            schema={LABEL: pl.String, "code": pl.String, COUNT: pl.Int64},
        )
        rows = pl.concat([self.rows.select(LABEL, "code", COUNT), blank]).with_columns(
            _ratio(pl.col(COUNT), self.involvements).alias(SHARE),
            _ratio(pl.col(COUNT), self.involvements).alias(SHARE_OF_INVOLVEMENTS),
        )
        return replace(self, rows=rows)

    @property
    def not_recorded(self) -> int:
        return self.involvements - self.recorded

    def share(self, label: str) -> float | None:
        """The share of one label (0 when listed with no involvements; None if not listed)."""
        found = self.rows.filter(pl.col(LABEL) == label)
        return found[SHARE].item() if found.height else None

    def table(self) -> pl.DataFrame:
        """For display: label, involvements, share."""
        return self.rows.select(LABEL, COUNT, SHARE)

    def protected(self) -> disclosure.Shown:
        """The mix as it may be published under the service's disclosure rule: suppressed counts
        and their shares null (every share, when the base is under the rule's minimum), and the
        cells to show as [c] ({label: [columns]}). Tables, charts and sentences all start here."""
        if self.blank_row and not self.lists_blank:
            return self.with_blank_row().protected()
        rule = disclosure.rule(self.service)
        shares = {SHARE: COUNT, SHARE_OF_INVOLVEMENTS: COUNT}
        rows, hidden = disclosure.protect(self.rows, [COUNT], rule, shares=shares)
        more = {label: [COUNT, *shares] for label in self.audited}  # (suppression.plan)
        if not disclosure.percent_shown(self.base, rule):
            more |= {label: [*more.get(label, []), *shares] for label in rows[LABEL]}
        rows = disclosure.withhold(rows, hidden, more)
        return disclosure.Shown(replace(self, rows=rows), hidden, rule)


def mixes(
    con: duckdb.DuckDBPyConnection, service: str, field: str, year: int, period: str | None = None
) -> list[LabelMix]:
    """One LabelMix per taxonomy list in force during the service's reporting year `year`."""
    svc = config.service(service)
    fields = label_fields()
    if field not in fields:
        raise ValueError(f"unknown label column '{field}'; valid: {', '.join(sorted(fields))}")
    spec = fields[field]
    year_period = periods.reporting_year(svc, year, period)
    found = []
    for list_name, start, end in _lists_in_force(spec.taxonomy, year_period):
        whole = (start, end) == (year_period.start, year_period.end)
        label = (
            year_period.long_label
            if whole
            else f"{periods.day_label(start, year=start.year != end.year)} - {periods.day_label(end)}"
        )
        found.append(_mix(con, svc, spec, Period(start, end, label), list_name))
    return [_audited(con, mix, year, period) for mix in found]


def _audited(con, mix: LabelMix, year: int, period: str | None) -> LabelMix:
    """The mix with the cells the audit of its service-year hides (a published year only)."""
    if period not in (None, mix.service.reporting_year):
        return mix
    from .. import suppression

    table = suppression.mix_key(mix.field.name, mix.period.start)
    return replace(mix, audited=suppression.cells(con, mix.service.slug, year, table))


def _lists_in_force(taxonomy: str, period: Period) -> list[tuple[str, date, date]]:
    lists = labels.taxonomy(taxonomy).select("list", "valid_from", "valid_until").unique(maintain_order=True)
    spans = []
    for name, valid_from, valid_until in lists.iter_rows():
        start, end = max(valid_from, period.start), min(valid_until, period.end)
        if start <= end:
            spans.append((name, start, end))
    return spans


def _mix(con, service: Service, field: Field, period: Period, list_name: str) -> LabelMix:
    involvements, recorded, labels_recorded = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE EXISTS (
                      SELECT 1 FROM involvement_labels l WHERE l.service = i.service
                      AND l.involvement_id = i.involvement_id AND l.field = $field)),
                  (SELECT count(DISTINCT (l.involvement_id, l.label))
                   FROM involvement_labels l JOIN involvements j USING (service, involvement_id)
                   WHERE l.service = $service AND l.field = $field
                   AND j.opened_on BETWEEN $start AND $end)
           FROM involvements i
           WHERE i.service = $service AND i.opened_on BETWEEN $start AND $end""",
        {"service": service.slug, "field": field.name, "start": period.start, "end": period.end},
    ).fetchall()[0]
    cited_rows = con.execute(
        """SELECT l.label AS label, count(DISTINCT l.involvement_id) AS n
           FROM involvement_labels l JOIN involvements i USING (service, involvement_id)
           WHERE l.service = $service AND l.field = $field AND i.opened_on BETWEEN $start AND $end
           GROUP BY l.label ORDER BY l.label""",
        {"service": service.slug, "field": field.name, "start": period.start, "end": period.end},
    ).fetchall()
    cited = pl.DataFrame(cited_rows, schema={"label": pl.String, "n": pl.Int64}, orient="row")
    listed = (
        labels.taxonomy(field.taxonomy)
        .filter(pl.col("list") == list_name)
        .select(pl.col("label").alias(LABEL), "code")
        .unique(LABEL, keep="first", maintain_order=True)
    )
    extra = cited.filter(~pl.col("label").is_in(listed[LABEL].implode())).select(
        pl.col("label").alias(LABEL), pl.lit(None, pl.String).alias("code")
    )
    blank_row = not field.multi and disclosure.suppressed(involvements - recorded, disclosure.rule(service))
    base = labels_recorded if field.multi else recorded
    rows = (
        pl.concat([listed, extra])
        .join(cited.rename({"label": LABEL}), on=LABEL, how="left", maintain_order="left")
        .with_columns(pl.col("n").fill_null(0).alias(COUNT))
        .with_columns(
            _ratio(pl.col(COUNT), base).alias(SHARE),
            _ratio(pl.col(COUNT), involvements).alias(SHARE_OF_INVOLVEMENTS),
        )
        .select(LABEL, "code", COUNT, SHARE, SHARE_OF_INVOLVEMENTS)
    )
    carried = carries(con, service.slug, field.name, period) is not False
    return LabelMix(
        service, field, period, list_name, involvements, recorded, labels_recorded, rows, carried, blank_row
    )


def carries(con: duckdb.DuckDBPyConnection, service: str, column: str, period: Period) -> bool | None:
    """Whether the extracts that supplied the involvements opened in `period` had `column` (a
    contract column), so a blank table can say the column is missing rather than show zeros; None
    when no load recorded it (rows written by hand)."""
    known, carried = con.execute(
        """SELECT count(l.load_id), coalesce(bool_or(list_contains(l.columns_mapped, $column)), false)
           FROM (SELECT DISTINCT load_id FROM involvements
                 WHERE service = $service AND opened_on BETWEEN $start AND $end) i
           JOIN loads l USING (load_id)""",
        {"service": service, "column": column, "start": period.start, "end": period.end},
    ).fetchall()[0]
    return carried if known else None


def _ratio(count: pl.Expr, base: int) -> pl.Expr:
    return count / base if base else pl.lit(None, pl.Float64)


LEVELS = Field(
    "intervention_level", "intervention_level", False, "Intervention level", "levels", "intervention-level"
)


def levels(con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None) -> LabelMix:
    """Intervention levels 1-4 of the involvements opened in the reporting year, as a mix: a level
    is set when a case closes, so the base is the involvements with one recorded."""
    svc = config.service(service)
    year_span = periods.reporting_year(svc, year, period)
    span = Period(year_span.start, year_span.end, year_span.long_label)
    found = dict(
        con.execute(
            """SELECT intervention_level, count(*) FROM involvements
               WHERE service = ? AND opened_on BETWEEN ? AND ? GROUP BY 1""",
            [svc.slug, span.start, span.end],
        ).fetchall()
    )
    involvements = sum(found.values())
    blank = found.pop(None, 0)
    recorded = involvements - blank
    blank_row = disclosure.suppressed(blank, disclosure.rule(svc))  # as in _mix
    names, counts = [f"Level {n}" for n in range(1, 5)], [found.get(n, 0) for n in range(1, 5)]
    rows = pl.DataFrame(
        {LABEL: names, "code": [str(n) for n in range(1, 5)], COUNT: counts},
        schema_overrides={COUNT: pl.Int64},
    )
    rows = rows.with_columns(
        _ratio(pl.col(COUNT), recorded).alias(SHARE),
        _ratio(pl.col(COUNT), involvements).alias(SHARE_OF_INVOLVEMENTS),
    )
    carried = carries(con, svc.slug, LEVELS.name, span) is not False
    mix = LabelMix(svc, LEVELS, span, "levels", involvements, recorded, recorded, rows, carried, blank_row)
    return _audited(con, mix, year, period)


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


def theme_trend(
    con: duckdb.DuckDBPyConnection,
    service: str,
    field: str,
    year: int,
    years: int = 3,
    period: str | None = None,
) -> ThemeTrend:
    """Labels recorded in each theme, and their share of the labels recorded, per reporting year for
    the `years` years to `year`: a trend that spans a change of list."""
    svc = config.service(service)
    spec = label_fields()[field]
    lookup = (
        labels.taxonomy(spec.taxonomy)
        .select("list", "label", "theme")
        .unique(["list", "label"], maintain_order=True)
    )
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
    theme_of = {(row["list"], row["label"]): row["theme"] for row in lookup.iter_rows(named=True)}
    made: dict[str, list[str]] = {}
    for span, y in zip(spans, range(year - years + 1, year + 1), strict=True):
        if span.label not in shown:
            continue
        for mix in mixes(con, service, field, y, period):
            for label in mix.protected().hidden:
                theme = theme_of.get((mix.list_name, label)) or labels.UNMAPPED
                made.setdefault(theme, []).append(span.label)
    return ThemeTrend(svc, spans, shares, counts_wide, made)


def definitions(field: str, day: date) -> pl.DataFrame:
    """Label and definition of each label with one, in the list in force on `day`."""
    spec = label_fields()[field]
    table = labels.taxonomy(spec.taxonomy)
    return (
        table.filter(
            (pl.col("valid_from") <= day)
            & (pl.col("valid_until") >= day)
            & pl.col("definition").is_not_null()
        )
        .unique("label", keep="first", maintain_order=True)
        .select(pl.col("label").alias(LABEL), pl.col("definition").alias("Definition"))
    )


def level_definitions() -> pl.DataFrame:
    """Each intervention level's name and definition (taxonomies/intervention_levels.yaml)."""
    raw = yaml.safe_load((labels.TAXONOMY_DIR / "intervention_levels.yaml").read_text(encoding="utf-8"))
    rows = [(item["label"], " ".join(str(item["definition"]).split())) for item in raw["levels"]]
    return pl.DataFrame(rows, schema={"Level": pl.String, "Definition": pl.String}, orient="row")
