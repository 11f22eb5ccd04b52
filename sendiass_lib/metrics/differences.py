"""Differences between a printed report and its data: the figure the data gives beside each one
the printed report gives, for the cases listed in published/report_differences.yaml."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import yaml

from .. import config, formatting
from . import evaluations, figures, headline, involvements, mixes

DIFFERENCES_FILE = config.PACKAGE_DIR / "published" / "report_differences.yaml"


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
        if set(entry["labels"]) & set(found.protected().hidden):  # the group's share would give
            return formatting.SUPPRESSED  # a hidden label back from the table's base
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
