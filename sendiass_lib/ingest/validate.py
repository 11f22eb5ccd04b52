"""Validation in SQL: every data row of an extract is either typed and kept, or rejected with one reason.

The extract's cells are in `raw_cells` (ingest.staging). validate() makes the temp table `v_work`
(each row's cells, typed values and reason, null when it loads) and views over it: `v_rows` (what
the contract's table stores of the rows that load) and `v_labels` (one row per label of those rows,
mapped onto its taxonomy: label_mapping); the rejected rows come back as a small frame. A row gets the first
reason that applies, in checks.REASONS order (docs/data-contract.md has the rules). A row with
every cell empty is not a data row (spreadsheets export them as ",,,,"): neither loaded nor
rejected. Loaded and rejected rows carry only the stored forms of personal columns (pseudonym, age
band, redacted text): raw values exist only in `raw_cells`, which the load drops.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from .. import config, privacy
from . import macros
from .checks import PARSERS, first_applying, rules, text, value
from .contract import Contract, HeaderMap
from .label_mapping import map_labels
from .raw_extract import EXTRA, FILE, ROW, column
from .sql_text import by_file, ident, lit
from .staging import RAW, Staged

TOTAL = r"(?i)^(grand\s+)?totals?\s*:?$"
REJECT_SCHEMA = {
    "row_number": pl.Int32,
    "reason": pl.String,
    "detail": pl.String,
    "row_values": pl.String,
    "file": pl.Int32,  # FILE: which of the files staged together
}


@dataclass(frozen=True)
class Validated:
    """The counts, the rejected rows (ROW, reason, detail, values as JSON, FILE), and the views
    holding the rows to load (v_rows: FILE, ROW, stored columns, questions) and their labels
    (v_labels). `counts`: rows in and loaded of each file staged (FILE -> (in, loaded))."""

    rejects: pl.DataFrame
    stored: list[str]  # v_rows' stored columns, in contract order
    questions: list[str]  # v_rows' question columns (Q1, Q2, ...)
    has_labels: bool
    counts: dict[int, tuple[int, int]]

    @property
    def rows_in(self) -> int:
        return sum(rows_in for rows_in, _ in self.counts.values())

    @property
    def rows_loaded(self) -> int:
        return sum(loaded for _, loaded in self.counts.values())

    def labels(self, con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
        """v_labels as a frame (natural key, field, raw_label, label, code, list), for `sendiass check`."""
        return pl.from_arrow(con.sql(f"SELECT * EXCLUDE ({FILE}) FROM v_labels").to_arrow_table())


def validate(
    con: duckdb.DuckDBPyConnection,
    staged: Staged,
    contract: Contract,
    headers: HeaderMap,
    today: date,
    service: str,
    services: dict[int, str] | None = None,
) -> Validated:
    """Type the contract columns and give each row that fails a check its reason code.

    `service` decides the rating scale and label aliases; `services` (FILE -> service, default
    all `service`) whose pseudonym key prefix each staged file's ids take (files of services
    with the same scale and aliases can be validated together)."""
    macros.ensure(con)
    _pseudonyms(con, contract, headers, services or {0: service})
    header_of = {
        c.name: staged.headers[at] if (at := headers.canonical.get(c.name)) is not None else c.name
        for c in contract.columns
    }
    asked = dict(sorted(headers.questions.items(), key=lambda q: int(q[0][1:])))  # Q1, Q2, ... Q10
    header_of |= {q: staged.headers[at] for q, at in asked.items()}
    scale = config.service(service).evaluation_scale
    checks = rules(contract, header_of, today, list(asked), scale)
    reason = first_applying([(rule.failed, lit(rule.reason)) for rule in checks])
    _work(con, staged, contract, headers, asked, reason)
    _copies(con, contract, staged, reason)

    stored = [c for c in contract.columns if not c.is_label]
    kept = ", ".join(f"{_stored(c, contract)} AS {ident(c.store_as)}" for c in stored)
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW v_rows AS
            SELECT {FILE}, {ROW}, {kept}
                   {"".join(f", {ident(q)}" for q in asked)}
            FROM v_work WHERE __reason IS NULL"""
    )
    counts = {
        at: (rows_in, loaded)
        for at, rows_in, loaded in con.execute(
            f"SELECT {FILE}, count(*), count(*) FILTER (WHERE __reason IS NULL) FROM v_work GROUP BY ALL"
        ).fetchall()
    }
    rejects = (
        _rejects(con, contract, headers, checks, asked, header_of)
        if any(loaded < rows_in for rows_in, loaded in counts.values())
        else pl.DataFrame(schema=REJECT_SCHEMA)
    )
    has_labels = map_labels(con, contract, set(headers.canonical), service, names=bool(headers.names))
    return Validated(
        rejects=rejects,
        stored=[c.store_as for c in stored],
        questions=list(asked),
        has_labels=has_labels,
        counts=counts,
    )


def _pseudonyms(con, contract: Contract, headers: HeaderMap, services: dict[int, str]) -> None:
    """The macro pseudonym(id, file) for this load: the file's service's keyed pseudonym, or null
    when the files have no ids (then no key is needed, and none is written to .env)."""
    ids = [
        at
        for c in contract.columns
        if c.type == "pseudonym" and (at := headers.canonical.get(c.name)) is not None
    ]
    if ids and con.execute(f"SELECT count(cell({column(ids[0])})) > 0 FROM {RAW}").fetchall()[0][0]:
        prefix = by_file("file", {at: lit(f"{service}:") for at, service in services.items()})
        privacy.create_pseudonym_macro(con, prefix)
    else:
        con.execute("CREATE OR REPLACE TEMP MACRO pseudonym(id, file) AS CAST(NULL AS VARCHAR)")


def _work(
    con, staged: Staged, contract: Contract, headers: HeaderMap, asked: dict[str, int], reason: str
) -> None:
    """v_work: each data row's number, its contract cells (<column>__text, trimmed), their typed
    values, the row's name cells (__names, for redaction), the copy counts (filled in by _copies)
    and its reason. Made once: every output of the load reads it.

    A column repeats a few values (a decade of dates is ~3,650 values in a million rows): each
    parser reads each distinct cell once, into a dictionary (v_parsed_<parser>) the rows join."""
    file_cols = staged.columns()
    texts: dict[str, str] = {}  # working column -> SQL over raw_cells for its trimmed cell
    for col in contract.columns:
        at = headers.canonical.get(col.name)
        # (a label cell is kept as read: its labels are trimmed once each, in label_mapping)
        texts[col.name] = (
            (column(at) if col.is_label else f"cell({column(at)})")
            if at is not None
            else "CAST(NULL AS VARCHAR)"
        )
    skipped = ", ".join(lit(a) for a in sorted(contract.questions.not_answered)) if contract.questions else ""
    for q, at in asked.items():
        cell = f"cell({column(at)})"
        texts[q] = f"CASE WHEN lower({cell}) IN ({skipped}) THEN NULL ELSE {cell} END" if skipped else cell
    parser_of = {c.name: PARSERS[c.type] for c in contract.columns if c.type in PARSERS} | dict.fromkeys(
        asked, "parse_count"
    )
    for parser in sorted(set(parser_of.values())):
        cells = " UNION ".join(
            f"SELECT {texts[name]} AS t FROM {RAW}" for name, p in parser_of.items() if p == parser
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE v_parsed_{parser} AS "
            f"SELECT t, {parser}(t) AS v FROM (SELECT DISTINCT t FROM ({cells}) WHERE t IS NOT NULL)"
        )
    joins = " ".join(
        f"LEFT JOIN v_parsed_{parser} p{i} ON p{i}.t = w.{text(name)}"
        for i, (name, parser) in enumerate(parser_of.items())
    )
    at_join = {name: i for i, name in enumerate(parser_of)}
    typed = [f"p{i}.v AS {ident(name)}" for name, i in at_join.items()]  # (other columns: their text)
    # A footer is found in the first column, or in the contract's `total_column` (a figures
    # file's row label) when the file has it.
    at = headers.canonical.get(contract.total_column) if contract.total_column else None
    total_col = column(at) if at is not None else file_cols[0]
    names = "[" + ", ".join(column(at) for at in headers.names) + "]::VARCHAR[]"
    filled = f"coalesce(filled(concat({', '.join(file_cols)})), false)"  # (a row of empty cells is no row)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE v_work AS
            SELECT *, {reason} AS __reason FROM (
                SELECT w.*, {", ".join(typed)} FROM (
                    SELECT {FILE}, {ROW}, {", ".join(f"{sql} AS {text(n)}" for n, sql in texts.items())},
                           coalesce(regexp_matches(cell({total_col}), {lit(TOTAL)}), false) AS __total,
                           {EXTRA if staged.has_extra else "0"} AS __extra, {names} AS __names,
                           {ROW} AS __first_copy, 1 AS __versions, 1 AS __copies
                    FROM {RAW} WHERE {filled}) w {joins})"""
    )


def _copies(con, contract: Contract, staged: Staged, reason: str) -> None:
    """Fill in v_work's __first_copy (row of the first identical row), __versions (distinct rows
    sharing the key) and __copies (rows sharing the key), within each file, and the reasons they
    give. Keys compare as typed values ("Jan-24" and "January 2024" are one month), null included;
    only rows whose key repeats can be duplicates, so this runs on those alone (in a clean export
    there are none)."""
    key = [value(contract, k) for k in contract.natural_key]
    keys = f"({FILE}, {', '.join(key)})"  # (a row value: nulls count as values)
    if not con.execute(f"SELECT count(*) > count(DISTINCT {keys}) FROM v_work").fetchall()[0][0]:
        return  # no key repeats: nothing to count (one aggregate, where the counting took three)
    same_key = " AND ".join(f"w.{k} IS NOT DISTINCT FROM d.{k}" for k in (FILE, *key))
    by_key = ", ".join((FILE, *key))
    cells = ", ".join(f"cell(r.{c})" for c in staged.columns())  # identical: in every column of the file
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE v_copies AS
            WITH d AS (SELECT {by_key} FROM v_work GROUP BY ALL HAVING count(*) > 1),
            c AS (SELECT w.{FILE}, w.{ROW}, {", ".join(f"w.{k}" for k in key)},
                         min(w.{ROW}) OVER (PARTITION BY w.{FILE}, {cells}) AS __first_copy
                  FROM v_work w JOIN d ON {same_key}
                  JOIN {RAW} r ON r.{FILE} = w.{FILE} AND r.{ROW} = w.{ROW})
            SELECT {FILE}, {ROW}, __first_copy,
                   count(DISTINCT __first_copy) OVER (PARTITION BY {by_key}) AS __versions,
                   count(*) OVER (PARTITION BY {by_key}) AS __copies
            FROM c"""
    )
    if con.execute("SELECT count(*) FROM v_copies").fetchall()[0][0]:
        con.execute(
            f"""UPDATE v_work SET __first_copy = c.__first_copy, __versions = c.__versions,
                                  __copies = c.__copies
                FROM v_copies c WHERE v_work.{FILE} = c.{FILE} AND v_work.{ROW} = c.{ROW}"""
        )
        con.execute(
            f"""UPDATE v_work SET __reason = {reason}
                WHERE ({FILE}, {ROW}) IN (SELECT {FILE}, {ROW} FROM v_copies)"""
        )


def _stored(col, contract: Contract) -> str:
    """SQL for what the database keeps of a column: its typed value, or a safe form of a personal one."""
    if col.type == "pseudonym":
        return f"pseudonym({text(col.name)}, {FILE})"
    if col.type == "birth_date":
        start = ident(contract.start_date) if contract.start_date else "CAST(NULL AS DATE)"
        return f"age_band({ident(col.name)}, {start})"  # (both dates: parsed)
    if col.type == "free_text" or (col.type == "text" and not col.key):
        return f"redact_names({text(col.name)}, __names)"  # any text a person typed may hold personal data
    return value(contract, col.name)


def _rejects(con, contract: Contract, headers: HeaderMap, checks, asked, header_of) -> pl.DataFrame:
    """The rejected rows: ROW, reason, detail and the row's values as JSON (header -> stored form).
    A reject's detail quotes the cell that failed ("Date Opened: 'ring mum 07700 900123'"), and an
    answer cell may hold words: both are text a person typed, kept redacted like notes; label cells
    too (a loaded row's labels are redacted when they map to nothing, in label_mapping)."""
    detail = first_applying([(rule.failed, rule.detail) for rule in checks])
    shown = [c for c in contract.columns if c.name in headers.canonical]
    values = []
    for c in shown:
        value = f"redact_names(cell({text(c.name)}), __names)" if c.is_label else _stored(c, contract)
        values.append(f"CAST({value} AS VARCHAR)")
    values += [f"redact_names({text(q)}, __names)" for q in asked]
    rows = con.execute(
        f"""SELECT {FILE}, {ROW}, __reason, redact_names({detail}, __names), {", ".join(values)}
            FROM v_work WHERE __reason IS NOT NULL ORDER BY {FILE}, {ROW}"""
    ).fetchall()
    keys = [header_of[c.name] for c in shown] + [header_of[q] for q in asked]
    return pl.DataFrame(
        {
            "row_number": [r[1] for r in rows],
            "reason": [r[2] for r in rows],
            "detail": [r[3] for r in rows],
            "row_values": [json.dumps(dict(zip(keys, r[4:], strict=True)), ensure_ascii=False) for r in rows],
            "file": [r[0] for r in rows],
        },
        schema=REJECT_SCHEMA,
    )


def release(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what validate() defined (its views and working tables), so a file's rows are not held."""
    for view in ("v_labels", "v_label_cells", "v_rows"):
        con.execute(f"DROP VIEW IF EXISTS {view}")
    for table in (
        "v_work",
        "v_copies",
        "v_label_pairs",
        "v_label_names",
        "v_taxonomy",
        *(f"v_parsed_{p}" for p in set(PARSERS.values())),
    ):
        con.execute(f"DROP TABLE IF EXISTS {table}")
