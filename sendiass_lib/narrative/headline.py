"""Sentences for the key-figures page, written from metrics.headline.KeyFigures."""

from __future__ import annotations

import math

from ..formatting import SUPPRESSED, count, percent
from ..metrics import headline as h
from ..periods import day_label


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
