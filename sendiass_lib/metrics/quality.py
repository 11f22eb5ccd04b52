"""Data quality of a service's loaded extracts: what was loaded and rejected, columns dropped,
fields missing or blank, labels that matched nothing.

Loads and rejected rows come from the database's own bookkeeping (every row of every file is either
loaded or rejected with a reason). Unmapped labels and blank fields are counted over the
involvements opened in the reporting year. Nothing here is silent: `warnings` lists what a service
should look at first, for the terminal and for the data-quality page (views.quality words them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import polars as pl

from .. import availability, config, disclosure, periods
from ..config import Service
from ..fields import label_fields
from ..periods import Period
from . import mixes

OPTIONAL_FIELDS = {
    "first_response_on": "Date of first response",
    "closed_on": "Date closed",
    "intervention_level": "Intervention level (set at closure)",
}
FIELD, IN_EXTRACT, BLANK, SHARE_BLANK, STATUS = "Field", "In the extract", "Blank", "Share blank", "Status"
NOT_IN_EXTRACT, ALL_BLANK, ALL_UNMAPPED = "not in the extract", "blank all year", "every label unmapped"
UNKNOWN_COLUMNS = "unknown columns"  # a warning's kind beside the three statuses above
# Why a column of a loaded file was not stored (dropped_columns).
UNKNOWN, PERSONAL, IGNORED = "unknown", "personal", "ignored"


def loads(con: duckdb.DuckDBPyConnection, service: str) -> pl.DataFrame:
    """Every file loaded for the service: file, kind, rows in, loaded, rejected."""
    rows = con.execute(
        """SELECT file_name, kind, rows_in, rows_loaded, rows_rejected FROM loads
           WHERE service = ? ORDER BY kind, file_name""",
        [config.service(service).slug],
    ).fetchall()
    schema = {
        "File": pl.String,
        "Kind": pl.String,
        "Rows in": pl.Int64,
        "Loaded": pl.Int64,
        "Rejected": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def rejects_by_reason(con: duckdb.DuckDBPyConnection, service: str) -> pl.DataFrame:
    """Rejected rows per extract kind and reason code, most first."""
    rows = con.execute(
        """SELECT r.reason, l.kind, count(*) FROM rejects r JOIN loads l USING (load_id)
           WHERE l.service = ? GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2""",
        [service],
    ).fetchall()
    return pl.DataFrame(rows, schema={"Reason": pl.String, "Kind": pl.String, "Rows": pl.Int64}, orient="row")


def dropped_columns(con: duckdb.DuckDBPyConnection, service: str) -> pl.DataFrame:
    """Every column a loaded file had that was not stored: File, Column (its header), Why (UNKNOWN:
    not read, for want of a mapping; PERSONAL: personal data, never read; IGNORED: as the service's
    mapping file says)."""
    rows = con.execute(
        f"""SELECT file_name, header, CASE
                  WHEN list_contains(columns_unknown, header) THEN '{UNKNOWN}'
                  WHEN list_contains(columns_personal, header) THEN '{PERSONAL}'
                  ELSE '{IGNORED}' END
           FROM (SELECT file_name, unnest(columns_dropped) AS header, columns_unknown, columns_personal
                 FROM loads WHERE service = ?)
           ORDER BY 1, 2""",
        [config.service(service).slug],
    ).fetchall()
    return pl.DataFrame(rows, schema={"File": pl.String, "Column": pl.String, "Why": pl.String}, orient="row")


@dataclass(frozen=True)
class UnmappedLabels:
    """Labels that matched no taxonomy entry, as stored (redacted), with the involvements citing each."""

    service: Service
    period: Period
    rows: pl.DataFrame  # Label as written, Column, Involvements

    def protected(self) -> disclosure.Shown:
        """The labels that may be listed on a page: a label few involvements cite is text somebody
        typed that could name a person, so neither it nor its count is shown (left_out says how
        many were not)."""
        rule = disclosure.rule(self.service)
        keep = ~pl.col("Involvements").is_between(1, rule.below - 1) if rule.on else pl.lit(True)
        return disclosure.Shown(self.rows.filter(keep), {}, rule)

    @property
    def left_out(self) -> bool:
        """Whether any label is left out of the page (protected)."""
        return self.rows.height != self.protected().data.height


def unmapped(
    con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None
) -> UnmappedLabels:
    """Labels that matched no taxonomy entry, as stored, with the involvements citing each."""
    svc = config.service(service)
    span = periods.reporting_year(svc, year, period)
    rows = con.execute(
        """SELECT l.raw_label, l.field, count(DISTINCT l.involvement_id)
           FROM involvement_labels l JOIN involvements i USING (service, involvement_id)
           WHERE l.service = ? AND l.label = 'Unmapped' AND i.opened_on BETWEEN ? AND ?
           GROUP BY 1, 2 ORDER BY 3 DESC, 1""",
        [service, span.start, span.end],
    ).fetchall()
    schema = {"Label as written": pl.String, "Column": pl.String, "Involvements": pl.Int64}
    return UnmappedLabels(svc, span, pl.DataFrame(rows, schema=schema, orient="row"))


@dataclass(frozen=True)
class BlankFields:
    """For each optional field: whether the extracts had it, and how many of the year's
    involvements left it blank."""

    service: Service
    period: Period
    involvements: int  # opened in the year
    rows: pl.DataFrame  # Field, In the extract, Blank, Share blank, Status (null: nothing to note)
    audited: dict[str, list[str]] = field(default_factory=dict)  # further cells the audit hides

    def protected(self) -> disclosure.Shown:
        """As it may be published: a blank count of 1 to 4 (of people's records) is [c] with its
        share, and no share is given on fewer involvements than the rule's minimum."""
        rule = disclosure.rule(self.service)
        frame = self.rows.select(FIELD, BLANK, SHARE_BLANK, STATUS)
        frame, hidden = disclosure.protect(frame, [BLANK], rule, totals=False, shares={SHARE_BLANK: BLANK})
        more = {f: [BLANK, SHARE_BLANK] for f in self.audited}  # (suppression.plan)
        if not disclosure.percent_shown(self.involvements, rule):
            more |= {f: [BLANK, SHARE_BLANK] if f in more else [SHARE_BLANK] for f in frame[FIELD]}
        frame = disclosure.withhold(frame, hidden, more)
        return disclosure.Shown(frame, hidden, rule)

    def not_in_extract(self) -> dict[str, list[str]]:
        """Cells to show as [z]: the fields the extracts did not have."""
        absent = self.rows.filter(pl.col(IN_EXTRACT).not_())[FIELD]
        return {field: [BLANK, SHARE_BLANK] for field in absent}


def missing(
    con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None
) -> BlankFields:
    """For each optional field and label column: whether the extracts that supplied the year's
    involvements had it, and the involvements opened in the year with it blank (and their share)."""
    svc = config.service(service)
    span = periods.reporting_year(svc, year, period)
    where = "service = $service AND opened_on BETWEEN $start AND $end"
    params = {"service": service, "start": span.start, "end": span.end}
    total = con.execute(f"SELECT count(*) FROM involvements WHERE {where}", params).fetchall()[0][0]
    rows = []
    for column, title in OPTIONAL_FIELDS.items():
        carried = mixes.carries(con, service, column, span) is not False
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
        carried = mixes.carries(con, service, column.name, span)
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
    audited = {}
    if period in (None, svc.reporting_year):
        from .. import suppression

        audited = suppression.cells(con, svc.slug, year, suppression.blank_key(span.start))
    return BlankFields(svc, span, total, frame, audited)


@dataclass(frozen=True)
class Finding:
    """One thing a service should look at first: its kind (UNKNOWN_COLUMNS, or a field's status:
    NOT_IN_EXTRACT, ALL_BLANK, ALL_UNMAPPED), where (a file's name, or the year's label) and the
    columns (the headers dropped as written, or the contract column)."""

    kind: str
    where: str
    columns: tuple[str, ...]


def warnings(con: duckdb.DuckDBPyConnection, service: str, year: int) -> list[Finding]:
    """What the service should look at first for one year: columns its extracts had that were
    dropped as unknown, and columns the year's pages show (availability.columns_shown) that the
    extracts did not have, left blank all year, or filled with labels that all matched nothing."""
    svc = config.service(service)
    fields = availability.columns_shown(con, service, year)
    span = periods.reporting_year(svc, year)
    unknown = con.execute(
        """SELECT file_name, columns_unknown FROM loads WHERE service = $service
           AND len(columns_unknown) > 0 AND load_id IN (SELECT load_id FROM involvements
               WHERE service = $service AND opened_on BETWEEN $start AND $end)
           ORDER BY file_name""",
        {"service": service, "start": span.start, "end": span.end},
    ).fetchall()
    found = [Finding(UNKNOWN_COLUMNS, file_name, tuple(headers)) for file_name, headers in unknown]
    titles = {f.title: f.name for f in label_fields().values()}
    names = {**{t: c for c, t in OPTIONAL_FIELDS.items()}, **titles}
    blank = missing(con, service, year).rows.filter(pl.col(STATUS).is_not_null())
    for title, status in blank.select(FIELD, STATUS).iter_rows():
        if names[title] in fields:
            found.append(Finding(status, span.label, (names[title],)))
    return found
