"""Dates and times as the downloads write them (shared by the native sources; not a source itself).

Times as the service writes them (`2013-06-25 17:38:27`, `2024-03-12T10:00:00Z`), and as Excel
rewrites them when a file is re-saved (`25/06/2013 17:38`, `13-06-2025`, `3-Jun-26`), day first.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_TIME = re.compile(
    r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([ap]\.?m\.?)?\s*(Z|[+-]\d{2}:?\d{2}|[A-Z]{3,4})?$", re.I
)
_WEEKDAY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+", re.I)
_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d/%m/%y",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%Y/%m/%d",
)


def day_of(text: str | None) -> date | None:
    """The day a time or date cell names, or None when it is blank or not one (the time of day is
    dropped: every count here is by day or month)."""
    if text is None:
        return None
    bare = _WEEKDAY.sub("", _TIME.sub("", str(text).strip())).strip().rstrip(",")
    if not bare:
        return None
    for form in _FORMATS:
        try:
            return datetime.strptime(bare, form).date()
        except ValueError:
            continue
    return None
