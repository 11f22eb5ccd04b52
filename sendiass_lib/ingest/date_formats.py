"""The date formats a column's cells are written in, for `sendiass check`.

Works on distinct values (a million dates hold a few thousand), by their shape: digits become 9
and letters a, so '03/04/2024' is 99/99/9999, i.e. dd/mm/yyyy. Counts are of cells. A cell whose
day and month are both 12 or less and differ ('03/04/2024') could be read either way: the loader
reads day first (3 April), so those are counted as ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from .parse import parse_column, parse_date, parse_month

_TIME = r"(?:[ a](99?):99(:99(?:\.9+)?)?)?"
_ISO = re.compile(rf"^9999-(99?)-(99?){_TIME}$")
_DAY_FIRST = re.compile(rf"^(99?)([/.-])(99?)\2(9999|99){_TIME}$")
_SERIAL = re.compile(r"^99999(?:\.9+)?$")
_MONTHS = {
    re.compile(r"^a{3,9}[ /-]9999$"): "Mon yyyy",
    re.compile(r"^a{3,9}[ /-]99$"): "Mon-yy",
    re.compile(r"^9999-99?$"): "yyyy-mm",
    re.compile(r"^99?/9999$"): "mm/yyyy",
}
NOT_A_DATE = "not a date format"
SPREADSHEET_DATE = "spreadsheet date cell"
DAY_FIRST_PARTS = r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]"


@dataclass(frozen=True)
class DateFormats:
    """What one date column of a file holds."""

    column: str
    header: str
    filled: int  # cells with anything in them
    formats: list[tuple[str, int]]  # (format, cells), most cells first
    ambiguous: int  # cells in a day-first format whose day and month could be swapped
    unparsed: int  # cells the loader does not read as a date (so their rows are bad_date)

    @property
    def day_first(self) -> bool:
        """Whether any cell is in a day-first format (which the loader reads day first)."""
        return any(name.startswith("d") for name, _ in self.formats)


def format_of(shape: str, month_column: bool = False, spreadsheet: bool = False) -> str:
    """The name of a cell's format from its shape (digits 9, letters a): 'dd/mm/yyyy', 'd/m/yy',
    'yyyy-mm-dd hh:mm:ss', 'Excel serial number', ...; NOT_A_DATE for anything else. In an XLSX
    file, 'yyyy-mm-dd 00:00:00' is how a real spreadsheet date cell reads as text."""
    if found := _ISO.match(shape):
        month, day = ("m" if len(g) == 1 else "mm" for g in found.groups()[:2])
        name = f"yyyy-{month}-{'d' if day == 'm' else 'dd'}" + _time(found.group(3), found.group(4))
        return SPREADSHEET_DATE if spreadsheet and name == "yyyy-mm-dd hh:mm:ss" else name
    if found := _DAY_FIRST.match(shape):
        day, sep, month, year, hours, seconds = found.groups()
        name = f"{'d' * len(day)}{sep}{'m' * len(month)}{sep}{'y' * len(year)}"
        return name + _time(hours, seconds)
    if _SERIAL.match(shape):
        return "Excel serial number"
    if month_column:
        return next((name for pattern, name in _MONTHS.items() if pattern.match(shape)), NOT_A_DATE)
    return NOT_A_DATE


def _time(hours: str | None, seconds: str | None) -> str:
    if hours is None:
        return ""
    return " hh:mm:ss" if seconds else " hh:mm"


def date_formats(text: pl.Series, column: str, header: str, kind: str, spreadsheet: bool) -> DateFormats:
    """The formats of a column of date cells (`kind`: the contract type, 'date', 'birth_date' or
    'month'), its ambiguous day/month cells, and the cells the loader would not read."""
    counts = text.drop_nulls().value_counts(name="cells")
    values = counts[text.name]
    shapes = values.str.replace_all(r"\d", "9").str.replace_all(r"[^\W\d_]", "a")
    month_column = kind == "month"
    names = {s: format_of(s, month_column, spreadsheet) for s in shapes.unique().to_list()}
    frame = counts.with_columns(
        format=shapes.replace_strict(names, return_dtype=pl.String),
        parsed=parse_column(values, parse_month if month_column else parse_date),
    )
    parts = values.str.extract_groups(DAY_FIRST_PARTS)
    day = parts.struct.field("1").cast(pl.Int32)
    month = parts.struct.field("2").cast(pl.Int32)
    swappable = (day <= 12) & (month <= 12) & (day != month)
    day_first = frame["format"].str.contains(r"^d")
    ambiguous = frame.filter(swappable.fill_null(False) & day_first & frame["parsed"].is_not_null())
    by_format = (
        frame.group_by("format")
        .agg(pl.col("cells").sum())
        .sort(["cells", "format"], descending=[True, False])
    )
    return DateFormats(
        column=column,
        header=header,
        filled=int(frame["cells"].sum()),
        formats=list(zip(by_format["format"].to_list(), by_format["cells"].to_list(), strict=True)),
        ambiguous=int(ambiguous["cells"].sum()),
        unparsed=int(frame.filter(pl.col("parsed").is_null())["cells"].sum()),
    )
