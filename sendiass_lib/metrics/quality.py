"""Data quality of a service's loaded extracts, and where a published report differs from its data.

Loads and rejected rows come from the database's own bookkeeping (every row of every file is either
loaded or rejected with a reason). Unmapped labels and missing fields are counted over the
involvements opened in the reporting year. Differences from a printed report are listed in
published/report_differences.yaml; the figure beside each printed one is computed here, from the data.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import yaml

from .. import config, formatting, periods
from . import evaluations, figures, headline, involvements, mixes

DIFFERENCES_FILE = config.PACKAGE_DIR / "published" / "report_differences.yaml"
OPTIONAL_FIELDS = {
    "first_response_on": "Date of first response",
    "closed_on": "Date closed",
    "intervention_level": "Intervention level (set at closure)",
}


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


def unmapped(
    con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None
) -> pl.DataFrame:
    """Labels that matched no taxonomy entry, as written, with the involvements citing each."""
    span = periods.reporting_year(config.service(service, period), year)
    rows = con.execute(
        """SELECT l.raw_label, l.field, count(DISTINCT l.involvement_id)
           FROM involvement_labels l JOIN involvements i USING (service, involvement_id)
           WHERE l.service = ? AND l.label = 'Unmapped' AND i.opened_on BETWEEN ? AND ?
           GROUP BY 1, 2 ORDER BY 3 DESC, 1""",
        [service, span.start, span.end],
    ).fetchall()
    schema = {"Label as written": pl.String, "Column": pl.String, "Involvements": pl.Int64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def missing(
    con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None
) -> pl.DataFrame:
    """For each optional field, the involvements opened in the year with it blank, and their share
    (label columns the service's extracts never carry are left out)."""
    span = periods.reporting_year(config.service(service, period), year)
    where = "service = $service AND opened_on BETWEEN $start AND $end"
    params = {"service": service, "start": span.start, "end": span.end}
    total = con.execute(f"SELECT count(*) FROM involvements WHERE {where}", params).fetchall()[0][0]
    rows = []
    for column, title in OPTIONAL_FIELDS.items():
        n = con.execute(
            f"SELECT count(*) FROM involvements WHERE {where} AND {column} IS NULL", params
        ).fetchall()[0][0]
        rows.append((title, n))
    for field in mixes.label_fields().values():
        carried = con.execute(
            "SELECT count(*) FROM involvement_labels WHERE service = ? AND field = ?", [service, field.name]
        ).fetchall()[0][0]
        if not carried:
            continue
        n = con.execute(
            f"""SELECT count(*) FROM involvements i WHERE {where} AND NOT EXISTS (
                    SELECT 1 FROM involvement_labels l WHERE l.service = i.service
                    AND l.involvement_id = i.involvement_id AND l.field = $field)""",
            {**params, "field": field.name},
        ).fetchall()[0][0]
        rows.append((field.title, n))
    frame = pl.DataFrame(rows, schema={"Field": pl.String, "Blank": pl.Int64}, orient="row")
    return frame.with_columns(
        (pl.col("Blank") / total if total else pl.lit(None, pl.Float64)).alias("Share blank")
    )


def differences(con: duckdb.DuckDBPyConnection, service: str, year: int) -> pl.DataFrame:
    """Each listed difference from the printed report for this service and year: what, printed,
    ours (from the data) and a note."""
    entries = yaml.safe_load(DIFFERENCES_FILE.read_text(encoding="utf-8"))["differences"]
    rows = [
        (e["what"], str(e["printed"]), _ours(con, service, year, e), e.get("note", ""))
        for e in entries
        if e["service"] == service and e["year"] == year
    ]
    schema = {"What": pl.String, "Printed": pl.String, "From the data": pl.String, "Note": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _ours(con, service: str, year: int, entry: dict) -> str:
    measure = entry["measure"]
    if measure == "change_on_last_year":
        change = involvements.monthly(con, service, year).change
        return formatting.percent(change, 1, signed=True)
    if measure == "months_over":
        result = involvements.monthly(con, service, year)
        months = result.counts.filter(pl.col(involvements.MONTH) != involvements.TOTAL)[result.selected.label]
        over = sum(1 for n in months if n is not None and n > entry["over"])
        return f"{over} of {months.drop_nulls().len()} months"
    if measure == "mix_total":
        found = _mix_from(con, service, year, entry)
        return formatting.percent(found.rows[mixes.SHARE].sum(), 1) if found else formatting.NOT_AVAILABLE
    if measure == "key_figure":
        value = headline.key_figures(con, service, year).value(entry["name"])
        return formatting.NOT_AVAILABLE if value is None else f"{value:,.1f}".removesuffix(".0")
    if measure == "share_of_new":
        new = involvements.monthly(con, service, year).current
        return formatting.NOT_AVAILABLE if new is None else f"{new * entry['share']:,.1f}"
    if measure == "mix_labels_share":
        found = _mix_from(con, service, year, entry)
        if not found:
            return formatting.NOT_AVAILABLE
        return formatting.percent(sum(found.share(label) or 0.0 for label in entry["labels"]), 1)
    if measure == "evaluation_share":
        share = evaluations.evaluations(con, service, year).share(entry["question"], entry["rating"])
        return formatting.percent(share) if share is not None else formatting.NOT_AVAILABLE
    if measure == "figure_sum":
        table = figures.figures(con, service, year).get(entry["table"])
        values = [table.value(row, entry["column"]) for row in entry["rows"]] if table else []
        numbers = [v for v in values if isinstance(v, int | float)]
        return f"{sum(numbers):,.2f}".rstrip("0").rstrip(".") if numbers else formatting.NOT_AVAILABLE
    raise ValueError(f"{DIFFERENCES_FILE.name}: unknown measure '{measure}'")


def _mix_from(con, service: str, year: int, entry: dict) -> mixes.LabelMix | None:
    """The year's mix of entry["field"] under the list in force from entry["start"], if any."""
    start = entry["start"] if isinstance(entry["start"], date) else date.fromisoformat(entry["start"])
    found = [m for m in mixes.mixes(con, service, entry["field"], year) if m.period.start == start]
    return found[0] if found else None
