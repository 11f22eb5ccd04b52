"""Data quality of a service's loaded extracts: what was loaded and rejected, columns dropped,
fields missing or blank, labels that matched nothing.

Loads and rejected rows come from the database's own bookkeeping (every row of every file is either
loaded or rejected with a reason). Unmapped labels and blank fields are counted over the
involvements opened in the reporting year. Nothing here is silent: `warnings` lists what a service
should look at first, for the terminal and for the data-quality page (views.quality words them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb
import polars as pl

from .. import availability, config, disclosure, periods, suppression
from ..config import Service
from ..fields import label_fields
from ..periods import Period
from . import blank_fields
from .blank_fields import FIELD, OPTIONAL_FIELDS, STATUS, BlankFields

UNKNOWN_COLUMNS = "unknown columns"  # a warning's kind beside a field's statuses (blank_fields)
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


def missing(
    con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None
) -> BlankFields:
    """For each optional field and label column: whether the extracts that supplied the year's
    involvements had it, and the involvements opened in the year with it blank (and their share),
    with the cells the audit of the service-year hides."""
    blank = blank_fields.counted(con, service, year, period)
    key = suppression.blank_key(blank.period.start)
    return replace(blank, audited=suppression.cells(con, blank.service.slug, year, key, period))


@dataclass(frozen=True)
class Finding:
    """One thing a service should look at first: its kind (UNKNOWN_COLUMNS, or a field's status,
    of blank_fields: NOT_IN_EXTRACT, ALL_BLANK, ALL_UNMAPPED), where (a file's name, or the year's
    label) and the columns (the headers dropped as written, or the contract column)."""

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
    blank = blank_fields.counted(con, service, year).rows.filter(pl.col(STATUS).is_not_null())
    for title, status in blank.select(FIELD, STATUS).iter_rows():
        if names[title] in fields:
            found.append(Finding(status, span.label, (names[title],)))
    return found
