"""When a feedback form response was made, from the many ways the form tools (and Excel, once a
download is re-saved) write it: ISO, d/m/y (m/d/y when a column cannot be day first), named
months, Excel serial numbers, with or without a time (shared by the forms source)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}
_CLOCK = r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"  # a time after the date, if any
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _CLOCK)
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?!\d)" + _CLOCK)
_NAMED = re.compile(r"^(\d{1,2})[- ]([A-Za-z]{3,9})[- ,]+(\d{4}|\d{2})(?!\d)" + _CLOCK)
_SERIAL = re.compile(r"^([2-7]\d{4})(\.\d+)?$")


def _pm(text: str, hour: int) -> int:
    low = text.lower()
    if re.search(r"\bpm\b", low) and hour < 12:
        return hour + 12
    if re.search(r"\bam\b", low) and hour == 12:
        return 0
    return hour


def response_time(text: str | None, month_first: bool) -> datetime | None:
    """A response's date and time from the many ways the tools (and Excel) write them, else None."""
    if not text:
        return None
    text = text.strip()
    try:
        if found := _YMD.match(text):
            y, m, d, hh, mm, ss = found.groups()
            return datetime(int(y), int(m), int(d), _pm(text, int(hh or 0)), int(mm or 0), int(ss or 0))
        if found := _DMY.match(text):
            a, b, y, hh, mm, ss = found.groups()
            d, m = (b, a) if month_first else (a, b)
            year = int(y) + (2000 if len(y) == 2 else 0)
            return datetime(year, int(m), int(d), _pm(text, int(hh or 0)), int(mm or 0), int(ss or 0))
        if (found := _NAMED.match(text)) and found.group(2)[:3].lower() in _MONTHS:
            d, mon, y, hh, mm, ss = found.groups()
            year = int(y) + (2000 if len(y) == 2 else 0)
            month = _MONTHS[mon[:3].lower()]
            return datetime(year, month, int(d), _pm(text, int(hh or 0)), int(mm or 0), int(ss or 0))
        if found := _SERIAL.match(text):
            return datetime(1899, 12, 30) + timedelta(days=float(text))
    except ValueError:  # an impossible date: left for the contract to reject
        return None
    return None


def month_first(cells: list[str | None]) -> bool:
    """Whether a column's d/m dates are month first (US locale): only when one cannot be day first."""
    firsts = [m.groups()[:2] for c in cells if c and (m := _DMY.match(c.strip()))]
    return any(int(b) > 12 for _, b in firsts) and not any(int(a) > 12 for a, _ in firsts)
