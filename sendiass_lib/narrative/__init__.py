"""Sentences that go with the numbers: headlines and chart descriptions, written from metric results."""

from __future__ import annotations

import polars as pl

from ..formatting import change_phrase, count, percent
from ..metrics.involvements import MONTH, TOTAL, MonthlyInvolvements
from ..metrics.mixes import LabelMix
from ..periods import day_label


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


def mix_headline(mixes: list[LabelMix]) -> str:
    """'The most common reasons for contact in 2024 were EHCP Process (12%), ... .' per taxonomy list."""
    sentences = []
    for mix in mixes:
        title, period = mix.field.title, mix.period.label
        top = _top(mix, 3)
        if not top:
            sentences.append(f"No {mix.field.noun} were recorded for involvements opened in {period}.")
            continue
        items = _and([f"{label} ({percent(share)})" for label, share in top])
        verb = "was" if len(top) == 1 else "were"
        sentences.append(f"{title}, {period}: the most common {verb} {items}.")
    return " ".join(sentences)


def mix_chart_title(mix: LabelMix) -> str:
    """The finding as a chart title: 'ASD was the most common SEN type (32%)'."""
    top = _top(mix, 1)
    if not top:
        return f"No {mix.field.noun} recorded"
    label, share = top[0]
    return f"{label} was the most common of the {mix.field.noun} ({percent(share)})"


def mix_chart_description(mix: LabelMix) -> str:
    """What the bar chart shows, in words."""
    shown = mix.rows.filter(pl.col("Involvements") > 0)
    text = f"Bar chart of the share of each of the {mix.field.noun} recorded, {mix.period.label}"
    text += ", largest first."
    top = _top(mix, 3)
    if top:
        text += f" The largest are {_and([f'{label} ({percent(share, 1)})' for label, share in top])}."
    none = mix.rows.height - shown.height
    if none:
        text += f" {none} listed {mix.field.noun} had none and are not drawn."
    return text + " The table gives every figure."


def _top(mix: LabelMix, n: int) -> list[tuple[str, float]]:
    ranked = mix.rows.filter(pl.col("Involvements") > 0).sort("Share", descending=True, maintain_order=True)
    return list(zip(ranked["Label"].head(n), ranked["Share"].head(n), strict=True))


def theme_trend_title(trend: pl.DataFrame) -> str:
    """'EHC plans were the largest theme in 2024 (21% of reasons)' from mixes.theme_trend."""
    theme, *years = trend.columns
    if not years or trend.is_empty():
        return "No reasons recorded"
    top = trend.row(0, named=True)
    return f"{top[theme]} was the largest theme in {years[-1]} ({percent(top[years[-1]])} of reasons)"


def theme_trend_description(trend: pl.DataFrame, shown: int) -> str:
    """What the theme trend chart shows, in words."""
    theme, *years = trend.columns
    text = f"Line chart of the share of reasons in the {shown} largest themes of {years[-1]}, {_and(years)}."
    for row in trend.head(shown).iter_rows(named=True):
        text += f" {row[theme]}: " + ", ".join(f"{percent(row[y])} in {y}" for y in years) + "."
    return text + " The table gives every theme."
