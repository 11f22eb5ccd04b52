"""Synthetic involvement extracts, calibrated to the published figures (sample_targets/involvements.yaml).

Written as data/sample/<service>/involvements_<year>.csv, the way a case-management system
exports them: human headers, UK dates, UTF-8 with BOM and CRLF line ends, fake personal columns
(names, DOB, contact details, notes that mention them) and three bad rows per file (a duplicate, an
impossible date, a Total footer) that the loader rejects. Loaded monthly counts equal the published
ones exactly; intervention levels of closed involvements match the published percentages by
largest remainder; the label columns (caller type, contact method, where heard, reasons, SEN type)
reproduce each published mix to its printed precision (see `mixes` in the targets file), written
with the spelling variants real exports have ("Autism", "SEMh", trailing spaces, ";" without space).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from .. import fields
from . import (
    PERSON_HEADERS,
    _add_weekdays,
    _csv_bytes,
    _largest_remainder,
    _seed,
    _shuffled,
    _targets,
    _uk,
    _weekdays,
)
from .calibrate import count_range, counts, smallest_base

# The label columns written, in HEADERS order (fields.LABEL_COLUMNS says which hold several labels).
LABEL_COLUMNS = ("caller_type", "contact_method", "heard_about", "reasons", "sen_types")
HEADERS = [
    "Case Ref",
    "Date Opened",
    "Date of First Response",
    "Date Closed",
    "Level",
    "Caller Type",
    "Contact Method",
    "How did you hear about us",
    "Reason(s) for Contact",
    "SEN Type",
    *PERSON_HEADERS,
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

    labels = _label_cells(opened, spec.get("mixes", {}), service, year)
    prefix = spec["case_prefix"]
    rows = [
        [
            f"{prefix}-{year % 100:02d}-{i + 1:05d}",
            _uk(opened_on),
            _uk(response),
            _uk(closed) if closed else "",
            f"Level {level_of[i]}" if i in level_of else "",
            *(labels[column][i] for column in LABEL_COLUMNS),
        ]
        for i, (opened_on, response, closed) in enumerate(records)
    ]
    return _with_people_and_bad_rows(rows, opened, service, year, prefix)


def _label_cells(opened: list[date], mixes: dict, service: str, year: int) -> dict[str, list[str]]:
    """The cells of each label column, one per involvement: for every published mix that applies
    to a period of this year, the involvements opened in it get labels in exactly its proportions.
    Drawn from a random stream of their own, so the columns above do not change with the mixes."""
    rng = random.Random(_seed(service, year, "labels"))
    variants = _targets("involvement_label_variants")
    cells = {column: [""] * len(opened) for column in LABEL_COLUMNS}
    for column in LABEL_COLUMNS:
        _, multi = fields.LABEL_COLUMNS[column]
        for table in mixes.get(column, ()):
            fits = [(period, True) for period in _periods(table["apply_to"], year)]
            fits += [(period, False) for period in _periods(table.get("borrowed_by", ()), year)]
            for (start, end), exact in fits:
                members = [i for i, day in enumerate(opened) if start <= day <= end]
                if not exact:
                    chosen = _nearest_labels(members, table, rng)
                elif multi:
                    chosen = _multi_labels(members, table, rng)
                else:
                    chosen = _single_labels(members, table, rng)
                for i, labels in chosen.items():
                    spelled = [_spelling(label, variants.get(column, {}), rng) for label in labels]
                    cells[column][i] = ("; " if rng.random() < 0.8 else ";").join(spelled)
    return cells


def _periods(apply_to: list, year: int) -> list[tuple[date, date]]:
    """The (start, end) periods of `apply_to` that fall in `year`: 2023, or "2024-04-01/2024-12-31"."""
    found = []
    for period in apply_to:
        if isinstance(period, int):
            start, end = date(period, 1, 1), date(period, 12, 31)
        else:
            start, end = (date.fromisoformat(part) for part in period.split("/"))
        if start.year == year:
            found.append((start, end))
    return found


def _repeated(counts: dict[str, int]) -> list[str]:
    """Each label as many times as its count: {"a": 2, "b": 1} -> ["a", "a", "b"]."""
    return [label for label, c in counts.items() for _ in range(c)]


def _multi_labels(members: list[int], table: dict, rng: random.Random) -> dict[int, list[str]]:
    """At least one label per involvement; shares of the labels recorded (or, with `base:
    involvements`, of the involvements) round to the printed percentages."""
    n, printed, decimals = len(members), table["percent"], table["decimals"]
    if table.get("base") == "involvements":
        ranges = [count_range(v, decimals, n) for v in printed.values()]
        total = min(max(n, sum(low for low, _ in ranges)), sum(high for _, high in ranges))
        found = counts(printed, decimals, n, total)
    else:
        base = smallest_base(printed, decimals, n, 4 * n + 1)
        found = base and base[1]
    if not found or sum(found.values()) < n:
        raise ValueError(f"no labels of {n} involvements print as {printed}")
    tokens = _shuffled(_repeated(found), rng.random)
    chosen = {i: [label] for i, label in zip(_shuffled(members, rng.random), tokens, strict=False)}
    for label in tokens[n:]:
        while label in chosen[i := members[int(rng.random() * n)]]:
            pass
        chosen[i].append(label)
    return chosen


def _single_labels(members: list[int], table: dict, rng: random.Random) -> dict[int, list[str]]:
    """One label or a blank per involvement; shares of those recorded round to the printed
    percentages, and the `not_recorded` row (if any) is the share of all left blank."""
    n, printed, decimals = len(members), dict(table["percent"]), table["decimals"]
    blank_row = table.get("not_recorded")
    if blank_row:
        low, high = count_range(printed.pop(blank_row), decimals, n)
        blanks = range(low, high + 1)
    else:
        blanks = range(0, n // 10 + 1)
    for blank in blanks:
        found = counts(printed, decimals, n - blank)
        if found is not None:
            break
    else:
        raise ValueError(f"no labels of {n} involvements print as {table['percent']}")
    tokens = _shuffled(_repeated(found) + [None] * blank, rng.random)
    return {i: [label] for i, label in zip(_shuffled(members, rng.random), tokens, strict=True) if label}


def _nearest_labels(members: list[int], table: dict, rng: random.Random) -> dict[int, list[str]]:
    """One label per involvement in the table's proportions, to the nearest whole count (largest
    remainder): for years with no published table of their own."""
    printed = {k: v for k, v in table["percent"].items() if k != table.get("not_recorded")}
    n = len(members)
    found = dict(zip(printed, _largest_remainder(n, list(printed.values())), strict=True))
    tokens = _shuffled(_repeated(found), rng.random)
    return {i: [label] for i, label in zip(_shuffled(members, rng.random), tokens, strict=True)}


def _spelling(label: str, variants: dict, rng: random.Random) -> str:
    """The label as an export might spell it: mostly as printed, sometimes a variant or a stray space."""
    r = rng.random()
    if r < 0.15 and label in variants:
        options = variants[label]
        return options[int(rng.random() * len(options))]
    return label + " " if r > 0.97 else label


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
    notes, personal = HEADERS.index("Notes"), slice(HEADERS.index("Client ID"), HEADERS.index("Notes"))
    rows[int(rng.random() * len(rows))][notes] = (
        "<script>alert('pasted from the web form')</script> parent asked about transport"
    )
    bad_date = [
        f"{prefix}-{year % 100:02d}-{len(rows) + 1:05d}",
        f"31/02/{year}",
        *[""] * (personal.start - 2),
        *rows[0][personal],
        "date typed by hand",
    ]
    duplicate = list(pick(rows))
    total = ["Total", str(len(rows)), *[""] * (len(HEADERS) - 2)]
    return [*rows, duplicate, bad_date, total]


def _allocate(n: int, percent: dict) -> list[int]:
    """n levels in the given proportions, rounded by largest remainder, in level order."""
    levels = sorted(int(level) for level in percent)
    counts = _largest_remainder(n, [percent[level] for level in levels])
    return [level for level, c in zip(levels, counts, strict=True) for _ in range(c)]


def _response_delay(r: float) -> int:
    """Working days to first response: most the same or next day, a few up to five."""
    for limit, delay in ((0.55, 0), (0.85, 1), (0.94, 2), (0.98, 3)):
        if r < limit:
            return delay
    return 5
