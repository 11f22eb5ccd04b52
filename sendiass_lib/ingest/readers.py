"""Reading an extract file into text cells, wherever in the file people put the table.

CSV (csv_reader, csv_layout): UTF-8 with or without BOM, Windows-1252 or UTF-16 (with BOM;
encodings); comma, semicolon or tab delimited, or the separator an Excel "sep=" first line names;
CRLF or LF. XLSX (xlsx_reader): the first worksheet holding a header, or the one asked for. In
both, the header is the first of the top 30 rows that the caller's `is_header` accepts, so title
lines above it are skipped. Every cell is read as text (raw_extract); `describe` says where the
table is in a file without loading it.
"""

from __future__ import annotations

from pathlib import Path

from .csv_reader import describe_csv, read_csv
from .errors import ExtractError
from .raw_extract import IsHeader, RawExtract, SheetInfo
from .xlsx_reader import describe_workbook, read_xlsx

XLSX_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt"}


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
        return describe_workbook(path, is_header)
    return [describe_csv(path, is_header)]


def _is_workbook(path: Path) -> bool:
    """XLSX (True) or CSV (False); any other file is refused naming what to save it as."""
    suffix = path.suffix.lower()
    if suffix not in XLSX_SUFFIXES | CSV_SUFFIXES:
        raise ExtractError(f"{path.name}: cannot read '{suffix}' files; save the export as CSV or XLSX")
    return suffix in XLSX_SUFFIXES
