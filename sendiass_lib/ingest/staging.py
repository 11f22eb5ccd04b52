"""An extract's cells in DuckDB, as text, ready for the SQL that validates them (ingest.validate).

Each file becomes the temp table `raw_cells`: FILE (0), ROW (the row number a user is told), then
its cells c0 ... cN as text (read with the macro cell(), which trims them and makes an empty one null), and
EXTRA when some row has more cells than the header. A plain CSV is read by DuckDB itself (the
fast path: nothing passes through Python); anything else (a workbook, a download a native source
converts, a CSV in UTF-16 or Windows-1252, with blank lines, a row too wide or too short, or a
quoted line break above the header) is read by readers.read_extract and handed over as a frame,
so every extract is validated by the same SQL however it was read.

Plain CSVs of one shape (same header line, separator and lines above it) can be staged together
(stage_many), FILE numbering them: a rebuild of many small files then pays each statement's fixed
cost once per batch, not once per file.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from .. import db
from . import macros
from .csv_layout import HEAD_BYTES, csv_layout
from .errors import ExtractError
from .raw_extract import EXTRA, FILE, ROW, IsHeader, RawExtract, column
from .readers import CSV_SUFFIXES, read_extract
from .sql_text import lit

RAW = "raw_cells"


@dataclass(frozen=True)
class Staged:
    """One extract in `raw_cells`: its headers as written, the encoding it was read in, and whether
    some row had more cells than its header (EXTRA)."""

    headers: list[str]
    encoding: str
    has_extra: bool = False

    def columns(self) -> list[str]:
        return [column(i) for i in range(len(self.headers))]


def stage(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    is_header: IsHeader,
    sheet: str | None = None,
    convert=None,
) -> Staged:
    """Put the extract at `path` into `raw_cells` (replacing any there); an unusable file raises
    ExtractError. `convert(path)` gives a native download's RawExtract."""
    if convert is None and sheet is None:
        fast = _plain_csv(con, path, is_header)
        if fast is not None:
            return fast
    raw = convert(path) if convert is not None else read_extract(path, is_header, sheet)
    return stage_frame(con, raw)


def stage_frame(con: duckdb.DuckDBPyConnection, raw: RawExtract) -> Staged:
    """Put an extract already read into cells (readers.read_extract, a native source) into `raw_cells`."""
    drop(con)
    db.register(con, "staged_frame", raw.rows)
    try:
        con.execute(f"CREATE TEMP TABLE {RAW}_read AS SELECT * FROM staged_frame")
        con.execute(f"CREATE TEMP VIEW {RAW} AS SELECT 0 AS {FILE}, * FROM {RAW}_read")
    finally:
        con.unregister("staged_frame")
    return Staged(list(raw.headers), raw.encoding, has_extra=EXTRA in raw.rows.columns)


def stage_many(con: duckdb.DuckDBPyConnection, paths: list[Path], shape: CsvShape) -> Staged | None:
    """Put several plain CSVs of one shape (csv_shape) into `raw_cells` with one read, FILE
    numbering them in the order given; None (nothing staged) when any needs the careful reader
    or has no data rows: each is then staged alone, to be loaded or refused in its own words."""
    firsts = _read(con, paths, shape)
    if firsts is None or None in firsts:  # (None: a file with a header and no rows)
        drop(con)
        return None
    _number(con, paths, firsts)
    return Staged(list(shape.header), shape.encoding)


def column_values(con: duckdb.DuckDBPyConnection, at: int) -> pl.Series:
    """The filled cells of file column `at` of a file staged alone (for judging a header the
    contract does not know)."""
    return file_values(con, at).get(0, pl.Series(column(at), [], dtype=pl.String))


def file_values(con: duckdb.DuckDBPyConnection, at: int) -> dict[int, pl.Series]:
    """Each staged file's filled cells of column `at`, in file order, by FILE (a file with none
    is left out): one query for the files staged together."""
    macros.ensure(con)
    rows = con.execute(f"SELECT {FILE}, cell({column(at)}) AS v FROM {RAW} WHERE v IS NOT NULL").fetchall()
    cells: dict[int, list[str]] = {}
    for file, value in rows:
        cells.setdefault(file, []).append(value)
    return {file: pl.Series(column(at), found, dtype=pl.String) for file, found in cells.items()}


def drop(con: duckdb.DuckDBPyConnection) -> None:
    """Forget the staged cells (the view raw_cells, over the table the file was read into)."""
    con.execute(f"DROP VIEW IF EXISTS {RAW}")
    con.execute(f"DROP TABLE IF EXISTS {RAW}_read")
    con.execute(f"DROP TABLE IF EXISTS {RAW}_files")


@dataclass(frozen=True)
class CsvShape:
    """How DuckDB's reader is to read a plain CSV: files of one shape can be read together."""

    separator: str
    skip_lines: int  # lines above the header
    header: tuple[str, ...]
    encoding: str  # utf-8 or utf-8-sig


def csv_shape(path: Path, is_header: IsHeader) -> CsvShape | None:
    """The shape of a CSV that DuckDB's reader can read, or None when it needs the careful
    reader: an encoding other than UTF-8 (DuckDB refuses invalid UTF-8), an empty line (DuckDB
    drops it, which would renumber the rows below it), a quoted cell above the data, or no header
    found. (A row wider or narrower than the header shows only in reading: _read.)"""
    if path.suffix.lower() not in CSV_SUFFIXES:
        return None
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\n\n" in data or b"\n\r\n" in data:
        return None
    head = data[: HEAD_BYTES + 1]
    del data
    layout = csv_layout(head, is_header) if head.strip(codecs.BOM_UTF8 + b" \t\r\n") else None
    if layout is None or not layout.found or not layout.header:
        return None  # (the careful reader refuses the file with its own words)
    if b'"' in b"\n".join(head.split(b"\n")[: layout.skip_lines + 1]):
        return None  # a quoted cell above the data may span lines: DuckDB's `skip` counts them otherwise
    encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    return CsvShape(layout.separator, layout.skip_lines, tuple(layout.header), encoding)


def _plain_csv(con: duckdb.DuckDBPyConnection, path: Path, is_header: IsHeader) -> Staged | None:
    """Read a CSV with DuckDB's reader, or None when it needs the careful reader (csv_shape, _read)."""
    shape = csv_shape(path, is_header)
    firsts = _read(con, [path], shape) if shape is not None else None
    if firsts is None:
        return None
    if firsts == [None]:
        drop(con)
        raise ExtractError(f"{path.name}: the file has a header row but no data rows")
    _number(con, [path], firsts)
    return Staged(list(shape.header), shape.encoding)


def _read(con: duckdb.DuckDBPyConnection, paths: list[Path], shape: CsvShape) -> list[int | None] | None:
    """Read the files into {RAW}_read (their cells; with several, each row's filename) in one
    read_csv; each file's first rowid (None: no rows), or None (nothing kept) when a row cannot
    be read as the header says.

    Rows DuckDB cannot read are set aside (store_rejects), never raised: an error would abort
    the transaction a rebuild loads many files in. Any, and the careful reader reads the file
    instead (it keeps a too-wide row, to reject it with its row number)."""
    names = [column(i) for i in range(len(shape.header))]
    types = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {RAW}_read AS
            SELECT * FROM read_csv($paths, delim = $sep, quote = '"', escape = '"', header = false,
                                   skip = $skip, columns = {types}, auto_detect = false,
                                   strict_mode = true, encoding = 'utf-8', store_rejects = true,
                                   filename = {lit(len(paths) > 1)}, rejects_table = '{RAW}_rejects',
                                   rejects_scan = '{RAW}_scans')""",
        {"paths": [str(p) for p in paths], "sep": shape.separator, "skip": shape.skip_lines + 1},
    )
    unreadable = con.execute(f"SELECT count(*) FROM {RAW}_rejects").fetchall()[0][0]
    con.execute(f"DROP TABLE {RAW}_rejects")
    con.execute(f"DROP TABLE {RAW}_scans")
    if unreadable:
        drop(con)
        return None
    if len(paths) == 1:
        return [con.execute(f"SELECT min(rowid) FROM {RAW}_read").fetchall()[0][0]]
    found = dict(con.execute(f"SELECT filename, min(rowid) FROM {RAW}_read GROUP BY filename").fetchall())
    return [found.get(str(path)) for path in paths]


def _number(con: duckdb.DuckDBPyConnection, paths: list[Path], firsts: list[int]) -> None:
    """The view `raw_cells` over {RAW}_read: each row's FILE (its file's place in `paths`) and ROW.

    Rows are numbered by their place in the table, which is their order in the file (DuckDB keeps
    insertion order, file by file): numbering them while reading (row_number()) read on one
    thread. (Inside a transaction, a new table's rowids start far above 0: counted from each
    file's first.)"""
    if len(paths) == 1:
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {RAW} AS "
            f"SELECT 0 AS {FILE}, CAST(rowid - {firsts[0]} + 1 AS INTEGER) AS {ROW}, * FROM {RAW}_read"
        )
        return
    values = ", ".join(
        f"({at}, {lit(str(path))}, {first})"
        for at, (path, first) in enumerate(zip(paths, firsts, strict=True))
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE {RAW}_files ({FILE} INTEGER, filename VARCHAR, first BIGINT)")
    con.execute(f"INSERT INTO {RAW}_files VALUES {values}")
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW {RAW} AS
            SELECT f.{FILE}, CAST(r.rowid - f.first + 1 AS INTEGER) AS {ROW}, r.* EXCLUDE (filename)
            FROM {RAW}_read r JOIN {RAW}_files f USING (filename)"""
    )
