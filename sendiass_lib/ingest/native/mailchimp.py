"""Mailchimp audience export: a zip of `subscribed_members_export_<id>.csv`, `unsubscribed_...` and
`cleaned_...` (the status is in the member's name, not a column), each with `Email Address`, the
audience's own fields, then upper-case system columns (`MEMBER_RATING`, `OPTIN_TIME`, `CONFIRM_TIME`,
`LAST_CHANGED`, ...; unsubscribed: `UNSUB_TIME`, `UNSUB_REASON`; cleaned: `CLEAN_TIME`), times
`2013-06-25 17:38:27`.

Converted to the digital kind, channel "Mailing list", one row per month and metric:
- Subscribers (a level, fields.LEVEL_METRICS): members joined by the month's end and not
  left by then; the export's last month is counted at the export (its latest time).
- Joined: members whose opt-in time (OPTIN_TIME, else CONFIRM_TIME) falls in the month.
- Left: unsubscribed members by UNSUB_TIME, cleaned ones by CLEAN_TIME, else LAST_CHANGED.
Months run from the earliest opt-in to the month of the export's latest time. The scope is `joint`
when the service file lists the mailing list under `joint_channels`, else the service's own slug,
as for every digital download (native/_digital.scope).

Only the time columns are ever parsed out of the members' files (polars reads those columns alone):
no address, name, field, note or reason is read into a value, kept, or shown. A member who cannot
be dated is counted, never quoted: the counts become rows with no month, which the load rejects
(missing_required) so rows_in = loaded + rejected still tells the whole story.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path, PurePosixPath

import polars as pl

from ...periods import month_end
from ..encodings import utf8_bytes
from ..errors import ExtractError
from ..raw_extract import ROW, RawExtract, column
from . import Peek, Recognised
from ._digital import scope
from ._when import day_of

NAME = "Mailchimp audience export"
CHANNEL = "Mailing list"
SUBSCRIBERS, JOINED, LEFT = "Subscribers", "Joined", "Left"
UNDATED_JOIN = "Members with no opt-in time"
UNDATED_LEAVE = "Members with no leaving time"
HEADERS = ["month", "scope", "channel", "metric", "item", "value"]
# The member files by status; "nonsubscribed" (transactional contacts) were never on the list.
MEMBER = re.compile(
    r"^(subscribed|unsubscribed|cleaned|nonsubscribed)_(?:members_)?export_[\w-]*\.csv$", re.I
)
JOIN_COLUMNS = ("OPTIN_TIME", "CONFIRM_TIME")
LEAVE_COLUMNS = {"unsubscribed": ("UNSUB_TIME", "LAST_CHANGED"), "cleaned": ("CLEAN_TIME", "LAST_CHANGED")}
OTHER_TIMES = ("LAST_CHANGED",)  # read only for the export's latest time


@dataclass
class Counts:
    """What an export comes to: each member's join and leave day, counted; nothing else."""

    joined: Counter = field(default_factory=Counter)  # day -> members
    left: Counter = field(default_factory=Counter)  # day -> members
    latest: date | None = None
    undated_join: int = 0
    undated_leave: int = 0
    unused: list[str] = field(default_factory=list)

    @property
    def first(self) -> date | None:
        return min(self.joined, default=None)

    def months(self) -> list[date]:
        if self.first is None or self.latest is None:
            return []
        day, found = self.first.replace(day=1), []
        while day <= self.latest:
            found.append(day)
            day = month_end(day) + timedelta(days=1)
        return found


def _members(names: tuple[str, ...]) -> dict[str, str]:
    """zip member -> status, for the members named like an audience export's files."""
    found = {}
    for name in names:
        matched = MEMBER.match(PurePosixPath(name).name)
        if matched and not name.startswith("__MACOSX/"):
            found[name] = matched.group(1).lower()
    return found


def _header(data: bytes) -> list[str]:
    """A member file's header (its first line), trimmed."""
    first = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    return [h.strip() for h in next(csv.reader(io.StringIO(first)), [])]


def _times(data: bytes, header: list[str], wanted: list[str]) -> pl.DataFrame:
    """Only the wanted time columns of a member file (every other column is skipped unparsed)."""
    at = {w: header.index(w) for w in dict.fromkeys(wanted) if w in header}
    if not at:
        return pl.DataFrame()
    found = pl.read_csv(data, columns=sorted(at.values()), infer_schema=False, has_header=True)
    named = dict(zip(sorted(at.values()), found.columns, strict=True))
    return found.select(pl.col(named[i]).alias(w) for w, i in at.items())


def count(path: Path) -> Counts:
    """Join and leave days of an audience export, counted per day; an unusable zip raises ExtractError."""
    counts = Counts()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExtractError(f"{path.name}: not a readable zip file ({exc})") from None
    with archive:
        members = _members(tuple(archive.namelist()))
        if not any(status != "nonsubscribed" for status in members.values()):
            raise ExtractError(f"{path.name}: no subscribed_/unsubscribed_/cleaned_ member files in the zip")
        own_fields = 0
        for member, status in sorted(members.items()):
            if status == "nonsubscribed":
                counts.unused.append(f"{PurePosixPath(member).name} (never subscribed)")
                continue
            data, _ = utf8_bytes(archive.read(member), member)
            header = _header(data)
            if not header or header[0].lower() != "email address":
                raise ExtractError(
                    f"{path.name}: {PurePosixPath(member).name} does not start with an 'Email Address' column"
                )
            own_fields = max(own_fields, sum(1 for h in header[1:] if not h.isupper()))
            leave = LEAVE_COLUMNS.get(status, ())
            times = _times(data, header, [*JOIN_COLUMNS, *leave, *OTHER_TIMES])
            del data
            if not times.height:
                continue
            days = {name: [day_of(v) for v in times[name].to_list()] for name in times.columns}
            for i in range(times.height):
                joined = next((days[c][i] for c in JOIN_COLUMNS if c in days and days[c][i]), None)
                left = next((days[c][i] for c in leave if c in days and days[c][i]), None) if leave else None
                for day in (d[i] for d in days.values()):
                    if day is not None and (counts.latest is None or day > counts.latest):
                        counts.latest = day
                if joined is None:
                    counts.undated_join += 1
                    continue
                if leave and left is None:
                    counts.undated_leave += 1
                    continue
                counts.joined[joined] += 1
                if left is not None:
                    counts.left[max(left, joined)] += 1
    counts.unused.insert(0, f"{own_fields} audience field(s), the addresses, notes and reasons (never read)")
    if counts.undated_join:
        counts.unused.append(f"{counts.undated_join} member(s) with no opt-in time (not counted)")
    if counts.undated_leave:
        counts.unused.append(
            f"{counts.undated_leave} unsubscribed or cleaned member(s) with no time (not counted)"
        )
    return counts


def _rows(counts: Counts, scope: str) -> list[list[str | None]]:
    """The digital rows: per month Subscribers, Joined and Left; then the undated, with no month."""
    months = counts.months()
    joined_by = Counter({m: 0 for m in months})
    left_by = Counter({m: 0 for m in months})
    for day, n in counts.joined.items():
        joined_by[day.replace(day=1)] += n
    for day, n in counts.left.items():
        left_by[day.replace(day=1)] += n
    rows, level = [], 0
    for month in months:
        level += joined_by[month] - left_by[month]
        label = f"{month:%Y-%m}"
        rows += [
            [label, scope, CHANNEL, SUBSCRIBERS, None, str(level)],
            [label, scope, CHANNEL, JOINED, None, str(joined_by[month])],
            [label, scope, CHANNEL, LEFT, None, str(left_by[month])],
        ]
    for metric, n in ((UNDATED_JOIN, counts.undated_join), (UNDATED_LEAVE, counts.undated_leave)):
        if n:
            rows.append([None, scope, CHANNEL, metric, None, str(n)])
    return rows


def extract(rows: list[list[str | None]], headers: list[str]) -> RawExtract:
    """A RawExtract in a contract's canonical layout: headers its column names, ROW 1, 2, ..."""
    frame = pl.DataFrame(
        {column(i): [r[i] for r in rows] for i in range(len(headers))},
        schema={column(i): pl.String for i in range(len(headers))},
    )
    frame = frame.insert_column(0, pl.int_range(1, len(rows) + 1, dtype=pl.Int32, eager=True).alias(ROW))
    return RawExtract(headers=list(headers), rows=frame, encoding="utf-8")


class Mailchimp:
    name = NAME
    measure, level = "subscribers", True  # how `sendiass check` names its period

    def recognise(self, path: Path, peek: Peek) -> Recognised | None:
        members = _members(peek.members)
        if not any(status != "nonsubscribed" for status in members.values()):
            return None
        try:
            counts = count(path)
        except ExtractError as exc:
            return Recognised(NAME, "digital", None, (str(exc),))
        months = counts.months()
        period = (months[0], month_end(months[-1])) if months else None
        return Recognised(NAME, "digital", period, tuple(counts.unused))

    def convert(self, path: Path, service: str) -> RawExtract:
        counts = count(path)
        if not counts.months():
            raise ExtractError(f"{path.name}: no member of the audience export has an opt-in time")
        return extract(_rows(counts, scope(service, CHANNEL)), HEADERS)


SOURCE = Mailchimp()
