import importlib
import inspect
import pkgutil
from datetime import date

import pytest

from sendiass_lib import config, db, metrics, periods, service_schema
from sendiass_lib.config import Service
from sendiass_lib.metrics import evaluations, headline, involvements, mixes, quality, training
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


EDGE_DAYS = [date(2022, 2, 23), date(2022, 2, 24), date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)]
EDGE_DAYS += [date(2023, 12, 31), date(2024, 1, 1), date(2024, 3, 31), date(2024, 4, 1)]


@pytest.mark.parametrize("rule", ["02-24", "calendar", "financial", "academic", "03-01", "02-28", "12-31"])
def test_the_database_puts_a_day_in_the_reporting_year_whose_span_holds_it(con, rule):
    # The SQL macro (years_with_data) and the Python spans (every metric) must agree on edge days:
    # the day before a start, the start, 29 Feb, 1 Jan and 31 Dec.
    for day in EDGE_DAYS:
        [(year,)] = con.execute(
            "SELECT reporting_year_of(?::DATE, ?, ?)", [day, *service_schema.parse_start(rule)]
        ).fetchall()
        assert periods.reporting_year(service(rule), year).contains(day), (rule, day, year)


def test_bucks_days_either_side_of_24_february_fall_in_different_years(con):
    days = "SELECT reporting_year_of(DATE '2022-02-23', 2, 24), reporting_year_of(DATE '2022-02-24', 2, 24)"
    assert con.execute(days).fetchall() == [(2021, 2022)]


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


@pytest.mark.parametrize(
    "call",
    [
        lambda con: involvements.monthly(con, "bucks", 2021, period="calendar"),
        lambda con: headline.key_figures(con, "bucks", 2021, period="calendar"),
        lambda con: mixes.mixes(con, "bucks", "sen_types", 2021, period="calendar")[0],
        lambda con: mixes.theme_trend(con, "bucks", "reasons", 2021, period="calendar"),
        lambda con: quality.missing(con, "bucks", 2021, period="calendar"),
        lambda con: quality.unmapped(con, "bucks", 2021, period="calendar"),
        lambda con: evaluations.evaluations(con, "bucks", 2021, period="calendar"),
        lambda con: training.attendance(con, "bucks", 2021, period="calendar"),
    ],
)
def test_a_metric_over_calendar_years_describes_the_service_as_it_is(sample_db, call):
    with db.connect(sample_db) as con:
        result = call(con)
    assert result.service is config.service("bucks")
    assert result.service.reporting_year == "02-24"  # its own rule, not the period asked for
    period = result.period if hasattr(result, "period") else result.periods[-1]
    assert (period.start, period.end) == (date(2021, 1, 1), date(2021, 12, 31))


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
