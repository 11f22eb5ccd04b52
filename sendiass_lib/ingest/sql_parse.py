"""Parsing text cells into typed values as DuckDB macros; null means unparseable, never an error.

Dates are UK day-first unless ISO: 05/01/2024, 5/1/24, 05-01-2024, 05.01.2024, 2024-01-05 and any of
those followed by a time ("2024-01-05 00:00:00", as spreadsheets export them), or an Excel serial
day number (45296 = 05/01/2024). Impossible dates (31/02/2024, 29/02/2023) do not parse. Two-digit
years are 2000-2069, 1970-1999.

`create_macros(con)` makes, for the connection: parse_date(t) -> DATE, parse_month(t) -> DATE,
parse_level(t) -> TINYINT, parse_count(t) -> BIGINT, parse_number(t) -> DOUBLE, parse_year(t) ->
INTEGER and label_key(t) -> VARCHAR (labels.label_key). They take text trimmed as polars' strip_chars()
trims it (trim(t, SPACE_CHARS of sql_regex); DuckDB's own trim() keeps tabs), or NULL, and use it more
than once: give them a column, or distinct values to join back (which is faster still).

They give what parse.py's polars parsers and labels.label_key_expr give (tests/test_sql_parse.py),
but null where polars raises (on Unicode digits it matched and cannot cast, or digit runs too long
for 64 bits) or gives infinity (a number past 1.8e308); and a capital sigma ending a word
keys as a plain sigma, not a final one. labels.label_key also takes \x1c-\x1f for spaces.
Digits are ASCII, except where polars reads any Unicode digit (a time after a date, the second year
of '2021/22'); elsewhere polars matched other digits only to fail on them, or raise.
"""

from __future__ import annotations

import duckdb

from ..sql_regex import SPACE, SPACE_CHARS, lower, re2

# Every pattern is tested whole (regexp_full_match) and the parts then taken by position: RE2 tells
# whether text matches fast, but extracting groups costs it ten times as much. Casts are TRY_CASTs:
# given a constant, DuckDB evaluates every branch of a CASE, so one must not raise on another's text.
_TIME = re2(r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")  # any time after a date is ignored
_ISO = r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
_DAY_FIRST = r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-]"  # then a year of four digits or two
# An Excel serial day number (a date cell formatted as text): 5 digits, 1954-2119 (20000-79999).
_EXCEL_SERIAL = r"[2-7][0-9]{4}(?:\.0+)?"
_LEVEL = re2(r"(?:level\s*)?[1-4](?:\.0+)?")
# The year a reporting year starts in, and the optional second year: '2021/22', '2021 - 2022'.
_YEAR = re2(r"(?:19|20)\d{2}(?:\s*[/-]\s*(?:\d{2}|\d{4}))?")
# 'Jan 24', 'Sept 2024', 'January 2024': a month's first three letters, any more letters, a year.
_NAMED_MONTH = rf"[a-z]{{3}}[a-z]*[{SPACE}/-]+(?:[0-9]{{2}}|[0-9]{{4}})"
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTH_NUMBER = " ".join(f"WHEN '{name}' THEN {i}" for i, name in enumerate(_MONTHS, start=1))

MACROS = f"""
CREATE OR REPLACE TEMP MACRO _int(t) AS TRY_CAST(t AS INTEGER);
CREATE OR REPLACE TEMP MACRO _day(t) AS split_part(replace(t, 'T', ' '), ' ', 1);
CREATE OR REPLACE TEMP MACRO _day_first(d) AS try_strptime(CASE WHEN contains(d, '.') OR contains(d, '-')
    THEN replace(replace(d, '.', '/'), '-', '/') ELSE d END, '%d/%m/%Y')::DATE;
CREATE OR REPLACE TEMP MACRO _two_digit_year(d) AS substr(d, 1, length(d) - 2)
    || CASE WHEN right(d, 2) < '70' THEN '20' ELSE '19' END || right(d, 2);
CREATE OR REPLACE TEMP MACRO parse_date(t) AS CASE
    WHEN regexp_full_match(t, '{_DAY_FIRST}[0-9]{{4}}') THEN _day_first(t)  -- the usual: no time, no _day
    WHEN regexp_full_match(t, '{_ISO}{_TIME}') THEN try_strptime(_day(t), '%Y-%m-%d')::DATE
    WHEN regexp_full_match(t, '{_DAY_FIRST}[0-9]{{4}}{_TIME}') THEN _day_first(_day(t))
    WHEN regexp_full_match(t, '{_DAY_FIRST}[0-9]{{2}}{_TIME}') THEN _day_first(_two_digit_year(_day(t)))
    WHEN regexp_full_match(t, '{_EXCEL_SERIAL}{_TIME}') THEN DATE '1899-12-30' + _int(left(t, 5)) END;
CREATE OR REPLACE TEMP MACRO _first_of(y, m) AS CASE WHEN m BETWEEN 1 AND 12 THEN make_date(y, m, 1) END;
CREATE OR REPLACE TEMP MACRO _century(y) AS CASE WHEN y < 100 THEN y + 2000 ELSE y END;
CREATE OR REPLACE TEMP MACRO _named_month(t) AS _first_of(
    _century(_int(right(t, length(t) - length(rtrim(t, '0123456789'))))),
    CASE left(t, 3) {_MONTH_NUMBER} END);
CREATE OR REPLACE TEMP MACRO parse_month(t) AS CASE
    WHEN regexp_full_match({lower("t")}, '{_NAMED_MONTH}') THEN _named_month({lower("t")})
    WHEN regexp_full_match(t, '[0-9]{{4}}-[0-9]{{1,2}}') THEN _first_of(_int(left(t, 4)), _int(substr(t, 6)))
    WHEN regexp_full_match(t, '[0-9]{{1,2}}/[0-9]{{4}}') THEN
        _first_of(_int(right(t, 4)), _int(split_part(t, '/', 1)))
    ELSE date_trunc('month', parse_date(t))::DATE END;
CREATE OR REPLACE TEMP MACRO parse_level(t) AS CASE WHEN regexp_full_match(lower(t), '{_LEVEL}')
    THEN TRY_CAST(right(rtrim(t, '.0'), 1) AS TINYINT) END;  -- the digit before any '.0'
CREATE OR REPLACE TEMP MACRO _count(b) AS
    CASE WHEN regexp_full_match(b, '[0-9]+(?:\\.0+)?') THEN TRY_CAST(split_part(b, '.', 1) AS BIGINT) END;
CREATE OR REPLACE TEMP MACRO parse_count(t) AS _count(replace(t, ',', ''));
CREATE OR REPLACE TEMP MACRO _finite(x) AS CASE WHEN isfinite(x) THEN x END;
CREATE OR REPLACE TEMP MACRO _number(b) AS
    CASE WHEN regexp_full_match(b, '-?[0-9]+(?:\\.[0-9]+)?') THEN _finite(TRY_CAST(b AS DOUBLE)) END;
CREATE OR REPLACE TEMP MACRO parse_number(t) AS _number(replace(CASE
    WHEN starts_with(t, '£') THEN substr(t, 2) WHEN starts_with(t, '-£') THEN '-' || substr(t, 3) ELSE t END,
    ',', ''));
CREATE OR REPLACE TEMP MACRO _year_of(start, finish) AS CASE
    WHEN finish IS NULL OR finish = CASE WHEN finish < 100 THEN (start + 1) % 100 ELSE start + 1 END
    THEN start END;
CREATE OR REPLACE TEMP MACRO _unspaced(t) AS ltrim(t, '{SPACE_CHARS}');
CREATE OR REPLACE TEMP MACRO parse_year(t) AS CASE WHEN regexp_full_match(t, '{_YEAR}')
    THEN _year_of(_int(left(t, 4)), _int(nullif(_unspaced(substr(_unspaced(substr(t, 5)), 2)), ''))) END;
CREATE OR REPLACE TEMP MACRO label_key(t) AS regexp_replace(
    trim(regexp_replace({lower("t")}, '[{SPACE},.]+', ' ', 'g'), ' '), ' ?([/&-]) ?', '\\1', 'g');
"""


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the parsing macros (temporary: for this connection only)."""
    con.execute(MACROS)
