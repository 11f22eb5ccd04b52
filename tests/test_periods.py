from datetime import date

import pytest

from sendiass_lib import config, periods
from sendiass_lib.config import Service


def service(rule: str) -> Service:
    return Service(slug="x", name="X", area="X", reporting_year=rule)


def test_calendar_year_runs_january_to_december_with_month_buckets():
    year = periods.reporting_year(config.service("worcs"), 2024)
    assert (year.start, year.end, year.label) == (date(2024, 1, 1), date(2024, 12, 31), "2024")
    months = year.months()
    assert [m.label for m in months][:3] == ["January", "February", "March"]
    assert [m.short_label for m in months][-1] == "Dec"
    assert months[1].end == date(2024, 2, 29)  # leap year


def test_buckinghamshire_year_runs_24_february_to_23_february():
    year = periods.reporting_year(config.service("bucks"), 2021)
    assert (year.start, year.end) == (date(2021, 2, 24), date(2022, 2, 23))
    assert year.label == "2021/22"
    assert year.long_label == "2021/22 (24 Feb 2021 - 23 Feb 2022)"
    months = year.months()
    assert len(months) == 12
    assert months[0].label == "24 Feb - 23 Mar"
    assert (months[-1].start, months[-1].end) == (date(2022, 1, 24), date(2022, 2, 23))


def test_named_rules_start_on_their_day():
    assert periods.reporting_year(service("financial"), 2023).start == date(2023, 4, 1)
    assert periods.reporting_year(service("academic"), 2023).end == date(2024, 8, 31)
    assert periods.reporting_year(service("financial"), 2023).label == "2023/24"


def test_day_belongs_to_the_reporting_year_it_falls_in():
    bucks = config.service("bucks")
    assert periods.reporting_year_of(bucks, date(2022, 2, 23)) == 2021
    assert periods.reporting_year_of(bucks, date(2022, 2, 24)) == 2022


def test_bad_reporting_year_rule_names_the_valid_ones():
    with pytest.raises(ValueError, match="valid: calendar, financial, academic, MM-DD"):
        periods.reporting_year(service("02-30"), 2024)


def test_unknown_service_names_the_valid_ones():
    with pytest.raises(
        config.UnknownServiceError, match=r"unknown service 'nowhere'; valid: bucks, herefs, worcs"
    ):
        config.service("nowhere")
