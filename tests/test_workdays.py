"""Working days skip weekends and England and Wales bank holidays."""

from datetime import date

from sendiass_lib.workdays import add_working_days, is_working_day


def test_two_working_days_after_friday_20_december_2024_is_tuesday_24th():
    assert add_working_days(date(2024, 12, 20), 2) == date(2024, 12, 24)


def test_christmas_and_boxing_day_are_skipped():
    assert add_working_days(date(2024, 12, 23), 2) == date(2024, 12, 27)
    assert not is_working_day(date(2024, 12, 25)) and not is_working_day(date(2024, 12, 26))


def test_easter_good_friday_and_monday_are_skipped():
    # Thu 28 Mar 2024 + 2: Good Friday 29 Mar, weekend, Easter Monday 1 Apr, then Tue 2 and Wed 3 Apr.
    assert add_working_days(date(2024, 3, 28), 2) == date(2024, 4, 3)


def test_a_weekend_opening_counts_from_the_next_working_day():
    assert add_working_days(date(2024, 6, 8), 2) == date(2024, 6, 11)  # Sat -> Tue
