"""What reading an extract file gives, whatever its format: its header and rows as trimmed text
(RawExtract), where its table was found (SheetInfo), and the cell handling the CSV and XLSX
readers share. Every cell is read as text (parsing happens later, so a bad cell rejects its row
instead of failing the file); cells are trimmed and empty cells become null.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

ROW = "__row"  # the row number a user is told: CSV, the 1-based data row; XLSX, the worksheet row
FILE = "__file"  # which of the files staged together a row is from (0 for a file staged alone)
EXTRA = "__extra_cells"  # cells beyond the header's width in a row (CSV only; such rows are rejected)
IsHeader = Callable[[list[str]], bool]  # whether a row of trimmed cells is the header

HEADER_SEARCH_ROWS = 30  # the header is looked for in this many rows (CSV: lines) at the top


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


def as_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column (but EXTRA) as trimmed text named by position; empty cells become null. One
    column at a time, so a large file is never held twice over."""
    names = [name for name in frame.columns if name != EXTRA]
    for name in names:
        frame = frame.with_columns(pl.col(name).cast(pl.String).str.strip_chars().replace("", None))
    return frame.rename({name: column(i) for i, name in enumerate(names)})


def numbered(frame: pl.DataFrame, first_row: int) -> pl.DataFrame:
    """ROW (the row number a user sees for the first data row, then on) as the first column."""
    return frame.insert_column(
        0, pl.int_range(first_row, first_row + frame.height, dtype=pl.Int32, eager=True).alias(ROW)
    )


def trimmed(cells) -> list[str]:
    """A row's cells as trimmed text, an empty cell as ""."""
    return [str(c or "").strip() for c in cells]
