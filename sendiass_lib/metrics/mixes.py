"""The label mixes a page shows (reasons, SEN type, contact profile, intervention levels), the themes
over the years and the SEN types by DfE primary need made from them, and the labels' definitions.

Each mix is counted line by line (metrics.label_mix) and, for the service's own reporting year, given
the further cells the audit of that year's pages hides (suppression.cells): the audit reads the
counted results, and what is made of a mix (a theme's share, a need's share) follows the mix a page
shows.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import yaml

from .. import labels, suppression
from ..fields import label_fields
from . import label_mix, national, themes
from .label_mix import LABEL, LabelMix
from .national import SenTypeComparison
from .themes import ThemeTrend


def mixes(
    con: duckdb.DuckDBPyConnection, service: str, field: str, year: int, period: str | None = None
) -> list[LabelMix]:
    """One LabelMix per taxonomy list in force during the service's reporting year `year`."""
    return [_audited(con, mix, year, period) for mix in label_mix.counted(con, service, field, year, period)]


def levels(con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None) -> LabelMix:
    """Intervention levels 1-4 of the involvements opened in the reporting year, as a mix: a level
    is set when a case closes, so the base is the involvements with one recorded."""
    return _audited(con, label_mix.counted_levels(con, service, year, period), year, period)


def _audited(con: duckdb.DuckDBPyConnection, mix: LabelMix, year: int, period: str | None) -> LabelMix:
    """The mix with the cells the audit of its service-year hides."""
    table = suppression.mix_key(mix.field.name, mix.period.start)
    return replace(mix, audited=suppression.cells(con, mix.service.slug, year, table, period))


def theme_trend(
    con: duckdb.DuckDBPyConnection,
    service: str,
    field: str,
    year: int,
    years: int = 3,
    period: str | None = None,
) -> ThemeTrend:
    """Labels recorded in each theme, and their share of the labels recorded, per reporting year for
    the `years` years to `year`: a trend that spans a change of list. A theme is hidden in a year
    whose page hides one of its labels."""
    trend = themes.counted(con, service, field, year, years, period)
    each = zip(trend.periods, range(year - years + 1, year + 1), strict=True)
    shown = {span.label: y for span, y in each if span.label in trend.years}  # the years with labels
    return trend.with_hidden_labels(
        {label: mixes(con, service, field, y, period) for label, y in shown.items()}
    )


def compare_sen_types(
    con: duckdb.DuckDBPyConnection,
    service: str,
    year: int,
    reference: Path = national.ENGLAND_FILE,
    period: str | None = None,
) -> SenTypeComparison:
    """The service's SEN types in reporting year `year` by DfE primary need, beside England's shares
    (national.by_need), from the SEN-type mixes a page shows."""
    return national.by_need(mixes(con, service, "sen_types", year, period), year, reference, period)


def definitions(field: str, day: date) -> pl.DataFrame:
    """Label and definition of each label with one, in the list in force on `day`."""
    spec = label_fields()[field]
    table = labels.taxonomy(spec.taxonomy)
    return (
        table.filter(
            (pl.col("valid_from") <= day)
            & (pl.col("valid_until") >= day)
            & pl.col("definition").is_not_null()
        )
        .unique("label", keep="first", maintain_order=True)
        .select(pl.col("label").alias(LABEL), pl.col("definition").alias("Definition"))
    )


def level_definitions() -> pl.DataFrame:
    """Each intervention level's name and definition (taxonomies/intervention_levels.yaml)."""
    raw = yaml.safe_load((labels.TAXONOMY_DIR / "intervention_levels.yaml").read_text(encoding="utf-8"))
    rows = [(item["label"], " ".join(str(item["definition"]).split())) for item in raw["levels"]]
    return pl.DataFrame(rows, schema={"Level": pl.String, "Definition": pl.String}, orient="row")
