"""Reporting periods: a service's reporting year and its twelve monthly buckets.

A reporting year starts on a fixed month and day (calendar 01-01, financial 04-01, academic 09-01,
or a custom start such as Buckinghamshire's 02-24: service_schema.parse_start reads the rule) and
YEAR names the year it starts in. Which YEAR holds a day is REPORTING_YEAR_OF, a DuckDB macro every
connection has (db.connect), so rows are grouped by year in SQL, fast, by the one definition.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from .config import Service
from .service_schema import parse_start

# reporting_year_of(day, start_month, start_day): the YEAR of the reporting year holding `day`; a day
# before the start day belongs to the year before. tests/test_periods.py checks it against reporting_year.
REPORTING_YEAR_OF = """CREATE OR REPLACE TEMP MACRO reporting_year_of(day, start_month, start_day) AS
    year(day) - CASE WHEN month(day) * 100 + day(day) < start_month * 100 + start_day THEN 1 ELSE 0 END"""


@dataclass(frozen=True)
class Period:
    """A closed date range [start, end] with the label a reader sees (2024, 2021/22)."""

    start: date
    end: date
    label: str
    short: str = ""  # a short label for chart axes ("Jan"); the label when empty

    @property
    def short_label(self) -> str:
        return self.short or self.label

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def long_label(self) -> str:
        """The label with its dates when they are not obvious: '2021/22 (24 Feb 2021 - 23 Feb 2022)'."""
        if (self.start.month, self.start.day) == (1, 1) and self.label == str(self.start.year):
            return self.label
        return f"{self.label} ({day_label(self.start)} - {day_label(self.end)})"

    def months(self) -> list[Period]:
        """The period cut into month-long buckets from its start day (calendar months for 1 Jan)."""
        buckets = []
        start = self.start
        while start <= self.end:
            nxt = _add_months(self.start, len(buckets) + 1)
            end = min(nxt - timedelta(days=1), self.end)
            if start.day == 1 and end == month_end(start):
                label, short = calendar.month_name[start.month], calendar.month_abbr[start.month]
            else:
                label = f"{day_label(start, year=False)} - {day_label(end, year=False)}"
                short = label
            buckets.append(Period(start, end, label, short))
            start = nxt
        return buckets


def reporting_year(service: Service, year: int, rule: str | None = None) -> Period:
    """The service's reporting year that starts in `year`; with `rule` ('calendar', 'financial',
    'academic' or 'MM-DD'), the year of that kind instead, for a metric asked for another period."""
    month, day = parse_start(service.reporting_year) if rule is None else parse_start(rule, "period")
    start = date(year, month, day)
    end = _add_months(start, 12) - timedelta(days=1)
    label = str(year) if (month, day) == (1, 1) else f"{year}/{(year + 1) % 100:02d}"
    return Period(start, end, label)


def year_before(day: date) -> date:
    """The same calendar day a year earlier (28 Feb for 29 Feb)."""
    return _add_months(day, -12)


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(day: date) -> date:
    """The last day of the day's month."""
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def day_label(day: date, year: bool = True) -> str:
    """'10 Mar 2024' (or '10 Mar'), as dates read in headlines and period labels."""
    text = f"{day.day} {calendar.month_abbr[day.month]}"
    return f"{text} {day.year}" if year else text
