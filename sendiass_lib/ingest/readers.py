"""Reading an extract file into text cells, as case-management systems export them.

CSV: UTF-8 with or without BOM, Windows-1252 or UTF-16 (with BOM); comma, semicolon or tab
delimited; CRLF or LF. Every cell is read as text (parsing happens later, so a bad cell rejects its
row instead of failing the file); cells are trimmed and empty cells become null.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .errors import ExtractError

ROW = "__row"  # 1-based data row number (header excluded), kept through validation into rejects


@dataclass(frozen=True)
class RawExtract:
    """One file's headers and its rows as trimmed text: column i of `rows` is named column(i)."""

    headers: list[str]
    rows: pl.DataFrame
    encoding: str


def column(index: int) -> str:
    """Name of the index-th file column in RawExtract.rows (positional, so duplicate headers work)."""
    return f"c{index}"


def read_extract(path: Path) -> RawExtract:
    """Read a CSV extract; an unusable file raises ExtractError with a one-line cause."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".txt"}:
        raise ExtractError(f"{path.name}: cannot read '{suffix}' files yet; export the data as CSV")
    data, encoding = utf8_bytes(path.read_bytes(), path.name)
    if not data.strip():
        raise ExtractError(f"{path.name}: the file is empty")
    # Only the header line is looked at in Python: a million-row file is never split into lines.
    header_line = data.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8")
    separator = max((",", ";", "\t"), key=header_line.count)
    try:
        rows = pl.read_csv(data, separator=separator, infer_schema=False, has_header=True)
    except pl.exceptions.PolarsError as exc:
        first_line = str(exc).strip().splitlines()[0]
        raise ExtractError(f"{path.name}: not a readable CSV file ({first_line})") from None
    if not rows.height:
        raise ExtractError(f"{path.name}: the file has a header row but no data rows")
    # Headers as written (polars renames duplicates), read by the csv module's quoting rules.
    headers = [h.strip() for h in next(csv.reader([header_line], delimiter=separator))]
    if len(headers) != rows.width:  # a header cell with a line break in it: trust polars
        headers = [h.strip() for h in rows.columns]
    cells = [
        pl.col(name).str.strip_chars().replace("", None).alias(column(i))
        for i, name in enumerate(rows.columns)
    ]
    rows = rows.select(pl.int_range(1, pl.len() + 1, dtype=pl.Int32).alias(ROW), *cells)
    return RawExtract(headers=headers, rows=rows, encoding=encoding)


def utf8_bytes(data: bytes, name: str) -> tuple[bytes, str]:
    """The file as UTF-8 bytes without a BOM, and the encoding it was in: BOM first, then UTF-8,
    then Windows-1252. UTF-8 input is checked but not copied through a str."""
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8) :], "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16").encode("utf-8"), "utf-16"
    else:
        encoding = "utf-8"
    try:
        data.decode("utf-8")
        return data, encoding
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252").encode("utf-8"), "cp1252"
    except UnicodeDecodeError:
        raise ExtractError(
            f"{name}: unreadable encoding (not UTF-8 or Windows-1252); save it as CSV UTF-8"
        ) from None
