"""Checks on the database after every load, in the spirit of dbt's data tests: the tables dropped
their primary keys for speed (db.py), so what the loader promises is checked here instead.

Derived from the contracts (ingest/contracts/*.yaml), so a new kind is checked with no code:
- unique: each table's natural key (service + the contract's `natural_key`), and each rating table's
  (service + form + question);
- relationships: every label row, rating row, reject and stored row belongs to a parent that exists
  (its record, its form, its load);
- bookkeeping: each load's rejects are as many as it says, and rows_in = rows_loaded + rows_rejected.

`build` runs them on the new database before it replaces the old one: a failure keeps the old one
and says which check failed and how many rows break it.
"""

from __future__ import annotations

import duckdb

from .contract import base_contract, kinds


def checks() -> list[tuple[str, str]]:
    """(name, SQL counting the rows that break it) for every check."""
    found: list[tuple[str, str]] = []
    for kind in kinds():
        spec = base_contract(kind)
        key = ["service", *spec.natural_key]
        found.append(_unique(spec.table, key))
        found.append(_belongs(spec.table, "loads", ["load_id"]))
        if spec.labels_table:
            found.append(_belongs(spec.labels_table, spec.table, ["service", spec.natural_key[0]]))
        if spec.questions:
            parent = ["service", spec.natural_key[0]]
            found.append(_unique(spec.questions.table, [*parent, "question"]))
            found.append(_belongs(spec.questions.table, spec.table, parent))
    found.append(_belongs("rejects", "loads", ["load_id"]))
    found.append(
        (
            "each load's rejects are as many as it counts",
            """SELECT count(*) FROM loads l WHERE l.rows_rejected
               != (SELECT count(*) FROM rejects r WHERE r.load_id = l.load_id)""",
        )
    )
    found.append(
        (
            "rows_in = rows_loaded + rows_rejected",
            "SELECT count(*) FROM loads WHERE rows_in != rows_loaded + rows_rejected",
        )
    )
    return found


def _unique(table: str, key: list[str]) -> tuple[str, str]:
    columns = ", ".join(key)
    # GROUP BY puts nulls together: an optional key part (a digital item) is compared as the loader
    # compares it (IS NOT DISTINCT FROM).
    return (
        f"{table} is unique on ({columns})",
        f"SELECT count(*) FROM (SELECT {columns} FROM {table} GROUP BY ALL HAVING count(*) > 1)",
    )


def _belongs(child: str, parent: str, key: list[str]) -> tuple[str, str]:
    same = " AND ".join(f"p.{k} = c.{k}" for k in key)
    return (
        f"every {child} row has its {parent} row ({', '.join(key)})",
        f"SELECT count(*) FROM {child} c WHERE NOT EXISTS (SELECT 1 FROM {parent} p WHERE {same})",
    )


def run(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every check that fails, as 'name: N rows'; empty when the database is sound."""
    failed = []
    for name, sql in checks():
        [(n,)] = con.execute(sql).fetchall()
        if n:
            failed.append(f"data check failed: {name}: {n:,} row(s) break it")
    return failed
