"""Sentences for the key-figures page, written from metrics.headline.KeyFigures."""

from __future__ import annotations

from ..formatting import SUPPRESSED, count, percent
from ..metrics import headline as h


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


def _hidden(figures: h.KeyFigures, *measures: str) -> bool:
    """Whether the disclosure rule hides any of these measures in the selected year."""
    hidden = figures.protected().hidden
    return any(figures.selected.label in hidden.get(m, []) for m in measures)
