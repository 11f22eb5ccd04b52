"""Table cells and sentences for the tribunals-avoided estimate on the service appendix."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from .. import disclosure
from ..formatting import NOT_AVAILABLE, percent
from ..metrics import tribunals
from ..metrics.tribunals import TribunalEstimate
from ..periods import day_label
from .figures import number

HEADING = "Tribunals avoided: an estimate"
STUB = "Inputs and result"
INVOLVEMENTS = "New involvements"
SHARE = "Assumed share avoiding a tribunal"
AVOIDED = "Tribunals avoided (at least)"
COST = "Cost per tribunal (assumed)"
COST_AVOIDED = "Cost avoided"
FROM_INVOLVEMENTS = [INVOLVEMENTS, AVOIDED, COST_AVOIDED]  # each gives the count of involvements back


def published(estimate: TribunalEstimate) -> disclosure.Shown:
    """Inputs and result as the page shows them, every cell as text; when the service's disclosure
    rule hides the year's count of involvements, the figures made from it are hidden too."""
    rule = disclosure.rule(estimate.service)
    hide = disclosure.suppressed(estimate.involvements, rule)
    cells = {
        INVOLVEMENTS: _or_x(estimate.involvements, lambda n: f"{n:,}"),
        SHARE: estimate.share_label,
        AVOIDED: _or_x(estimate.at_least, lambda n: f"{n:,}"),
        COST: number(estimate.cost_per_tribunal, "GBP"),
        COST_AVOIDED: _or_x(estimate.cost_avoided, lambda v: number(v, "GBP")),
    }
    column = estimate.period.label
    if hide:
        cells.update(dict.fromkeys(FROM_INVOLVEMENTS))
    frame = pl.DataFrame(
        {STUB: list(cells), column: list(cells.values())}, schema={STUB: pl.String, column: pl.String}
    )
    hidden = {label: [column] for label in FROM_INVOLVEMENTS} if hide else {}
    return disclosure.Shown(frame, hidden, rule)


def formats(estimate: TribunalEstimate) -> dict[str, Callable]:
    """The value column keeps the text published() wrote and is right-aligned like numbers."""
    return {estimate.period.label: lambda x: x}


def caption(estimate: TribunalEstimate) -> str:
    """'Tribunals avoided: an estimate, 2024, Worcestershire SENDIASS'."""
    return f"{HEADING}, {estimate.period.label}, {estimate.service.name}"


def note(estimate: TribunalEstimate) -> str:
    """How the result is worked out and rounded, with the figures when they may be shown."""
    general = (
        "Tribunals avoided = new involvements x the assumed share, rounded down to whole tribunals "
        "since the estimate is a minimum; cost avoided = the unrounded number x the cost per tribunal."
    )
    if not _shown(estimate):
        return general + " The share and the cost are assumptions, not measured."
    n, exact = estimate.involvements, _plain(estimate.tribunals_avoided)
    cost = number(estimate.cost_per_tribunal, "GBP")
    return (
        f"Tribunals avoided: {n:,} x {estimate.share_label} = {exact}, rounded down to {estimate.at_least:,} "
        f"since the estimate is a minimum. Cost avoided: {exact} x {cost}, from the unrounded number. "
        "The share and the cost are assumptions, not measured."
    )


def sentence(estimate: TribunalEstimate) -> str:
    """The result, the method and its assumptions, and what a printed figure for the year stands for;
    paragraphs in Markdown."""
    svc, when = estimate.service, estimate.period.long_label
    so_far = f" up to {day_label(estimate.through)}" if estimate.through else ""
    rule = disclosure.rule(svc)
    if estimate.involvements is None:
        result = f"No involvement data is loaded for {svc.name} in {when}, so there is no estimate."
    elif not _shown(estimate):
        result = (
            f"{svc.name} recorded {disclosure.count_text(estimate.involvements, rule)} new involvements in "
            f"{when}{so_far}: no estimate is published from a suppressed count."
        )
    else:
        result = (
            f"On the assumptions below, the advice {svc.name} gave in {when}{so_far} avoided at least "
            f"{estimate.at_least:,} SEND tribunals, and {number(estimate.cost_avoided, 'GBP')} of tribunal "
            "costs: an estimate, not a count."
        )
    paragraphs = [result, f"Method and assumptions: {estimate.method}"]
    if printed := printed_note(estimate):
        paragraphs.append(printed)
    return "\n\n".join(paragraphs)


def printed_note(estimate: TribunalEstimate) -> str | None:
    """What the printed report's number of tribunals avoided is as a share of the year's involvements
    ('24 is 0.97% of 2,486, about 1%'); None when the report gives none or the count is not shown."""
    printed = tribunals.printed(estimate.service.slug, estimate.period.start.year)
    if printed is None or not _shown(estimate) or not estimate.involvements:
        return None
    implied = tribunals.implied_share(printed, estimate.involvements)
    n, exact = f"{estimate.involvements:,}", _plain(estimate.tribunals_avoided)
    text = (
        f"The service's printed report for {estimate.period.label} gives {printed:,} tribunals avoided: "
        f"{printed:,} is {percent(implied, 2)} of the {n} new involvements (about {percent(implied)})"
    )
    if percent(implied) == estimate.share_label:
        return text + f", in line with the assumed {estimate.share_label}."
    return text + f", not {estimate.share_label}, which would be {exact}."


def _shown(estimate: TribunalEstimate) -> bool:
    """Whether the year's count of involvements, and the figures made from it, may be published."""
    count = estimate.involvements
    return count is not None and not disclosure.suppressed(count, disclosure.rule(estimate.service))


def _or_x(value, text: Callable) -> str:
    return NOT_AVAILABLE if value is None else text(value)


def _plain(value: float | None) -> str:
    """248.6 -> '248.6', 29.0 -> '29', 2486.125 -> '2,486.13': up to two decimals, no trailing zeros."""
    if value is None:
        return NOT_AVAILABLE
    return f"{value:,.2f}".rstrip("0").rstrip(".")
