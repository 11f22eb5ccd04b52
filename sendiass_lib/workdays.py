"""Working days in England and Wales: weekdays that are not bank holidays (the `holidays` package,
which ships its calendars, so this works offline). Used for "respond within two working days"."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    """A weekday that is not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after `day` (Fri 20 Dec 2024 + 2 = Tue 24 Dec; Mon 23 Dec + 2 = Fri 27 Dec)."""
    while n > 0:
        day += timedelta(days=1)
        n -= is_working_day(day)
    return day
