"""Validation: every data row of an extract is either typed and kept, or rejected with one reason.

A row gets the first reason that applies, in checks.REASONS order (docs/data-contract.md has the rules).
A row with every cell empty is not a data row (spreadsheets export them as ",,,,"); it is neither
loaded nor rejected. Rejected rows keep only contract columns, so no personal value is kept.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import polars as pl

from .. import config, privacy
from .. import labels as labels_module
from .checks import first_applying, rules
from .contract import Contract, HeaderMap
from .mapping import mapping
from .parse import parse_column, parse_count, parse_date, parse_level, parse_month, parse_number, parse_year
from .raw_extract import EXTRA, ROW, RawExtract, column

_PARSERS = {
    "date": parse_date,
    "birth_date": parse_date,
    "month": parse_month,
    "level": parse_level,
    "count": parse_count,
    "number": parse_number,
    "year": parse_year,
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
    blank = raw.rows.select(pl.all_horizontal(pl.col(file_cols).is_null())).to_series()
    data = raw.rows.filter(~blank) if blank.any() else raw.rows  # (a filter copies every column)

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
    # A footer is found in the first column, or in the contract's `total_column` (a figures
    # file's row label) when the file has it.
    at = headers.canonical.get(contract.total_column) if contract.total_column else None
    total_col = column(at) if at is not None else file_cols[0]
    frame = frame.with_columns(
        *[_typed(frame[f"{col.name}__text"], col.type).alias(col.name) for col in contract.columns],
        *[_typed(frame[f"{q}__text"], "count").alias(q) for q in asked],
        __total=pl.col(total_col).str.contains(_TOTAL).fill_null(False),
        __extra=pl.col(EXTRA) if EXTRA in frame.columns else pl.lit(0, pl.Int32),
    )
    # Keys compare as typed values ("Jan-24" and "January 2024" are one month), null included
    # (an optional key part); a row whose key did not parse is rejected before conflicts count.
    frame = _copies(frame, file_cols, list(contract.natural_key))
    names = [frame[column(at)] for at in headers.names]
    # Side by side: pseudonyms are hashed in DuckDB while names are redacted in Python.
    with ThreadPoolExecutor(max_workers=2) as pool:
        stored = pool.map(
            lambda col: _stored(frame, col, contract.start_date, service, names).alias(
                f"{col.store_as}__stored"
            ),
            contract.columns,
        )
        frame = frame.with_columns(list(stored))

    scale = config.service(service).evaluation_scale
    checks = rules(contract, header_of, today, list(asked), scale)
    frame = frame.with_columns(
        __reason=first_applying([(failed, pl.lit(code)) for code, failed, _ in checks])
    )

    stored = [c.store_as for c in contract.columns if not c.is_label]
    label_text = [f"{c.name}__text" for c in contract.columns if c.is_label]
    name_cols = [pl.col(column(at)).alias(f"__name{i}") for i, at in enumerate(headers.names)]
    # Only what loaded rows and their labels need is carried through the filter (copying every
    # working column of a million rows cost more than the checks).
    kept = frame.select(
        ROW,
        "__reason",
        *[pl.col(f"{name}__stored").alias(name) for name in stored],
        *asked,
        *label_text,
        *(name_cols if label_text else []),
    ).filter(pl.col("__reason").is_null())
    rows = kept.select(ROW, *stored, *asked)
    labels = _labels(kept, contract, present=set(headers.canonical), service=service)
    # Details are text per row: written only for the rejected rows, not for every row checked.
    detail = first_applying([(failed, why) for _, failed, why in checks])
    rejected = frame.filter(pl.col("__reason").is_not_null()).with_columns(__detail=detail)
    # A reject's detail quotes the cell that failed ("Date Opened: 'ring mum 07700 900123'"), and an
    # answer cell may hold words: both are text a person typed, kept redacted like notes.
    row_names = [rejected[column(at)] for at in headers.names]
    label_cells = [f"{c.store_as}__stored" for c in contract.columns if c.is_label]
    rejected = rejected.with_columns(
        privacy.redact(rejected["__detail"], row_names),
        *[privacy.redact(rejected[f"{q}__text"], row_names) for q in asked],
        *[privacy.redact(rejected[name], row_names) for name in label_cells],  # (redacted for rejects
        # only: a loaded row's labels are redacted when they map to nothing, in _labels)
    )
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


def _labels(kept: pl.DataFrame, contract: Contract, present: set[str], service: str) -> pl.DataFrame | None:
    """One row per label of the loaded rows' label columns, mapped onto each column's taxonomy
    (on the row's start date, so the reasons list in force then applies). A label that maps to
    nothing is text somebody typed: it is kept redacted, like notes (privacy.redact)."""
    if not any(c.is_label for c in contract.columns):
        return None
    columns = [c for c in contract.columns if c.is_label and c.name in present]
    key = list(contract.natural_key)
    on = pl.col(contract.start_date) if contract.start_date else pl.lit(date.today())
    names = [c for c in kept.columns if c.startswith("__name")]
    parts = []
    for col in columns:
        raw = kept.select(*key, on.alias("on"), pl.col(f"{col.name}__text").alias("raw_label"), *names)
        if col.type == "labels":
            raw = raw.with_columns(pl.col("raw_label").str.split(";")).explode("raw_label")
        raw = raw.with_columns(pl.col("raw_label").str.strip_chars()).filter(
            pl.col("raw_label").str.len_chars() > 0
        )
        if raw.is_empty():  # every cell of the column is blank: nothing to map
            continue
        aliases = mapping(service).label_targets(col.taxonomy)
        mapped = _redact_unmapped(labels_module.map_labels(raw, col.taxonomy, aliases), names)
        # A few hundred distinct values in millions of rows: categorical (4 bytes a row, not 16+).
        repeated = [pl.col(name).cast(pl.Categorical) for name in ("raw_label", "label", "code", "list")]
        parts.append(mapped.select(*key, pl.lit(col.name, pl.Categorical).alias("field"), *repeated))
    empty = {k: kept.schema[k] for k in key} | dict.fromkeys(
        ("field", "raw_label", "label", "code", "list"), pl.Categorical
    )
    return pl.concat(parts) if parts else pl.DataFrame(schema=empty)


def _redact_unmapped(mapped: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """Labels that mapped to nothing, redacted with their row's names (taxonomy labels as written)."""
    unmapped = (mapped["label"] == labels_module.UNMAPPED).arg_true()
    if unmapped.is_empty():
        return mapped
    rows = mapped[unmapped]
    redacted = privacy.redact(rows["raw_label"], [rows[n] for n in names])
    return mapped.with_columns(mapped["raw_label"].scatter(unmapped, redacted))


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
    if col.type == "text" and not col.key:  # any text a person typed may hold personal data
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
