"""Synthetic Buckinghamshire involvements, calibrated to the published headline figures.

Buckinghamshire SEND IAS keeps two kinds of record and reports on a 24 Feb - 23 Feb year: referrals
(a child's record, begun once consent is given) and enquiries (a referrer's record, generic responses
only); its report gives new referrals, new enquiries and ongoing cases (sample_targets/bucks.yaml).
Written as data/sample/bucks/involvements_<YEAR>.csv for YEAR 2019-2021 (2019/20-2021/22), like the
other samples: human headers (Record ID, Record Type, ...), UK dates, UTF-8 with BOM and CRLF, fake
personal columns (Buckinghamshire HP postcodes), notes that name the record's own people, and three
bad rows per file the loader rejects (a duplicate, an impossible date, a Total footer).

Counted on what loads, new referrals and enquiries (opened in the year) and ongoing cases (referrals
opened by the year end and not closed before its start) equal the published figures exactly. Ongoing
cases need referrals carried over from earlier years; how many are still open on each 24 Feb is set
per year of opening in the targets (`still_open`), and each referral's closure date is drawn in the
year its count says it closes, so every carry-over is exact by construction. The 421 carried into
2019/20 were begun in 2018/19: they exist only as carry-over, in involvements_2019.csv (an "all cases
active in the year" export holds them), and are the only 2018/19 rows. Enquiries close within days,
inside their own year. Randomness comes from random.Random(_seed(...)).random only: stable bytes.
"""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from pathlib import Path

from .. import config, periods
from . import PERSON_HEADERS, _add_weekdays, _csv_bytes, _seed, _targets, _uk

HEADERS = [
    "Record ID",
    "Record Type",
    "Date Opened",
    "Date of First Response",
    "Date Closed",
    *PERSON_HEADERS,
]
REFERRAL, ENQUIRY = "Referral", "Enquiry"
NOTES = {
    REFERRAL: [
        "{parent} called about {child}'s EHCP annual review; call back on {phone}",
        "Consent form back from {parent}; {child} (age {age}) waiting for an adviser call",
        "{child} excluded twice this term; {parent} asked about the appeal route",
        "Draft plan checklist posted to {postcode} for {child}",
        "Email from {email}: school says {child} does not need SEN support",
    ],
    ENQUIRY: [
        "{parent} asked for the needs assessment guide; generic information sent to {email}",
        "Web form from {parent}: transport question, signposted to the Local Offer",
        "{parent} rang from {phone} about school admissions; factsheet sent",
        "Leaflets posted to {postcode} at {parent}'s request",
    ],
}
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def targets() -> dict:
    """The calibration targets (sample_targets/bucks.yaml), checked to add up."""
    spec = _targets("bucks")
    check(spec)
    return spec


def write(out_dir: Path) -> list[Path]:
    """out_dir/bucks/involvements_<YEAR>.csv for every reporting year in the targets."""
    spec = targets()
    first = min(spec["years"])
    written = []
    for year in spec["years"]:
        # Referrals begun before the first year go in its file: they are its carry-over.
        cohorts = [c for c in sorted(spec["still_open"]) if c == year or (year == first and c < first)]
        records = [record for cohort in cohorts for record in _cohort(spec, cohort)]
        rows = _with_people_and_bad_rows(spec, year, records)
        path = out_dir / spec["service"] / f"involvements_{year}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_csv_bytes(HEADERS, rows))
        written.append(path)
    return written


def check(spec: dict) -> None:
    """Fail, naming the figure, unless the still-open counts give each year's published carry-over
    (ongoing cases - new referrals) and can happen: never rising, never above the referrals begun."""
    years, still_open = spec["years"], spec["still_open"]
    export = max(years) + 1
    if missing := [year for year in years if year not in still_open]:
        raise ValueError(f"still_open has no row for {missing}: every reporting year needs one")
    for cohort, row in still_open.items():
        counts = [row[y] for y in range(cohort + 1, export + 1)]  # a KeyError names a missing year
        begun = years[cohort]["new_referrals"] if cohort in years else counts[0]
        if len(row) != len(counts) or any(b > a for a, b in zip([begun, *counts], counts, strict=False)):
            raise ValueError(f"still_open {cohort}: {row} must run {cohort + 1}-{export}, never rising")
    for year, figures in years.items():
        carried = sum(row.get(year, 0) for cohort, row in still_open.items() if cohort < year)
        wanted = figures["ongoing_cases"] - figures["new_referrals"]
        if carried != wanted:
            raise ValueError(f"{figures['label']}: still_open gives {carried} carried over, not {wanted}")


def _cohort(spec: dict, cohort: int) -> list[list]:
    """Records begun in reporting year `cohort`: [id, type, opened, first response, closed] by date."""
    r = random.Random(_seed("bucks", "involvements", cohort)).random
    service = config.service(spec["service"])
    period = periods.reporting_year(service, cohort)
    checkpoints = [periods.reporting_year(service, y).start for y in sorted(spec["still_open"][cohort])]
    export = checkpoints[-1]
    open_counts = [spec["still_open"][cohort][y] for y in sorted(spec["still_open"][cohort])]
    figures = spec["years"].get(cohort)
    weekdays = _Weekdays(period.start, export)
    days = weekdays.between(period.start, period.end)

    if figures is None:  # only carry-over: begun in the year, later in it more often, all still open
        opened = sorted(days[int(r() ** 0.5 * len(days))] for _ in range(open_counts[0]))
        kinds = [REFERRAL] * len(opened)
    else:
        planned = [(days[int(r() * len(days))], REFERRAL) for _ in range(figures["new_referrals"])]
        planned += [(days[int(r() * len(days))], ENQUIRY) for _ in range(figures["new_enquiries"])]
        planned.sort()
        opened, kinds = [d for d, _ in planned], [k for _, k in planned]

    responses = []
    for day in opened:
        response = _add_weekdays(day, _weighted(spec["response_days"], r()))
        responses.append(response if response < export else None)  # not yet made on the export day
    # Referrals ranked by how long they stay open: later in the year, more likely to be carried over.
    referrals = [i for i, kind in enumerate(kinds) if kind == REFERRAL]
    score = {i: (opened[i] - period.start).days / 366 + r() for i in referrals}
    ranked = sorted(referrals, key=lambda i: -score[i])
    still_open_at = dict.fromkeys(referrals, 0)  # how many checkpoints each referral is open at
    for count in open_counts:
        for i in ranked[:count]:
            still_open_at[i] += 1

    closed: list[date | None] = []
    for i, day in enumerate(opened):
        if kinds[i] == ENQUIRY or still_open_at[i] == 0:  # closes in the year it was begun
            if responses[i] is None or responses[i] > period.end:
                responses[i] = day
            if kinds[i] == ENQUIRY:
                end = _add_weekdays(responses[i], _weighted(spec["enquiry_close_days"], r()))
                closed.append(end if end <= period.end else responses[i])
            else:
                window = weekdays.between(responses[i], period.end)
                closed.append(window[int(r() ** 2 * min(len(window), 130))])
        elif still_open_at[i] == len(checkpoints):  # still open on the export day
            closed.append(None)
        else:  # closes in the year after the last 24 Feb it was open on
            n = still_open_at[i]
            start = max(checkpoints[n - 1], responses[i] or day)
            window = weekdays.between(start, checkpoints[n] - timedelta(days=1))
            closed.append(window[int(r() * len(window))])

    prefix = f"{spec['record_prefix']}-{cohort % 100:02d}"
    return [
        [f"{prefix}-{i + 1:05d}", kinds[i], opened[i], responses[i], closed[i]] for i in range(len(opened))
    ]


def _with_people_and_bad_rows(spec: dict, year: int, records: list[list]) -> list[list[str]]:
    """CSV rows: each record with a fake client (a referral shows the child's name and birth date;
    an enquiry, made without consent, the referrer's only), then a duplicate row, a row with an
    impossible date and a Total footer. Drawn from a random stream of their own, so the records
    above do not change when these do."""
    r = random.Random(_seed("bucks", "people", year)).random
    people = _targets("fake_people")

    def pick(items):
        return items[int(r() * len(items))]

    clients: list[dict] = []
    rows = []
    for record_id, kind, opened, response, closed in records:
        if clients and r() < spec["returning_client_share"]:  # a family back in touch
            client = pick(clients)
        else:
            surname = pick(people["surnames"])
            first, child = pick(people["first_names"]), pick(people["first_names"])
            if child == first:  # a parent and child share a surname, not a first name
                child = people["first_names"][people["first_names"].index(first) - 1]
            client = {
                "id": f"CB{year % 100:02d}{len(clients) + 1:05d}",
                "parent": f"{first} {surname}",
                "child": f"{child} {surname}",
                "dob": opened - timedelta(days=(2 + int(r() * 23)) * 365 + int(r() * 360)),
                "email": f"{first}.{surname}@example.org".lower(),
                "phone": f"07700 900{int(r() * 1000):03d}",
                "postcode": f"{spec['postcode_area']}{pick(spec['postcode_districts'])} "
                f"{int(r() * 10)}{pick(LETTERS)}{pick(LETTERS)}",
            }
            clients.append(client)
        referral = kind == REFERRAL
        note = ""
        if r() < spec["note_share"]:
            age = (opened - client["dob"]).days // 365
            note = pick(NOTES[kind]).format(**{**client, "child": client["child"].split()[0], "age": age})
        rows.append(
            [
                record_id,
                kind,
                _uk(opened),
                _uk(response) if response else "",
                _uk(closed) if closed else "",
                client["id"],
                client["parent"],
                client["child"] if referral else "",
                _uk(client["dob"]) if referral else "",
                client["email"],
                client["phone"],
                client["postcode"],
                note,
            ]
        )
    prefix = f"{spec['record_prefix']}-{year % 100:02d}-"
    client = clients[-1]
    bad_date = [
        f"{prefix}{sum(row[0].startswith(prefix) for row in rows) + 1:05d}",
        ENQUIRY,
        f"30/02/{year + 1}",
        "",
        "",
        client["id"],
        client["parent"],
        "",
        "",
        client["email"],
        client["phone"],
        client["postcode"],
        "date typed by hand",
    ]
    duplicate = list(pick(rows))
    total = ["Total", str(len(rows)), *[""] * (len(HEADERS) - 2)]
    return [*rows, duplicate, bad_date, total]


class _Weekdays:
    """Monday-Friday days from `first` to `last`, sliced by date range."""

    def __init__(self, first: date, last: date) -> None:
        days = (first + timedelta(days=n) for n in range((last - first).days + 1))
        self.days = [day for day in days if day.weekday() < 5]

    def between(self, start: date, end: date) -> list[date]:
        """The weekdays from start to end, both included."""
        return self.days[bisect_left(self.days, start) : bisect_right(self.days, end)]


def _weighted(weights: list[float], u: float) -> int:
    """The index whose share of the weights' total contains u (0 <= u < 1)."""
    target, running = u * sum(weights), 0.0
    for index, weight in enumerate(weights):
        running += weight
        if target < running:
            return index
    return len(weights) - 1
