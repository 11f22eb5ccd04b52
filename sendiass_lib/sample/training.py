"""Synthetic training extracts, calibrated to the published training tables (sample_targets/training.yaml).

Each published course total (booked and attended, per audience and format) is split over two or
three sessions in the year, so the sums equal the published figures exactly. Rows carry a fake
trainer name (personal: never stored) and, like a real export, a Total footer and one session whose
booked count was typed as a word; the loader rejects both.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from . import _csv_bytes, _seed, _split, _targets, _uk, _weekdays

HEADERS = [
    "Session Ref",
    "Date of Session",
    "Course Title",
    "Audience",
    "Delivery",
    "Bookings",
    "Attendance",
    "Trainer Name",
]


def write(out_dir: Path) -> list[Path]:
    """training_<year>.csv for every service in the targets."""
    targets, people = _targets("training"), _targets("fake_people")
    written = []
    for service, spec in targets["services"].items():
        rows = sessions(service, spec["year"], spec["courses"], people)
        path = out_dir / service / f"training_{spec['year']}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_csv_bytes(HEADERS, rows))
        written.append(path)
    return written


def sessions(service: str, year: int, courses: list[dict], people: dict) -> list[list[str]]:
    r = random.Random(_seed("training", service, year)).random
    days = [d for month in range(1, 13) for d in _weekdays(year, month)]
    trainers = [f"{people['first_names'][i]} {people['surnames'][-1 - i]}" for i in range(3)]
    planned = []
    for course in courses:
        count = 2 + int(r() * 2)
        attended = _split(course["attended"], count, r)
        extra = _split(course["booked"] - course["attended"], count, r) if course["booked"] else None
        for i in range(count):
            booked = "" if extra is None else str(attended[i] + extra[i])
            planned.append((days[int(r() * len(days))], course, booked, str(attended[i])))
    planned.sort(key=lambda p: (p[0], p[1]["course"]))
    rows = [
        [
            f"TR-{service[:3].upper()}-{year}-{n:03d}",
            _uk(day),
            c["course"],
            c["audience"],
            c["format"],
            booked,
            attended,
            trainers[int(r() * len(trainers))],
        ]
        for n, (day, c, booked, attended) in enumerate(planned, start=1)
    ]
    typo = [
        f"TR-{service[:3].upper()}-{year}-{len(rows) + 1:03d}",
        _uk(date(year, 11, 20)),
        courses[0]["course"],
        courses[0]["audience"],
        courses[0]["format"],
        "twelve",
        "",
        trainers[0],
    ]
    total = ["Total", "", "", "", "", "", str(sum(c["attended"] for c in courses)), ""]
    return [*rows, typo, total]
