"""A service's SEN type mix beside England's pupils with SEN by primary type of need.

England's figures are the January 2024 school census (reference/england_sen_2024.yaml): totals for
all schools, and a breakdown by primary need for state-funded schools whose shares are of its own
total. The service side is its SEN type mix (metrics.label_mix) with each label counted under the DfE
primary need code the taxonomy gives it; labels without a code go to "Other/unmapped". Service
percentages are of the SEN types recorded (several per involvement); England's are of pupils with
SEN (one primary need each): context, not like for like. Only the mix as published
(LabelMix.protected) is used, and a code with any hidden label is hidden too: pages show the
comparison of the mixes they show (metrics.mixes.compare_sen_types).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import yaml

from .. import config, disclosure, periods
from ..config import Service
from ..periods import Period
from .label_mix import COUNT, LABEL, LabelMix

ENGLAND_FILE = config.PACKAGE_DIR / "reference" / "england_sen_2024.yaml"
CODE = "code"
NEED = "Primary need"
ENGLAND_SEN_SUPPORT = "England SEN support"
ENGLAND_EHC_PLAN = "England EHC plan"
ENGLAND_PUPILS = "England pupils"
ENGLAND_SHARE = "England share"
SERVICE = "Service %"
ENGLAND = "England %"
DIFFERENCE = "Difference (points)"
LABELS = "SEN types"  # the service's SEN types counted under the need
UNMAPPED_NEED = "Other/unmapped"
# The breakdown's stated totals (keys of `breakdown.totals`) and the needs' column each adds up.
COLUMNS = {"sen_support": ENGLAND_SEN_SUPPORT, "ehc_plan": ENGLAND_EHC_PLAN, "with_sen": ENGLAND_PUPILS}


@dataclass(frozen=True)
class EnglandSen:
    """England's pupils with SEN (reference/england_sen_2024.yaml): totals for all schools, and the
    breakdown by primary need (its own source, coverage, totals and caveats) if the file has one."""

    source: dict  # of the totals: title, publisher, url, published, date, census, coverage
    totals: dict  # pupils_with_sen, ehc_plan, sen_support, percent_of_all_pupils (all schools)
    breakdown: dict  # source, date, coverage, rounding, totals, caveats, as in the file
    # code, Primary need ("Autistic spectrum disorder (ASD)"), England SEN support, England EHC
    # plan, England pupils, England share (a fraction of `base`); null where the file has none.
    needs: pl.DataFrame
    base: int | None  # the pupils England's shares are of (None: the file gives percentages)

    @property
    def available(self) -> bool:
        """Whether England's pupils by primary need are in the reference file."""
        return self.needs[ENGLAND_SHARE].null_count() == 0

    @property
    def breakdown_source(self) -> dict | None:
        """Publisher, title, data set, row, based_on and url of the breakdown's table."""
        return self.breakdown.get("source")

    @property
    def breakdown_coverage(self) -> str:
        """Which schools the breakdown counts: 'state-funded schools in England'."""
        return " ".join(str(self.breakdown.get("coverage", "")).split())

    @property
    def caveats(self) -> list[str]:
        """The file's caveats about the breakdown, each a sentence or two to print as written."""
        return [" ".join(c.split()) for c in self.breakdown.get("caveats") or []]

    def added_up(self) -> dict[str, tuple[int, int]]:
        """{column: (its needs' sum, its stated total)} for each column the file states a total of:
        with rounded figures the two may differ, within the rounding."""
        stated = self.breakdown.get("totals") or {}
        return {
            key: (int(self.needs[column].sum()), int(stated[key]))
            for key, column in COLUMNS.items()
            if stated.get(key) is not None and self.needs[column].null_count() == 0
        }


def england(path: Path = ENGLAND_FILE) -> EnglandSen:
    """England's reference figures, checked: a breakdown is complete (every need) or absent, has
    its source, and its columns add up to their stated totals within the rounding."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    breakdown = raw["breakdown"]
    needs = breakdown["needs"]
    support = [n.get("sen_support") for n in needs]
    ehc = [n.get("ehc_plan") for n in needs]
    pupils = [_pupils(n) for n in needs]
    percents = [n.get("percent") for n in needs]
    stated = breakdown.get("totals") or {}
    base = None
    if all(p is not None for p in pupils):
        base = stated.get("with_sen") or sum(pupils)
        shares = [p / base if base else None for p in pupils]
    elif all(p is not None for p in percents):
        shares = [p / 100 for p in percents]
    elif any(p is not None for p in pupils + percents):
        missing = [
            n["code"] for n, p, q in zip(needs, pupils, percents, strict=True) if p is None and q is None
        ]
        raise ValueError(f"{path.name}: the breakdown by primary need has no figure for {', '.join(missing)}")
    else:
        shares = [None] * len(needs)
    if any(s is not None for s in shares) and not breakdown.get("source"):
        raise ValueError(f"{path.name}: a breakdown by primary need needs its source (breakdown.source)")
    frame = pl.DataFrame(
        {
            CODE: [n["code"] for n in needs],
            NEED: [f"{n['need']} ({n['code']})" for n in needs],
            ENGLAND_SEN_SUPPORT: support,
            ENGLAND_EHC_PLAN: ehc,
            ENGLAND_PUPILS: pupils,
            ENGLAND_SHARE: shares,
        },
        schema={
            CODE: pl.String,
            NEED: pl.String,
            ENGLAND_SEN_SUPPORT: pl.Int64,
            ENGLAND_EHC_PLAN: pl.Int64,
            ENGLAND_PUPILS: pl.Int64,
            ENGLAND_SHARE: pl.Float64,
        },
    )
    result = EnglandSen(raw["source"], raw["totals"], breakdown, frame, base)
    _check_added_up(result, path)
    return result


def _pupils(need: dict) -> int | None:
    """A need's pupils with SEN: as given, else its SEN support and EHC plan pupils together."""
    if need.get("pupils") is not None:
        return need["pupils"]
    parts = (need.get("sen_support"), need.get("ehc_plan"))
    return None if None in parts else sum(parts)


def _check_added_up(england: EnglandSen, path: Path) -> None:
    """A column's needs may miss its stated total by the rounding of each figure (half the rounding
    unit, for every need and for the total itself), never more: more is a figure mistyped."""
    unit = england.breakdown.get("rounding") or 0
    slack = unit / 2 * (england.needs.height + 1)
    stated = england.breakdown.get("totals") or {}
    parts = (stated.get("sen_support"), stated.get("ehc_plan"))
    checks = dict(england.added_up())
    if stated.get("with_sen") is not None and None not in parts:  # the totals among themselves
        checks["with_sen = sen_support + ehc_plan"] = (sum(parts), stated["with_sen"])
    for column, (added, total) in checks.items():
        if abs(added - total) > slack:
            raise ValueError(
                f"{path.name}: breakdown {column} adds up to {added:,}, not {total:,} as stated "
                f"(allowed by rounding: {slack:,.0f})"
            )


def england_sen_mix(path: Path = ENGLAND_FILE) -> pl.DataFrame:
    """England's pupils with SEN by primary need: code, need, SEN support, EHC plan, pupils, share
    (of the breakdown's stated total; null where the file has no figure)."""
    return england(path).needs


@dataclass(frozen=True)
class SenTypeComparison:
    """A service's SEN types, counted by DfE primary need, beside England's shares, as published."""

    service: Service
    period: Period
    labels_recorded: int  # the base of the service's percentages
    england: EnglandSen
    # Primary need, code, Service %, England %, Difference (points) (fractions: 0.05 is 5 points),
    # SEN types (the service's labels counted under the need); a hidden service share, and the
    # difference that would give it back, are null.
    rows: pl.DataFrame
    hidden: dict[str, list[str]]  # {primary need: [columns]} to show as [c]
    rule: disclosure.Rule

    def table(self) -> pl.DataFrame:
        """For display: need, percentages, SEN types; England's columns only if England has a breakdown."""
        england = [ENGLAND, DIFFERENCE] if self.england.available else []
        return self.rows.select(NEED, SERVICE, *england, LABELS)

    def protected(self) -> disclosure.Shown:
        """The table with its [c] cells, as tables.published_table takes it."""
        shown = set(self.table().columns)
        hidden = {need: [c for c in cells if c in shown] for need, cells in self.hidden.items()}
        return disclosure.Shown(self.table(), {k: v for k, v in hidden.items() if v}, self.rule)


def by_need(
    found: list[LabelMix], year: int, reference: Path = ENGLAND_FILE, period: str | None = None
) -> SenTypeComparison:
    """The SEN types of `found` (a service's SEN-type mixes of reporting year `year`, one per list in
    force) by DfE primary need, beside England's shares.

    A code's share is the sum of its labels' shares of the SEN types recorded. It is hidden ([c]) if
    any of its labels is hidden on the mix (LabelMix.protected); and if that leaves one code hidden,
    the smallest other is hidden too, so the shares' 100% cannot give it back."""
    published = [mix.protected() for mix in found]
    base = sum(mix.labels_recorded for mix in found)
    # Labels by code, over every list in force in the year; a code is hidden if any label is.
    labels = pl.concat(
        [
            shown.data.rows.select(
                pl.col(CODE).fill_null(UNMAPPED_NEED),
                pl.col(LABEL),
                pl.col(COUNT),
                pl.col(LABEL).is_in(pl.Series(list(shown.hidden), dtype=pl.String).implode()).alias("hidden"),
            )
            for shown in published
        ]
    )
    by_code = labels.group_by(CODE, maintain_order=True).agg(
        pl.col(COUNT).sum().alias("n"),
        pl.col("hidden").any(),
        pl.col(LABEL).unique(maintain_order=True).str.join(", ").alias(LABELS),
    )
    reference_needs = england(reference)
    svc = found[0].service
    rule = disclosure.rule(svc)
    needs = reference_needs.needs.select(CODE, NEED, ENGLAND_SHARE)
    extra = by_code.filter(~pl.col(CODE).is_in(needs[CODE].implode())).select(
        CODE,
        pl.when(pl.col(CODE) == UNMAPPED_NEED)
        .then(pl.lit(UNMAPPED_NEED))
        .otherwise(pl.col(CODE))
        .alias(NEED),
        pl.lit(None, pl.Float64).alias(ENGLAND_SHARE),
    )
    rows = (
        pl.concat([needs, extra])
        .join(by_code, on=CODE, how="left", maintain_order="left")
        .with_columns(
            pl.col("n").fill_null(0),
            pl.col("hidden").fill_null(False),
            pl.col(LABELS).fill_null("No SEN type on the list"),
        )
        .with_columns((pl.col("n") / base if base else pl.lit(None, pl.Float64)).alias(SERVICE))
    )
    hidden_rows = set(rows.filter(pl.col("hidden"))[NEED])
    if not disclosure.percent_shown(base, rule):  # every share, even of a need no SEN type maps to
        hidden_rows = set(rows[NEED])
    elif rule.on and len(hidden_rows) == 1:
        others = rows.filter(~pl.col("hidden") & pl.col(SERVICE).is_not_null())
        if others.height:
            smallest = min(others.iter_rows(named=True), key=lambda r: (r[SERVICE] == 0, r[SERVICE]))
            hidden_rows.add(smallest[NEED])
    gone = pl.col(NEED).is_in(list(hidden_rows))
    rows = rows.with_columns(pl.when(gone).then(None).otherwise(pl.col(SERVICE)).alias(SERVICE)).select(
        NEED,
        CODE,
        SERVICE,
        pl.col(ENGLAND_SHARE).alias(ENGLAND),
        (pl.col(SERVICE) - pl.col(ENGLAND_SHARE)).alias(DIFFERENCE),
        LABELS,
    )
    hidden = {need: [SERVICE, DIFFERENCE] for need in rows[NEED] if need in hidden_rows}
    year_period = periods.reporting_year(svc, year, period)
    span = Period(year_period.start, year_period.end, year_period.long_label)
    return SenTypeComparison(svc, span, base, reference_needs, rows, hidden, rule)
