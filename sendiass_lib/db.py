"""The DuckDB database: opening it (read-only for notebooks, one writer at a time) and its schema.

Tables are documented in docs/database.md. SCHEMA_VERSION changes whenever a table changes, and a
database with another version is rebuilt from the extracts by `sendiass data`.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from . import config, periods

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
    """Another process has the database open in a way that stops this one: the message says which
    process (a notebook kernel, `sendiass data`, ...) and what to do."""


class DatabaseMissingError(FileNotFoundError):
    """The database file does not exist yet."""


def connect(path: Path | str | None = None, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the database (default: config.db_path()), read-only unless asked to write.

    Notebooks and metrics read; only `sendiass data`/`load` write. When another process holds the
    file, a one-line DatabaseBusyError names it (busy_message) instead of DuckDB's lock trace.
    """
    path = Path(path) if path is not None else config.db_path()
    if read_only and not path.exists():
        raise DatabaseMissingError(f"no database at {path}; build it with `make data`")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusyError(lock_error_message(path, str(exc))) from None
        raise
    # A progress bar would print into notebook outputs (and break nbval). DuckDB 2.0 has it off by
    # default and, inside Jupyter without ipywidgets, refuses even to set it off: set only if on.
    if con.execute("SELECT current_setting('enable_progress_bar')").fetchall()[0][0]:
        con.execute("SET enable_progress_bar = false")
    con.execute(periods.REPORTING_YEAR_OF)
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


# Who holds the file. DuckDB 2.0's lock error names the holder's PID: 'Could not set lock on file
# "<path>": Conflicting lock is held in <executable> (PID <n>).', followed by 'However, you would be
# able to open this database in read-only mode, ...' only when the holder itself reads (a shared lock).
LOCK_HOLDER = re.compile(r"Conflicting lock is held in .*? \(PID (\d+)\)")
READER_HOLDS = "would be able to open this database in read-only mode"
WRITERS = ("sendiass data", "sendiass load")  # the commands that write the database
WAIT = "wait for it to finish, then run again"


def lock_error_message(path: Path, error: str) -> str:
    """DuckDB's lock error as one line saying which process holds `path` and what to do."""
    found = LOCK_HOLDER.search(error)
    return busy_message(path, int(found.group(1)) if found else None, reader=READER_HOLDS in error)


def busy_message(path: Path, pid: int | None, reader: bool = False, building: bool = False) -> str:
    """'<path> is ... (PID n ...); <what to do>, then run again': which process holds the database
    (from /proc/<pid>/cmdline, where it can be read) and whether it reads or writes; `building`: it
    holds the build lock beside the database (ingest/build.py)."""
    where, command = _shown(path), _command(pid)
    own = _sendiass_command(command)
    if own:
        doing = "read" if reader and not building and own not in WRITERS else "updated"
        return f"{where} is being {doing} by `{own}` (PID {pid}); {WAIT}"
    what = f"PID {pid}: {_brief(command)}" if command else f"PID {pid}" if pid else ""
    process = f"another process ({what})" if what else "another process"
    if building:
        return f"{where} is being updated by {process}; {WAIT}"
    if any("ipykernel" in arg for arg in command):
        return _kernel_message(where, pid)
    if reader:
        return f"{where} is open read-only in {process}; close its connection to the database, then run again"
    return f"{where} is open for writing in {process}; wait for it to finish or close it, then run again"


def _kernel_message(where: Path, pid: int | None) -> str:
    """A notebook kernel holds the database: one of JupyterLab's (`make lab`), or of a page build."""
    parent = _parent(pid)
    runner = _sendiass_command(_command(parent))
    if runner:
        return f"{where} is open in a notebook kernel of `{runner}` (PID {parent}); {WAIT}"
    lab = any(name in arg for arg in _command(parent) for name in ("jupyter-lab", "jupyter-server"))
    started, stop = (f", started by JupyterLab (PID {parent})", " or stop `make lab`") if lab else ("", "")
    return (
        f"{where} is open in a notebook kernel (PID {pid}{started}); shut down that notebook's kernel{stop}, "
        "then run again"
    )


def _command(pid: int | None) -> list[str]:
    """The process's command line, or [] when it cannot be read (another user, another system)."""
    if not pid:
        return []
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [arg for arg in raw.decode(errors="replace").split("\0") if arg]


def _parent(pid: int | None) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (OSError, TypeError):
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # the fields after the command name: state, ppid


def _sendiass_command(command: list[str]) -> str:
    """'sendiass data' for a `sendiass data` process: the console script (run directly or by its
    Python), or python -m sendiass_lib.cli; '' for any other."""
    for i, arg in enumerate(command[:4]):
        script = i < 2 and Path(arg).name == "sendiass"
        if script or (arg == "sendiass_lib.cli" and command[i - 1] == "-m"):
            sub = next((a for a in command[i + 1 :] if not a.startswith("-")), "")
            return f"sendiass {sub}".strip()
    return ""


def _brief(command: list[str]) -> str:
    """A command line shortened for a message: 'python3.11 -m pytest tests/test_x.py'."""
    text = " ".join(" ".join([Path(command[0]).name, *command[1:]]).split()) if command else ""
    return text if len(text) <= 60 else text[:57] + "..."


def _shown(path: Path) -> Path:
    """A path as a user would type it: relative to the current folder when inside it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return Path(path)
