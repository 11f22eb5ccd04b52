"""What a reader sees of label mixes (metrics.mixes): the headline of the most common labels, a
table and a bar chart per taxonomy list, the reasons' themes over the years, and the definitions.

A column the extracts do not have, or have blank all year, gets a sentence instead of a table of
zeros; every table says under it what its percentages are of (the mix's base)."""

from __future__ import annotations

from html import escape

import polars as pl
from IPython.display import HTML, Markdown

from .. import charts, disclosure, tables
from ..fields import Field
from ..formatting import SUPPRESSED, count, percent
from ..metrics.label_mix import NOT_RECORDED, LabelMix
from ..metrics.themes import THEME, ThemeTrend
from .words import and_list


def headline(mixes: list[LabelMix]) -> Markdown:
    """'The most common reasons for contact in 2024 were EHCP Process (12%), ... .' per taxonomy list.
    Percentages only as the disclosure rule allows (mix.protected)."""
    sentences = []
    for mix in mixes:
        title, period = mix.field.title, mix.period.label
        top = _top(mix, 3)
        if not mix.carried:
            sentences.append(_absent(mix.field))
        elif not mix.base:
            sentences.append(f"No {mix.field.noun} were recorded for involvements opened in {period}.")
        elif not top:
            sentences.append(
                f"{title}, {period}: {count(mix.base)} {mix.field.noun} recorded, "
                "too few to give percentages."
            )
        else:
            items = and_list([f"{label} ({percent(share)})" for label, share in top])
            verb = "was" if len(top) == 1 else "were"
            sentences.append(f"{title}, {period}: the most common {verb} {items}.")
    return Markdown(" ".join(dict.fromkeys(sentences)))  # a column missing from two lists' periods: said once


def table(mix: LabelMix) -> HTML:
    """A label mix as a table: label, involvements, percentage; its base below. Small counts are
    suppressed by the service's disclosure rule, and their shares with them. A column the extract
    does not have, or has blank all year, gets a sentence, not a table of zeros."""
    if mix.empty:
        return HTML(f"<p>{escape(_empty_text(mix))}</p>")
    shown = mix.protected()
    return tables.published_table(
        shown._replace(data=shown.data.table()),
        rename={"Share": "Percentage"},
        caption=f"{mix.field.title}, {mix.period.label}, {mix.service.name}",
        formats={"Percentage": lambda x: percent(x, 1)},
        note=base_note(shown.data),
    )


def tables_per_list(mixes: list[LabelMix]) -> list[HTML]:
    """One table per taxonomy list in force (`table`), in order."""
    return [table(mix) for mix in mixes]


def base_note(mix: LabelMix) -> str:
    """The sentence under the table that says what the percentages are of."""
    opened = f"{count(mix.involvements)} involvements opened in {mix.period.label}"
    if mix.field.multi:
        note = (
            f"Percentages are of the {count(mix.labels_recorded)} {mix.field.noun} "
            f"recorded for the {opened}: an involvement with several counts once for each."
        )
    elif mix.blank_row:
        return f"Percentages are of the {opened}, those with none recorded included ({NOT_RECORDED})."
    else:
        note = f"Percentages are of the {count(mix.recorded)} of the {opened} with one recorded."
    if disclosure.suppressed(mix.not_recorded, disclosure.rule(mix.service)):
        pass  # a small count: said nowhere (the data-quality page shows it as [c])
    elif mix.not_recorded:
        note += (
            f" {count(mix.not_recorded)} ({percent(mix.not_recorded / mix.involvements)}) had none recorded."
        )
    return note


def chart_title(mix: LabelMix) -> str:
    """The finding as a chart title: 'ASD was the most common SEN type (32%)'."""
    top = _top(mix, 1)
    if not top:
        return f"No {mix.field.noun} recorded"
    label, share = top[0]
    return f"{label} was the most common of the {mix.field.noun} ({percent(share)})"


def chart_description(mix: LabelMix) -> str:
    """What the bar chart shows, in words: the largest labels, and which are not drawn and why."""
    drawn = mix.protected().data.rows.filter(pl.col("Share") > 0)
    text = f"Bar chart of the share of each of the {mix.field.noun} recorded, {mix.period.label}"
    text += ", largest first."
    top = _top(mix, 3)
    if top:
        text += f" The largest are {and_list([f'{label} ({percent(share, 1)})' for label, share in top])}."
    none = mix.rows.filter(pl.col("Involvements") == 0).height
    small = mix.rows.height - drawn.height - none
    parts = [f"{none} of the listed {mix.field.noun} with none"] if none else []
    parts += [f"{small} shown as {SUPPRESSED} in the table (too few to publish)"] if small else []
    if parts:
        text += f" Not drawn: {and_list(parts)}."
    return text + " The table gives every figure."


def figure(mix: LabelMix) -> HTML:
    """A label mix as a bar chart of the labels with any involvements, as the table publishes them."""
    # Only what the disclosure rule lets the table show is drawn: a bar would give a [c] back.
    shown = mix.protected().data.rows.filter(pl.col("Share") > 0)
    if shown.is_empty() or mix.empty:
        return HTML("")
    chart = charts.bars_by_label(
        shown,
        label="Label",
        value="Share",
        x_title=f"Share of {mix.field.noun} recorded",
        title=chart_title(mix),
        subtitle=f"{mix.field.title}, {mix.period.label}, {mix.service.name}",
    )
    return charts.figure(chart, f"{mix.field.name}-{mix.period.start:%Y%m%d}", chart_description(mix))


def figures_per_list(mixes: list[LabelMix]) -> list[HTML]:
    """One bar chart per taxonomy list in force (`figure`), in order."""
    return [figure(mix) for mix in mixes]


def _absent(field: Field) -> str:
    """The sentence a page gives instead of a table when the extract has no such column."""
    return f"This service's extract has no {field.column or field.name} column."


def _empty_text(mix: LabelMix) -> str:
    """The sentence a page shows instead of a table of zeros (mix.empty)."""
    if not mix.carried:
        return _absent(mix.field)
    return f"No involvement opened in {mix.period.label} has any {mix.field.noun} recorded."


def _top(mix: LabelMix, n: int) -> list[tuple[str, float]]:
    """The n largest labels with their shares, of those the disclosure rule lets a page show."""
    rows = mix.protected().data.rows
    ranked = rows.filter(pl.col("Share") > 0).sort("Share", descending=True, maintain_order=True)
    return list(zip(ranked["Label"].head(n), ranked["Share"].head(n), strict=True))


def definitions_table(definitions: pl.DataFrame, mixes: list[LabelMix]) -> HTML | Markdown:
    """The labels of the list in use at the end of the year with the service's definition of each
    (metrics.mixes.definitions), or a sentence when none has one."""
    if not definitions.height:
        return Markdown("The list in use at the end of this year has no definitions on record.")
    return tables.table(definitions, caption=f"{mixes[-1].field.title}: definitions")


def level_definitions_table(definitions: pl.DataFrame) -> HTML:
    """Each intervention level with its definition (metrics.mixes.level_definitions)."""
    return tables.table(definitions, caption="Intervention levels: definitions")


def theme_title(trend: ThemeTrend) -> str:
    """'EHC plans were the largest theme in 2024 (21% of reasons)' from mixes.theme_trend."""
    shares = trend.protected().data
    years = trend.years
    if not years or shares.is_empty() or shares[years[-1]][0] is None:
        return "No reasons recorded" if not years else f"Reasons by theme, {and_list(years)}"
    top = shares.row(0, named=True)
    return f"{top[THEME]} was the largest theme in {years[-1]} ({percent(top[years[-1]])} of reasons)"


def theme_description(trend: ThemeTrend, shown: int) -> str:
    """What the theme trend chart shows, in words (published figures only; [c] where suppressed)."""
    shares = trend.protected().data
    years = trend.years
    text = (
        f"Line chart of the share of reasons in the {shown} largest themes of {years[-1]}, {and_list(years)}."
    )
    for row in shares.head(shown).iter_rows(named=True):
        values = [SUPPRESSED if row[y] is None else percent(row[y]) for y in years]
        pairs = zip(values, years, strict=True)
        text += f" {row[THEME]}: " + ", ".join(f"{v} in {y}" for v, y in pairs) + "."
    return text + " The table gives every theme."


def theme_table(trend: ThemeTrend) -> HTML:
    """Each theme's share of the reasons recorded in each year, as published."""
    return tables.published_table(
        trend.protected(),
        caption=f"Reasons for contact by theme, {trend.service.name}",
        formats={year: lambda x: percent(x, 1) for year in trend.years},
    )


def theme_figure(trend: ThemeTrend, lines: int = 4) -> HTML:
    """The largest themes' shares of reasons over the years as a line chart, drawn from the figures
    the disclosure rule lets the table show."""
    shown = trend.protected().data.head(lines)
    long = shown.unpivot(index=THEME, variable_name="year", value_name="share").drop_nulls("share")
    if long.is_empty():
        return HTML("")
    chart = charts.line_by_series(
        long,
        x="year",
        y="share",
        series=THEME,
        x_title="Year",
        y_title="Share of reasons",
        title=theme_title(trend),
        subtitle=f"Share of reasons recorded, {shown.height} largest themes",
        y_format="%",
    )
    return charts.figure(chart, "reasons-themes", theme_description(trend, shown.height))
