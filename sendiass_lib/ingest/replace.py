"""How a newer export replaces a record: the same natural key loaded again (a later export of the
same case) replaces the earlier row, its ratings and its labels.

A load into a database that has data does it as it goes (drop_earlier_versions, per file). A
rebuild loads every file into a new database and does it once at the end (keep_latest): looking
for earlier versions after each of 1,500 small files cost more than loading most of them.
"""

from __future__ import annotations

import duckdb

from .contract import kinds
from .mapping import contract


def drop_earlier_versions(
    con: duckdb.DuckDBPyConnection, table: str, service: str, key: tuple[str, ...]
) -> bool:
    """Delete the service's rows of `table` for the records being loaded (v_rows, matched on
    `key`, nulls equal); whether any were (a record's ratings and labels are only ever there
    beside the record itself, so when none were, theirs need no look)."""
    if not con.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE service = ? LIMIT 1)", [service]
    ).fetchall()[0][0]:
        return False  # (the service's first load of this kind)
    same = " AND ".join(f"t.{k} IS NOT DISTINCT FROM n.{k}" for k in key)
    deleted = con.execute(
        f"""DELETE FROM {table} t USING (SELECT {", ".join(key)} FROM v_rows) n
            WHERE t.service = ? AND {same}""",
        [service],
    ).fetchall()
    return bool(deleted and deleted[0][0])


def keep_latest(con: duckdb.DuckDBPyConnection) -> None:
    """For every kind's table, keep only the latest load's row of each (service, natural key), and
    that row's ratings and labels: what loading the files one by one in order would have left."""
    for kind in kinds():
        spec = contract(kind)
        key = spec.natural_key
        same = " AND ".join(f"t.{k} IS NOT DISTINCT FROM d.{k}" for k in key)
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE replaced AS
                SELECT service, {", ".join(key)}, max(load_id) AS latest FROM {spec.table}
                GROUP BY ALL HAVING count(*) > 1"""
        )
        if not con.execute("SELECT count(*) FROM replaced").fetchall()[0][0]:
            continue
        children = [(spec.table, key)]
        if spec.labels_table:
            children.append((spec.labels_table, key[:1]))
        if spec.questions:
            children.append((spec.questions.table, key[:1]))
        for table, by in children:
            match = " AND ".join(f"t.{k} IS NOT DISTINCT FROM d.{k}" for k in by) if by != key else same
            con.execute(
                f"""DELETE FROM {table} t USING replaced d
                    WHERE t.service = d.service AND {match} AND t.load_id < d.latest"""
            )
    con.execute("DROP TABLE IF EXISTS replaced")
