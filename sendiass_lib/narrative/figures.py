"""Sentences and cell text for the service appendix: headline, captions, notes, the funding chart."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from .. import disclosure
from ..formatting import NOT_AVAILABLE, percent
from ..metrics.figures import LABEL, TOTAL, FigureTable, ServiceFigures
from ..periods import day_label
from . import _and

YEAR = "Year"


def number(value: float | None, unit: str | None = None) -> str:
    """A figure as the reports print it: '£124,732', '2.74' (FTE, two decimals), '121', '[x]'."""
    if value is None:
        return NOT_AVAILABLE
    kind = (unit or "").strip().lower()
    if kind in ("gbp", "£"):
        return f"£{value:,.0f}" if float(value).is_integer() else f"£{value:,.2f}"
    if kind == "fte":
        return f"{value:.2f}"
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def with_unit(value: float, unit: str | None) -> str:
    """'2.74 FTE', '6 people', '£124,732'."""
    text = number(value, unit)
    return text if not unit or unit.strip().lower() in ("gbp", "£") else f"{text} {unit}"


def cells(table: FigureTable) -> pl.DataFrame:
    """The table as the page shows it, every cell as text: figures in their unit, "6 of 8" where a
    figure has a denominator, [x] where no figure is loaded, the Total row (if any) last."""
    frame = table.table()
    columns = {LABEL: frame[LABEL].to_list()}
    for column in table.columns:
        if column in table.text_columns:
            columns[column] = [v or NOT_AVAILABLE for v in frame[column].to_list()]
            continue
        unit = table.units.get(column)
        out_of = table.out_of[column].to_list() + [None] * (frame.height - table.out_of.height)
        columns[column] = [
            "" if v is None and label == TOTAL else _cell(v, of, unit)
            for label, v, of in zip(frame[LABEL].to_list(), frame[column].to_list(), out_of, strict=True)
        ]
    return pl.DataFrame(columns, schema={name: pl.String for name in columns})


def published(result: ServiceFigures, table: FigureTable) -> disclosure.Shown:
    """The table's cells as the page shows them, under the service's disclosure rule."""
    shown = result.protected(table)
    return shown._replace(data=cells(shown.data))


def _cell(value: float | None, out_of: float | None, unit: str | None) -> str:
    if value is not None and out_of is not None:
        return f"{number(value)} of {number(out_of)}"
    return number(value, unit)


def formats(table: FigureTable) -> dict[str, Callable]:
    """Figure columns keep their text as written by cells() and are right-aligned like numbers."""
    return {c: (lambda x: x) for c in table.columns if c not in table.text_columns}


def caption(result: ServiceFigures, table: FigureTable) -> str:
    """'Funding, 2019/20 to 2021/22, Buckinghamshire SEND IAS' or '..., as at 31 Mar 2022, ...'."""
    if table.by_year:
        years = table.columns[0] if len(table.columns) == 1 else f"{table.columns[0]} to {table.columns[-1]}"
        when = years
    elif table.as_at:
        when = f"{result.period.label}, as at {day_label(table.as_at)}"
    else:
        when = result.period.label
    said = table.unit and (
        table.unit.lower() in ("gbp", "£", "count") or table.unit.lower() in table.name.lower()
    )
    unit = f" ({table.unit})" if table.unit and not said else ""
    return f"{table.name}{unit}, {when}, {result.service.name}"


def note(table: FigureTable) -> str:
    """What the table's figures are and what is (not) added up."""
    parts = []
    if table.by_year:
        parts.append("One column per reporting year that has figures, up to the selected year.")
    if any(v is not None for c in table.out_of.columns[1:] for v in table.out_of[c].to_list()):
        parts.append('"6 of 8": the number met of the standards in that section.')
    if table.totals:
        summed = f" ({_and(list(table.totals))})" if table.not_totalled() else ""
        parts.append(f"Total: the sum of the rows{summed}.")
    elif table.rows.height > 1:
        parts.append("Not added up: the rows measure different things.")
    if table.joint_rows:
        shared = f" with {_and(table.shared_with)}" if table.shared_with else ""
        parts.append(
            f"{_and(table.joint_rows)}: joint posts, shared{shared}; they appear on each service's page, "
            "so the pages must not be added together."
        )
    return " ".join(parts)


def not_totalled_note(table: FigureTable) -> str:
    """Why some columns of the Total row show [z]."""
    return f"[z] not applicable: {_and(table.not_totalled())} not added up."


def headline(result: ServiceFigures) -> str:
    """One sentence per table with a total: the year's total and the change on the year before."""
    if not result.tables:
        return f"No service figures are loaded for {result.service.name} in {result.period.long_label}."
    sentences = []
    for table in result.tables:
        if not table.totals:
            continue
        if table.by_year:
            sentences.append(_by_year_sentence(table))
        else:
            unit_only = len(table.totals) == 1
            parts = [
                with_unit(total, table.units[c]) if unit_only else f"{c} {with_unit(total, table.units[c])}"
                for c, total in table.totals.items()
            ]
            when = f" as at {day_label(table.as_at)}" if table.as_at else ""
            sentences.append(f"{table.name}{when}: {_and(parts)}.")
    if not sentences:
        names = _and([t.name.lower() for t in result.tables])
        return f"{result.service.name} recorded {names} for {result.period.long_label}."
    return " ".join(sentences)


def _by_year_sentence(table: FigureTable) -> str:
    current = table.columns[-1]
    total = table.totals.get(current)
    unit = table.units.get(current)
    if total is None:
        return ""
    text = f"{table.name} in {current} totalled {with_unit(total, unit)}"
    before = table.columns[-2] if len(table.columns) > 1 else None
    if before and table.totals.get(before):
        previous = table.totals[before]
        change = total / previous - 1
        text += f", {_change(change)} {before} ({with_unit(previous, unit)})"
    return text + "."


def _change(fraction: float) -> str:
    """'28% less than in'; 'about the same as in'."""
    size = percent(abs(fraction))
    if size == "0%":
        return "about the same as in"
    return f"{size} {'more' if fraction > 0 else 'less'} than in"


def money_tables(result: ServiceFigures) -> list[FigureTable]:
    """By-year tables of money with a total for two years or more: the funding chart's data."""
    return [
        t
        for t in result.tables
        if t.by_year and t.unit and t.unit.lower() in ("gbp", "£") and len(t.totals) > 1
    ]


def chart_data(table: FigureTable) -> pl.DataFrame:
    """Year and the year's total, oldest first."""
    return pl.DataFrame(
        {YEAR: list(table.totals), TOTAL: list(table.totals.values())},
        schema={YEAR: pl.String, TOTAL: pl.Float64},
    )


def chart_title(table: FigureTable) -> str:
    """The finding: the change on the year before ('Funding fell 28% in 2021/22')."""
    years = list(table.totals)
    now, before = table.totals[years[-1]], table.totals[years[-2]]
    if now == before:
        return f"{table.name} was unchanged in {years[-1]}"
    verb = "rose" if now > before else "fell"
    return f"{table.name} {verb} {percent(abs(now / before - 1))} in {years[-1]}, to {number(now, 'GBP')}"


def chart_subtitle(table: FigureTable) -> str:
    """What the chart measures."""
    years = list(table.totals)
    return f"{table.name}: total of every source by reporting year, {years[0]} to {years[-1]}"


def chart_description(table: FigureTable) -> str:
    """What the bar chart shows, in words."""
    items = [f"{year} {number(total, 'GBP')}" for year, total in table.totals.items()]
    return (
        f"Bar chart of {table.name.lower()} by reporting year, totals of every source: {_and(items)}. "
        "The table above gives every figure."
    )


def axis_title(table: FigureTable) -> str:
    """The chart's x-axis title."""
    return f"{table.name} (£)"
