"""What a reader sees of the evaluations appendix: sentences, rating tables, the headline chart and the
comments, written from a metrics.evaluations.Evaluations result."""

from __future__ import annotations

import polars as pl
from IPython.display import HTML, Markdown

from .. import charts, disclosure, formatting, tables
from ..formatting import count, percent
from ..metrics import evaluations as ev
from ..metrics.evaluations import BASE, HEADLINE_SHARE, HIGH, LOW, QUESTION, SHORT, Evaluations

BASES = "Each percentage is of the people who answered that question; the number is in the table."
INTERVAL = "95% interval"


def headline(result: Evaluations) -> Markdown:
    """Forms returned, and the questions with the highest and lowest headline share, with bases."""
    return Markdown(_headline(result))


def _headline(result: Evaluations) -> str:
    service, period = result.service.name, result.period.long_label
    if not result.forms:
        return f"No evaluation forms are loaded for {service} in {period}."
    text = f"{service} received {_forms(result.forms)} in {period}."
    top, bottom = _ranked(result, highest=True), _ranked(result, highest=False)
    if top is None:
        if result.questions.filter(pl.col(BASE) > 0).height:
            rule = disclosure.rule(result.service)
            return (
                text + f" No question was answered by {rule.min_base} or more, so no percentages are given."
            )
        return text + " None of them answered a rated question."
    phrase = result.scale.headline
    text += (
        f" The highest share {phrase} was for {_name(top)}: {percent(top[HEADLINE_SHARE])} of the "
        f"{count(top[BASE])} who answered it"
    )
    if bottom[QUESTION] != top[QUESTION]:
        text += (
            f"; the lowest for {_name(bottom)}: {percent(bottom[HEADLINE_SHARE])} of {count(bottom[BASE])}"
        )
    return text + "."


def scale_sentence(result: Evaluations) -> Markdown:
    """How the questions are rated and what the headline share and its interval mean."""
    scale = result.scale
    low, high = scale.rating_label(scale.low), scale.rating_label(scale.high)
    return Markdown(
        f"Each question is rated from {low} to {high}. For each question the table gives the "
        f"percentage of answers at every rating, and the share {scale.headline} with its 95% interval: "
        "the range the share would very likely fall in if many more people had answered. With few "
        "answers the range is wide, so a difference between two questions may be chance."
    )


def rating_tables(result: Evaluations) -> list[HTML]:
    """One table per question set: question, answered, % at each rating, headline share and interval."""
    scale = result.scale
    rule = disclosure.rule(result.service)
    ratings = [scale.rating_label(r) for r in scale.ratings]
    headline = scale.headline[0].upper() + scale.headline[1:]  # "Rated 7 or more"
    found = []
    for qset in result.sets:
        frame = result.table(qset.name)
        keys = frame[QUESTION].to_list()
        intervals = [_interval_text(lo, hi) for lo, hi in zip(frame[ev.LOW], frame[ev.HIGH], strict=True)]
        frame = frame.with_columns(
            _named(ev.WORDING).alias(QUESTION), pl.Series(INTERVAL, intervals, dtype=pl.String)
        ).rename({HEADLINE_SHARE: headline})
        columns = [QUESTION, BASE, *ratings]
        if not scale.headline_is_one_rating:
            columns.append(headline)
        formats = {column: formatting.percent for column in [*ratings, headline]}
        formats[INTERVAL] = str
        note = " ".join(part for part in (qset.note, BASES, _interval_note(scale)) if part)
        shown = frame.select(*columns, INTERVAL)
        # No percentage (nor interval) on a base under the service's minimum: [c], as the rule says;
        # and a rating given by few people, with what would give it back (Evaluations.hidden_ratings).
        pairs = zip(shown[QUESTION], shown[BASE], strict=True)
        hidden = {str(q): shown.columns[2:] for q, n in pairs if not disclosure.percent_shown(n, rule)}
        names = dict(zip(keys, shown[QUESTION], strict=True))
        for key, cells in result.hidden_ratings().items():
            if key not in names or names[key] in hidden:
                continue
            columns = [scale.rating_label(c) for c in cells if c != ev.HEADLINE]
            top = scale.high in cells and scale.headline_is_one_rating
            if ev.HEADLINE in cells or top:
                columns += [c for c in (headline, INTERVAL) if c in shown.columns]
            hidden[names[key]] = columns
        caption = (
            f"{qset.title}: percentage of answers at each rating, {result.period.label}, "
            f"{result.service.name}"
        )
        found.append(
            tables.table(
                shown, caption, formats=formats, note=note, suppressed=hidden, suppressed_note=rule.note
            )
        )
    return found


def _named(column: str) -> pl.Expr:
    """'Q1 How easy was it to get in contact?'; just 'Q9' for a question with no wording."""
    same = pl.col(column) == pl.col(QUESTION)
    return pl.when(same).then(pl.col(QUESTION)).otherwise(pl.format("{} {}", QUESTION, column))


def _interval_note(scale: ev.Scale) -> str:
    return f"{INTERVAL}: the Wilson 95% interval of the share {scale.headline}."


def _interval_text(low: float | None, high: float | None) -> str:
    """'77% to 98%' with no-break spaces (one line in a table cell); [x] when none answered."""
    if low is None or high is None:
        return percent(None)
    return f"{percent(low)}\u00a0to\u00a0{percent(high)}"


def headline_figure(result: Evaluations) -> HTML:
    """The headline share of every answered question, with its interval, as an SVG figure."""
    # No percentage on a small base, nor one that would give a hidden rating back.
    shown = result.published_headlines().with_columns(_named(SHORT).alias("Label"))
    if not shown.height:
        return HTML("")
    chart = charts.dots_with_interval(
        shown,
        label="Label",
        value=HEADLINE_SHARE,
        low=LOW,
        high=HIGH,
        x_title=f"Share of answers {result.scale.headline}",
        title=chart_title(result),
        subtitle=[
            f"Share of each question's answers {result.scale.headline}, with 95% intervals, "
            f"{result.period.label}, {result.service.name}",
            "Dot: the share. Line: its 95% interval.",
        ],
    )
    name = f"evaluations-{result.service.slug}-{result.period.start:%Y%m%d}"
    return charts.figure(chart, name, chart_description(result))


def chart_title(result: Evaluations) -> str:
    """The finding as a chart title: 'Would recommend (Q6) had the highest share rated 4 (excellent): 93%'."""
    top = _ranked(result, highest=True)
    if top is None:
        return "No question was answered"
    name = f"{top[SHORT]} ({top[QUESTION]})" if top[SHORT] != top[QUESTION] else top[QUESTION]
    return f"{name} had the highest share {result.scale.headline}: {percent(top[HEADLINE_SHARE])}"


def chart_description(result: Evaluations) -> str:
    """What the chart shows, in words, for screen-reader users."""
    answered = result.published_headlines()
    text = (
        f"Chart of the share of each question's answers {result.scale.headline}, in form order: a dot "
        "for each share, with a line for its 95% interval."
    )
    if answered.height:
        items = [f"{_name(row)} {percent(row[HEADLINE_SHARE])}" for row in answered.iter_rows(named=True)]
        text += f" {', '.join(items)}."
        top, bottom = _ranked(result, highest=True), _ranked(result, highest=False)
        text += f" Highest: {_interval(top)}."
        if bottom[QUESTION] != top[QUESTION]:
            text += f" Lowest: {_interval(bottom)}."
    unanswered = result.questions.height - answered.height
    if unanswered:
        text += f" {unanswered} question{'s were' if unanswered > 1 else ' was'} not answered and not drawn."
    return text + " The tables above give every figure."


def comments_intro(result: Evaluations) -> Markdown:
    """What the list of comments is: how many forms had one, and how they were made safe to show."""
    if not result.comments:
        return Markdown(
            f"None of the {_forms(result.forms)} returned in {result.period.label} had a comment."
        )
    return Markdown(
        f"{count(len(result.comments))} of the {_forms(result.forms)} returned in {result.period.label} had "
        "a comment. They are shown as written, in the order the forms were returned, except that the "
        "names on the form and any email address, phone number or postcode were replaced by [name], "
        "[email], [phone] and [postcode] when the data was loaded."
    )


def comments(result: Evaluations) -> HTML:
    """The year's comments as an escaped list."""
    return tables.text_list(result.comments, f"Comments, {result.period.label}, {result.service.name}")


def _forms(n: int) -> str:
    return f"{count(n)} evaluation form{'' if n == 1 else 's'}"


def _ranked(result: Evaluations, highest: bool) -> dict | None:
    """The question with the highest (or lowest) headline share the disclosure rule lets a page show
    (Evaluations.published_headlines); a tie goes to the larger base, then to the earlier question."""
    answered = result.published_headlines().with_row_index("order")
    if not answered.height:
        return None
    ranked = answered.sort([HEADLINE_SHARE, BASE, "order"], descending=[highest, True, False])
    return ranked.row(0, named=True)


def _name(row: dict) -> str:
    """'Q6 (Would recommend)'."""
    return f"{row[QUESTION]} ({row[SHORT]})" if row[SHORT] != row[QUESTION] else row[QUESTION]


def _interval(row: dict) -> str:
    """'Q6 (Would recommend), 93% (95% interval 77% to 98%, 27 answers)'."""
    return (
        f"{_name(row)}, {percent(row[HEADLINE_SHARE])} (95% interval {percent(row[LOW])} to "
        f"{percent(row[HIGH])}, {count(row[BASE])} answer{'' if row[BASE] == 1 else 's'})"
    )
