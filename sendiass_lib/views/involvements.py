"""What a reader sees of new involvements per month (metrics.involvements.monthly): the headline,
the table of months beside the years before, and the line chart with its title and description."""

from __future__ import annotations

import polars as pl
from IPython.display import HTML, Markdown

from .. import charts, disclosure, tables
from ..formatting import NOT_APPLICABLE, SUPPRESSED, change_phrase, count, percent
from ..metrics.involvements import MONTH, TOTAL, MonthlyInvolvements
from ..periods import day_label
from .words import and_list


def headline(result: MonthlyInvolvements) -> Markdown:
    """'Worcestershire SENDIASS recorded 2,486 new involvements in 2024, 24% more than in 2023 (2,000).'
    A count the disclosure rule would hide reads [c], and then no change is given."""
    period = result.selected
    if result.current is None:
        return Markdown(f"No involvement data is loaded for {result.service.name} in {period.long_label}.")
    rule = disclosure.rule(result.service)
    so_far = f" up to {day_label(result.data_through)}" if result.partial else ""
    text = (
        f"{result.service.name} recorded {disclosure.count_text(result.current, rule)} new involvements in "
        f"{period.long_label}{so_far}"
    )
    before = result.periods[-2].label if len(result.periods) > 1 else None
    small = any(disclosure.suppressed(n, rule) for n in (result.current, result.previous))
    if result.change is not None and before and not small:
        same = " over the same days" if result.partial else ""
        text += f", {change_phrase(result.change)} in {before}{same} ({count(result.previous)})"
    elif result.change is not None and before:
        text += f", and {disclosure.count_text(result.previous, rule)} in {before}"
    elif before:
        text += f". No data is loaded for {before}, so there is no change to show"
    return Markdown(text + ".")


def table(result: MonthlyInvolvements) -> HTML:
    """The months of each year with data, their totals and the change on last year, as published.
    A month with none the year before has no percentage change: [z], not [x] (nothing is missing)."""
    shown = result.protected()
    frame = shown.data
    change = next((c for c in frame.columns if c.startswith("Change")), None)
    from_none = {}
    if change:
        before = frame.columns[frame.columns.index(change) - 2]
        zero = frame.filter(pl.col(before) == 0)
        from_none = {month: [change] for month in zero[MONTH] if change not in shown.hidden.get(month, ())}
    return tables.published_table(
        shown,
        caption=f"New involvements per month, {result.service.name}",
        not_applicable=from_none,
        not_applicable_note=f"{NOT_APPLICABLE} no percentage change from a month with none the year before.",
    )


def chart_title(result: MonthlyInvolvements) -> str:
    """The finding as a chart title: 'New involvements rose 24% in 2024'."""
    label = result.selected.label
    if result.change is None:
        return f"New involvements in {label}"
    size = percent(abs(result.change))
    if size == "0%":
        return f"New involvements in {label} were about the same as the year before"
    return f"New involvements {'rose' if result.change > 0 else 'fell'} {size} in {label}"


def chart_description(result: MonthlyInvolvements) -> str:
    """What the monthly chart shows, in words, for screen-reader users (published figures only)."""
    selected = result.selected.label
    frame, hidden, _ = result.protected()
    months = frame.filter(pl.col(MONTH) != TOTAL).drop_nulls(selected)
    shown = [p.label for p in result.periods if p.label in frame.columns]
    text = f"Line chart of new involvements per month in {and_list(shown)}."
    if months.height:
        high = months.row(months[selected].arg_max(), named=True)
        low = months.row(months[selected].arg_min(), named=True)
        text += (
            f" In {selected} the busiest month was {high[MONTH]} ({count(high[selected])}) "
            f"and the quietest {low[MONTH]} ({count(low[selected])})."
        )
    small = sum(1 for month, cells in hidden.items() if month != TOTAL and selected in cells)
    if small:
        text += f" {small} months with too few to publish ({SUPPRESSED}) are not drawn."
    return text + " The table above gives every figure."


def figure(result: MonthlyInvolvements) -> HTML:
    """Each year's months as a line (the selected year thickest), drawn from the published figures."""
    chart = charts.line_by_series(
        result.long(),
        x="month_short",
        y="involvements",
        series="period",
        x_title="Month",
        y_title="New involvements",
        title=chart_title(result),
        subtitle=f"New involvements per month, {result.service.name}",
        emphasise=result.selected.label,
        x_order=[month.short_label for month in result.selected.months()],
    )
    return charts.figure(chart, "involvements-by-month", chart_description(result))
