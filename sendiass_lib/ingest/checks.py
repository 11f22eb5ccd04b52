"""The reject rules: what makes a row fail, and which reason wins when several apply.

Each rule is a polars expression over the working frame of ingest.validate; a row gets the first
reason in REASONS order that applies. docs/data-contract.md states the rules in words.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from .contract import Contract
from .raw_extract import ROW

# Reason codes, in precedence order: a row gets the first that applies.
REASONS = (
    "total_row",  # a "Total"/"Grand Total" footer, wherever it is in the file
    "wrong_field_count",  # more cells than the header has (a stray separator): columns unknowable
    "missing_required",  # a required column is empty
    "bad_date",  # a date, month or year cell that is not one (or is impossible: 31/02/2024)
    "bad_level",  # an intervention level other than blank, 1-4 or "Level 1"-"Level 4"
    "bad_number",  # a count that is not a whole number of 0 or more, or a number cell that is not one
    "bad_rating",  # an answer off the service's evaluation scale (blank is "not answered")
    "future_date",  # opened after the day of the load
    "date_order",  # first response or closure before the opening date, or a birth after it
    "conflicting_duplicate",  # the same id on rows that differ: every copy is rejected
    "duplicate",  # a row identical to an earlier one in every column: the first copy loads
)


def first_applying(cases: list[tuple[pl.Expr, pl.Expr]]) -> pl.Expr:
    """The value of the first (condition, value) pair whose condition holds, else null: how a row
    gets one reason, and one detail, when several apply."""
    chosen = pl.lit(None, pl.String)
    for condition, value in reversed(cases):
        chosen = pl.when(condition).then(value).otherwise(chosen)
    return chosen


def rules(
    contract: Contract,
    header_of: dict[str, str],
    today: date,
    questions: list[str],
    scale: tuple[int, int],
) -> list:
    """(reason, failed, detail) triples in REASONS order, as polars expressions over the working
    frame validate() builds: <column>__text (the cell), <column> (parsed), __total, __extra,
    __first_copy, __versions, __copies and ROW."""

    def text(name: str) -> pl.Expr:
        return pl.col(f"{name}__text")

    def first_failing(failing: list[tuple[pl.Expr, pl.Expr]]) -> tuple[pl.Expr, pl.Expr]:
        failed = pl.any_horizontal([f for f, _ in failing]) if failing else pl.lit(False)
        return failed, first_applying(failing)

    columns = contract.columns
    personal = {c.name for c in columns if c.personal}

    def quoted(name: str) -> pl.Expr:
        """'Date Opened: '31/02/2024'', or for a personal column its header alone."""
        if name in personal:
            return pl.lit(f"{header_of[name]}: (value withheld: personal data)")
        return pl.format("{}: '{}'", pl.lit(header_of[name]), text(name))

    missing = [
        (text(c.name).is_null(), pl.lit(f"{header_of[c.name]} is empty")) for c in columns if c.required
    ]
    if one_of := contract.required_one_of:
        names = " and ".join(header_of[name] for name in one_of)
        missing.append(
            (
                pl.all_horizontal(text(name).is_null() for name in one_of),
                pl.lit(f"{names} are both empty" if len(one_of) == 2 else f"{names} are all empty"),
            )
        )

    def unparsed(*types: str) -> list[tuple[pl.Expr, pl.Expr]]:
        """Cells of these column types that hold text which did not parse."""
        return [
            (text(c.name).is_not_null() & pl.col(c.name).is_null(), quoted(c.name))
            for c in columns
            if c.type in types
        ]

    low, high = scale
    bad_ratings = [
        (
            text(q).is_not_null() & ~pl.col(q).is_between(low, high).fill_null(False),
            pl.format("{} (scale {}-{})", quoted(q), pl.lit(low), pl.lit(high)),
        )
        for q in questions
    ]
    start = contract.start_date
    order = [
        (
            pl.col(c.name) < pl.col(start),
            pl.format("{} before {}", pl.lit(header_of[c.name]), pl.lit(header_of[start])),
        )
        for c in columns
        if start and c.type == "date" and c.name != start
    ] + [
        (
            pl.col(c.name) > pl.col(start),
            pl.format("{} after {}", pl.lit(header_of[c.name]), pl.lit(header_of[start])),
        )
        for c in columns
        if start and c.type == "birth_date"
    ]
    future = (pl.col(start) > pl.lit(today), quoted(start)) if start else (pl.lit(False), pl.lit(None))
    key_text = pl.concat_str([text(k) for k in contract.natural_key], separator=" / ", ignore_nulls=True)
    conflict = (
        pl.col("__versions") > 1,
        pl.format("{} rows share id '{}' but differ", pl.col("__copies"), key_text),
    )
    duplicate = (pl.col("__first_copy") != pl.col(ROW), pl.format("same as row {}", pl.col("__first_copy")))
    checks = [
        ("total_row", pl.col("__total"), pl.lit("footer row")),
        (
            "wrong_field_count",
            pl.col("__extra") > 0,
            pl.format("{} more cell(s) than the header has", pl.col("__extra")),
        ),
        ("missing_required", *first_failing(missing)),
        ("bad_date", *first_failing(unparsed("date", "birth_date", "month", "year"))),
        ("bad_level", *first_failing(unparsed("level"))),
        ("bad_number", *first_failing(unparsed("count", "number"))),
        ("bad_rating", *first_failing(bad_ratings)),
        ("future_date", future[0], pl.format("{} is after the load date {}", future[1], pl.lit(str(today)))),
        ("date_order", *first_failing(order)),
        ("conflicting_duplicate", *conflict),
        ("duplicate", *duplicate),
    ]
    assert tuple(code for code, _, _ in checks) == REASONS
    return checks
