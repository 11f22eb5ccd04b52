"""A service's SEN type mix beside England's pupils with SEN by primary type of need.

England's figures are the January 2024 school census (reference/england_sen_2024.yaml). The service
side is its SEN type mix (metrics.mixes) with each label counted under the DfE primary need code the
taxonomy gives it; labels without a code go to "Other/unmapped". Service percentages are of the SEN
types recorded (several per involvement); England's are of pupils with SEN (one primary need each):
context, not like for like. Only the published mix (LabelMix.protected) is used, and a code with any
hidden label is hidden too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import yaml

from .. import config, disclosure, periods
from ..config import Service
from ..periods import Period
from . import mixes

ENGLAND_FILE = config.PACKAGE_DIR / "reference" / "england_sen_2024.yaml"
CODE = "code"
NEED = "Primary need"
ENGLAND_PUPILS = "England pupils"
ENGLAND_SHARE = "England share"
SERVICE = "Service %"
ENGLAND = "England %"
DIFFERENCE = "Difference (points)"
LABELS = "SEN types"  # the service's SEN types counted under the need
UNMAPPED_NEED = "Other/unmapped"


@dataclass(frozen=True)
class EnglandSen:
    """England's pupils with SEN (reference/england_sen_2024.yaml): totals, and the breakdown by
    primary need if the file has one."""

    source: dict  # title, publisher, url, published, date, census, coverage
    totals: dict  # pupils_with_sen, ehc_plan, sen_support, percent_of_all_pupils
    breakdown_source: str | None
    breakdown_coverage: str
    # code, Primary need ("Autistic spectrum disorder (ASD)"), England pupils, England share (a
    # fraction of the breakdown's total); both null for every need when there is no breakdown.
    needs: pl.DataFrame

    @property
    def available(self) -> bool:
        """Whether England's pupils by primary need are in the reference file."""
        return self.needs[ENGLAND_SHARE].null_count() == 0


def england(path: Path = ENGLAND_FILE) -> EnglandSen:
    """England's reference figures, checked: a breakdown is complete (every need) or absent."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    breakdown = raw["breakdown"]
    needs = breakdown["needs"]
    pupils = [n.get("pupils") for n in needs]
    percents = [n.get("percent") for n in needs]
    if all(p is not None for p in pupils):
        total = sum(pupils)
        shares = [p / total if total else None for p in pupils]
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
            ENGLAND_PUPILS: pupils,
            ENGLAND_SHARE: shares,
        },
        schema={CODE: pl.String, NEED: pl.String, ENGLAND_PUPILS: pl.Int64, ENGLAND_SHARE: pl.Float64},
    )
    return EnglandSen(
        raw["source"], raw["totals"], breakdown.get("source"), " ".join(breakdown["coverage"].split()), frame
    )


def england_sen_mix(path: Path = ENGLAND_FILE) -> pl.DataFrame:
    """England's pupils with SEN by primary need: code, need, pupils, share (null: not published here)."""
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


def compare_sen_types(
    con: duckdb.DuckDBPyConnection,
    service: str,
    year: int,
    reference: Path = ENGLAND_FILE,
    period: str | None = None,
) -> SenTypeComparison:
    """The service's SEN types in reporting year `year` by DfE primary need, beside England's shares.

    A code's share is the sum of its labels' shares of the SEN types recorded. It is hidden ([c]) if
    any of its labels is hidden by the disclosure rule; and if that leaves one code hidden, the
    smallest other is hidden too, so the shares' 100% cannot give it back."""
    found = mixes.mixes(con, service, "sen_types", year, period)
    published = [mix.protected() for mix in found]
    base = sum(mix.labels_recorded for mix in found)
    # Labels by code, over every list in force in the year; a code is hidden if any label is.
    labels = pl.concat(
        [
            shown.data.rows.select(
                pl.col(CODE).fill_null(UNMAPPED_NEED),
                pl.col(mixes.LABEL),
                pl.col(mixes.COUNT),
                pl.col(mixes.LABEL)
                .is_in(pl.Series(list(shown.hidden), dtype=pl.String).implode())
                .alias("hidden"),
            )
            for shown in published
        ]
    )
    by_code = labels.group_by(CODE, maintain_order=True).agg(
        pl.col(mixes.COUNT).sum().alias("n"),
        pl.col("hidden").any(),
        pl.col(mixes.LABEL).unique(maintain_order=True).str.join(", ").alias(LABELS),
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
    year_period = periods.reporting_year(svc, year)
    span = Period(year_period.start, year_period.end, year_period.long_label)
    return SenTypeComparison(svc, span, base, reference_needs, rows, hidden, rule)
