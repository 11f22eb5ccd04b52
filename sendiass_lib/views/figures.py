"""What a reader sees of the service figures (funding, staffing, standards, ...) on the service
appendix: the headline, each table as printed, and the funding chart, from metrics.figures results."""

from __future__ import annotations

import polars as pl
from IPython.display import HTML, Markdown

from .. import charts, disclosure, tables
from ..formatting import NOT_AVAILABLE, percent
from ..metrics.figures import LABEL, TOTAL, FigureTable, ServiceFigures
from ..periods import day_label
from .words import and_list

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


def headline(result: ServiceFigures) -> Markdown:
    """One sentence per table with a total: the year's total and the change on the year before."""
    if not result.tables:
        return Markdown(
            f"No service figures are loaded for {result.service.name} in {result.period.long_label}."
        )
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
            sentences.append(f"{table.name}{when}: {and_list(parts)}.")
    if not sentences:
        names = and_list([t.name.lower() for t in result.tables])
        return Markdown(f"{result.service.name} recorded {names} for {result.period.long_label}.")
    return Markdown(" ".join(sentences))


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
        text += f", {_change(total / previous - 1)} {before} ({with_unit(previous, unit)})"
    return text + "."


def _change(fraction: float) -> str:
    """'28% less than in'; 'about the same as in'."""
    size = percent(abs(fraction))
    if size == "0%":
        return "about the same as in"
    return f"{size} {'more' if fraction > 0 else 'less'} than in"


def figure_tables(result: ServiceFigures) -> list[HTML]:
    """Every table of the year as the page prints it, under the service's disclosure rule."""
    return [
        tables.published_table(
            published(result, table),
            caption=_caption(result, table),
            # Figure columns keep the text cells() wrote and are right-aligned like numbers.
            formats={c: (lambda x: x) for c in table.columns if c not in table.text_columns},
            note=note(table),
            not_applicable={TOTAL: table.not_totalled()},
            not_applicable_note=(
                f"[z] not applicable: {and_list(table.not_totalled())} not added up."
                if table.not_totalled()
                else None
            ),
        )
        for table in result.tables
    ]


def published(result: ServiceFigures, table: FigureTable) -> disclosure.Shown:
    """The table's cells as the page shows them, under the service's disclosure rule."""
    shown = result.protected(table)
    return shown._replace(data=cells(shown.data))


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


def _cell(value: float | None, out_of: float | None, unit: str | None) -> str:
    if value is not None and out_of is not None:
        return f"{number(value)} of {number(out_of)}"
    return number(value, unit)


def _caption(result: ServiceFigures, table: FigureTable) -> str:
    """'Funding, 2019/20 to 2021/22, Buckinghamshire SEND IAS' or '..., as at 31 Mar 2022, ...'."""
    if table.by_year:
        when = table.columns[0] if len(table.columns) == 1 else f"{table.columns[0]} to {table.columns[-1]}"
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
        summed = f" ({and_list(list(table.totals))})" if table.not_totalled() else ""
        parts.append(f"Total: the sum of the rows{summed}.")
    elif table.rows.height > 1:
        parts.append("Not added up: the rows measure different things.")
    if table.joint_rows:
        shared = f" with {and_list(table.shared_with)}" if table.shared_with else ""
        parts.append(
            f"{and_list(table.joint_rows)}: joint posts, shared{shared}; they appear on each service's "
            "page, so the pages must not be added together."
        )
    return " ".join(parts)


def funding_figures(result: ServiceFigures) -> list[HTML]:
    """A bar chart of each money table's total by year (money_tables)."""
    found = []
    for table in money_tables(result):
        years = list(table.totals)
        chart = charts.bars_by_label(
            pl.DataFrame(
                {YEAR: years, TOTAL: list(table.totals.values())},
                schema={YEAR: pl.String, TOTAL: pl.Float64},
            ),
            label=YEAR,
            value=TOTAL,
            x_title=f"{table.name} (£)",
            title=chart_title(table),
            subtitle=f"{table.name}: total of every source by reporting year, {years[0]} to {years[-1]}",
            order=years,
            as_percent=False,
        )
        items = [f"{year} {number(total, 'GBP')}" for year, total in table.totals.items()]
        description = (
            f"Bar chart of {table.name.lower()} by reporting year, totals of every source: "
            f"{and_list(items)}. The table above gives every figure."
        )
        found.append(charts.figure(chart, "service-funding", description))
    return found


def money_tables(result: ServiceFigures) -> list[FigureTable]:
    """By-year tables of money with a total for two years or more: the funding chart's data."""
    return [
        t
        for t in result.tables
        if t.by_year and t.unit and t.unit.lower() in ("gbp", "£") and len(t.totals) > 1
    ]


def chart_title(table: FigureTable) -> str:
    """The finding: the change on the year before ('Funding fell 28% in 2021/22')."""
    years = list(table.totals)
    now, before = table.totals[years[-1]], table.totals[years[-2]]
    if now == before:
        return f"{table.name} was unchanged in {years[-1]}"
    verb = "rose" if now > before else "fell"
    return f"{table.name} {verb} {percent(abs(now / before - 1))} in {years[-1]}, to {number(now, 'GBP')}"
