"""Reading an extract file into text cells, wherever in the file people put the table.

CSV: UTF-8 with or without BOM, Windows-1252 or UTF-16 (with BOM); comma, semicolon or tab
delimited, or the separator an Excel "sep=" first line names; CRLF or LF. XLSX: the first worksheet
holding a header, or the one asked for (read by fastexcel, ~20x faster than openpyxl). In both, the
header is the first of the top 30 rows that the caller's `is_header` accepts, so title lines above
it are skipped. Every cell is read as text (parsing happens later, so a bad cell rejects its row
instead of failing the file); cells are trimmed and empty cells become null. `describe` says where
the table is in a file without loading it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .errors import ExtractError

ROW = "__row"  # the row number a user is told: CSV, the 1-based data row; XLSX, the worksheet row
EXTRA = "__extra_cells"  # cells beyond the header's width in a row (CSV only; such rows are rejected)
IsHeader = Callable[[list[str]], bool]  # whether a row of trimmed cells is the header

HEADER_SEARCH_ROWS = 30  # the header is looked for in this many rows (CSV: lines) at the top
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt"}
SEPARATORS = (",", ";", "\t")
HEAD_BYTES = 1 << 20  # a CSV's header is looked for in its first MiB: the file is never split
# Excel's first line naming the separator: sep=, sep=; or sep=<tab> (also written "sep=\t",
# quoted, or followed by more separators once a spreadsheet has re-saved it).
SEP_LINE = re.compile(r'"?sep=(\\t|\t|[^\w\s"])"?(?:\1)*[ \r\n]*', re.IGNORECASE)


@dataclass(frozen=True)
class RawExtract:
    """One file's headers and its rows as trimmed text: column i of `rows` is named column(i)."""

    headers: list[str]
    rows: pl.DataFrame
    encoding: str


@dataclass(frozen=True)
class SheetInfo:
    """Where the table is in one worksheet (a CSV file is one sheet), found as a load finds it.

    rows: rows in the sheet, title and header rows included (CSV: lines in the file).
    header_row: the 1-based worksheet row (CSV: line) of the header found, or None.
    headers: that header's cells as written; () when none was found.
    title_lines: the non-blank rows above the header, cells joined by spaces. They are normally a
        report's title and date range, but are text a person typed: for display only.
    separator, sep_line: CSV only: the separator used, and whether an Excel "sep=" line named it.
    encoding: CSV: utf-8, utf-8-sig (with BOM), cp1252 or utf-16; "xlsx" for a worksheet.
    """

    name: str
    rows: int
    header_row: int | None
    headers: tuple[str, ...] = ()
    title_lines: tuple[str, ...] = ()
    separator: str | None = None
    sep_line: bool = False
    encoding: str = "xlsx"


def column(index: int) -> str:
    """Name of the index-th file column in RawExtract.rows (positional, so duplicate headers work)."""
    return f"c{index}"


def read_extract(path: Path, is_header: IsHeader, sheet: str | None = None) -> RawExtract:
    """Read a CSV or XLSX extract; an unusable file raises ExtractError with a one-line cause.

    `is_header` tells whether a row of cells is the header (exports often have title rows above
    it). `sheet` names the worksheet to read; by default it is the first one holding a header.
    """
    if _is_workbook(path):
        return read_xlsx(path, is_header, sheet)
    if sheet is not None:
        raise ExtractError(f"{path.name}: a CSV file has no worksheets, so no sheet '{sheet}'")
    return read_csv(path, is_header)


def describe(path: Path, is_header: IsHeader) -> list[SheetInfo]:
    """Each worksheet of an extract (a CSV is one) and where its header is, without loading it.

    A file that cannot be read at all (corrupt, unreadable encoding, another format) raises
    ExtractError as a load would; an empty file or sheet is described (rows=0)."""
    if _is_workbook(path):
        book = _workbook(path)
        grids = ((name, _sheet_grid(book, name, path.name)) for name in book.sheet_names)
        return [_describe_grid(name, grid, is_header) for name, grid in grids]
    data, encoding = utf8_bytes(path.read_bytes(), path.name)
    layout = None if _is_blank(data) else _csv_layout(data, is_header)
    if layout is None:
        return [SheetInfo(name=path.name, rows=0, header_row=None, encoding=encoding)]
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    return [
        SheetInfo(
            name=path.name,
            rows=lines,
            header_row=layout.skip_lines + 1 if layout.found else None,
            headers=layout.header if layout.found else (),
            title_lines=layout.titles,
            separator=layout.separator,
            sep_line=layout.declared,
            encoding=encoding,
        )
    ]


def _is_workbook(path: Path) -> bool:
    """XLSX (True) or CSV (False); any other file is refused naming what to save it as."""
    suffix = path.suffix.lower()
    if suffix not in XLSX_SUFFIXES | CSV_SUFFIXES:
        raise ExtractError(f"{path.name}: cannot read '{suffix}' files; save the export as CSV or XLSX")
    return suffix in XLSX_SUFFIXES


# --- CSV ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CsvLayout:
    """Where a CSV's table starts, found in its first lines (see _csv_layout)."""

    separator: str
    declared: bool  # an Excel "sep=" first line named the separator (the line is skipped)
    skip_lines: int  # lines above the header: a sep= line, title lines, blank lines
    header: tuple[str, ...]  # the header's cells, trimmed
    found: bool  # is_header accepted it (else it is the first non-blank line, to be refused later)
    titles: tuple[str, ...] = ()  # non-blank lines above the header, cells joined by spaces


def read_csv(path: Path, is_header: IsHeader) -> RawExtract:
    """A CSV extract: the header is found in the first lines, polars reads from it on; ROW is the
    1-based data row under the header (title lines and the header are not counted)."""
    data, encoding = utf8_bytes(path.read_bytes(), path.name)
    layout = None if _is_blank(data) else _csv_layout(data, is_header)
    if layout is None:
        raise ExtractError(f"{path.name}: the file is empty")
    # Only the first lines are looked at in Python: a million-row file is never split or copied,
    # polars skips the lines above the header itself.
    try:
        rows = pl.read_csv(
            data,
            separator=layout.separator,
            skip_lines=layout.skip_lines,
            infer_schema=False,
            has_header=True,
        )
    except pl.exceptions.PolarsError:
        rows = _read_malformed_csv(data, layout, path.name)
    del data  # the file's bytes are not needed past here: free them before the cells are trimmed
    if not rows.height:
        raise ExtractError(f"{path.name}: the file has a header row but no data rows")
    # Headers as written (polars renames duplicates), read by the csv module's quoting rules.
    headers = list(layout.header)
    cells = [name for name in rows.columns if name != EXTRA]
    if len(headers) != len(cells):  # the csv module and polars disagree on the header: trust polars
        headers = [h.strip() for h in cells]
    return RawExtract(headers=headers, rows=_numbered(_as_cells(rows), first_row=1), encoding=encoding)


def _csv_layout(data: bytes, is_header: IsHeader) -> _CsvLayout | None:
    """Separator, header and title lines of a CSV (as UTF-8 bytes) from its first lines, or None
    when they are all blank. The header is the first of the first 30 lines that `is_header`
    accepts, read with the separator an Excel "sep=" line names, else with whichever of comma,
    semicolon and tab finds a header (the one the header line uses most, if several do). When no
    line is accepted, the first non-blank line is the header, so the load is refused naming it."""
    lines = _head_lines(data)
    named = _declared_separator(lines[0]) if lines else None
    start = int(named is not None)
    found = []  # (line of the header, -uses of the separator in it, separator, records, index)
    for separator in (named,) if named else SEPARATORS:
        records = _records(lines, start, separator)
        for at, (first, end, cells) in enumerate(records):
            if found and first > found[0][0]:  # below a header already found: not the first
                break
            if is_header(cells):
                found.append((first, -"".join(lines[first:end]).count(separator), separator, records, at))
                found.sort(key=lambda f: f[:2])
                break
    best = None if found else _best_guess(lines, start, named, is_header)
    if found or best:
        _, _, separator, records, at = found[0] if found else best
        titles = tuple(" ".join(c for c in cells if c) for _, _, cells in records[:at] if any(cells))
    else:
        first = next((i for i in range(start, len(lines)) if lines[i].strip(' \t\r\n,;"')), None)
        if first is None:
            return None
        separator = named or max(SEPARATORS, key=lines[first].count)
        records = _records(lines, first, separator) or [(first, first + 1, [])]  # (a stray CR)
        at, titles = 0, ()
    return _CsvLayout(
        separator=separator,
        declared=named is not None,
        skip_lines=records[at][0],
        header=tuple(records[at][2]),
        found=bool(found),
        titles=titles,
    )


def _best_guess(lines: list[str], start: int, named: str | None, is_header: IsHeader):
    """When no line is the header, the line naming most of the kind's columns (`is_header`'s
    contract's header_score), as found would hold it; None when none names any. The load is then
    refused naming only the columns it lacks, not a title line's cells."""
    score = getattr(getattr(is_header, "__self__", None), "header_score", None)
    if score is None:
        return None
    best = None
    for separator in (named,) if named else SEPARATORS:
        records = _records(lines, start, separator)
        for at, (first, _, cells) in enumerate(records):
            points = score(cells)
            if points and (best is None or points > best[0]):
                best = (points, first, separator, records, at)
    return None if best is None else (best[1], 0, *best[2:])


def _head_lines(data: bytes) -> list[str]:
    """The first lines of the file (at most HEAD_BYTES), split on "\\n" as polars splits them,
    each keeping its line ending; a BOM is dropped."""
    head = data[:HEAD_BYTES]
    if len(data) > HEAD_BYTES and (cut := head.rfind(b"\n")) >= 0:
        head = head[: cut + 1]
    *lines, last = head.decode("utf-8-sig", errors="replace").split("\n")
    return [line + "\n" for line in lines] + ([last] if last else [])


def _declared_separator(line: str) -> str | None:
    """The separator Excel's "sep=" line names, or None when the line is something else."""
    found = SEP_LINE.fullmatch(line)
    if not found:
        return None
    return "\t" if found.group(1) == "\\t" else found.group(1)


def _records(lines: list[str], start: int, separator: str) -> list[tuple[int, int, list[str]]]:
    """The first HEADER_SEARCH_ROWS records from line `start` on, by the csv module's quoting rules
    (a quoted cell may hold the separator or a line break): (first line, end line, trimmed cells)."""
    reader = csv.reader(iter(lines[start:]), delimiter=separator)
    records: list[tuple[int, int, list[str]]] = []
    begun = 0
    try:
        for cells in reader:
            records.append((start + begun, start + reader.line_num, [c.strip() for c in cells]))
            begun = reader.line_num
            if len(records) == HEADER_SEARCH_ROWS:
                break
    except csv.Error:  # e.g. a stray carriage return: search the lines before it
        pass
    return records


def _is_blank(data: bytes) -> bool:
    """Whether the file holds nothing but whitespace (a BOM aside); copies only a blank file."""
    body = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    return not data[body : body + 4096].strip() and not data[body:].strip()


def _read_malformed_csv(data: bytes, layout: _CsvLayout, name: str) -> pl.DataFrame:
    """The slow, careful path for a CSV polars refuses: rows with more cells than the header keep
    the header's width and count their extra cells (they are rejected, not lost); an unclosed
    quote makes row boundaries unknowable, so the file is refused with the line it starts on."""
    stream = io.StringIO(data.decode("utf-8-sig"))
    for _ in range(layout.skip_lines):  # the sep= and title lines above the header
        stream.readline()
    reader = csv.reader(stream, delimiter=layout.separator, strict=True)
    records, begun = [], 0  # begun: lines read before the record being read
    try:
        for cells in reader:
            records.append(cells)
            begun = reader.line_num
    except csv.Error as exc:
        line = layout.skip_lines + begun + 1  # the file line the unreadable record starts on
        raise ExtractError(
            f"{name}: not a readable CSV file (line {line}: {exc}; is a quote never closed?)"
        ) from None
    header, *body = records
    width = len(header)
    columns = {f"f{i}": [(row[i] if i < len(row) else None) for row in body] for i in range(width)}
    columns[EXTRA] = [max(len(row) - width, 0) for row in body]
    return pl.DataFrame(columns, schema={**{f"f{i}": pl.String for i in range(width)}, EXTRA: pl.Int32})


# --- XLSX -----------------------------------------------------------------------------------------


def read_xlsx(path: Path, is_header: IsHeader, sheet: str | None = None) -> RawExtract:
    """An XLSX extract: worksheet `sheet`, or else the first in workbook order whose top rows hold
    a row `is_header` accepts (the first such row is the header). ROW is the worksheet row number,
    as a user sees it in Excel."""
    book = _workbook(path)
    names = [_sheet_named(book.sheet_names, sheet, path.name)] if sheet is not None else book.sheet_names
    looked: list[tuple[str, int]] = []  # (sheet, rows) of each sheet without a header
    for name in names:
        grid = _sheet_grid(book, name, path.name)
        at = _header_index(grid, is_header)
        if at is not None:
            break
        looked.append((name, grid.height))
    else:
        raise _no_header(path.name, looked)
    headers = _trimmed(grid.row(at))
    data = grid.slice(at + 1)
    if not data.height:
        raise ExtractError(f"{path.name}: worksheet '{name}' has a header row but no data rows")
    first_row = at + 2  # worksheet rows are 1-based and the data start below the header
    return RawExtract(headers=headers, rows=_numbered(_as_cells(data), first_row), encoding="xlsx")


def _workbook(path: Path):
    """The workbook, opened by fastexcel (its sheets are loaded one at a time, when asked for)."""
    import fastexcel

    try:
        return fastexcel.read_excel(path)
    except Exception as exc:  # fastexcel raises its own error types for corrupt or non-XLSX files
        raise _unreadable(path.name, exc) from None


def _sheet_grid(book, name: str, file_name: str) -> pl.DataFrame:
    """Every cell of a worksheet as text, row i being worksheet row i + 1 (fastexcel keeps leading
    blank rows with skip_rows=0)."""
    try:
        return book.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
    except Exception as exc:
        raise _unreadable(file_name, exc) from None


def _unreadable(file_name: str, exc: Exception) -> ExtractError:
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ExtractError(f"{file_name}: not a readable XLSX file ({first_line})")


def _sheet_named(names: list[str], wanted: str, file_name: str) -> str:
    """The worksheet called `wanted` (exactly, else ignoring case and outer spaces if that is
    unambiguous), or an error naming the worksheets there are."""
    if wanted in names:
        return wanted
    loose = [name for name in names if name.strip().casefold() == wanted.strip().casefold()]
    if len(loose) == 1:
        return loose[0]
    there = ", ".join(f"'{name}'" for name in names)
    raise ExtractError(f"{file_name}: no worksheet named '{wanted}'; its worksheets are {there}")


def _header_index(grid: pl.DataFrame, is_header: IsHeader) -> int | None:
    """Index of the first of the top HEADER_SEARCH_ROWS rows that `is_header` accepts, or None."""
    top = grid.head(HEADER_SEARCH_ROWS).rows()
    return next((i for i, cells in enumerate(top) if is_header(_trimmed(cells))), None)


def _no_header(file_name: str, looked: list[tuple[str, int]]) -> ExtractError:
    """The refusal of a workbook where no worksheet looked at holds a header: what each held."""
    if all(rows == 0 for _, rows in looked):
        if len(looked) == 1:
            return ExtractError(f"{file_name}: worksheet '{looked[0][0]}' is empty")
        names = ", ".join(f"'{name}'" for name, _ in looked)
        return ExtractError(f"{file_name}: every worksheet is empty ({names})")
    where = f"the first {HEADER_SEARCH_ROWS} rows"
    if len(looked) == 1:
        name, rows = looked[0]
        return ExtractError(
            f"{file_name}: no header row with the required columns in {where} of worksheet "
            f"'{name}' ({_rows(rows)})"
        )
    held = "; ".join(
        f"sheet '{name}': " + (f"{_rows(rows)}, no header with the required columns" if rows else "empty")
        for name, rows in looked
    )
    return ExtractError(
        f"{file_name}: no header row with the required columns in {where} of any worksheet ({held})"
    )


def _rows(count: int) -> str:
    return "1 row" if count == 1 else f"{count:,} rows"


def _describe_grid(name: str, grid: pl.DataFrame, is_header: IsHeader) -> SheetInfo:
    """One worksheet's SheetInfo: its header found as read_xlsx finds it."""
    at = _header_index(grid, is_header)
    if at is None:
        return SheetInfo(name=name, rows=grid.height, header_row=None)
    above = (_trimmed(cells) for cells in grid.head(at).rows())
    return SheetInfo(
        name=name,
        rows=grid.height,
        header_row=at + 1,
        headers=tuple(_trimmed(grid.row(at))),
        title_lines=tuple(" ".join(c for c in cells if c) for cells in above if any(cells)),
    )


def _trimmed(cells) -> list[str]:
    return [str(c or "").strip() for c in cells]


# --- cells ----------------------------------------------------------------------------------------


def _as_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column (but EXTRA) as trimmed text named by position; empty cells become null. One
    column at a time, so a large file is never held twice over."""
    names = [name for name in frame.columns if name != EXTRA]
    for name in names:
        frame = frame.with_columns(pl.col(name).cast(pl.String).str.strip_chars().replace("", None))
    return frame.rename({name: column(i) for i, name in enumerate(names)})


def _numbered(frame: pl.DataFrame, first_row: int) -> pl.DataFrame:
    """ROW (the row number a user sees for the first data row, then on) as the first column."""
    return frame.insert_column(
        0, pl.int_range(first_row, first_row + frame.height, dtype=pl.Int32, eager=True).alias(ROW)
    )


def utf8_bytes(data: bytes, name: str) -> tuple[bytes, str]:
    """The file as UTF-8 bytes (a UTF-8 BOM kept: the CSV reader skips it), and the encoding it was
    in: BOM first, then UTF-8, then Windows-1252. UTF-8 input is checked in slices, never copied:
    a 250 MB export would otherwise be held two or three times over."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16").encode("utf-8"), "utf-16"
    encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    if _is_utf8(data):
        return data, encoding
    if encoding == "utf-8-sig":
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("cp1252").encode("utf-8"), "cp1252"
    except UnicodeDecodeError:
        raise ExtractError(
            f"{name}: unreadable encoding (not UTF-8 or Windows-1252); save it as CSV UTF-8"
        ) from None


def _is_utf8(data: bytes, slice_bytes: int = 1 << 24) -> bool:
    """Whether `data` is valid UTF-8, decoded a slice at a time (never the whole file as one str)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), slice_bytes):
            decoder.decode(view[start : start + slice_bytes])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
