"""Service figures: the tables a service keeps outside its case records (funding, staffing, minimum
standards met, tribunal and mediation activity, volunteers), from table service_figures.

Rules (docs/database.md, table service_figures):
- A service's page for a reporting year shows every table with a figure for that year, in the order
  the extract gives them; rows in `line` order (then as loaded), columns as they first appear.
- A table whose figures have no column label is a by-year table: its columns are the selected year
  and every earlier year the data has for it (funding, minimum standards met by year).
  Any other table is shown for the selected year alone, one column per column label (staffing).
- Totals: a column is added up only when every figure in it has an additive unit (GBP, FTE,
  people) and the table has two rows or more; other columns of a table with a total show [z].
  Standards met, counts of different activities, hours per volunteer and text are never added up.
  Sums are exact (the values are stored as decimals): 0.85 + 0.54 + 0.42 + 0.23 + 0.20 + 0.50 = 2.74.
- Joint figures (scope "joint", e.g. posts working across two counties) are loaded from each sharing
  service's folder and shown on each service's page: `shared_with` names the other services.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import duckdb
import polars as pl

from .. import config, db, disclosure, periods
from ..config import Service
from ..periods import Period

LABEL = "Label"
TOTAL = "Total"
JOINT = "joint"
ADDITIVE_UNITS = frozenset({"gbp", "£", "fte", "people", "posts", "volunteers"})


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def is_additive(unit: str | None) -> bool:
    """Whether figures in this unit add up to a meaningful total (money, FTE, people)."""
    return unit is not None and unit.strip().lower() in ADDITIVE_UNITS


@dataclass(frozen=True)
class FigureTable:
    """One table of service figures, laid out as the page shows it."""

    name: str
    by_year: bool  # columns are reporting years (funding by year), else column labels (staffing)
    columns: list[str]  # column headers: year labels ("2020/21") or column labels ("FTE")
    years: list[int]  # by-year tables: the YEAR of each column; else [the selected year]
    # Label, then one column per header: Float64 for figures, String for text columns.
    rows: pl.DataFrame
    out_of: pl.DataFrame  # Label and the same columns: the denominator of "6/8 met" cells (Float64)
    units: dict[str, str | None]  # column -> unit of its figures (None for a text column)
    totals: dict[str, float]  # additive column -> its total; empty: the table has no total row
    as_at: date | None  # the day a point-in-time table describes, when recorded
    joint_rows: list[str]  # labels of rows whose figures are joint (scope "joint")
    shared_with: list[str]  # areas of the other services whose extracts carry the joint rows

    @property
    def text_columns(self) -> list[str]:
        """Columns of text cells ("BC", "16 years")."""
        return [c for c in self.columns if self.rows.schema[c] == pl.String]

    @property
    def unit(self) -> str | None:
        """The unit of every figure in the table, when they share one."""
        found = {u for c, u in self.units.items() if c not in self.text_columns}
        return found.pop() if len(found) == 1 else None

    def value(self, row: str, column: str, occurrence: int = 0) -> float | str | None:
        """One cell: the figure (or text) in `column` of the `occurrence`-th row labelled `row`."""
        found = self.rows.filter(pl.col(LABEL) == row)
        return found[column][occurrence] if found.height > occurrence else None

    def table(self) -> pl.DataFrame:
        """For analysts: the rows, then a Total row (null in columns that are not added up)."""
        if not self.totals:
            return self.rows
        total = {LABEL: TOTAL, **{c: self.totals.get(c) for c in self.columns}}
        return pl.concat([self.rows, pl.DataFrame([total], schema=self.rows.schema)])

    def not_totalled(self) -> list[str]:
        """Columns of a table with a total row that are not added up (shown as [z])."""
        return [c for c in self.columns if c not in self.totals] if self.totals else []


@dataclass(frozen=True)
class ServiceFigures:
    """Every figures table of a service for a reporting year."""

    service: Service
    period: Period
    year: int
    tables: list[FigureTable]

    def protected(self, table: FigureTable) -> disclosure.Shown:
        """One table as it may be published: a figure in a unit that counts clients (the rule's
        `units`: tribunals, mediations) from 1 to 4 is null, and shown as [c]. Such tables are never
        added up, so there is no total to protect."""
        rule = disclosure.rule(self.service)
        counted = [
            c
            for c in table.columns
            if c not in table.text_columns and (table.units.get(c) or "").strip().lower() in rule.units
        ]
        small: dict[str, list[str]] = {}
        for row in table.rows.iter_rows(named=True):
            for column in counted:
                if disclosure.suppressed(_whole(row[column]), rule):
                    small.setdefault(row[LABEL], []).append(column)
        hidden: dict[str, list[str]] = {}
        rows = disclosure.withhold(table.rows, hidden, small)
        return disclosure.Shown(replace(table, rows=rows), hidden, rule)

    def get(self, name: str) -> FigureTable | None:
        """A table by name, or None."""
        return next((t for t in self.tables if t.name == name), None)


_SCHEMA = {
    "table_name": pl.String,
    "year": pl.Int32,
    "as_at": pl.Date,
    "scope": pl.String,
    "line": pl.Int32,
    "row_label": pl.String,
    "column_label": pl.String,
    "value": pl.Float64,
    "text": pl.String,
    "out_of": pl.Float64,
    "unit": pl.String,
    "loaded": pl.Int64,
}
_COLUMNS = """table_name, year, as_at, scope, line, row_label, column_label, value::DOUBLE AS value,
              text, out_of::DOUBLE AS out_of, unit, rowid AS loaded"""


def figures(con: duckdb.DuckDBPyConnection, service: str, year: int) -> ServiceFigures:
    """The service's figures tables with a figure for reporting year `year` (see module docstring)."""
    svc = config.service(service)
    found = con.execute(
        f"""SELECT {_COLUMNS} FROM service_figures
            WHERE service = $service AND year <= $year AND table_name IN
                  (SELECT table_name FROM service_figures WHERE service = $service AND year = $year)
            ORDER BY loaded""",
        {"service": service, "year": year},
    ).fetchall()
    found = pl.DataFrame(found, schema=_SCHEMA, orient="row")
    names = found.filter(pl.col("year") == year)["table_name"].unique(maintain_order=True).to_list()
    tables = [_table(con, svc, year, name, found.filter(pl.col("table_name") == name)) for name in names]
    return ServiceFigures(svc, periods.reporting_year(svc, year), year, tables)


def _table(con, svc: Service, year: int, name: str, cells: pl.DataFrame) -> FigureTable:
    """Lay one table's figures out as rows and columns, with its totals."""
    selected = cells.filter(pl.col("year") == year)
    by_year = selected["column_label"].is_null().all()
    if by_year:
        cells = cells.filter(pl.col("column_label").is_null())
        years = sorted(cells["year"].unique().to_list())
        header = {y: periods.reporting_year(svc, y).label for y in years}
        cells = cells.with_columns(
            pl.col("year").replace_strict(header, return_dtype=pl.String).alias("header"),
            pl.col("row_label").alias("key"),
        )
        columns = list(header.values())
    else:
        cells = selected.filter(pl.col("column_label").is_not_null())
        years = [year]
        cells = cells.with_columns(
            pl.col("column_label").alias("header"),
            pl.format("{}\u241f{}", pl.col("line").fill_null(-1), pl.col("row_label")).alias("key"),
        )
        columns = cells["header"].unique(maintain_order=True).to_list()
    order = (
        cells.group_by("key")
        .agg(pl.col("row_label").first(), pl.col("line").min(), pl.col("loaded").min())
        .sort(pl.col("line"), pl.col("loaded"), nulls_last=True)
    )
    text_columns = {c for c in columns if cells.filter(pl.col("header") == c)["text"].is_not_null().any()}

    def grid(field: str, column: str) -> pl.Series:
        values = dict(cells.filter(pl.col("header") == column).select("key", field).iter_rows())
        cell = [values.get(k) for k in order["key"]]
        if field == "value" and column in text_columns:  # a text column shows numbers as typed
            texts = dict(cells.filter(pl.col("header") == column).select("key", "text").iter_rows())
            cell = [
                texts.get(k) if texts.get(k) is not None else _plain(v)
                for k, v in zip(order["key"], cell, strict=True)
            ]
            return pl.Series(column, cell, dtype=pl.String)
        return pl.Series(column, cell, dtype=pl.Float64)

    rows = pl.DataFrame([order["row_label"].alias(LABEL), *(grid("value", c) for c in columns)])
    out_of = pl.DataFrame(
        [order["row_label"].alias(LABEL), *(grid("out_of", c) for c in columns if c not in text_columns)]
    )
    units = {c: cells.filter(pl.col("header") == c)["unit"].drop_nulls().first() for c in columns}
    totals = _totals(con, svc.slug, name, cells, columns, text_columns, rows.height)
    joint = cells.filter(pl.col("scope").str.to_lowercase() == JOINT)["row_label"].unique(maintain_order=True)
    return FigureTable(
        name=name,
        by_year=by_year,
        columns=columns,
        years=years,
        rows=rows,
        out_of=out_of,
        units=units,
        totals=totals,
        as_at=selected["as_at"].drop_nulls().max(),
        joint_rows=joint.to_list(),
        shared_with=_shared_with(con, svc.slug, year, name) if joint.len() else [],
    )


def _totals(con, service: str, name: str, cells: pl.DataFrame, columns, text_columns, n_rows: int) -> dict:
    """Exact column sums (DuckDB adds the stored decimals) of the columns that may be added up."""
    if n_rows < 2:  # a total of one row adds nothing
        return {}
    additive = []
    for column in columns:
        cell = cells.filter(pl.col("header") == column)
        if (
            column not in text_columns
            and cell["out_of"].is_null().all()
            and all(is_additive(u) for u in cell["unit"].to_list())
        ):
            additive.append(column)
    if not additive:
        return {}
    keys = cells.filter(pl.col("header").is_in(additive)).select("year", "column_label", "header").unique()
    db.register(con, "figure_columns", keys)
    try:
        summed = con.execute(
            """SELECT c.header, sum(f.value)::DOUBLE FROM service_figures f
               JOIN figure_columns c ON f.year = c.year AND f.column_label IS NOT DISTINCT FROM c.column_label
               WHERE f.service = ? AND f.table_name = ? AND f.value IS NOT NULL
               GROUP BY c.header""",
            [service, name],
        ).fetchall()
    finally:
        con.unregister("figure_columns")
    found = dict(summed)
    return {c: found[c] for c in additive if c in found}


def _shared_with(con, service: str, year: int, name: str) -> list[str]:
    """Areas of the other services whose extracts carry joint rows of this table and year."""
    others = con.execute(
        """SELECT DISTINCT service FROM service_figures
           WHERE service <> ? AND year = ? AND table_name = ? AND lower(scope) = 'joint' ORDER BY service""",
        [service, year, name],
    ).fetchall()
    known = config.services()
    return [known[s].area if s in known else s for (s,) in others]


def _plain(value: float | None) -> str | None:
    """A figure in a text column, as a number reads: 8.0 -> '8'."""
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else str(value)
