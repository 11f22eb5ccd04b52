"""Synthetic involvement extracts, calibrated to the published figures (sample_targets/involvements.yaml).

Written as data/sample/<service>/involvements_<year>.csv, the way a case-management system
exports them: human headers, UK dates, UTF-8 with BOM and CRLF line ends, fake personal columns
(names, DOB, contact details, notes that mention them) and three bad rows per file (a duplicate, an
impossible date, a Total footer) that the loader rejects. Loaded monthly counts equal the published
ones exactly; intervention levels of closed involvements match the published percentages by
largest remainder.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from . import _add_weekdays, _csv_bytes, _seed, _targets, _uk, _weekdays

HEADERS = [
    "Case Ref",
    "Date Opened",
    "Date of First Response",
    "Date Closed",
    "Level",
    "Client ID",
    "Parent/Carer Name",
    "Child Name",
    "DOB",
    "Email",
    "Phone",
    "Postcode",
    "Notes",
]
NOTES = [
    "{parent} called about {child}'s EHCP review; call back on {phone}",
    "Email from {email} asking about SEN support for {child}",
    "Signposted to IPSEA; {parent} to send the draft plan",
    "Met {parent} before the school meeting; letter to {postcode}",
    "{child} (age {age}) excluded twice this term; {parent} wants advice on appeal",
]


def targets() -> dict:
    """The calibration targets, by service."""
    return _targets("involvements")["services"]


def write(out_dir: Path) -> list[Path]:
    """involvements_<year>.csv for every service and year in the targets."""
    written = []
    for service, spec in targets().items():
        last_year = max(spec["monthly"])
        for year, months in spec["monthly"].items():
            rows = involvements(service, spec, year, months, open_tail=(year == last_year))
            path = out_dir / service / f"involvements_{year}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_csv_bytes(HEADERS, rows))
            written.append(path)
    return written


def involvements(service: str, spec: dict, year: int, months: list[int], open_tail: bool) -> list[list[str]]:
    """One year's rows: months[i] involvements opened in month i+1, on working days."""
    rng = random.Random(_seed(service, year))
    opened = []
    for month, count in enumerate(months, start=1):
        days = _weekdays(year, month)
        opened += sorted(days[int(rng.random() * len(days))] for _ in range(count))

    records = []
    for opened_on in opened:
        response = _add_weekdays(opened_on, _response_delay(rng.random()))
        still_open = open_tail and opened_on >= date(year, 12, 10) and rng.random() < 0.5
        closed = None if still_open else response + timedelta(days=round(rng.random() ** 2 * 120))
        records.append([opened_on, response, closed])

    closed_rows = [i for i, r in enumerate(records) if r[2] is not None]
    order = sorted(closed_rows, key=lambda _: rng.random())
    levels = _allocate(len(order), spec["level_percent"])
    level_of = dict(zip(order, levels, strict=True))

    prefix = spec["case_prefix"]
    rows = [
        [
            f"{prefix}-{year % 100:02d}-{i + 1:05d}",
            _uk(opened_on),
            _uk(response),
            _uk(closed) if closed else "",
            f"Level {level_of[i]}" if i in level_of else "",
        ]
        for i, (opened_on, response, closed) in enumerate(records)
    ]
    return _with_people_and_bad_rows(rows, opened, service, year, prefix)


def _with_people_and_bad_rows(rows, opened, service, year, prefix) -> list[list[str]]:
    """Fake personal columns for every row, then three rows a real export has and the loader
    must reject: an exact duplicate, an impossible date and a Total footer. Drawn from a random
    stream of their own, so the involvement columns above do not change when these do."""
    rng = random.Random(_seed(service, year) ^ 0x7E0_91E)
    people = _targets("fake_people")
    area = people["postcode_areas"].get(service, "ZZ")

    def pick(items):
        return items[int(rng.random() * len(items))]

    clients = []
    for row, opened_on in zip(rows, opened, strict=True):
        if clients and rng.random() < 0.1:  # a family that has been in touch before this year
            client = pick(clients)
        else:
            surname = pick(people["surnames"])
            first, child = pick(people["first_names"]), pick(people["first_names"])
            age = 1 + int(rng.random() * 24)
            client = {
                "id": f"C{prefix}{year % 100:02d}{len(clients) + 1:04d}",
                "parent": f"{first} {surname}",
                "child": f"{child} {surname}",
                "dob": opened_on - timedelta(days=age * 365 + int(rng.random() * 360)),
                "email": f"{first}.{surname}@example.org".lower(),
                "phone": f"07700 900{int(rng.random() * 1000):03d}",
                "postcode": f"{area}{1 + int(rng.random() * 9)} {int(rng.random() * 9)}"
                f"{pick('ABDEFGHJLNPQRSTUWXYZ')}{pick('ABDEFGHJLNPQRSTUWXYZ')}",
            }
            clients.append(client)
        note = ""
        if rng.random() < 0.12:
            age = (opened_on - client["dob"]).days // 365
            note = pick(NOTES).format(**{**client, "child": client["child"].split()[0], "age": age})
        row += [
            client["id"],
            client["parent"],
            client["child"],
            _uk(client["dob"]),
            client["email"],
            client["phone"],
            client["postcode"],
            note,
        ]
    rows[int(rng.random() * len(rows))][12] = (
        "<script>alert('pasted from the web form')</script> parent asked about transport"
    )
    bad_date = [
        f"{prefix}-{year % 100:02d}-{len(rows) + 1:05d}",
        f"31/02/{year}",
        "",
        "",
        "",
        *rows[0][5:12],
        "date typed by hand",
    ]
    duplicate = list(pick(rows))
    total = ["Total", str(len(rows)), *[""] * (len(HEADERS) - 2)]
    return [*rows, duplicate, bad_date, total]


def _allocate(n: int, percent: dict) -> list[int]:
    """n levels in the given proportions, rounded by largest remainder, in level order."""
    total = sum(percent.values())
    exact = {int(level): n * share / total for level, share in percent.items()}
    counts = {level: int(x) for level, x in exact.items()}
    by_remainder = sorted(exact, key=lambda lv: (-(exact[lv] - counts[lv]), lv))
    for level in by_remainder[: n - sum(counts.values())]:
        counts[level] += 1
    return [level for level in sorted(counts) for _ in range(counts[level])]


def _response_delay(r: float) -> int:
    """Working days to first response: most the same or next day, a few up to five."""
    for limit, delay in ((0.55, 0), (0.85, 1), (0.94, 2), (0.98, 3)):
        if r < limit:
            return delay
    return 5
