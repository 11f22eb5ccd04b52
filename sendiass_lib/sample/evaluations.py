"""Synthetic evaluation forms, calibrated to the published ratings (sample_targets/evaluations.yaml).

The reports print each question's percentages but never how many forms answered it, and bases
differ between questions (families skip some). So `fit` finds, per question, the fewest answers in
the targets' `base_range` whose counts give the printed percentages when rounded half-up, and the
forms carry exactly those answers: loaded, every question prints as published. Worcestershire's
Q6 fits no base; it gets the closest counts and the targets record the difference.

Written, like a real export (UTF-8 with BOM, CRLF, UK dates, a blank or "N/A" for a question not
answered, fake respondent names and contacts that are personal and never stored, comments that
mention them or hold markup, and a bad row or two the loader rejects), as:
- <service>/evaluations_2024.csv: Herefordshire and Worcestershire post-involvement forms, 1-4,
  Q1-Q6 national and the two local questions (both printed "Q7") as Q7 and Q8;
- <service>/training_evaluations_2024.csv: the two joint training tables, forms shared between the
  services by training attendance and linked to the training sample's sessions;
- bucks/evaluations_<year>.csv: Buckinghamshire's survey, 0-10, "% rating 7 or more", 2020 and
  2021 (the reporting years 2020/21 and 2021/22, which start on 24 Feb).
"""

from __future__ import annotations

import random
from pathlib import Path

from . import _csv_bytes, _largest_remainder, _seed, _shuffled, _targets, _uk, training
from .calibrate import share_base
from .evaluation_cells import (
    answer_cells,
    answers,
    case_ref,
    days_between,
    form_comment,
    from_uk,
    respondent,
    working_days,
)

SERVICE_COMMENTS = [
    "{name} said the advisor explained the EHCP process clearly",
    "Asked for the annual review leaflet to be sent to {email}",
    "<script>alert(1)</script> {name} typed this into the form",
    "Really helpful, felt listened to for the first time",
    "Would have liked a quicker first response",
    "The advisor came to the school meeting with us",
]
TRAINING_COMMENTS = [
    "{name} - will share the slides with colleagues at school",
    "Please send the resources to {email}",
    "<script>alert(1)</script> {name} typed this into the form",
    "Knowing what to ask for at the annual review",
    "Clear explanation of where EHCPs sit in the law",
    "Feel more confident about the EHCP process",
]
# What each file gets wrong, as real exports do (the loader rejects these rows): the answer typed
# on one extra form (off the scale), and one more problem row.
BAD_ROWS = {
    "herefs/evaluations_2024.csv": ("5", "duplicate"),
    "worcs/evaluations_2024.csv": ("0", "total"),
    "herefs/training_evaluations_2024.csv": ("44", "duplicate"),
    "worcs/training_evaluations_2024.csv": ("Good", "total"),
    "bucks/evaluations_2021.csv": ("11", "date"),
    "bucks/evaluations_2020.csv": ("7/10", "duplicate"),
}
BUCKS_COMMENTS = [
    "{name} said the adviser was impartial and kind",
    "Please call back on {phone} about the appeal",
    "<script>alert(1)</script> {name} typed this into the form",
    "Took a while to get a reply but worth the wait",
    "Helped us understand the EHC needs assessment",
    "Could not get through on the phone at first",
]


def write(out_dir: Path) -> list[Path]:
    """Every evaluation and training-evaluation form file in the targets; the paths written."""
    targets, people = _targets("evaluations"), _targets("fake_people")
    files: dict[str, tuple[list[str], list[list[str]]]] = {}
    spec = targets["service_evaluations"]
    for service, forms in spec["services"].items():
        files[f"{service}/evaluations_{forms['year']}.csv"] = service_forms(
            service, forms, spec["base_range"], people
        )
    spec = targets["training_evaluations"]
    for service, table in training_forms(spec, people).items():
        files[f"{service}/training_evaluations_{spec['year']}.csv"] = table
    spec = targets["bucks_survey"]
    for year in spec["years"]:
        files[f"{spec['service']}/evaluations_{year}.csv"] = bucks_forms(spec, year, people)
    written = []
    for name, (header, rows) in files.items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_csv_bytes(header, _with_bad_rows(header, rows, *BAD_ROWS[name])))
        written.append(path)
    return written


def service_forms(service: str, spec: dict, base_range: list[int], people: dict) -> tuple[list, list]:
    """Header and rows of one service's post-involvement forms. The local questions were added
    during the year: only the latest forms are asked them."""
    year, questions = spec["year"], spec["questions"]
    r = random.Random(_seed("evaluations", service, year)).random
    ratings = {q["key"]: _shuffled(answers(q, base_range), r) for q in questions}
    count = max(len(a) for a in ratings.values())
    local = max((len(ratings[q["key"]]) for q in questions if q.get("set") == "local"), default=0)
    pools = {q["key"]: range(count - local if q.get("set") == "local" else 0, count) for q in questions}
    cells = answer_cells(ratings, pools, count, r)
    days = working_days(year, count, r)
    rows = []
    for i, day in enumerate(days):
        person = respondent(people, r)
        comment = form_comment(SERVICE_COMMENTS, i, 3)
        rows.append(
            [
                f"EV-{service[:3].upper()}-{year}-{i + 1:03d}",
                _uk(day),
                case_ref(service, day, r),
                *cells[i],
                comment.format(**person),
                person["name"],
                person["email"],
            ]
        )
    header = ["Response ID", "Date Returned", "Case Ref", *(f"{q['key']} {q['text']}" for q in questions)]
    header += ["Comments", "Parent Name", "Email"]
    return header, rows


def training_forms(spec: dict, people: dict) -> dict[str, tuple[list, list]]:
    """Header and rows per service of the training evaluation forms. The percentages are of both
    services' forms together; each service gets forms in proportion to its training attendance,
    each linked to one of its sample sessions and returned on the day of the session."""
    year, questions = spec["year"], spec["questions"]
    r = random.Random(_seed("training_evaluations", year)).random
    ratings = {q["key"]: _shuffled(answers(q, spec["base_range"]), r) for q in questions}
    count = max(len(a) for a in ratings.values())
    cells = answer_cells(ratings, {key: range(count) for key in ratings}, count, r)
    courses = _targets("training")["services"]
    seats = {
        service: [
            (row[0], row[1])
            for row in training.sessions(service, year, courses[service]["courses"], people)
            if row[0] != "Total" and row[6].isdigit()  # not the footer, nor the row the loader rejects
            for _ in range(int(row[6]))
        ]
        for service in courses
    }
    shares = _largest_remainder(count, [len(s) for s in seats.values()])
    header = ["Form ID", "Date Completed", "Session Ref", *(f"{q['key']} {q['text']}" for q in questions)]
    header += ["What made a difference for you", "Delegate Name", "Delegate Email"]
    tables, start = {}, 0
    for service, share in zip(seats, shares, strict=True):
        chosen = sorted(_shuffled(seats[service], r)[:share], key=lambda seat: (from_uk(seat[1]), seat[0]))
        rows = []
        for i, (session, day) in enumerate(chosen):
            person = respondent(people, r)
            comment = form_comment(TRAINING_COMMENTS, i, 3)
            anonymous = r() < 0.3 and "{" not in comment  # a comment naming its writer is signed
            rows.append(
                [
                    f"TE-{service[:3].upper()}-{year}-{i + 1:03d}",
                    day,
                    session,
                    *cells[start + i],
                    comment.format(**person),
                    "" if anonymous else person["name"],
                    "" if anonymous else person["email"],
                ]
            )
        start += share
        tables[service] = (header, rows)
    return tables


def bucks_forms(spec: dict, year: int, people: dict) -> tuple[list, list]:
    """Header and rows of one year's Buckinghamshire survey: per question, the smallest base whose
    share of ratings 7-10 prints as published; as many forms as the printed respondents, when
    printed (a form may answer none of the four headline questions)."""
    figures, threshold = spec["years"][year], spec["threshold"]
    r = random.Random(_seed("evaluations", spec["service"], year)).random
    ratings = {}
    for q in spec["questions"]:
        n, k = share_base(figures["percent_7_or_more"][q["key"]], *spec["base_range"])
        high = [threshold + int(r() ** 0.5 * (11 - threshold)) for _ in range(k)]
        low = [2 + int(r() * (threshold - 2)) for _ in range(n - k)]
        ratings[q["key"]] = _shuffled(high + low, r)
    count = max(figures["respondents"] or 0, *(len(a) for a in ratings.values()))
    cells = answer_cells(ratings, {key: range(count) for key in ratings}, count, r)
    first, last = figures["returned"]
    days = sorted(d for d in days_between(first, last) if d.weekday() < 5)
    rows = []
    for i, day in enumerate(sorted(days[int(r() * len(days))] for _ in range(count))):
        person = respondent(people, r)
        comment = form_comment(BUCKS_COMMENTS, i, 4)
        rows.append(
            [
                f"SV-{year}-{i + 1:02d}",
                _uk(day),
                *cells[i],
                comment.format(**person),
                person["name"],
                person["phone"],
            ]
        )
    header = ["Respondent ID", "Survey Date", *(f"{q['key']} {q['label']} (0-10)" for q in spec["questions"])]
    header += ["Comments", "Name", "Phone"]
    return header, rows


def _with_bad_rows(header: list[str], rows: list[list[str]], rating: str, problem: str) -> list[list[str]]:
    """The rows plus what a real export gets wrong, which the loader rejects: one more form with
    `rating` (off the scale) as its first answer, and a `problem` row (a form keyed twice, a footer
    counting the forms, or a form with an impossible date). The calibrated forms all load."""
    first_answer = next(i for i, h in enumerate(header) if h.startswith("Q"))
    off_scale = [_next_id(rows), *rows[-1][1:]]
    off_scale[first_answer] = rating
    rows = [*rows, off_scale]
    if problem == "duplicate":  # the copy next to the original
        at = len(rows) // 2
        rows.insert(at + 1, list(rows[at]))
    elif problem == "total":
        questions = [i for i, h in enumerate(header) if h.startswith("Q")]
        answered = [str(sum(row[i].isdigit() for row in rows)) for i in questions]  # answers per question
        rows.append(
            ["Total", *[""] * (questions[0] - 1), *answered, *[""] * (len(header) - questions[-1] - 1)]
        )
    elif problem == "date":
        typo = [_next_id(rows), *rows[len(rows) // 3][1:]]
        typo[1] = "29/02/" + typo[1][-4:]  # not a leap year
        rows.append(typo)
    else:
        raise ValueError(f"unknown bad row {problem!r}")
    return rows


def _next_id(rows: list[list[str]]) -> str:
    """The id after the last form's: EV-HER-2024-011 -> EV-HER-2024-012."""
    stem, number = rows[-1][0].rsplit("-", 1)
    return f"{stem}-{int(number) + 1:0{len(number)}d}"
