"""Figure names for every label column's mix (metrics.mixes): reasons, SEN types, caller type,
contact method, where heard, record type and intervention levels, each under its column's name.

The names are made from the involvements contract's label columns (fields.label_fields) and the
intervention levels, so a new label column gets them without code. A year that spans a change of
list (reasons, 1 April 2024) is read under the list in force at the end of the year: the latest mix
with anything recorded, whose dates `<column>.period` gives. Shares are as the pages publish them
(LabelMix.protected): a label the disclosure rule hides is withheld, and so is a ranking it would be in.
"""

from __future__ import annotations

import polars as pl

from .. import disclosure
from ..fields import Field, label_fields
from ..formatting import count, percent
from ..metrics.label_mix import COUNT, LABEL, LEVELS, SHARE, LabelMix
from ..views.words import and_list
from .figure import (
    COUNT_TEXT,
    PERCENT_TEXT,
    Figure,
    NotAvailable,
    Param,
    Withheld,
    at_least_one,
    choose,
    hidden_count,
    shown_count,
    small_base,
)
from .sources import Sources

READS = "metrics.mixes.mixes (levels: metrics.mixes.levels): LabelMix"


def fields() -> list[Field]:
    """The label columns with names: the contract's, then intervention levels."""
    return [*label_fields().values(), LEVELS]


def mix_figures() -> list[Figure]:
    """Six names per label column: top(n), most_common, share(label), count(label), recorded, period."""
    found = []
    for field in fields():
        ns, noun = field.name, field.noun
        label = Param("label", str, f"one of the {noun} as the taxonomy names it")
        most = _most_common(field)
        found += [
            Figure(
                f"{ns}.top",
                f"the n most common {noun}, each with its share",
                f"{READS}.protected().rows",
                "'ASD (32%), SEMH (18%) and ADHD (13%)': withheld when a hidden label would be among them",
                lambda s, n, f=field: and_list(
                    [f"{name} ({percent(share)})" for name, share in _ranked(s, f, n)]
                ),
                (Param("n", int, f"how many {noun}"),),
                lambda s: (3,),
            ),
            Figure(
                f"{ns}.most_common",
                f"the most common of the {noun}",
                f"{READS}.protected().rows",
                "the label, as the taxonomy names it",
                lambda s, f=field: _ranked(s, f, 1)[0][0],
            ),
            Figure(
                f"{ns}.share",
                f"one label's share of the {noun} recorded",
                f"{READS}.protected().share(label)",
                PERCENT_TEXT,
                lambda s, name, f=field: _share(s, f, name),
                (label,),
                most,
            ),
            Figure(
                f"{ns}.count",
                "involvements citing one label",
                f"{READS}.protected().rows '{COUNT}'",
                "a count with thousands separators: withheld where a page shows [c]",
                lambda s, name, f=field: _count(s, f, name),
                (label,),
                most,
            ),
            Figure(
                f"{ns}.recorded",
                f"{noun} recorded: what the shares are of",
                f"{READS}.base",
                COUNT_TEXT,
                lambda s, f=field: shown_count(_mix(s, f).base, s.rule, f"no {f.noun} are recorded"),
            ),
            Figure(
                f"{ns}.period",
                "the dates the other names of the column are of: the year, or the part of it under the "
                "list in force at its end",
                f"{READS}.period.label",
                "'2024', '1 Apr - 31 Dec 2024'",
                lambda s, f=field: _mix(s, f).period.label,
            ),
        ]
    return found


def _most_common(field: Field):
    """Arguments to show a label's figure with: the most common label."""
    return lambda s: (_ranked(s, field, 1)[0][0],)


def _mix(s: Sources, field: Field) -> LabelMix:
    """The mix of the list in force at the end of the year with anything recorded."""
    found = s.mixes(field.name)
    recorded = [mix for mix in found if mix.labels_recorded]
    if recorded:
        return recorded[-1]
    if not found[-1].carried:
        raise NotAvailable(f"this service's extracts have no {field.column or field.name} column")
    raise NotAvailable(f"no {field.noun} are recorded for the involvements opened in {s.period.long_label}")


def _ranked(s: Sources, field: Field, n: int) -> list[tuple[str, float]]:
    """The n most common labels with their shares, as the page publishes them (views.mixes.headline
    ranks the same way); Withheld when a label the rule hides would be among them."""
    at_least_one(n, "n")
    mix = _mix(s, field)
    shown = mix.protected()
    if not disclosure.percent_shown(mix.base, shown.rule):
        raise Withheld(small_base(shown.rule))
    ranked = mix.rows.filter(pl.col(COUNT) > 0).sort(COUNT, descending=True, maintain_order=True)
    if ranked.height < n:
        raise NotAvailable(f"only {ranked.height} of the {field.noun} were recorded in {mix.period.label}")
    top = ranked[LABEL].head(n).to_list()
    if hidden := [name for name in top if SHARE in shown.hidden.get(name, [])]:
        raise Withheld(f"{hidden_count(shown.rule)}: {and_list(hidden)} would be among them")
    return [(name, shown.data.share(name)) for name in top]


def _published(s: Sources, field: Field, name: str, column: str) -> tuple[LabelMix, disclosure.Shown]:
    """The mix, checked that it lists `name` and that the rule shows its `column`."""
    mix = _mix(s, field)
    choose(name, mix.rows[LABEL].to_list(), f"one of the {field.noun} of {mix.period.label}")
    shown = mix.protected()
    if column in shown.hidden.get(name, []):
        why = small_base(shown.rule) if not disclosure.percent_shown(mix.base, shown.rule) else None
        raise Withheld(why or hidden_count(shown.rule))
    return mix, shown


def _share(s: Sources, field: Field, name: str) -> str:
    _, shown = _published(s, field, name, SHARE)
    return percent(shown.data.share(name))


def _count(s: Sources, field: Field, name: str) -> str:
    _, shown = _published(s, field, name, COUNT)
    return count(shown.data.rows.filter(pl.col(LABEL) == name)[COUNT].item())
