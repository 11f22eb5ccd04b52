"""Sentences that go with the numbers: headlines and chart descriptions, written from metric results."""

from __future__ import annotations

import polars as pl

from .. import disclosure
from ..formatting import SUPPRESSED, change_phrase, count, percent
from ..metrics.involvements import MONTH, TOTAL, MonthlyInvolvements
from ..metrics.mixes import THEME, LabelMix, ThemeTrend
from ..periods import day_label
from ..views.words import and_list

_and = and_list  # narrative/ moves into views/ (issue 16); this name goes with it


def involvements_headline(result: MonthlyInvolvements) -> str:
    """'Worcestershire SENDIASS recorded 2,486 new involvements in 2024, 24% more than in 2023 (2,000).'
    A count the disclosure rule would hide reads [c], and then no change is given."""
    period = result.selected
    if result.current is None:
        return f"No involvement data is loaded for {result.service.name} in {period.long_label}."
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
    """What the monthly chart shows, in words, for screen-reader users (published figures only)."""
    selected = result.selected.label
    table, hidden, _ = result.protected()
    months = table.filter(pl.col(MONTH) != TOTAL).drop_nulls(selected)
    shown = [p.label for p in result.periods if p.label in table.columns]
    text = f"Line chart of new involvements per month in {_and(shown)}."
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


def mix_headline(mixes: list[LabelMix]) -> str:
    """'The most common reasons for contact in 2024 were EHCP Process (12%), ... .' per taxonomy list.
    Percentages only as the disclosure rule allows (mix.protected)."""
    sentences = []
    for mix in mixes:
        title, period = mix.field.title, mix.period.label
        top = _top(mix, 3)
        if not mix.carried:
            sentences.append(mix.field.absent())
        elif not mix.base:
            sentences.append(f"No {mix.field.noun} were recorded for involvements opened in {period}.")
        elif not top:
            sentences.append(
                f"{title}, {period}: {count(mix.base)} {mix.field.noun} recorded, "
                "too few to give percentages."
            )
        else:
            items = _and([f"{label} ({percent(share)})" for label, share in top])
            verb = "was" if len(top) == 1 else "were"
            sentences.append(f"{title}, {period}: the most common {verb} {items}.")
    return " ".join(dict.fromkeys(sentences))  # a column missing from two lists' periods: said once


def mix_chart_title(mix: LabelMix) -> str:
    """The finding as a chart title: 'ASD was the most common SEN type (32%)'."""
    top = _top(mix, 1)
    if not top:
        return f"No {mix.field.noun} recorded"
    label, share = top[0]
    return f"{label} was the most common of the {mix.field.noun} ({percent(share)})"


def mix_chart_description(mix: LabelMix) -> str:
    """What the bar chart shows, in words: the largest labels, and which are not drawn and why."""
    drawn = mix.protected().data.rows.filter(pl.col("Share") > 0)
    text = f"Bar chart of the share of each of the {mix.field.noun} recorded, {mix.period.label}"
    text += ", largest first."
    top = _top(mix, 3)
    if top:
        text += f" The largest are {_and([f'{label} ({percent(share, 1)})' for label, share in top])}."
    none = mix.rows.filter(pl.col("Involvements") == 0).height
    small = mix.rows.height - drawn.height - none
    parts = [f"{none} of the listed {mix.field.noun} with none"] if none else []
    parts += [f"{small} shown as {SUPPRESSED} in the table (too few to publish)"] if small else []
    if parts:
        text += f" Not drawn: {_and(parts)}."
    return text + " The table gives every figure."


def _top(mix: LabelMix, n: int) -> list[tuple[str, float]]:
    """The n largest labels with their shares, of those the disclosure rule lets a page show."""
    rows = mix.protected().data.rows
    ranked = rows.filter(pl.col("Share") > 0).sort("Share", descending=True, maintain_order=True)
    return list(zip(ranked["Label"].head(n), ranked["Share"].head(n), strict=True))


def theme_trend_title(trend: ThemeTrend) -> str:
    """'EHC plans were the largest theme in 2024 (21% of reasons)' from mixes.theme_trend."""
    shares = trend.protected().data
    years = trend.years
    if not years or shares.is_empty() or shares[years[-1]][0] is None:
        return "No reasons recorded" if not years else f"Reasons by theme, {_and(years)}"
    top = shares.row(0, named=True)
    return f"{top[THEME]} was the largest theme in {years[-1]} ({percent(top[years[-1]])} of reasons)"


def theme_trend_description(trend: ThemeTrend, shown: int) -> str:
    """What the theme trend chart shows, in words (published figures only; [c] where suppressed)."""
    shares = trend.protected().data
    years = trend.years
    text = f"Line chart of the share of reasons in the {shown} largest themes of {years[-1]}, {_and(years)}."
    for row in shares.head(shown).iter_rows(named=True):
        values = [SUPPRESSED if row[y] is None else percent(row[y]) for y in years]
        pairs = zip(values, years, strict=True)
        text += f" {row[THEME]}: " + ", ".join(f"{v} in {y}" for v, y in pairs) + "."
    return text + " The table gives every theme."
