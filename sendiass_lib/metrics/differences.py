"""Differences between a printed report and its data: the figure the data gives beside each one
the printed report gives, for the cases listed in published/report_differences.yaml."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import yaml

from .. import config
from . import evaluations, figures, headline, involvements, label_mix, mixes

DIFFERENCES_FILE = config.PACKAGE_DIR / "published" / "report_differences.yaml"
MEASURE, VALUE, OF, HIDDEN = "Measure", "Value", "Of", "Hidden"


def differences(con: duckdb.DuckDBPyConnection, service: str, year: int) -> pl.DataFrame:
    """Each listed difference from the printed report for this service and year: What, Printed, the
    Measure (the file's kind of figure), the Value the data gives (null: not available), Of (the
    months a months_over count is of), Hidden (the figure would give a hidden count back) and a Note."""
    entries = yaml.safe_load(DIFFERENCES_FILE.read_text(encoding="utf-8"))["differences"]
    rows = [
        (e["what"], str(e["printed"]), e["measure"], *_from_data(con, service, year, e), e.get("note", ""))
        for e in entries
        if e["service"] == service and e["year"] == year
    ]
    schema = {
        "What": pl.String,
        "Printed": pl.String,
        MEASURE: pl.String,
        VALUE: pl.Float64,
        OF: pl.Int64,
        HIDDEN: pl.Boolean,
        "Note": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _from_data(con, service: str, year: int, entry: dict) -> tuple[float | None, int | None, bool]:
    """The entry's figure from the data, what it is out of (months_over only), and whether hidden."""
    measure = entry["measure"]
    if measure == "change_on_last_year":
        return involvements.monthly(con, service, year).change, None, False
    if measure == "months_over":
        result = involvements.monthly(con, service, year)
        months = result.counts.filter(pl.col(involvements.MONTH) != involvements.TOTAL)[result.selected.label]
        over = sum(1 for n in months if n is not None and n > entry["over"])
        return over, months.drop_nulls().len(), False
    if measure == "mix_total":
        found = _mix_from(con, service, year, entry)
        return (found.rows[label_mix.SHARE].sum() if found else None), None, False
    if measure == "key_figure":
        return headline.key_figures(con, service, year).value(entry["name"]), None, False
    if measure == "share_of_new":
        new = involvements.monthly(con, service, year).current
        return (None if new is None else new * entry["share"]), None, False
    if measure == "mix_labels_share":
        found = _mix_from(con, service, year, entry)
        if not found:
            return None, None, False
        if set(entry["labels"]) & set(found.protected().hidden):  # the group's share would give
            return None, None, True  # a hidden label back from the table's base
        return sum(found.share(label) or 0.0 for label in entry["labels"]), None, False
    if measure == "evaluation_share":
        share = evaluations.evaluations(con, service, year).share(entry["question"], entry["rating"])
        return share, None, False
    if measure == "figure_sum":
        table = figures.figures(con, service, year).get(entry["table"])
        values = [table.value(row, entry["column"]) for row in entry["rows"]] if table else []
        numbers = [v for v in values if isinstance(v, int | float)]
        return (sum(numbers) if numbers else None), None, False
    raise ValueError(f"{DIFFERENCES_FILE.name}: unknown measure '{measure}'")


def _mix_from(con, service: str, year: int, entry: dict) -> label_mix.LabelMix | None:
    """The year's mix of entry["field"] under the list in force from entry["start"], if any."""
    start = entry["start"] if isinstance(entry["start"], date) else date.fromisoformat(entry["start"])
    found = [m for m in mixes.mixes(con, service, entry["field"], year) if m.period.start == start]
    return found[0] if found else None
