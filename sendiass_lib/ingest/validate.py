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

from .. import config, privacy
from .. import labels as labels_module
from .contract import Contract, HeaderMap
from .parse import parse_column, parse_count, parse_date, parse_level, parse_month
from .readers import EXTRA, ROW, RawExtract, column

# Reason codes, in precedence order: a row gets the first that applies.
REASONS = (
    "total_row",  # a "Total"/"Grand Total" footer, wherever it is in the file
    "wrong_field_count",  # more cells than the header has (a stray separator): columns unknowable
    "missing_required",  # a required column is empty
    "bad_date",  # a date cell that is not a date (or is impossible: 31/02/2024)
    "bad_level",  # an intervention level other than blank, 1-4 or "Level 1"-"Level 4"
    "bad_number",  # a count that is not a whole number of 0 or more
    "bad_rating",  # an answer off the service's evaluation scale (blank is "not answered")
    "future_date",  # opened after the day of the load
    "date_order",  # first response or closure before the opening date
    "conflicting_duplicate",  # the same id on rows that differ: every copy is rejected
    "duplicate",  # a row identical to an earlier one in every column: the first copy loads
)

_PARSERS = {
    "date": parse_date,
    "birth_date": parse_date,
    "month": parse_month,
    "level": parse_level,
    "count": parse_count,
}
_TOTAL = r"(?i)^(grand\s+)?totals?\s*:?$"


@dataclass(frozen=True)
class Validated:
    """Typed rows to load (canonical columns + ROW) and rejected rows (ROW, reason, detail, values)."""

    rows: pl.DataFrame
    rejects: pl.DataFrame
    rows_in: int
    labels: pl.DataFrame | None = None  # natural key, field, raw_label, label, code, list


def validate(raw: RawExtract, contract: Contract, headers: HeaderMap, today: date, service: str) -> Validated:
    """Type the contract columns and give each row that fails a check its reason code.

    Loaded and rejected rows carry only the stored forms of personal columns (pseudonym, age band,
    redacted text): the raw values exist only in memory, for the checks."""
    file_cols = [column(i) for i in range(len(raw.headers))]
    data = raw.rows.filter(~pl.all_horizontal(pl.col(file_cols).is_null()))

    text_cols, header_of = [], {}
    for col in contract.columns:
        at = headers.canonical.get(col.name)
        header_of[col.name] = raw.headers[at] if at is not None else col.name
        text = pl.col(column(at)) if at is not None else pl.lit(None, pl.String)
        text_cols.append(text.alias(f"{col.name}__text"))
    asked = dict(sorted(headers.questions.items(), key=lambda q: int(q[0][1:])))  # Q1, Q2, ... Q10
    skipped = list(contract.questions.not_answered) if contract.questions else []
    for q, at in asked.items():
        header_of[q] = raw.headers[at]
        answer = pl.col(column(at))
        answer = pl.when(answer.str.to_lowercase().is_in(skipped)).then(None).otherwise(answer)
        text_cols.append(answer.alias(f"{q}__text"))
    frame = data.with_columns(*text_cols)
    frame = frame.with_columns(
        *[_typed(frame[f"{col.name}__text"], col.type).alias(col.name) for col in contract.columns],
        *[_typed(frame[f"{q}__text"], "count").alias(q) for q in asked],
        __total=pl.col(file_cols[0]).str.contains(_TOTAL).fill_null(False),
        __extra=pl.col(EXTRA) if EXTRA in frame.columns else pl.lit(0, pl.Int32),
    )
    # Keys compare as typed values ("Jan-24" and "January 2024" are one month), null included
    # (an optional key part); a row whose key did not parse is rejected before conflicts count.
    frame = _copies(frame, file_cols, list(contract.natural_key))
    names = [frame[column(at)] for at in headers.names]
    frame = frame.with_columns(
        _stored(frame, col, contract.start_date, service, names).alias(f"{col.store_as}__stored")
        for col in contract.columns
    )

    scale = config.service(service).evaluation_scale
    checks = _checks(contract, header_of, today, list(asked), scale)
    reason = pl.lit(None, pl.String)
    for code, failed, _ in reversed(checks):
        reason = pl.when(failed).then(pl.lit(code)).otherwise(reason)
    frame = frame.with_columns(__reason=reason)

    stored = [c.store_as for c in contract.columns if not c.is_label]
    label_text = [f"{c.name}__text" for c in contract.columns if c.is_label]
    # Only what loaded rows and their labels need is carried through the filter (copying every
    # working column of a million rows cost more than the checks).
    kept = frame.select(
        ROW,
        "__reason",
        *[pl.col(f"{name}__stored").alias(name) for name in stored],
        *asked,
        *label_text,
    ).filter(pl.col("__reason").is_null())
    rows = kept.select(ROW, *stored, *asked)
    labels = _labels(kept, contract, present=set(headers.canonical))
    # Details are text per row: written only for the rejected rows, not for every row checked.
    detail = pl.lit(None, pl.String)
    for _, failed, why in reversed(checks):
        detail = pl.when(failed).then(why).otherwise(detail)
    rejected = frame.filter(pl.col("__reason").is_not_null()).with_columns(__detail=detail)
    # A rejected row keeps what a loaded row would: personal columns only in their stored form.
    values = rejected.select(
        *[
            pl.col(f"{c.store_as}__stored").cast(pl.String).alias(header_of[c.name])
            for c in contract.columns
            if c.name in headers.canonical
        ],
        *[pl.col(f"{q}__text").alias(header_of[q]) for q in asked],
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
    return Validated(rows=rows, rejects=rejects, rows_in=data.height, labels=labels)


def _labels(kept: pl.DataFrame, contract: Contract, present: set[str]) -> pl.DataFrame | None:
    """One row per label of the loaded rows' label columns, mapped onto each column's taxonomy
    (on the row's start date, so the reasons list in force then applies)."""
    if not any(c.is_label for c in contract.columns):
        return None
    columns = [c for c in contract.columns if c.is_label and c.name in present]
    key = list(contract.natural_key)
    on = pl.col(contract.start_date) if contract.start_date else pl.lit(date.today())
    parts = []
    for col in columns:
        raw = kept.select(*key, on.alias("on"), pl.col(f"{col.name}__text").alias("raw_label"))
        if col.type == "labels":
            raw = raw.with_columns(pl.col("raw_label").str.split(";")).explode("raw_label")
        raw = raw.with_columns(pl.col("raw_label").str.strip_chars()).filter(
            pl.col("raw_label").str.len_chars() > 0
        )
        if raw.is_empty():  # the column is absent or blank: nothing to map
            continue
        mapped = labels_module.map_labels(raw, col.taxonomy)
        parts.append(
            mapped.select(*key, pl.lit(col.name).alias("field"), "raw_label", "label", "code", "list")
        )
    empty = {k: kept.schema[k] for k in key} | {
        "field": pl.String,
        "raw_label": pl.String,
        "label": pl.String,
        "code": pl.String,
        "list": pl.String,
    }
    return pl.concat(parts) if parts else pl.DataFrame(schema=empty)


def _typed(text: pl.Series, kind: str) -> pl.Series:
    """A text column parsed as its contract type (null where it does not parse)."""
    parser = _PARSERS.get(kind)
    return parse_column(text, parser) if parser else text


def _stored(frame: pl.DataFrame, col, start: str | None, service: str, names: list) -> pl.Series:
    """What the database keeps of a column: its typed value, or a safe form of a personal one."""
    if col.type == "pseudonym":
        return privacy.pseudonymise(frame[col.name], service)
    if col.type == "birth_date":
        on = pl.col(start) if start else pl.lit(None, pl.Date)
        return frame.select(privacy.age_band(pl.col(col.name), on)).to_series()
    if col.type == "free_text":
        return privacy.redact(frame[col.name], names)
    return frame[col.name]


def _copies(frame: pl.DataFrame, file_cols: list[str], key: list[str]) -> pl.DataFrame:
    """Add __first_copy (row of the first identical row), __versions (distinct rows sharing the
    key) and __copies (rows sharing the key). Only rows whose key repeats can be duplicates, so
    the window functions run on those alone. Candidates are found by key hash (a collision only
    adds a candidate; the windows compare the values themselves); in a clean export there are none.
    """
    keyed = pl.struct(key)
    hashed = frame.select(keyed.hash()).to_series()
    if hashed.n_unique() == frame.height:
        return frame.with_columns(
            __first_copy=pl.col(ROW), __versions=pl.lit(1, pl.UInt32), __copies=pl.lit(1, pl.UInt32)
        )
    candidates = frame.filter(hashed.is_duplicated())
    stats = candidates.select(
        ROW,
        __first_copy=pl.col(ROW).first().over(pl.struct(file_cols)),
        __versions=pl.struct(file_cols).n_unique().over(keyed),
        __copies=pl.len().over(keyed),
    )
    return frame.join(stats, on=ROW, how="left").with_columns(
        pl.col("__first_copy").fill_null(pl.col(ROW)),
        pl.col("__versions").fill_null(1),
        pl.col("__copies").fill_null(1),
    )


def _checks(
    contract: Contract,
    header_of: dict[str, str],
    today: date,
    questions: list[str],
    scale: tuple[int, int],
) -> list:
    """(reason, failed, detail) triples in REASONS order, as polars expressions."""

    def text(name: str) -> pl.Expr:
        return pl.col(f"{name}__text")

    def first_failing(failing: list[tuple[pl.Expr, pl.Expr]]) -> tuple[pl.Expr, pl.Expr]:
        failed = pl.any_horizontal([f for f, _ in failing]) if failing else pl.lit(False)
        why = pl.lit(None, pl.String)
        for f, w in reversed(failing):
            why = pl.when(f).then(w).otherwise(why)
        return failed, why

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
    bad_dates = [
        (text(c.name).is_not_null() & pl.col(c.name).is_null(), quoted(c.name))
        for c in columns
        if c.type in ("date", "birth_date", "month")
    ]
    bad_levels = [
        (text(c.name).is_not_null() & pl.col(c.name).is_null(), quoted(c.name))
        for c in columns
        if c.type == "level"
    ]
    low, high = scale
    bad_ratings = [
        (
            text(q).is_not_null() & ~pl.col(q).is_between(low, high).fill_null(False),
            pl.format("{} (scale {}-{})", quoted(q), pl.lit(low), pl.lit(high)),
        )
        for q in questions
    ]
    bad_numbers = [
        (text(c.name).is_not_null() & pl.col(c.name).is_null(), quoted(c.name))
        for c in columns
        if c.type == "count"
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
        ("bad_date", *first_failing(bad_dates)),
        ("bad_level", *first_failing(bad_levels)),
        ("bad_number", *first_failing(bad_numbers)),
        ("bad_rating", *first_failing(bad_ratings)),
        ("future_date", future[0], pl.format("{} is after the load date {}", future[1], pl.lit(str(today)))),
        ("date_order", *first_failing(order)),
        ("conflicting_duplicate", *conflict),
        ("duplicate", *duplicate),
    ]
    assert tuple(code for code, _, _ in checks) == REASONS
    return checks
