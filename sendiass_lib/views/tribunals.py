"""What a reader sees of the tribunals-avoided estimate on the service appendix: its heading, the table
of inputs and result, and the sentences giving the result, the method and its assumptions."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import polars as pl
from IPython.display import HTML, Markdown

from .. import disclosure, tables
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


def section(estimate: TribunalEstimate | None) -> list[HTML | Markdown]:
    """The estimate's heading, table and sentences; nothing for a service that sets no estimate."""
    if estimate is None:
        return []
    column = estimate.period.label
    table = tables.published_table(
        published(estimate),
        caption=f"{HEADING}, {column}, {estimate.service.name}",
        formats={column: lambda x: x},  # the text published() wrote, right-aligned like numbers
        note=note(estimate),
    )
    return [Markdown(f"## {HEADING}"), table, Markdown(sentence(estimate))]


def published(estimate: TribunalEstimate) -> disclosure.Shown:
    """Inputs and result as the page shows them, every cell as text; when the service's disclosure
    rule hides the year's count of involvements, the figures made from it are hidden too."""
    rule = disclosure.rule(estimate.service)
    hide = disclosure.suppressed(estimate.involvements, rule)
    cells = {
        INVOLVEMENTS: _or_x(estimate.involvements, lambda n: f"{n:,}"),
        SHARE: share_label(estimate),
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


def share_label(estimate: TribunalEstimate) -> str:
    """The assumed share as a percentage, as given (to two decimals of a percent): '10%', '12.5%'."""
    return f"{(Decimal(str(estimate.share)) * 100).quantize(Decimal('0.01')).normalize():f}%"


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
        f"Tribunals avoided: {n:,} x {share_label(estimate)} = {exact}, rounded down to "
        f"{estimate.at_least:,} since the estimate is a minimum. Cost avoided: {exact} x {cost}, from the "
        "unrounded number. The share and the cost are assumptions, not measured."
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
    paragraphs = [result, f"Method and assumptions: {method(estimate)}"]
    if printed := printed_note(estimate):
        paragraphs.append(printed)
    return "\n\n".join(paragraphs)


def method(estimate: TribunalEstimate) -> str:
    """The method and its assumptions, and where the share and cost come from."""
    so_far = f" up to {day_label(estimate.through)} (the data end there)" if estimate.through else ""
    text = (
        f"Tribunals avoided = new involvements opened in {estimate.period.label}{so_far} x the share "
        "assumed to avoid a tribunal; cost avoided = tribunals avoided x the cost of one tribunal, from "
        "the unrounded number of tribunals, which is shown rounded down since the estimate is a minimum. "
        f"Assumptions, not measured: {share_label(estimate)} of new involvements would otherwise have "
        f"gone to a SEND tribunal; one tribunal costs {number(estimate.cost_per_tribunal, 'GBP')}; every "
        "new involvement counts once, whatever it was about. The records do not say which involvements "
        "avoided a tribunal."
    )
    source = _source(estimate)
    return f"{text} Source of the share and cost: {source}." if source else text


def _source(estimate: TribunalEstimate) -> str | None:
    """Where the share and cost come from: the service file's source, the caller, or both."""
    if estimate.share_given and estimate.cost_given:
        return "given when the estimate was run"
    if estimate.share_given or estimate.cost_given:
        given, other = ("share", "cost") if estimate.share_given else ("cost", "share")
        configured = estimate.source or "the service file"
        return f"the {given} given when the estimate was run; the {other}: {configured}"
    return estimate.source


def printed_note(estimate: TribunalEstimate) -> str | None:
    """What the printed report's number of tribunals avoided is as a share of the year's involvements
    ('24 is 0.97% of 2,486, about 1%'); None when the report gives none or the count is not shown."""
    printed = tribunals.printed(estimate.service.slug, estimate.period.start.year)
    if printed is None or not _shown(estimate) or not estimate.involvements:
        return None
    implied = tribunals.implied_share(printed, estimate.involvements)
    n, exact, share = f"{estimate.involvements:,}", _plain(estimate.tribunals_avoided), share_label(estimate)
    text = (
        f"The service's printed report for {estimate.period.label} gives {printed:,} tribunals avoided: "
        f"{printed:,} is {percent(implied, 2)} of the {n} new involvements (about {percent(implied)})"
    )
    if percent(implied) == share:
        return text + f", in line with the assumed {share}."
    return text + f", not {share}, which would be {exact}."


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
