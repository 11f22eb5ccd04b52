"""Sentences for the evaluations appendix, written from a metrics.evaluations.Evaluations result."""

from __future__ import annotations

import polars as pl

from .. import disclosure
from ..formatting import count, percent
from ..metrics.evaluations import BASE, HEADLINE_SHARE, HIGH, LOW, QUESTION, SHORT, Evaluations

BASES = "Each percentage is of the people who answered that question; the number is in the table."


def _forms(n: int) -> str:
    return f"{count(n)} evaluation form{'' if n == 1 else 's'}"


def _answered(result: Evaluations) -> pl.DataFrame:
    """Questions whose headline share may be published under the service's disclosure rule (any
    answered one when the rule is off), in form order."""
    return result.published_headlines()


def _ranked(result: Evaluations, highest: bool) -> dict | None:
    """The question with the highest (or lowest) headline share; a tie goes to the larger base,
    then to the earlier question."""
    answered = _answered(result).with_row_index("order")
    if not answered.height:
        return None
    ranked = answered.sort([HEADLINE_SHARE, BASE, "order"], descending=[highest, True, False])
    return ranked.row(0, named=True)


def _name(row: dict) -> str:
    """'Q6 (Would recommend)'."""
    return f"{row[QUESTION]} ({row[SHORT]})" if row[SHORT] != row[QUESTION] else row[QUESTION]


def headline(result: Evaluations) -> str:
    """Forms returned, and the questions with the highest and lowest headline share, with bases."""
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


def scale_sentence(result: Evaluations) -> str:
    """How the questions are rated and what the headline share and its interval mean."""
    scale = result.scale
    low, high = scale.rating_label(scale.low), scale.rating_label(scale.high)
    return (
        f"Each question is rated from {low} to {high}. For each question the table gives the "
        f"percentage of answers at every rating, and the share {scale.headline} with its 95% interval: "
        "the range the share would very likely fall in if many more people had answered. With few "
        "answers the range is wide, so a difference between two questions may be chance."
    )


def chart_title(result: Evaluations) -> str:
    """The finding as a chart title: 'Would recommend (Q6) had the highest share rated 4 (excellent): 93%'."""
    top = _ranked(result, highest=True)
    if top is None:
        return "No question was answered"
    name = f"{top[SHORT]} ({top[QUESTION]})" if top[SHORT] != top[QUESTION] else top[QUESTION]
    return f"{name} had the highest share {result.scale.headline}: {percent(top[HEADLINE_SHARE])}"


def chart_subtitle(result: Evaluations) -> str:
    """What the chart measures: 'Share of each question's answers rated 4 (excellent), ...'."""
    return (
        f"Share of each question's answers {result.scale.headline}, with 95% intervals, "
        f"{result.period.label}, {result.service.name}"
    )


def chart_description(result: Evaluations) -> str:
    """What the chart shows, in words, for screen-reader users."""
    answered = _answered(result)
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


def _interval(row: dict) -> str:
    """'Q6 (Would recommend), 93% (95% interval 77% to 98%, 27 answers)'."""
    return (
        f"{_name(row)}, {percent(row[HEADLINE_SHARE])} (95% interval {percent(row[LOW])} to "
        f"{percent(row[HIGH])}, {count(row[BASE])} answer{'' if row[BASE] == 1 else 's'})"
    )


def interval_text(low: float | None, high: float | None) -> str:
    """'77% to 98%' with no-break spaces (one line in a table cell); [x] when none answered."""
    if low is None or high is None:
        return percent(None)
    return f"{percent(low)}\u00a0to\u00a0{percent(high)}"


def comments_intro(result: Evaluations) -> str:
    """What the list of comments is: how many forms had one, and how they were made safe to show."""
    if not result.comments:
        return f"None of the {_forms(result.forms)} returned in {result.period.label} had a comment."
    n = len(result.comments)
    return (
        f"{count(n)} of the {_forms(result.forms)} returned in {result.period.label} had a comment. "
        "They are shown as written, in the order the forms were returned, except that the names on "
        "the form and any email address, phone number or postcode were replaced by [name], [email], "
        "[phone] and [postcode] when the data was loaded."
    )
