"""The SQL macros a load uses (cell trimming, parsers, redaction, age bands), made once per connection.

They are temporary (the connection's own, never stored in a database file). Making them took ~20 ms,
more than validating a small file, so a marker view says they are there; it goes with them if the
transaction that made them is rolled back.
"""

from __future__ import annotations

import duckdb

from .. import privacy_sql
from . import sql_parse

MARKER = "ingest_macros_made"
# What a cell is trimmed of: Unicode's White_Space characters (polars' strip_chars() set).
# DuckDB's trim() removes only spaces, and trim() with a set of characters is ~10x slower.
WHITESPACE_CODES = (9, 10, 11, 12, 13, 32, 133, 160, 5760, *range(8192, 8203), 8232, 8233, 8239, 8287, 12288)
WHITESPACE = "".join(map(chr, WHITESPACE_CODES))
_SPACE_CLASS = "[" + "".join(f"\\x{{{c:x}}}" for c in WHITESPACE_CODES) + "]"
# cell(x): a cell as validation reads it, trimmed, empty as null. Most cells need no trimming:
# looking at their first and last characters first is ~3x faster than trimming every one.
CELL_MACRO = f"""
CREATE OR REPLACE TEMP MACRO cell(x) AS
    CASE WHEN regexp_matches(x, '^{_SPACE_CLASS}|{_SPACE_CLASS}$')
         THEN nullif(regexp_replace(x, '^{_SPACE_CLASS}+|{_SPACE_CLASS}+$', '', 'g'), '')
         WHEN x = '' THEN NULL ELSE x END;
CREATE OR REPLACE TEMP MACRO filled(x) AS regexp_matches(x, '[^{_SPACE_CLASS[1:]}');
"""


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Make the load's macros on this connection, unless they are there already."""
    made = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND temporary", [MARKER]
    ).fetchall()[0][0]
    if made:
        return
    con.execute(CELL_MACRO)
    sql_parse.create_macros(con)
    privacy_sql.create_macros(con)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {MARKER} AS SELECT 1 AS made")
