"""The mix of a label column (reasons, SEN type, caller type, contact method, where heard) in a period,
as counted: the line-by-line disclosure rule only (the audit of the year reads these, suppression.py).

Every label of the taxonomy list in force is listed, zeros included, then "Unmapped" if any raw
label matched nothing. What a percentage is of (its base) depends on the column, and is stated
under every table:
- several labels per involvement (reasons, SEN types): of all labels recorded, so an involvement
  citing two reasons counts once for each; the count of involvements citing each is shown too;
- one label per involvement: of the involvements with the column filled in; those left blank are
  reported beside the table as a share of all involvements.
A reporting year that spans a change of list (reasons: 1 April 2024) gives one mix per list.
Pages show the mixes metrics.mixes makes from these, with the cells the audit hides attached.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from dataclasses import field as default
from datetime import date

import duckdb
import polars as pl

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
    # Further labels to hide beyond the line-by-line rule, as if small ({label: [columns]}): the
    # cells the audit of the service-year hides (metrics.mixes attaches them).
    audited: dict[str, list[str]] = default(default_factory=dict)

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
        more = {label: [COUNT, *shares] for label in self.audited}
        if not disclosure.percent_shown(self.base, rule):
            more |= {label: [*more.get(label, []), *shares] for label in rows[LABEL]}
        rows = disclosure.withhold(rows, hidden, more)
        return disclosure.Shown(replace(self, rows=rows), hidden, rule)


def counted(
    con: duckdb.DuckDBPyConnection, service: str, field: str, year: int, period: str | None = None
) -> list[LabelMix]:
    """One LabelMix per taxonomy list in force during the service's reporting year `year`, as counted
    (no cells of the audit: metrics.mixes.mixes gives the mixes a page shows)."""
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
    return found


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


def counted_levels(
    con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None
) -> LabelMix:
    """Intervention levels 1-4 of the involvements opened in the reporting year, as a mix: a level
    is set when a case closes, so the base is the involvements with one recorded. As counted, with no
    cells of the audit (metrics.mixes.levels gives the levels a page shows)."""
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
    return LabelMix(svc, LEVELS, span, "levels", involvements, recorded, recorded, rows, carried, blank_row)
