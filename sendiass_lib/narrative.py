"""Sentences that go with the numbers: headlines and chart descriptions, written from metric results."""

from __future__ import annotations

import polars as pl

from .formatting import change_phrase, count, percent
from .metrics.involvements import MONTH, TOTAL, MonthlyInvolvements
from .periods import day_label


def _and(items: list[str]) -> str:
    """['2022', '2023', '2024'] -> '2022, 2023 and 2024'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def involvements_headline(result: MonthlyInvolvements) -> str:
    """'Worcestershire SENDIASS recorded 2,486 new involvements in 2024, 24% more than in 2023 (2,000).'"""
    period = result.selected
    if result.current is None:
        return f"No involvement data is loaded for {result.service.name} in {period.long_label}."
    so_far = f" up to {day_label(result.data_through)}" if result.partial else ""
    text = (
        f"{result.service.name} recorded {count(result.current)} new involvements in "
        f"{period.long_label}{so_far}"
    )
    before = result.periods[-2].label if len(result.periods) > 1 else None
    if result.change is not None and before:
        same = " over the same days" if result.partial else ""
        text += f", {change_phrase(result.change)} in {before}{same} ({count(result.previous)})"
    elif before:
        text += f". No data is loaded for {before}, so there is no change to show"
    return text + "."


def involvements_chart_title(result: MonthlyInvolvements) -> str:
    """The finding as a chart title: 'New involvements rose 24% in 2024'."""
    label = result.selected.label
    if result.change is None:
        return f"New involvements in {label}"
    size = percent(abs(result.change))
    if size == "0%":
        return f"New involvements in {label} were about the same as the year before"
    return f"New involvements {'rose' if result.change > 0 else 'fell'} {size} in {label}"


def involvements_chart_description(result: MonthlyInvolvements) -> str:
    """What the monthly chart shows, in words, for screen-reader users."""
    selected = result.selected.label
    months = result.counts.filter(pl.col(MONTH) != TOTAL).drop_nulls(selected)
    shown = [p.label for p in result.periods if result.counts[p.label].is_not_null().any()]
    text = f"Line chart of new involvements per month in {_and(shown)}."
    if months.height:
        high = months.row(months[selected].arg_max(), named=True)
        low = months.row(months[selected].arg_min(), named=True)
        text += (
            f" In {selected} the busiest month was {high[MONTH]} ({count(high[selected])}) "
            f"and the quietest {low[MONTH]} ({count(low[selected])})."
        )
    return text + " The table above gives every figure."
