"""The labels of the scale sample's involvements (sample.scale): each label column's mix as one
categorical draw over spellings (mostly as printed, some variant spellings, some trailing spaces),
one or two labels a cell, and reasons from the list in force on the opening date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from . import _targets

# The reasons list in force from this day (taxonomies/reasons.yaml).
REASONS_CHANGE = np.datetime64("2024-04-01")
SECOND_LABEL_SHARE = 0.25  # cells with a second label


@dataclass(frozen=True)
class LabelTable:
    """A label mix as one categorical draw over spellings: each spelling's probability and text,
    and the label it spells (so two draws for one cell can be told apart)."""

    p: np.ndarray
    text: list[str]
    label: np.ndarray


def label_tables() -> dict[str, LabelTable]:
    """The mixes: new_service.yaml's, with heard_about and reasons (before and from 1 April 2024)
    from Worcestershire's tables in involvements.yaml; spelled as the sample spells them."""
    mixes = {column: tables[0]["percent"] for column, tables in _targets("new_service")["mixes"].items()}
    worcs = _targets("involvements")["services"]["worcs"]["mixes"]

    def table(column: str, apply_to: object) -> dict:
        return next(t for t in worcs[column] if t["apply_to"] == [apply_to])["percent"]

    mixes["heard_about"] = table("heard_about", 2024)
    mixes["reasons_before"] = table("reasons", 2023)
    mixes["reasons_from"] = table("reasons", "2024-04-01/2024-12-31")
    variants = _targets("involvement_label_variants")
    return {
        name: _spellings(percent, variants.get(name.removesuffix("_before").removesuffix("_from"), {}))
        for name, percent in mixes.items()
    }


def _spellings(percent: dict, variants: dict) -> LabelTable:
    """Mostly as printed, 15% a variant spelling (where the label has one), 3% a trailing space."""
    p, text, label = [], [], []
    for k, (name, weight) in enumerate((n, w) for n, w in percent.items() if w > 0):
        options = variants.get(name, [])
        plain = 0.97 - (0.15 if options else 0.0)
        spelled = [(name, plain), (name + " ", 0.03), *((v, 0.15 / len(options)) for v in options)]
        for spelling, share in spelled:
            p.append(weight * share)
            text.append(spelling)
            label.append(k)
    probabilities = np.array(p) / sum(p)
    return LabelTable(probabilities, text, np.array(label))


def _draw(rng: np.random.Generator, table: LabelTable, n: int) -> np.ndarray:
    """n spellings drawn from the table, as indexes into table.text."""
    cumulative = np.cumsum(table.p)
    return np.minimum(
        np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right"), len(table.p) - 1
    )


def single(rng: np.random.Generator, table: LabelTable, n: int, blank: float = 0.0) -> pl.Series:
    """One label per cell (a `blank` share left empty)."""
    chosen = pl.Series(table.text).gather(_draw(rng, table, n))
    if not blank:
        return chosen
    return pl.select(pl.when(pl.Series(rng.random(n) < blank)).then(None).otherwise(chosen)).to_series()


def multi(rng: np.random.Generator, table: LabelTable, n: int, first: np.ndarray | None = None) -> pl.Series:
    """One label per cell, a second (a different label) in SECOND_LABEL_SHARE of them, joined with
    "; " or, one time in five, ";" as exports do."""
    a = _draw(rng, table, n) if first is None else first
    b = _draw(rng, table, n)
    two = (rng.random(n) < SECOND_LABEL_SHARE) & (table.label[a] != table.label[b])
    spaced = rng.random(n) < 0.8
    text = pl.Series(table.text)
    sep = pl.when("spaced").then(pl.lit("; ")).otherwise(pl.lit(";"))
    return (
        pl.DataFrame({"a": text.gather(a), "b": text.gather(b), "two": two, "spaced": spaced})
        .select(pl.when("two").then(pl.concat_str("a", sep, "b")).otherwise("a").alias("cell"))
        .to_series()
    )


def reasons(rng: np.random.Generator, tables: dict[str, LabelTable], opened: np.ndarray) -> pl.Series:
    """Reasons from the list in force on the opening date: the old list before 1 April 2024."""
    before = opened < REASONS_CHANGE
    old = multi(rng, tables["reasons_before"], opened.size)
    new = multi(rng, tables["reasons_from"], opened.size)
    return pl.select(pl.when(pl.Series(before)).then(old).otherwise(new)).to_series()
