"""The DuckDB database: opening it (read-only for notebooks, one writer at a time) and its schema.

Tables are documented in docs/database.md. SCHEMA_VERSION changes whenever a table changes, and a
database with another version is rebuilt from the extracts by `sendiass data`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from . import config

SCHEMA_VERSION = "8"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS load_ids START 1;
CREATE TABLE IF NOT EXISTS loads (
    load_id INTEGER PRIMARY KEY DEFAULT nextval('load_ids'),
    service VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    is_sample BOOLEAN NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    rows_in INTEGER NOT NULL,
    rows_loaded INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL,
    columns_dropped VARCHAR[] NOT NULL,  -- headers dropped: personal data, unknown, ignored
    columns_unknown VARCHAR[] NOT NULL,  -- of which the contract does not know (a warning)
    columns_personal VARCHAR[] NOT NULL,  -- of which hold personal data (never read)
    columns_mapped VARCHAR[] NOT NULL,  -- the contract columns the file carried
    CHECK (rows_in = rows_loaded + rows_rejected)
);
CREATE TABLE IF NOT EXISTS rejects (
    load_id INTEGER NOT NULL,
    row_number INTEGER NOT NULL,
    reason VARCHAR NOT NULL,
    detail VARCHAR,
    row_values JSON NOT NULL
);
CREATE TABLE IF NOT EXISTS involvements (
    service VARCHAR NOT NULL,
    involvement_id VARCHAR NOT NULL,
    opened_on DATE NOT NULL,
    first_response_on DATE,
    closed_on DATE,
    intervention_level TINYINT CHECK (intervention_level BETWEEN 1 AND 4),
    client_key VARCHAR,  -- keyed pseudonym of the client id (sendiass_lib/privacy.py)
    age_band VARCHAR,  -- age on the opening date, from the date of birth (never stored)
    notes VARCHAR,  -- redacted free text
    load_id INTEGER NOT NULL
    -- One row per (service, involvement_id): the loader rejects repeated ids within a file and
    -- replaces earlier rows across files. Not a PRIMARY KEY: its index made a 1M-row load 6x
    -- slower (bench/suite.py, ingest rows), and the loader is the only writer. The same holds below.
);
CREATE TABLE IF NOT EXISTS involvement_labels (
    service VARCHAR NOT NULL,
    involvement_id VARCHAR NOT NULL,
    field VARCHAR NOT NULL,  -- the contract's label column: reasons, sen_types, record_type, ...
    raw_label VARCHAR NOT NULL,  -- as written in the extract
    label VARCHAR NOT NULL,  -- the taxonomy's label, or 'Unmapped'
    code VARCHAR,  -- e.g. the DfE primary need code of a SEN type
    list VARCHAR,  -- the taxonomy list in force on the opening date (reasons changed in Apr 2024)
    load_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS training_sessions (
    service VARCHAR NOT NULL,
    session_id VARCHAR NOT NULL,
    session_date DATE NOT NULL,
    course VARCHAR NOT NULL,
    audience VARCHAR,
    format VARCHAR,
    booked INTEGER CHECK (booked >= 0),
    attended INTEGER CHECK (attended >= 0),
    load_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS evaluations (
    service VARCHAR NOT NULL,
    response_id VARCHAR NOT NULL,
    returned_on DATE NOT NULL,
    involvement_id VARCHAR,
    comments VARCHAR,  -- redacted free text
    load_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS evaluation_ratings (
    service VARCHAR NOT NULL,
    response_id VARCHAR NOT NULL,
    question VARCHAR NOT NULL,  -- Q1, Q2, ... as numbered on the form
    rating INTEGER NOT NULL,
    scale_min INTEGER NOT NULL,  -- the service's scale when the form was loaded
    scale_max INTEGER NOT NULL,
    load_id INTEGER NOT NULL,
    CHECK (rating BETWEEN scale_min AND scale_max)
);
CREATE TABLE IF NOT EXISTS training_evaluations (
    service VARCHAR NOT NULL,
    response_id VARCHAR NOT NULL,
    returned_on DATE NOT NULL,
    session_id VARCHAR,
    comments VARCHAR,  -- redacted free text
    load_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS training_evaluation_ratings (
    service VARCHAR NOT NULL,
    response_id VARCHAR NOT NULL,
    question VARCHAR NOT NULL,
    rating INTEGER NOT NULL,
    scale_min INTEGER NOT NULL,
    scale_max INTEGER NOT NULL,
    load_id INTEGER NOT NULL,
    CHECK (rating BETWEEN scale_min AND scale_max)
);
CREATE TABLE IF NOT EXISTS digital_metrics (
    service VARCHAR NOT NULL,  -- the service whose folder the extract came from
    month DATE NOT NULL,  -- first day of the month
    scope VARCHAR NOT NULL,  -- a service slug, or "joint" for channels shared by services
    channel VARCHAR NOT NULL,
    metric VARCHAR NOT NULL,
    item VARCHAR,
    value BIGINT NOT NULL CHECK (value >= 0),
    load_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS service_figures (
    service VARCHAR NOT NULL,  -- the service whose folder the extract came from
    year INTEGER NOT NULL,  -- the YEAR the reporting year starts in (2021 = Buckinghamshire 2021/22)
    as_at DATE,  -- the day a point-in-time table (staffing) describes
    scope VARCHAR,  -- null or the service's slug, or "joint" for posts shared by services
    table_name VARCHAR NOT NULL,  -- "Funding", "In-house staff team", ...
    line INTEGER,  -- the row's place in its table; tells apart rows with the same label
    row_label VARCHAR NOT NULL,
    column_label VARCHAR,  -- null in a by-year table (the years are its columns)
    value DECIMAL(18, 4),  -- a number, exact (sums of money and FTE add up as printed)
    text VARCHAR,  -- a text cell ("BC", "16 years")
    out_of DECIMAL(18, 4),  -- for a cell printed "6/8 met": 8
    unit VARCHAR,  -- GBP, FTE, people, count, standards met, ...
    load_id INTEGER NOT NULL,
    CHECK (value IS NOT NULL OR text IS NOT NULL)
);
"""


class DatabaseBusyError(RuntimeError):
    """Another process holds the database's write lock."""


class DatabaseMissingError(FileNotFoundError):
    """The database file does not exist yet."""


def connect(path: Path | str | None = None, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the database (default: config.db_path()), read-only unless asked to write.

    Notebooks and metrics read; only `sendiass data`/`load` write, and a second writer gets a
    one-line DatabaseBusyError instead of DuckDB's lock trace.
    """
    path = Path(path) if path is not None else config.db_path()
    if read_only and not path.exists():
        raise DatabaseMissingError(f"no database at {path}; build it with `make data`")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusyError("database is being updated by another process, try again") from None
        raise
    # A progress bar would print into notebook outputs (and break nbval). DuckDB 2.0 has it off by
    # default and, inside Jupyter without ipywidgets, refuses even to set it off: set only if on.
    if con.execute("SELECT current_setting('enable_progress_bar')").fetchall()[0][0]:
        con.execute("SET enable_progress_bar = false")
    if not read_only:
        con.execute(SCHEMA)
        con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
    return con


def meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """A value from the meta table, or None."""
    rows = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else None


class _ArrowStream:
    """A polars frame offered to DuckDB through the Arrow C stream interface: DuckDB's own polars
    path converts through pyarrow, whose import (with numpy) costs ~0.3 s of every load."""

    __slots__ = ("frame",)

    def __init__(self, frame) -> None:
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema=None):
        return self.frame.__arrow_c_stream__(requested_schema)


def register(con: duckdb.DuckDBPyConnection, name: str, frame) -> None:
    """Make a polars frame queryable as `name` (undo with con.unregister), without copying it."""
    con.register(name, _ArrowStream(frame))
