"""Reporting periods: a service's reporting year and its twelve monthly buckets.

A reporting year starts on a fixed month and day (calendar 01-01, financial 04-01, academic 09-01,
or a custom start such as Buckinghamshire's 02-24) and YEAR names the year it starts in.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from .config import Service

NAMED_STARTS = {"calendar": (1, 1), "financial": (4, 1), "academic": (9, 1)}


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


def parse_start(rule: str, what: str = "reporting_year") -> tuple[int, int]:
    """(month, day) a reporting year starts on, from 'calendar', 'financial', 'academic' or 'MM-DD';
    `what` names the setting in the error a bad rule gets."""
    if rule in NAMED_STARTS:
        return NAMED_STARTS[rule]
    try:
        month, day = (int(part) for part in rule.split("-"))
        date(2001, month, day)  # a non-leap year: 29 Feb is not a usable start
    except ValueError:
        valid = ", ".join([*NAMED_STARTS, "MM-DD"])
        raise ValueError(f"bad {what} '{rule}'; valid: {valid}") from None
    return month, day


def reporting_year(service: Service, year: int) -> Period:
    """The service's reporting year that starts in `year`."""
    month, day = parse_start(service.reporting_year)
    start = date(year, month, day)
    end = _add_months(start, 12) - timedelta(days=1)
    label = str(year) if (month, day) == (1, 1) else f"{year}/{(year + 1) % 100:02d}"
    return Period(start, end, label)


def reporting_year_of(service: Service, day: date) -> int:
    """The YEAR of the reporting year that contains `day`."""
    month, start_day = parse_start(service.reporting_year)
    return day.year if (day.month, day.day) >= (month, start_day) else day.year - 1


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
