"""Validation: every data row of an extract is either typed and kept, or rejected with one reason.

A row gets the first reason that applies, in REASONS order (docs/data-contract.md has the rules).
A row with every cell empty is not a data row (spreadsheets export them as ",,,,"); it is neither
loaded nor rejected. Rejected rows keep only contract columns, so no personal value is kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import polars as pl

from .contract import Contract, HeaderMap
from .parse import parse_date, parse_level
from .readers import ROW, RawExtract, column

# Reason codes, in precedence order: a row gets the first that applies.
REASONS = (
    "total_row",  # a "Total"/"Grand Total" footer, wherever it is in the file
    "missing_required",  # a required column is empty
    "bad_date",  # a date cell that is not a date (or is impossible: 31/02/2024)
    "bad_level",  # an intervention level other than blank, 1-4 or "Level 1"-"Level 4"
    "future_date",  # opened after the day of the load
    "date_order",  # first response or closure before the opening date
    "conflicting_duplicate",  # the same id on rows that differ: every copy is rejected
    "duplicate",  # a row identical to an earlier one in every column: the first copy loads
)

_PARSERS = {"date": parse_date, "level": parse_level}
_TOTAL = r"(?i)^(grand\s+)?totals?\s*:?$"


@dataclass(frozen=True)
class Validated:
    """Typed rows to load (canonical columns + ROW) and rejected rows (ROW, reason, detail, values)."""

    rows: pl.DataFrame
    rejects: pl.DataFrame
    rows_in: int


def validate(raw: RawExtract, contract: Contract, headers: HeaderMap, today: date) -> Validated:
    """Type the contract columns and give each row that fails a check its reason code."""
    position = {header: i for i, header in enumerate(raw.headers)}
    file_cols = [column(i) for i in range(len(raw.headers))]
    data = raw.rows.filter(~pl.all_horizontal(pl.col(file_cols).is_null()))

    text_cols, typed_cols, header_of = [], [], {}
    for col in contract.columns:
        header = headers.canonical.get(col.name)
        header_of[col.name] = header or col.name
        text = pl.col(column(position[header])) if header else pl.lit(None, pl.String)
        text_cols.append(text.alias(f"{col.name}__text"))
        parser = _PARSERS.get(col.type)
        typed_cols.append((parser(text) if parser else text).alias(col.name))

    whole_row = pl.struct(file_cols)
    key = pl.struct([pl.col(f"{k}__text") for k in contract.natural_key])
    frame = data.with_columns(*text_cols).with_columns(
        *typed_cols,
        __total=pl.col(file_cols[0]).str.contains(_TOTAL).fill_null(False),
        __first_copy=pl.col(ROW).first().over(whole_row),
        __versions=whole_row.n_unique().over(key),
        __copies=pl.len().over(key),
    )

    checks = _checks(contract, header_of, today)
    reason = pl.lit(None, pl.String)
    detail = pl.lit(None, pl.String)
    for code, failed, why in reversed(checks):
        reason = pl.when(failed).then(pl.lit(code)).otherwise(reason)
        detail = pl.when(failed).then(why).otherwise(detail)
    frame = frame.with_columns(__reason=reason, __detail=detail)

    canonical = [c.name for c in contract.columns]
    rows = frame.filter(pl.col("__reason").is_null()).select(ROW, *canonical)
    rejected = frame.filter(pl.col("__reason").is_not_null())
    values = rejected.select(
        [pl.col(f"{c}__text").alias(header_of[c]) for c in canonical if c in headers.canonical]
    ).to_dicts()
    rejects = pl.DataFrame(
        {
            "row_number": rejected[ROW],
            "reason": rejected["__reason"],
            "detail": rejected["__detail"],
            "row_values": [json.dumps(v, ensure_ascii=False) for v in values],
        },
        schema={"row_number": pl.Int32, "reason": pl.String, "detail": pl.String, "row_values": pl.String},
    )
    return Validated(rows=rows, rejects=rejects, rows_in=data.height)


def _checks(contract: Contract, header_of: dict[str, str], today: date) -> list:
    """(reason, failed, detail) triples in REASONS order, as polars expressions."""

    def text(name: str) -> pl.Expr:
        return pl.col(f"{name}__text")

    def first_failing(failing: list[tuple[pl.Expr, pl.Expr]]) -> tuple[pl.Expr, pl.Expr]:
        failed = pl.any_horizontal([f for f, _ in failing]) if failing else pl.lit(False)
        why = pl.lit(None, pl.String)
        for f, w in reversed(failing):
            why = pl.when(f).then(w).otherwise(why)
        return failed, why

    def quoted(name: str) -> pl.Expr:
        return pl.format("{}: '{}'", pl.lit(header_of[name]), text(name))

    columns = contract.columns
    missing = [
        (text(c.name).is_null(), pl.lit(f"{header_of[c.name]} is empty")) for c in columns if c.required
    ]
    bad_dates = [
        (text(c.name).is_not_null() & pl.col(c.name).is_null(), quoted(c.name))
        for c in columns
        if c.type == "date"
    ]
    bad_levels = [
        (text(c.name).is_not_null() & pl.col(c.name).is_null(), quoted(c.name))
        for c in columns
        if c.type == "level"
    ]
    start = contract.start_date
    order = [
        (
            pl.col(c.name) < pl.col(start),
            pl.format("{} before {}", pl.lit(header_of[c.name]), pl.lit(header_of[start])),
        )
        for c in columns
        if start and c.type == "date" and c.name != start
    ]
    future = (pl.col(start) > pl.lit(today), quoted(start)) if start else (pl.lit(False), pl.lit(None))
    key_text = pl.concat_str([text(k) for k in contract.natural_key], separator=" / ")
    conflict = (
        (pl.col("__versions") > 1) & key_text.is_not_null(),
        pl.format("{} rows share id '{}' but differ", pl.col("__copies"), key_text),
    )
    duplicate = (pl.col("__first_copy") != pl.col(ROW), pl.format("same as row {}", pl.col("__first_copy")))
    checks = [
        ("total_row", pl.col("__total"), pl.lit("footer row")),
        ("missing_required", *first_failing(missing)),
        ("bad_date", *first_failing(bad_dates)),
        ("bad_level", *first_failing(bad_levels)),
        ("future_date", future[0], pl.format("{} is after the load date {}", future[1], pl.lit(str(today)))),
        ("date_order", *first_failing(order)),
        ("conflicting_duplicate", *conflict),
        ("duplicate", *duplicate),
    ]
    assert tuple(code for code, _, _ in checks) == REASONS
    return checks
