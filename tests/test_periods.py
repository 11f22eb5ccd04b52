import importlib
import inspect
import pkgutil
from datetime import date

import pytest

from sendiass_lib import config, metrics, periods
from sendiass_lib.config import Service
from sendiass_lib.metrics import involvements
from sendiass_lib.metrics.involvements import MONTH


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


def test_metric_over_a_financial_year_counts_april_to_march(con):
    days = [date(2023, 3, 31), date(2023, 4, 1), date(2023, 12, 31), date(2024, 1, 1), date(2024, 3, 31)]
    for i, day in enumerate([*days, date(2024, 4, 1)]):
        con.execute(
            "INSERT INTO involvements (service, involvement_id, opened_on, load_id) VALUES (?, ?, ?, 1)",
            ["worcs", f"w-{i}", day],
        )
    calendar_year = involvements.monthly(con, "worcs", 2023, years=1)
    financial = involvements.monthly(con, "worcs", 2023, years=1, period="financial")
    assert calendar_year.current == 3  # 31 Mar, 1 Apr and 31 Dec 2023
    assert financial.current == 4  # 1 Apr 2023 to 31 Mar 2024
    assert financial.selected.long_label == "2023/24 (1 Apr 2023 - 31 Mar 2024)"
    assert financial.table()[MONTH].to_list()[:2] == ["April", "May"]


def test_period_the_service_already_uses_is_the_service_itself():
    assert config.service("bucks", "02-24") is config.service("bucks")
    assert config.service("bucks", "calendar").reporting_year == "calendar"
    assert config.service("bucks").reporting_year == "02-24"  # the service file is untouched


def test_bad_period_is_refused_naming_the_valid_rules(con):
    with pytest.raises(ValueError, match="bad period 'fiscal'; valid: calendar, financial, academic, MM-DD"):
        involvements.monthly(con, "worcs", 2023, period="fiscal")


# Metrics of a YEAR that cannot be regrouped: the figures extract gives one figure per reporting year,
# the differences listed from a printed report are for the year that report covers, and warnings are
# about the pages of the service's own report for the year.
KEPT_TO_THE_SERVICE_YEAR = {
    "figures.figures",
    "differences.differences",
    "tribunals.printed",
    "quality.warnings",
}


def test_every_metric_of_a_year_takes_a_period():
    found = []
    for module in pkgutil.iter_modules(metrics.__path__):
        loaded = importlib.import_module(f"sendiass_lib.metrics.{module.name}")
        for name, function in inspect.getmembers(loaded, inspect.isfunction):
            if function.__module__ != loaded.__name__ or name.startswith("_"):
                continue
            parameters = inspect.signature(function).parameters
            if "year" in parameters and f"{module.name}.{name}" not in KEPT_TO_THE_SERVICE_YEAR:
                found.append(name)
                assert "period" in parameters, f"metrics.{module.name}.{name} takes no period"
    assert len(found) >= 20
