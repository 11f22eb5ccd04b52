"""The loaded rows' labels in SQL: one row per label of each label column, mapped onto the column's
taxonomy on the row's start date (so the reasons list in force then applies).

A cell of a several-label column is split on ";"; labels are trimmed and empty ones dropped. A
label's mapping depends only on its text and date, so each distinct (field, label, date) is mapped
once (v_label_pairs), by labels.service_taxonomy's lookup table (package aliases plus the
service's own), and v_labels joins the mapping back. A label that maps to nothing is kept as
"Unmapped" with its text, redacted like notes (it is text somebody typed), with its row's names.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from .. import db
from ..labels import UNMAPPED, service_taxonomy, taxonomy
from .checks import text, value
from .contract import Contract
from .mapping import ServiceMapping, mapping
from .raw_extract import FILE, ROW
from .sql_text import ident, lit


def map_labels(
    con: duckdb.DuckDBPyConnection, contract: Contract, present: set[str], service: str, names: bool
) -> bool:
    """Define v_labels (FILE, natural key, field, raw_label, label, code, list) over v_work's loaded
    rows, and v_label_pairs (field, list, piece: a cell's part as split; labels: how many;
    raw_label: it trimmed; label, code); False (and neither) when the contract has no label
    columns. `names`: whether the rows have name cells to redact unmapped labels with."""
    if not any(c.is_label for c in contract.columns):
        return False
    key = contract.natural_key[0]
    columns = [c for c in contract.columns if c.is_label and c.name in present]
    lists = _register_taxonomies(con, columns, service)
    on = ident(contract.start_date) if contract.start_date else lit(date.today())
    parts = []
    for col in columns:
        cell = text(col.name)
        split = f"unnest(string_split({cell}, ';'))" if col.type == "labels" else cell
        parts.append(
            f"SELECT {FILE}, {ROW}, {value(contract, key)} AS key, {lit(col.name)} AS field, "
            f"{_list_in_force(lists[col.name], on)} AS list, {split} AS piece "
            f"FROM v_work WHERE __reason IS NULL AND {cell} IS NOT NULL"
        )
    body = " UNION ALL ".join(parts) or (
        f"SELECT NULL::INTEGER AS {FILE}, NULL::INTEGER AS {ROW}, NULL::VARCHAR AS key, "
        "NULL::VARCHAR AS field, NULL::VARCHAR AS list, NULL::VARCHAR AS piece WHERE false"
    )
    con.execute(f"CREATE OR REPLACE TEMP VIEW v_label_cells AS {body}")
    # The pairs are few (a few hundred in a million involvements): each is trimmed and mapped once.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE v_label_pairs AS
            SELECT p.field, p.list, p.piece, p.labels, p.raw_label,
                   coalesce(t.label, {lit(UNMAPPED)}) AS label, t.code
            FROM (SELECT field, list, piece, count(*) AS labels, cell(piece) AS raw_label
                  FROM v_label_cells GROUP BY field, list, piece) p
            LEFT JOIN v_taxonomy t ON t.field = p.field AND t.list = p.list AND t.key = label_key(p.raw_label)
            WHERE p.raw_label IS NOT NULL"""
    )
    join = "JOIN v_label_pairs p ON p.field = c.field AND p.list IS NOT DISTINCT FROM c.list"
    join += " AND p.piece = c.piece"
    raw = "p.raw_label"
    unmapped = f"SELECT 1 FROM v_label_pairs WHERE label = {lit(UNMAPPED)} LIMIT 1"
    if (
        names and con.execute(unmapped).fetchall()
    ):  # their row's names redact them: looked up for those rows only
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE v_label_names AS SELECT w.{FILE}, w.{ROW}, w.__names
                FROM v_work w SEMI JOIN (SELECT c.{FILE}, c.{ROW} FROM v_label_cells c {join}
                                         WHERE p.label = {lit(UNMAPPED)}) u
                ON u.{FILE} = w.{FILE} AND u.{ROW} = w.{ROW}"""
        )
        join += f" LEFT JOIN v_label_names n ON n.{FILE} = c.{FILE} AND n.{ROW} = c.{ROW}"
        redacted = "redact_names(p.raw_label, n.__names)"
        raw = f"CASE WHEN p.label = {lit(UNMAPPED)} THEN {redacted} ELSE p.raw_label END"
    else:
        raw = f"CASE WHEN p.label = {lit(UNMAPPED)} THEN redact(p.raw_label) ELSE p.raw_label END"
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW v_labels AS
            SELECT c.{FILE}, c.key AS {ident(key)}, c.field, {raw} AS raw_label, p.label, p.code, c.list
            FROM v_label_cells c {join}"""
    )
    return True


def _list_in_force(lists: list[tuple], on: str) -> str:
    """SQL for the name of the taxonomy list (name, from, until) in force on the day `on` (null if none)."""
    cases = " ".join(
        f"WHEN {on} BETWEEN {lit(start)} AND {lit(end)} THEN {lit(name)}" for name, start, end in lists
    )
    return f"CASE {cases} END" if cases else "CAST(NULL AS VARCHAR)"


def _register_taxonomies(con: duckdb.DuckDBPyConnection, columns, service: str) -> dict[str, list[tuple]]:
    """v_taxonomy: each label column's lookup (field, list, valid_from, valid_until, key, label, code);
    returns each column's lists (name, from, until), earliest first."""
    wanted = tuple((col.name, col.taxonomy) for col in columns)
    if not wanted:  # (a file with none of the label columns)
        con.execute(
            """CREATE OR REPLACE TEMP TABLE v_taxonomy (list VARCHAR, valid_from DATE, valid_until DATE,
               key VARCHAR, label VARCHAR, code VARCHAR, field VARCHAR)"""
        )
        return {}
    lookup, lists = _lookup(mapping(service), wanted)
    db.register(con, "taxonomy_frame", lookup)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE v_taxonomy AS SELECT * FROM taxonomy_frame")
    finally:
        con.unregister("taxonomy_frame")
    return lists


_LOOKUPS: dict[tuple[int, tuple], tuple[tuple, pl.DataFrame, dict]] = {}


def _lookup(own: ServiceMapping, columns: tuple[tuple[str, str], ...]) -> tuple[pl.DataFrame, dict]:
    """The lookup table of these (column, taxonomy) pairs with a service's own label aliases, and
    each column's lists: made once per mapping file read (a load of many files asked for it per
    file). A mapping file or taxonomy read again (their caches cleared) is a new object: it is
    made anew."""
    sources = (own, *(taxonomy(group) for _, group in columns))
    held = _LOOKUPS.get((id(own), columns))
    if held is not None and all(a is b for a, b in zip(held[0], sources, strict=True)):
        return held[1], held[2]
    frames = {
        name: service_taxonomy(group, own.label_targets(group))
        .select("list", "valid_from", "valid_until", "key", "label", "code")
        .with_columns(field=pl.lit(name))
        for name, group in columns
    }
    lists = {
        name: frame.select("list", "valid_from", "valid_until").unique().sort("valid_from").rows()
        for name, frame in frames.items()
    }
    lookup = pl.concat(list(frames.values()))
    _LOOKUPS[(id(own), columns)] = (sources, lookup, lists)
    return lookup, lists
