"""Eventbrite attendee report (CSV or XLSX): one row per attendee (ticket), `Order #, Order Date,
First Name, Last Name, Email, Quantity, Price Tier, Ticket Type, Attendee #, Group, Order Type,
Currency, Total Paid, ..., Attendee Status, ...` then one column per custom checkout question; or
the older layout `"Attendee #","Date","Last Name","First Name","Email","QTY","Ticket Type",...`.

Converted to the training kind, one row per event (session):
- the event: `Event ID`, `Event Name` and `Event Date` columns when the report has them (a report of
  several events gives several sessions); else the event's name and date from the lines above the
  header ("Event: ...", "Event date: ..."); else the file is refused saying what is missing.
- booked: attendee rows whose status is not cancelled, refunded, transferred or deleted (one per
  attendee row: Quantity/QTY is the order's and is not added up).
- attended: when the report records check-in (a `Checked In` status, or a check-in column), the rows
  checked in; otherwise blank (unknown), and the check says so.
Only the event, status and check-in cells are ever looked at: no name, email, order, price or answer
is kept or shown (docs/data-contract.md, "Eventbrite attendee report").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from ..contract import normalise_header
from ..errors import ExtractError
from ..raw_extract import RawExtract, SheetInfo, column
from ..readers import describe, read_extract
from . import Peek, Recognised
from ._when import day_of
from .mailchimp import extract

NAME = "Eventbrite attendee report"
HEADERS = ["session_id", "session_date", "course", "audience", "format", "booked", "attended"]
NEW = ("order #", "attendee #", "ticket type")  # with "attendee status" or "order date"
OLD = ("attendee #", "date", "last name", "first name", "qty", "ticket type")
EVENT_ID = ("event id", "event #")
EVENT_NAME = ("event name", "event title", "event")
EVENT_DATE = ("event date", "event start date", "event start", "event date time", "event start time")
STATUS = ("attendee status", "status")
CHECK_IN = ("checked in", "check in", "check in status", "check in date", "checked in date", "checked in at")
NOT_BOOKED = re.compile(r"cancel|refund|transferr|deleted|void", re.I)
CHECKED_IN = re.compile(r"^checked[ -]?in$", re.I)
YES = re.compile(r"^(y|yes|true|1|checked[ -]?in)$|\d", re.I)  # a check-in cell: yes, or a time
TITLE_NAME = re.compile(r"^(?:event(?: name| title)?)\s*[:,-]?\s+(.+)$", re.I)
TITLE_DATE = re.compile(r"^(?:event date|event start(?: date)?|date|starts?)\s*[:,-]?\s+(.+)$", re.I)
TITLE_REPORT = re.compile(r"^attendee (?:report|summary|list)\s*(?:for|[:-])?\s*", re.I)
TOTAL = re.compile(r"^(grand\s+)?totals?\s*:?$", re.I)


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9#]+", " ", normalise_header(header).replace("_", " ")).strip()


def is_header(cells: list[str]) -> bool:
    """An attendee report's header: the current layout or the older one."""
    keys = {_key(c) for c in cells if c}
    if all(k in keys for k in NEW) and ({"attendee status", "order date"} & keys):
        return True
    return all(k in keys for k in OLD)


def _find(keys: list[str], names: tuple[str, ...]) -> int | None:
    return next((i for name in names for i, k in enumerate(keys) if k == name), None)


@dataclass
class Events:
    """A report's sessions: (id, day, name) -> [booked, attended]; what it could not use."""

    sessions: dict[tuple[str, date | None, str], list] = field(default_factory=dict)
    check_in: bool = False
    unused: list[str] = field(default_factory=list)
    missing: str = ""  # why no session could be named (the report lacks the event)

    @property
    def period(self) -> tuple[date, date] | None:
        days = [d for _, d, _ in self.sessions if d is not None]
        return (min(days), max(days)) if days else None


def _titled_event(titles: tuple[str, ...]) -> tuple[str | None, str | None]:
    """The event's name and date from the lines above the header, when they say."""
    name = day = None
    for line in titles:
        text = line.strip()
        if found := TITLE_DATE.match(text):
            day = day or found.group(1).strip()
        elif found := TITLE_NAME.match(text):
            name = name or found.group(1).strip()
        elif day_of(text) is not None:
            day = day or text
        elif name is None and (rest := TITLE_REPORT.sub("", text).strip()):
            name = rest
    return name, day


def _sheet(path: Path) -> SheetInfo | None:
    return next((s for s in describe(path, is_header) if s.header_row is not None), None)


def read(path: Path) -> Events:
    """The report's events with their counts; an unreadable file raises ExtractError."""
    raw = read_extract(path, is_header)
    keys = [_key(h) for h in raw.headers]
    at = {
        "id": _find(keys, EVENT_ID),
        "name": _find(keys, EVENT_NAME),
        "date": _find(keys, EVENT_DATE),
        "status": _find(keys, STATUS),
        "check": _find(keys, CHECK_IN),
        "attendee": _find(keys, ("attendee #",)),
        "first": 0,
    }
    wanted = sorted({i for i in at.values() if i is not None})
    # Only these cells are looked at; every other column (names, emails, orders, answers) is dropped.
    cells = raw.rows.select([pl.col(column(i)) for i in wanted])
    rows_in = raw.rows.height
    del raw
    events = Events()
    questions = len(keys) - len(set(wanted) | {i for i, k in enumerate(keys) if k in _KNOWN})
    events.unused.append(
        "names, emails, orders, prices"
        + (f" and {questions} custom question column(s)" if questions > 0 else "")
        + " (never read)"
    )
    titled_name = titled_day = None
    if (at["name"] is None and at["id"] is None) or at["date"] is None:
        sheet = _sheet(path)
        titled_name, titled_day = _titled_event(sheet.title_lines if sheet else ())
    has_name = at["name"] is not None or at["id"] is not None or titled_name
    has_date = at["date"] is not None or titled_day
    lacking = [
        what
        for what, there in (
            ("event name (an 'Event Name' or 'Event ID' column, or the name above the header)", has_name),
            ("event date (an 'Event Date' column, or the date above the header)", has_date),
        )
        if not there
    ]
    if lacking:
        events.missing = " and ".join(lacking)
        return events
    statuses = cells[column(at["status"])].to_list() if at["status"] is not None else [None] * rows_in
    events.check_in = at["check"] is not None or any(s and CHECKED_IN.match(s) for s in statuses)
    checks = cells[column(at["check"])].to_list() if at["check"] is not None else [None] * rows_in

    def values(key: str, default):
        return cells[column(at[key])].to_list() if at[key] is not None else [default] * rows_in

    ids, names, days = values("id", None), values("name", titled_name), values("date", titled_day)
    firsts, attendees = values("first", None), values("attendee", "")
    skipped = Counter()
    for i in range(rows_in):
        if firsts[i] and TOTAL.match(firsts[i]):
            skipped["total row"] += 1
            continue
        if at["attendee"] is not None and not attendees[i]:
            skipped["row with no attendee number"] += 1
            continue
        name = names[i] or ids[i]
        key = (ids[i] or "", day_of(days[i]), name or "")
        counts = events.sessions.setdefault(key, [0, 0])
        if statuses[i] and NOT_BOOKED.search(statuses[i]):
            continue
        counts[0] += 1
        if (statuses[i] and CHECKED_IN.match(statuses[i])) or (checks[i] and YES.search(checks[i])):
            counts[1] += 1
    events.unused += [f"{n} {what}(s) (not counted)" for what, n in skipped.items()]
    if not events.check_in:
        events.unused.append("no check-in in the report: attended is left blank")
    return events


_KNOWN = {
    "order #",
    "order date",
    "first name",
    "last name",
    "email",
    "quantity",
    "qty",
    "price tier",
    "ticket type",
    "attendee #",
    "group",
    "order type",
    "currency",
    "total paid",
    "fees paid",
    "eventbrite fees",
    "eventbrite payment processing",
    "attendee status",
    "date",
    "status",
    *EVENT_ID,
    *EVENT_NAME,
    *EVENT_DATE,
    *CHECK_IN,
    "buyer first name",
    "buyer last name",
    "buyer email",
    "home address 1",
    "home address 2",
    "home city",
    "home state",
    "home county",
    "home zip",
    "home postcode",
    "home country",
    "cell phone",
    "mobile phone",
    "job title",
    "company",
    "work phone",
    "discount",
    "access code",
    "barcode #",
    "device name",
    "venue name",
    "organizer name",
    "event location",
    "event end date",
    "event timezone",
    "ticket price",
}


def _rows(events: Events) -> list[list[str | None]]:
    """One training row per session; an event named by its ID and date when several dates share it."""
    dates_of = Counter(k[0] or k[2] for k in events.sessions)
    rows = []
    for (event_id, day, name), (booked, attended) in events.sessions.items():
        ident = event_id or name
        session = ident if dates_of[ident] == 1 and event_id else f"{ident} {day or ''}".strip()
        rows.append(
            [
                session,
                day.isoformat() if day else None,
                name or event_id,
                None,
                None,
                str(booked),
                str(attended) if events.check_in else None,
            ]
        )
    return rows


class Eventbrite:
    name = NAME
    measure, level = "sessions", False  # how `sendiass check` names its period

    def recognise(self, path: Path, peek: Peek) -> Recognised | None:
        import csv

        grids = list(peek.sheets.values()) or [
            list(csv.reader(peek.lines[:30], delimiter=sep)) for sep in (",", ";", "\t")
        ]
        if not any(is_header([str(c).strip() for c in row]) for grid in grids for row in grid[:30]):
            return None
        try:
            events = read(path)
        except ExtractError as exc:
            return Recognised(NAME, "training", None, (str(exc),))
        lacking = (f"cannot be loaded: no {events.missing}",) if events.missing else ()
        unused = tuple(events.unused) + lacking
        return Recognised(NAME, "training", events.period, unused)

    def convert(self, path: Path, service: str) -> RawExtract:
        events = read(path)
        if events.missing:
            raise ExtractError(
                f"{path.name}: an Eventbrite attendee report with no {events.missing}; download the "
                "report with the event's columns (docs/data-contract.md, 'Eventbrite attendee report')"
            )
        return extract(_rows(events), HEADERS)


SOURCE = Eventbrite()
