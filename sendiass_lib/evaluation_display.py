"""The evaluations appendix's tables, chart and comment list, built from metrics.evaluations results."""

from __future__ import annotations

import polars as pl
from IPython.display import HTML

from . import charts, disclosure, formatting, tables
from .metrics import evaluations as ev
from .narrative import evaluations as words

INTERVAL = "95% interval"


def rating_tables(result: ev.Evaluations) -> list[HTML]:
    """One table per question set: question, answered, % at each rating, headline share and interval."""
    scale = result.scale
    rule = disclosure.rule(result.service)
    ratings = [scale.rating_label(r) for r in scale.ratings]
    headline = scale.headline[0].upper() + scale.headline[1:]  # "Rated 7 or more"
    found = []
    for qset in result.sets:
        frame = result.table(qset.name)
        frame = frame.with_columns(
            _named(ev.WORDING).alias(ev.QUESTION),
            pl.Series(
                INTERVAL,
                [words.interval_text(lo, hi) for lo, hi in zip(frame[ev.LOW], frame[ev.HIGH], strict=True)],
                dtype=pl.String,
            ),
        ).rename({ev.HEADLINE_SHARE: headline})
        columns = [ev.QUESTION, ev.BASE, *ratings]
        if not scale.headline_is_one_rating:
            columns.append(headline)
        formats = {column: formatting.percent for column in [*ratings, headline]}
        formats[INTERVAL] = str
        note = " ".join(part for part in (qset.note, words.BASES, _interval_note(scale)) if part)
        shown = frame.select(*columns, INTERVAL)
        # No percentage (nor interval) on a base under the service's minimum: [c], as the rule says;
        # and a rating given by few people, with what would give it back (Evaluations.hidden_ratings).
        pairs = zip(shown[ev.QUESTION], shown[ev.BASE], strict=True)
        hidden = {str(q): shown.columns[2:] for q, n in pairs if not disclosure.percent_shown(n, rule)}
        names = dict(zip(qset_questions(result, qset), shown[ev.QUESTION], strict=True))
        for key, cells in result.hidden_ratings().items():
            if key not in names or names[key] in hidden:
                continue
            columns = [scale.rating_label(c) for c in cells if c != ev.HEADLINE]
            top = scale.high in cells and scale.headline_is_one_rating
            if ev.HEADLINE in cells or top:
                columns += [c for c in (headline, INTERVAL) if c in shown.columns]
            hidden[names[key]] = columns
        found.append(
            tables.table(
                shown,
                caption=(
                    f"{qset.title}: percentage of answers at each rating, {result.period.label}, "
                    f"{result.service.name}"
                ),
                formats=formats,
                note=note,
                suppressed=hidden,
                suppressed_note=rule.note,
            )
        )
    return found


def qset_questions(result: ev.Evaluations, qset) -> list[str]:
    """The question keys of a set's table, in its row order (result.table)."""
    return result.table(qset.name)[ev.QUESTION].to_list()


def _named(column: str) -> pl.Expr:
    """'Q1 How easy was it to get in contact?'; just 'Q9' for a question with no wording."""
    same = pl.col(column) == pl.col(ev.QUESTION)
    return pl.when(same).then(pl.col(ev.QUESTION)).otherwise(pl.format("{} {}", ev.QUESTION, column))


def _interval_note(scale: ev.Scale) -> str:
    return f"{INTERVAL}: the Wilson 95% interval of the share {scale.headline}."


def headline_figure(result: ev.Evaluations) -> HTML:
    """The headline share of every answered question, with its interval, as an SVG figure."""
    # No percentage on a small base, nor one that would give a hidden rating back.
    shown = result.published_headlines().with_columns(_named(ev.SHORT).alias("Label"))
    if not shown.height:
        return HTML("")
    chart = charts.dots_with_interval(
        shown,
        label="Label",
        value=ev.HEADLINE_SHARE,
        low=ev.LOW,
        high=ev.HIGH,
        x_title=f"Share of answers {result.scale.headline}",
        title=words.chart_title(result),
        subtitle=[words.chart_subtitle(result), "Dot: the share. Line: its 95% interval."],
    )
    name = f"evaluations-{result.service.slug}-{result.period.start:%Y%m%d}"
    return charts.figure(chart, name, words.chart_description(result))


def comments(result: ev.Evaluations) -> HTML:
    """The year's comments as an escaped list."""
    return tables.text_list(result.comments, f"Comments, {result.period.label}, {result.service.name}")
