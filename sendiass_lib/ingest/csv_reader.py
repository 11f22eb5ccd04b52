"""A CSV extract read into text cells from the header its layout finds (csv_layout), by polars,
with a careful path for a file polars refuses; and where its table is (describe_csv), without
loading it. ROW is the 1-based data row under the header.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from .csv_layout import CsvLayout, csv_layout, is_blank
from .encodings import utf8_bytes
from .errors import ExtractError
from .raw_extract import EXTRA, IsHeader, RawExtract, SheetInfo, as_cells, numbered


def read_csv(path: Path, is_header: IsHeader) -> RawExtract:
    """A CSV extract: the header is found in the first lines, polars reads from it on; ROW is the
    1-based data row under the header (title lines and the header are not counted)."""
    data, encoding = utf8_bytes(path.read_bytes(), path.name)
    layout = None if is_blank(data) else csv_layout(data, is_header)
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
    return RawExtract(headers=headers, rows=numbered(as_cells(rows), first_row=1), encoding=encoding)


def describe_csv(path: Path, is_header: IsHeader) -> SheetInfo:
    """The CSV as one sheet: its lines and where its header is, found as read_csv finds it."""
    data, encoding = utf8_bytes(path.read_bytes(), path.name)
    layout = None if is_blank(data) else csv_layout(data, is_header)
    if layout is None:
        return SheetInfo(name=path.name, rows=0, header_row=None, encoding=encoding)
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    return SheetInfo(
        name=path.name,
        rows=lines,
        header_row=layout.skip_lines + 1 if layout.found else None,
        headers=layout.header if layout.found else (),
        title_lines=layout.titles,
        separator=layout.separator,
        sep_line=layout.declared,
        encoding=encoding,
    )


def _read_malformed_csv(data: bytes, layout: CsvLayout, name: str) -> pl.DataFrame:
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
