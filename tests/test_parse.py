from datetime import date

import polars as pl
import pytest

from sendiass_lib.ingest.parse import parse_date, parse_level


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/01/2024", date(2024, 1, 5)),  # UK day first
        ("5/1/2024", date(2024, 1, 5)),
        ("05/01/24", date(2024, 1, 5)),
        ("05-01-2024", date(2024, 1, 5)),
        ("05.01.2024", date(2024, 1, 5)),
        ("2024-01-05", date(2024, 1, 5)),  # ISO
        ("2024-01-05 00:00:00", date(2024, 1, 5)),  # as spreadsheets export dates
        ("05/01/2024 09:30", date(2024, 1, 5)),
        (" 05/01/2024 ", date(2024, 1, 5)),
        ("29/02/2024", date(2024, 2, 29)),
        ("45296", date(2024, 1, 5)),  # an Excel serial day number
        ("45296.0", date(2024, 1, 5)),
        ("12345", None),  # too early to be a date in an extract
        ("31/02/2024", None),  # impossible
        ("29/02/2023", None),  # not a leap year
        ("13/13/2024", None),
        ("January 5th", None),
        ("", None),
    ],
)
def test_dates_parse_day_first_or_iso_and_impossible_dates_do_not(text, expected):
    parsed = pl.select(parse_date(pl.lit(text, pl.String))).item()
    assert parsed == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", 2),
        ("Level 2", 2),
        ("level  3", 3),
        ("4", 4),
        ("1.0", 1),
        ("5", None),
        ("0", None),
        ("L2", None),
        ("Level 2a", None),
    ],
)
def test_intervention_level_accepts_number_or_level_n_only(text, expected):
    assert pl.select(parse_level(pl.lit(text, pl.String))).item() == expected


def test_parsing_distinct_values_once_gives_the_same_column():
    from sendiass_lib.ingest.parse import parse_column

    text = pl.Series(["05/01/2024", None, "31/02/2024", "05/01/2024", "2024-01-05 00:00:00", "x"] * 3)
    expected = pl.select(parse_date(pl.lit(text))).to_series()
    assert parse_column(text, parse_date).to_list() == expected.to_list()
    assert parse_column(pl.Series(["Level 2", "2", None, "7"]), parse_level).to_list() == [2, 2, None, None]
