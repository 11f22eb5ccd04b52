"""Sentences, caption, notes and cell formats for the SEN types appendix's comparison with England."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from ..formatting import NOT_AVAILABLE, count, percent
from ..metrics.national import (
    DIFFERENCE,
    ENGLAND,
    NEED,
    SERVICE,
    UNMAPPED_NEED,
    EnglandSen,
    SenTypeComparison,
)
from . import _and


def points(difference: float | None) -> str:
    """A difference of two shares in percentage points: 0.032 -> '+3.2', -0.01 -> '-1.0', None -> [x]."""
    if difference is None:
        return NOT_AVAILABLE
    return percent(difference, 1, signed=True).rstrip("%")


FORMATS: dict[str, Callable] = {
    SERVICE: lambda x: percent(x, 1),
    ENGLAND: lambda x: percent(x, 1),
    DIFFERENCE: points,
}


def england_totals(england: EnglandSen) -> str:
    """'In January 2024, 1,673,205 pupils in schools in England had special educational needs ...'."""
    totals, date = england.totals, england.source["date"]
    share = totals.get("percent_of_all_pupils", {}).get("pupils_with_sen")
    of_all = f" ({share}% of all pupils)" if share is not None else ""
    return (
        f"In {date}, {count(totals['pupils_with_sen'])} pupils in schools in England had special "
        f"educational needs{of_all}: {count(totals['ehc_plan'])} with an education, health and care "
        f"(EHC) plan and {count(totals['sen_support'])} with SEN support."
    )


def headline(comparison: SenTypeComparison) -> str:
    """The finding in a sentence or two: where the service's mix is furthest above and below
    England's, or (with no breakdown for England) its largest needs and England's totals."""
    svc, period = comparison.service.name, comparison.period.label
    shown = comparison.rows.filter(pl.col(SERVICE).is_not_null())
    if not comparison.labels_recorded:
        text = f"No SEN types were recorded for {svc}'s involvements opened in {period}."
    elif shown.is_empty():
        text = f"Too few SEN types were recorded by {svc} in {period} to give percentages by primary need."
    elif comparison.england.available:
        ranked = shown.drop_nulls(DIFFERENCE).sort(DIFFERENCE, descending=True, maintain_order=True)
        above, below = ranked.row(0, named=True), ranked.row(-1, named=True)
        parts = []
        if above[DIFFERENCE] > 0:
            parts.append(f"most above England in {_need(above)} ({_against(above)})")
        if below[DIFFERENCE] < 0:
            parts.append(f"most below in {_need(below)} ({_against(below)})")
        if not parts:
            return f"{svc}'s SEN types in {period} were in the same proportions as England's pupils with SEN."
        return (
            f"Counted by DfE primary need, {svc}'s SEN types in {period} were {' and '.join(parts)}: "
            "percentages of SEN types recorded, against percentages of England's pupils with SEN "
            f"({comparison.england.source['date']})."
        )
    else:
        top = shown.filter(pl.col(SERVICE) > 0).sort(SERVICE, descending=True, maintain_order=True).head(3)
        items = _and([f"{_need(row)} ({percent(row[SERVICE])})" for row in top.iter_rows(named=True)])
        text = (
            f"Counted by DfE primary need, {svc}'s SEN types in {period} were most often {items}. "
            "England's pupils by primary need are not in the workbench's reference figures, so no "
            "comparison by need is made."
        )
    return f"{text} {england_totals(comparison.england)}"


def caption(comparison: SenTypeComparison) -> str:
    """'SEN types by DfE primary need, 2024, Worcestershire SENDIASS and England (January 2024)'."""
    svc, period = comparison.service.name, comparison.period.label
    england = f" and England ({comparison.england.source['date']})" if comparison.england.available else ""
    return f"SEN types by DfE primary need, {period}, {svc}{england}"


def table_note(comparison: SenTypeComparison) -> str:
    """What each percentage is of, and where England's figures come from."""
    note = (
        f"Service percentages are of the {count(comparison.labels_recorded)} SEN types recorded for the "
        f"involvements opened in {comparison.period.label}, each counted under the DfE primary need "
        "code its SEN type is given in the workbench's list."
    )
    if UNMAPPED_NEED in comparison.rows[NEED]:
        note += f" SEN types with no code are under {UNMAPPED_NEED}."
    england = comparison.england
    if england.available:
        source = england.source
        note += (
            f" England percentages are of pupils with SEN by primary need, {source['date']} "
            f"({england.breakdown_coverage}). Differences are in percentage points, worked out before "
            f"rounding. Source for England: {source['publisher']}, {source['title']}."
        )
    else:
        note += " England's pupils by primary need are not available in the workbench's reference figures."
    return note


def comparability_note(comparison: SenTypeComparison) -> str:
    """Why the service's mix and England's are not like for like."""
    england = comparison.england
    coverage = (
        f", and the breakdown by primary need covers {england.breakdown_coverage}"
        if england.available
        else ""
    )
    return (
        "These figures are not like for like. A SENDIASS records the needs of the children whose families "
        "contact it, as many as apply, so one child can count under several needs, and a family that "
        "contacts it twice counts twice; the school census records one primary need for each pupil. "
        f"England's figures are pupils in schools on census day in {england.source['date']}: the totals "
        f"include independent schools{coverage}. The DfE code each SEN type is counted under is the "
        "workbench's judgement (ADHD under SEMH, for example), not a DfE rule. "
        f"Source for England: {england.source['publisher']}, {england.source['title']}."
    )


def _need(row: dict) -> str:
    """'Autistic spectrum disorder (ASD)' -> 'ASD' in a sentence (the table gives the full name)."""
    name = row[NEED]
    return name[name.rfind("(") + 1 : -1] if name.endswith(")") else name


def _against(row: dict) -> str:
    return f"{percent(row[SERVICE], 1)} against {percent(row[ENGLAND], 1)}"
