"""Figure names for the service figures extract (metrics.figures): a cell, or a column's total, of
one of its tables (funding, staffing, minimum standards, tribunal work), as the service appendix
prints it: a count of clients the disclosure rule hides is withheld, as the table shows [c].
"""

from __future__ import annotations

import polars as pl

from ..formatting import NOT_AVAILABLE
from ..metrics.figures import LABEL, FigureTable
from ..views import figures as figures_view
from .figure import BadArgument, Figure, NotAvailable, Param, Withheld, choose
from .sources import Sources


def service_figure_figures() -> list[Figure]:
    """The service figures extract (metrics.figures): a cell, or a column's total, of one of its
    tables, as the service appendix prints it."""
    reads = "metrics.figures.figures: ServiceFigures, as views.figures.published prints"
    table = Param("table", str, "the table's name: 'Funding'")
    column = Param("column", str, "the column; by default the year's, for a table by year", required=False)
    row = Param("row", str, "the row's label: 'Tribunal advice'")
    formatted = (
        "as the table prints it: '£124,732', '2.30' (FTE), '6 of 8', '121'; withheld where it shows [c]"
    )
    return [
        Figure(
            "service_figures.value",
            "one figure of a table",
            reads,
            formatted,
            _figure_value,
            (table, row, column),
            lambda s: _example_cell(s),
        ),
        Figure(
            "service_figures.total",
            "a column's total, for a table whose figures add up",
            "metrics.figures.figures: FigureTable.totals",
            formatted,
            _figure_total,
            (table, column),
            _example_total,
        ),
    ]


def _tables(s: Sources) -> list[FigureTable]:
    if not s.service_figures.tables:
        raise NotAvailable(f"no service figures are loaded for {s.where}")
    return s.service_figures.tables


def _table(s: Sources, name: str, column: str | None) -> tuple[FigureTable, str]:
    found = {t.name: t for t in _tables(s)}
    table = found[choose(name, list(found), "a table of the service figures")]
    if column is None and not table.by_year:
        listed = ", ".join(repr(c) for c in table.columns)
        raise BadArgument(f"{name} is not a table by year: give the column, one of {listed}")
    return table, choose(column or s.period.label, table.columns, f"a column of {name}")


def _figure_value(s: Sources, name: str, row: str, column: str | None) -> str:
    table, column = _table(s, name, column)
    shown = figures_view.published(s.service_figures, table)
    choose(row, table.rows[LABEL].to_list(), f"a row of {name}")
    if column in shown.hidden.get(row, []):
        raise Withheld(f"disclosure control hides it: a count of clients from {s.rule.small_counts}")
    text = shown.data.filter(pl.col(LABEL) == row)[column][0]
    if text == NOT_AVAILABLE:
        raise NotAvailable(f"no figure for {row} in {column}")
    return text


def _figure_total(s: Sources, name: str, column: str | None) -> str:
    table, column = _table(s, name, column)
    if column not in table.totals:
        raise NotAvailable(f"{name}'s {column} column is not added up (docs/database.md, service_figures)")
    return figures_view.number(table.totals[column], table.units.get(column))


def _example_cell(s: Sources) -> tuple[str, str, str | None]:
    table = _tables(s)[0]
    return table.name, table.rows[LABEL][0], None if table.by_year else table.columns[0]


def _example_total(s: Sources) -> tuple[str, str | None]:
    table = next((t for t in _tables(s) if t.totals), None)
    if table is None:
        raise NotAvailable(f"no table of service figures for {s.where} adds up")
    return table.name, None if table.by_year else next(iter(table.totals))
