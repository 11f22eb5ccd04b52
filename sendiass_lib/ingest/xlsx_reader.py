"""An XLSX extract read into text cells (by fastexcel, ~20x faster than openpyxl): the first
worksheet holding a header, or the one asked for; the header is the first of its top 30 rows the
caller's `is_header` accepts, so title rows above it are skipped. ROW is the worksheet row number,
as a user sees it in Excel. describe_workbook says where each worksheet's table is.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .errors import ExtractError
from .raw_extract import HEADER_SEARCH_ROWS, IsHeader, RawExtract, SheetInfo, as_cells, numbered, trimmed


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
    headers = trimmed(grid.row(at))
    data = grid.slice(at + 1)
    if not data.height:
        raise ExtractError(f"{path.name}: worksheet '{name}' has a header row but no data rows")
    first_row = at + 2  # worksheet rows are 1-based and the data start below the header
    return RawExtract(headers=headers, rows=numbered(as_cells(data), first_row), encoding="xlsx")


def describe_workbook(path: Path, is_header: IsHeader) -> list[SheetInfo]:
    """Each worksheet and where its header is, found as read_xlsx finds it."""
    book = _workbook(path)
    grids = ((name, _sheet_grid(book, name, path.name)) for name in book.sheet_names)
    return [_describe_grid(name, grid, is_header) for name, grid in grids]


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
    return next((i for i, cells in enumerate(top) if is_header(trimmed(cells))), None)


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
    above = (trimmed(cells) for cells in grid.head(at).rows())
    return SheetInfo(
        name=name,
        rows=grid.height,
        header_row=at + 1,
        headers=tuple(trimmed(grid.row(at))),
        title_lines=tuple(" ".join(c for c in cells if c) for cells in above if any(cells)),
    )
