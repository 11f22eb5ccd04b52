"""What a reader sees of the key-figures page (metrics.headline.KeyFigures): the year in a few
sentences, and the table of key figures beside the years before."""

from __future__ import annotations

import math

import polars as pl
from IPython.display import HTML, Markdown

from .. import tables
from ..formatting import NOT_AVAILABLE, SUPPRESSED, count, percent
from ..metrics import headline as h
from ..metrics.involvements import MonthlyInvolvements
from ..metrics.label_mix import LabelMix
from ..periods import day_label
from . import involvements, mixes

NOTE = (
    "Response within two working days: of the involvements with a first response recorded. "
    f"{h.MEDIAN_DAYS}: calendar days from opening to closure, of the year's involvements closed so "
    f"far. {h.OPEN}: opened by the year's last day and not closed by then; per FTE adviser where the "
    f"service's staffing gives FTE for the year. {h.REPEATS}: involvements opened in the year by a "
    "client who already had one opened that year (of two opened the same day, one is a repeat); the "
    "share is of the involvements with a client recorded."
)


def summary(figures: h.KeyFigures, new: MonthlyInvolvements, reasons: list[LabelMix]) -> Markdown:
    """The year in a few sentences: new involvements and their change, the case figures a service
    records, first responses, the caseload, and the most common reasons of the latest list recorded."""
    recorded = [mix for mix in reasons if mix.labels_recorded][-1:]
    sentences = [
        involvements.headline(new).data,
        key_figures_sentence(figures),
        response_sentence(figures),
        caseload_sentence(figures),
        mixes.headline(recorded).data if recorded else "",
    ]
    return Markdown(" ".join(s for s in sentences if s))


def table(figures: h.KeyFigures) -> HTML:
    """The key figures of the year and the years before, as published, with what each measure is."""
    return tables.published_table(
        figures.protected()._replace(data=cells(figures)),
        caption=f"Key figures, {figures.service.name}",
        formats={year: str for year in figures.years},
        note=NOTE,
    )


def cells(figures: h.KeyFigures) -> pl.DataFrame:
    """The published figures as text: counts with separators, shares as percentages, FTE to one
    decimal place, per-FTE figures and median days whole (halves up); [x] where not available (the
    table shows [c] over a hidden one)."""

    def text(measure: str, value: float | None) -> str:
        if value is None:
            return NOT_AVAILABLE
        if measure in figures.percent_measures:
            return percent(value)
        if measure == h.FTE:
            return f"{value:.1f}"
        return count(math.floor(value + 0.5) if measure == h.MEDIAN_DAYS else round(value))

    return figures.protected().data.select(
        h.MEASURE,
        *[
            pl.struct(h.MEASURE, year)
            .map_elements(lambda r, c=year: text(r[h.MEASURE], r[c]), pl.String)
            .alias(year)
            for year in figures.years
        ],
    )


def key_figures_sentence(figures: h.KeyFigures) -> str:
    """Referrals, enquiries and caseload per adviser, for services that record them; else ''."""
    period = figures.selected
    referrals = figures.value(h.REFERRALS)
    if referrals is None:
        return ""
    if _hidden(figures, h.REFERRALS, h.ENQUIRIES, h.ONGOING):
        return (
            f"Some of {period.long_label}'s case figures are too small to publish: the table shows "
            f"{SUPPRESSED} for them."
        )
    text = (
        f"In {period.long_label} {figures.service.name} began {count(referrals)} new referrals and "
        f"{count(figures.value(h.ENQUIRIES))} new enquiries, and worked on "
        f"{count(figures.value(h.ONGOING))} ongoing cases"
    )
    per_fte = figures.value(h.PER_FTE)
    if per_fte is not None:
        text += f": {count(round(per_fte))} per FTE adviser ({figures.value(h.FTE):.1f} FTE)"
    return text + "."


def response_sentence(figures: h.KeyFigures) -> str:
    """'94% of involvements with a first response recorded had it within two working days.'"""
    share = figures.value(h.RESPONDED)
    if share is None:
        return "No first responses are recorded for this year."
    if _hidden(figures, h.RESPONDED):
        return "Too few first responses are recorded this year to give a percentage."
    return (
        f"{percent(share)} of involvements with a first response recorded had it within "
        f"{h.RESPONSE_DAYS} working days of opening (England and Wales bank holidays excluded)."
    )


def caseload_sentence(figures: h.KeyFigures) -> str:
    """'342 cases were open on 31 Dec 2024; the year's involvements closed so far were open for a
    median of 32 days.' Each half only where the table shows its figure; '' if neither."""
    open_cases, median = figures.value(h.OPEN), figures.value(h.MEDIAN_DAYS)
    parts = []
    if open_cases is not None and not _hidden(figures, h.OPEN):
        were = "case was" if open_cases == 1 else "cases were"
        parts.append(f"{count(open_cases)} {were} open on {day_label(figures.selected.end)}")
    if median is not None and not _hidden(figures, h.MEDIAN_DAYS):
        days = math.floor(median + 0.5)  # as the table shows it: whole days, halves up
        parts.append(
            f"the year's involvements closed so far were open for a median of {count(days)} "
            f"day{'s' * (days != 1)}"
        )
    text = "; ".join(parts)
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def _hidden(figures: h.KeyFigures, *measures: str) -> bool:
    """Whether the disclosure rule hides any of these measures in the selected year."""
    hidden = figures.protected().hidden
    return any(figures.selected.label in hidden.get(m, []) for m in measures)
