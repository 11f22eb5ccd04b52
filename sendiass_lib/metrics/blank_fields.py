"""Blank fields: for each optional field and label column, whether the extracts that supplied a
reporting year's involvements had it, and how many of the involvements opened in the year left it
blank, as counted (the audit of the year reads it, suppression.py). The data-quality page shows it
with the cells the audit hides (metrics.quality.missing).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import polars as pl

from .. import config, disclosure, periods
from ..config import Service
from ..fields import label_fields
from ..periods import Period
from .label_mix import carries

OPTIONAL_FIELDS = {
    "first_response_on": "Date of first response",
    "closed_on": "Date closed",
    "intervention_level": "Intervention level (set at closure)",
}
FIELD, IN_EXTRACT, BLANK, SHARE_BLANK, STATUS = "Field", "In the extract", "Blank", "Share blank", "Status"
NOT_IN_EXTRACT, ALL_BLANK, ALL_UNMAPPED = "not in the extract", "blank all year", "every label unmapped"


@dataclass(frozen=True)
class BlankFields:
    """For each optional field: whether the extracts had it, and how many of the year's
    involvements left it blank."""

    service: Service
    period: Period
    involvements: int  # opened in the year
    rows: pl.DataFrame  # Field, In the extract, Blank, Share blank, Status (null: nothing to note)
    # Further fields to hide beyond the line-by-line rule ({field: [columns]}): the cells the audit
    # of the service-year hides (metrics.quality.missing attaches them).
    audited: dict[str, list[str]] = field(default_factory=dict)

    def protected(self) -> disclosure.Shown:
        """As it may be published: a blank count of 1 to 4 (of people's records) is [c] with its
        share, and no share is given on fewer involvements than the rule's minimum."""
        rule = disclosure.rule(self.service)
        frame = self.rows.select(FIELD, BLANK, SHARE_BLANK, STATUS)
        frame, hidden = disclosure.protect(frame, [BLANK], rule, totals=False, shares={SHARE_BLANK: BLANK})
        more = {f: [BLANK, SHARE_BLANK] for f in self.audited}
        if not disclosure.percent_shown(self.involvements, rule):
            more |= {f: [BLANK, SHARE_BLANK] if f in more else [SHARE_BLANK] for f in frame[FIELD]}
        frame = disclosure.withhold(frame, hidden, more)
        return disclosure.Shown(frame, hidden, rule)

    def not_in_extract(self) -> dict[str, list[str]]:
        """Cells to show as [z]: the fields the extracts did not have."""
        absent = self.rows.filter(pl.col(IN_EXTRACT).not_())[FIELD]
        return {field: [BLANK, SHARE_BLANK] for field in absent}


def counted(
    con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None
) -> BlankFields:
    """For each optional field and label column: whether the extracts that supplied the year's
    involvements had it, and the involvements opened in the year with it blank (and their share); as
    counted, with no cells of the audit (metrics.quality.missing gives the table a page shows)."""
    svc = config.service(service)
    span = periods.reporting_year(svc, year, period)
    where = "service = $service AND opened_on BETWEEN $start AND $end"
    params = {"service": service, "start": span.start, "end": span.end}
    total = con.execute(f"SELECT count(*) FROM involvements WHERE {where}", params).fetchall()[0][0]
    rows = []
    for column, title in OPTIONAL_FIELDS.items():
        carried = carries(con, service, column, span) is not False
        n = con.execute(
            f"SELECT count(*) FROM involvements WHERE {where} AND {column} IS NULL", params
        ).fetchall()[0][0]
        rows.append((title, carried, n if carried else None, None))
    for column in label_fields().values():
        blank, labelled, mapped = con.execute(
            f"""SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM involvement_labels l
                        WHERE l.service = i.service AND l.involvement_id = i.involvement_id
                        AND l.field = $field)),
                    (SELECT count(*) FROM involvement_labels WHERE service = $service AND field = $field),
                    (SELECT count(*) FROM involvement_labels l JOIN involvements j
                        USING (service, involvement_id) WHERE l.service = $service AND l.field = $field
                        AND l.label != 'Unmapped' AND j.opened_on BETWEEN $start AND $end)
                FROM involvements i WHERE {where}""",
            {**params, "field": column.name},
        ).fetchall()[0]
        carried = carries(con, service, column.name, span)
        if carried is None:  # rows written without a load: a column is had if it holds any label
            carried = labelled > 0
        unmapped_only = carried and blank < total and not mapped
        rows.append(
            (column.title, carried, blank if carried else None, ALL_UNMAPPED if unmapped_only else None)
        )
    frame = pl.DataFrame(
        rows,
        schema={FIELD: pl.String, IN_EXTRACT: pl.Boolean, BLANK: pl.Int64, STATUS: pl.String},
        orient="row",
    )
    frame = frame.with_columns(
        (pl.col(BLANK) / total if total else pl.lit(None, pl.Float64)).alias(SHARE_BLANK),
        pl.when(pl.col(IN_EXTRACT).not_())
        .then(pl.lit(NOT_IN_EXTRACT))
        .when((pl.col(BLANK) == total) & (total > 0))
        .then(pl.lit(ALL_BLANK))
        .otherwise(pl.col(STATUS))
        .alias(STATUS),
    ).select(FIELD, IN_EXTRACT, BLANK, SHARE_BLANK, STATUS)
    return BlankFields(svc, span, total, frame)
