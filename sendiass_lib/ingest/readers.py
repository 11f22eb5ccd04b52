"""Reading an extract file into text cells, as case-management systems export them.

CSV: UTF-8 with or without BOM, Windows-1252 or UTF-16 (with BOM); comma, semicolon or tab
delimited; CRLF or LF. XLSX: the first worksheet, with title rows above the header skipped (read by
fastexcel, ~20x faster than openpyxl). Every cell is read as text (parsing happens later, so a bad
cell rejects its row instead of failing the file); cells are trimmed and empty cells become null.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .errors import ExtractError

ROW = "__row"  # 1-based data row number (header excluded), kept through validation into rejects
EXTRA = "__extra_cells"  # cells beyond the header's width in a row (CSV only; such rows are rejected)


@dataclass(frozen=True)
class RawExtract:
    """One file's headers and its rows as trimmed text: column i of `rows` is named column(i)."""

    headers: list[str]
    rows: pl.DataFrame
    encoding: str


def column(index: int) -> str:
    """Name of the index-th file column in RawExtract.rows (positional, so duplicate headers work)."""
    return f"c{index}"


HEADER_SEARCH_ROWS = 30  # XLSX: title rows above the header are skipped, up to this many rows


def read_extract(path: Path, is_header: Callable[[list[str]], bool]) -> RawExtract:
    """Read a CSV or XLSX extract; an unusable file raises ExtractError with a one-line cause.

    `is_header` tells whether a row of cells is the header (XLSX exports often have title rows
    above it); a CSV's header is its first line.
    """
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(path, is_header)
    if suffix not in {".csv", ".txt"}:
        raise ExtractError(f"{path.name}: cannot read '{suffix}' files; save the export as CSV or XLSX")
    return read_csv(path)


def read_csv(path: Path) -> RawExtract:
    """A CSV extract: the first line is the header; ROW is the 1-based data row."""
    data, encoding = utf8_bytes(path.read_bytes(), path.name)
    body = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0  # polars skips a BOM
    if not data[body : body + 4096].strip() and not data[body:].strip():  # (copies only a blank file)
        raise ExtractError(f"{path.name}: the file is empty")
    # Only the header line is looked at in Python: a million-row file is never split or copied.
    end = data.find(b"\n")
    header_line = data[body : end if end >= 0 else len(data)].rstrip(b"\r").decode("utf-8")
    separator = max((",", ";", "\t"), key=header_line.count)
    try:
        rows = pl.read_csv(data, separator=separator, infer_schema=False, has_header=True)
    except pl.exceptions.PolarsError:
        rows = _read_malformed_csv(data, separator, path.name)
    del data  # the file's bytes are not needed past here: free them before the cells are trimmed
    if not rows.height:
        raise ExtractError(f"{path.name}: the file has a header row but no data rows")
    # Headers as written (polars renames duplicates), read by the csv module's quoting rules.
    headers = [h.strip() for h in next(csv.reader([header_line], delimiter=separator))]
    cells = [name for name in rows.columns if name != EXTRA]
    if len(headers) != len(cells):  # a header cell with a line break in it: trust polars
        headers = [h.strip() for h in cells]
    return RawExtract(headers=headers, rows=_numbered(_as_cells(rows), first_row=1), encoding=encoding)


def _read_malformed_csv(data: bytes, separator: str, name: str) -> pl.DataFrame:
    """The slow, careful path for a CSV polars refuses: rows with more cells than the header keep
    the header's width and count their extra cells (they are rejected, not lost); an unclosed
    quote makes row boundaries unknowable, so the file is refused with the line it starts on."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=separator, strict=True)
    try:
        header, *body = list(reader)
    except csv.Error as exc:
        raise ExtractError(
            f"{name}: not a readable CSV file (line {reader.line_num}: {exc}; is a quote never closed?)"
        ) from None
    width = len(header)
    columns = {f"f{i}": [(row[i] if i < len(row) else None) for row in body] for i in range(width)}
    columns[EXTRA] = [max(len(row) - width, 0) for row in body]
    return pl.DataFrame(columns, schema={**{f"f{i}": pl.String for i in range(width)}, EXTRA: pl.Int32})


def read_xlsx(path: Path, is_header: Callable[[list[str]], bool]) -> RawExtract:
    """The first worksheet of an XLSX extract. The header is the first of the top rows that
    `is_header` accepts; ROW is the worksheet row number, as a user sees it in Excel."""
    import fastexcel

    try:
        sheet = fastexcel.read_excel(path).load_sheet(0, header_row=None, skip_rows=0, dtypes="string")
        grid = sheet.to_polars()
    except Exception as exc:  # fastexcel raises its own error types for corrupt or non-XLSX files
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ExtractError(f"{path.name}: not a readable XLSX file ({first_line})") from None
    if grid.is_empty():
        raise ExtractError(f"{path.name}: the first worksheet is empty")
    top = grid.head(HEADER_SEARCH_ROWS).rows()
    at = next((i for i, cells in enumerate(top) if is_header([str(c or "").strip() for c in cells])), None)
    if at is None:
        raise ExtractError(
            f"{path.name}: no header row with the required columns in the first "
            f"{HEADER_SEARCH_ROWS} rows of worksheet '{sheet.name}'"
        )
    headers = [str(c or "").strip() for c in top[at]]
    data = grid.slice(at + 1)
    if not data.height:
        raise ExtractError(f"{path.name}: the worksheet has a header row but no data rows")
    first_row = at + 2  # worksheet rows are 1-based and the data start below the header
    return RawExtract(headers=headers, rows=_numbered(_as_cells(data), first_row), encoding="xlsx")


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
