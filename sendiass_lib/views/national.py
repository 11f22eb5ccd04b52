"""What a reader sees of the SEN types appendix's comparison with England
(metrics.mixes.compare_sen_types): the finding, the table with its caption, notes and cell
formats, and why the two are not like for like."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from IPython.display import HTML, Markdown

from .. import tables
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
from .words import and_list


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


def headline(comparison: SenTypeComparison) -> Markdown:
    """The finding in a sentence or two: where the service's mix is furthest above and below
    England's, or (with no breakdown for England) its largest needs and England's totals."""
    return Markdown(_finding(comparison))


def _finding(comparison: SenTypeComparison) -> str:
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
            f"percentages of SEN types recorded, against percentages of England's pupils with SEN in "
            f"{_breakdown_where(comparison.england)}."
        )
    else:
        top = shown.filter(pl.col(SERVICE) > 0).sort(SERVICE, descending=True, maintain_order=True).head(3)
        items = and_list([f"{_need(row)} ({percent(row[SERVICE])})" for row in top.iter_rows(named=True)])
        text = (
            f"Counted by DfE primary need, {svc}'s SEN types in {period} were most often {items}. "
            "England's pupils by primary need are not in the workbench's reference figures, so no "
            "comparison by need is made."
        )
    return f"{text} {england_totals(comparison.england)}"


def table(comparison: SenTypeComparison) -> HTML:
    """Each primary need: the service's share, England's and the difference in points, as published."""
    return tables.published_table(
        comparison.protected(), caption=caption(comparison), formats=FORMATS, note=table_note(comparison)
    )


def caption(comparison: SenTypeComparison) -> str:
    """'SEN types by DfE primary need, 2024, Worcestershire SENDIASS and England (state-funded
    schools, January 2024)'."""
    svc, period = comparison.service.name, comparison.period.label
    england = comparison.england
    beside = ""
    if england.available:
        beside = f" and England ({_coverage_short(england)}, {_breakdown_date(england)})"
    return f"SEN types by DfE primary need, {period}, {svc}{beside}"


def table_note(comparison: SenTypeComparison) -> str:
    """What each percentage is of: the service's SEN types recorded; England's pupils with SEN in the
    breakdown's own coverage, of its own total (not the all-schools headline)."""
    note = (
        f"Service percentages are of the {count(comparison.labels_recorded)} SEN types recorded for the "
        f"involvements opened in {comparison.period.label}, each counted under the DfE primary need "
        "code its SEN type is given in the workbench's list."
    )
    if UNMAPPED_NEED in comparison.rows[NEED]:
        note += f" SEN types with no code are under {UNMAPPED_NEED}."
    england = comparison.england
    if not england.available:
        return (
            note + " England's pupils by primary need are not available in the workbench's reference figures."
        )
    of = f"the {count(england.base)} pupils with SEN" if england.base else "pupils with SEN"
    note += (
        f" England percentages are of {of} in {_breakdown_where(england)}, SEN support and EHC plans "
        "together: the breakdown's own total"
    )
    if england.base != england.totals.get("pupils_with_sen"):
        note += f", not the {count(england.totals['pupils_with_sen'])} pupils with SEN in all schools"
    return note + ". Differences are in percentage points, worked out before rounding."


def comparability_note(comparison: SenTypeComparison) -> Markdown:
    """Why the service's mix and England's are not like for like, and (with a breakdown) what England's
    figures cover, how they are rounded, the file's caveats and their source: a Markdown list."""
    return Markdown(_comparability(comparison))


def _comparability(comparison: SenTypeComparison) -> str:
    england = comparison.england
    like_for_like = (
        "These figures are not like for like. A SENDIASS records the needs of the children whose "
        "families contact it, as many as apply, so one child can count under several needs, and a family "
        "that contacts it twice counts twice; the school census records one primary need for each pupil."
    )
    judgement = (
        "The DfE code each SEN type is counted under is the workbench's judgement (ADHD under SEMH, "
        "for example), not a DfE rule."
    )
    if not england.available:
        return (
            f"{like_for_like} England's figures are pupils in schools on census day in "
            f"{england.source['date']}: the totals include independent schools. {judgement} "
            f"Source for England: {_totals_source(england)}."
        )
    items = [f"{like_for_like} {judgement}", _coverage_note(england)]
    if england.breakdown.get("rounding"):
        items.append(_rounding_note(england))
    items += england.caveats
    items.append(f"{_breakdown_source(england)} All-schools totals: {_totals_source(england)}.")
    return "\n".join(f"- {item}" for item in items)


def _coverage_note(england: EnglandSen) -> str:
    """What the breakdown counts, beside the all-schools totals it must not be mixed with."""
    stated = england.breakdown.get("totals") or {}
    with_sen = stated.get("with_sen") or england.base
    text = f"England's figures by primary need are of {_breakdown_where(england)}"
    if with_sen and stated.get("pupils"):
        text += f", where {count(with_sen)} of {count(stated['pupils'])} pupils had SEN"
    totals = england.totals
    return (
        f"{text}. The totals for all schools, independent schools included, are larger "
        f"({count(totals['pupils_with_sen'])} pupils with SEN, {count(totals['ehc_plan'])} with an EHC "
        "plan), so England's percentages are of the breakdown's own total, not of those."
    )


def _rounding_note(england: EnglandSen) -> str:
    """DfE's rounding, each column's needs against its stated total, and which total is the base."""
    added = england.added_up()
    names = {"sen_support": "pupils on SEN support", "ehc_plan": "with an EHC plan"}
    columns = and_list(
        [
            f"{count(added[key][0])} {name} against a stated {count(added[key][1])}"
            for key, name in names.items()
            if key in added
        ]
    )
    unit = count(england.breakdown["rounding"])
    text = f"DfE rounds these figures to the nearest {unit}, so they need not add up to the totals it states"
    text += f": the needs add up to {columns}." if columns else "."
    if "with_sen" in added:
        needs_sum, stated = added["with_sen"]
        text += (
            f" England's percentages are of the stated total of pupils with SEN ({count(stated)}), not "
            f"of the needs' sum ({count(needs_sum)}): the stated total was rounded once from the true "
            "count, while the sum carries the rounding of every figure in it. So England's percentages "
            "add up to 100% only to within rounding."
        )
    return text


def _breakdown_source(england: EnglandSen) -> str:
    """'Source for England's figures by primary need: Department for Education, <title>, data set ...'."""
    src = england.breakdown_source or {}
    title = " ".join(str(src.get("title", "")).split())
    text = f"Source for England's figures by primary need: {src.get('publisher', '')}, {title}"
    if src.get("data_set"):
        data_set = f'data set "{src["data_set"]}"'
        # Named, not linked: pages link nowhere outside themselves (they are read offline); the
        # address is in reference/england_sen_2024.yaml.
        text += f", {data_set}"
    if src.get("row"):
        text += f', row "{src["row"]}"'
    if src.get("based_on"):
        text += f", DfE's own collation of {src['based_on']}"
    return text + "."


def _totals_source(england: EnglandSen) -> str:
    return f"{england.source['publisher']}, {england.source['title']}"


def _breakdown_date(england: EnglandSen) -> str:
    return str(england.breakdown.get("date") or england.source["date"])


def _coverage_short(england: EnglandSen) -> str:
    """'state-funded schools in England' -> 'state-funded schools' (the caption already says England)."""
    return england.breakdown_coverage.removesuffix(" in England")


def _breakdown_where(england: EnglandSen) -> str:
    """'state-funded schools in England (January 2024)'."""
    return f"{england.breakdown_coverage} ({_breakdown_date(england)})"


def _need(row: dict) -> str:
    """'Autistic spectrum disorder (ASD)' -> 'ASD' in a sentence (the table gives the full name)."""
    name = row[NEED]
    return name[name.rfind("(") + 1 : -1] if name.endswith(")") else name


def _against(row: dict) -> str:
    return f"{percent(row[SERVICE], 1)} against {percent(row[ENGLAND], 1)}"
