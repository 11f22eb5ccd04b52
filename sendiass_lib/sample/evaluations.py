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
from datetime import date
from pathlib import Path

from . import _csv_bytes, _largest_remainder, _seed, _shuffled, _split, _targets, _uk, _weekdays, training
from .calibrate import closest, percent, share_base

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


def answers(question: dict, base_range: list[int]) -> list[int]:
    """The ratings a question's forms carry (sorted): counts per rating from `fit`. A question
    whose printed row fits no base must say what the sample prints instead (`known_difference`)."""
    scale = sorted(question["percent"])
    printed = [question["percent"][s] for s in scale]
    n, counts, difference = closest(printed, *base_range)
    shown = {s: percent(c, n) for s, c in zip(scale, counts, strict=True)}
    if difference and shown != question.get("known_difference"):
        raise ValueError(f"{question['key']}: no base prints {printed}; the closest prints {shown}")
    return [s for s, c in zip(scale, counts, strict=True) for _ in range(c)]


def service_forms(service: str, spec: dict, base_range: list[int], people: dict) -> tuple[list, list]:
    """Header and rows of one service's post-involvement forms. The local questions were added
    during the year: only the latest forms are asked them."""
    year, questions = spec["year"], spec["questions"]
    r = random.Random(_seed("evaluations", service, year)).random
    ratings = {q["key"]: _shuffled(answers(q, base_range), r) for q in questions}
    count = max(len(a) for a in ratings.values())
    local = max((len(ratings[q["key"]]) for q in questions if q.get("set") == "local"), default=0)
    pools = {q["key"]: range(count - local if q.get("set") == "local" else 0, count) for q in questions}
    cells = _answer_cells(ratings, pools, count, r)
    days = _working_days(year, count, r)
    rows = []
    for i, day in enumerate(days):
        person = _person(people, r)
        comment = _comment(SERVICE_COMMENTS, i, 3)
        rows.append(
            [
                f"EV-{service[:3].upper()}-{year}-{i + 1:03d}",
                _uk(day),
                _case_ref(service, day, r),
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
    cells = _answer_cells(ratings, {key: range(count) for key in ratings}, count, r)
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
        chosen = sorted(_shuffled(seats[service], r)[:share], key=lambda seat: (_from_uk(seat[1]), seat[0]))
        rows = []
        for i, (session, day) in enumerate(chosen):
            person = _person(people, r)
            comment = _comment(TRAINING_COMMENTS, i, 3)
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
    cells = _answer_cells(ratings, {key: range(count) for key in ratings}, count, r)
    first, last = figures["returned"]
    days = sorted(d for d in _days(first, last) if d.weekday() < 5)
    rows = []
    for i, day in enumerate(sorted(days[int(r() * len(days))] for _ in range(count))):
        person = _person(people, r)
        comment = _comment(BUCKS_COMMENTS, i, 4)
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


def _answer_cells(ratings: dict[str, list[int]], pools: dict[str, range], count: int, r) -> list[list[str]]:
    """One row of answer cells per form: each question's ratings go to forms drawn from its pool;
    the other forms leave it blank, or (sometimes) write N/A where they were asked it."""
    cells = [[""] * len(ratings) for _ in range(count)]
    for j, (key, given) in enumerate(ratings.items()):
        pool = _shuffled(list(pools[key]), r)
        for i, rating in zip(pool, given, strict=False):
            cells[i][j] = str(rating)
        for i in pool[len(given) :]:
            cells[i][j] = "N/A" if r() < 0.3 else ""
    return cells


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


def _comment(templates: list[str], form: int, every: int) -> str:
    """Every `every`-th form has a comment: each template once, in turn, then plain ones again."""
    if form % every != 1:
        return ""
    plain = [t for t in templates if "{" not in t and "<" not in t]
    k = form // every
    return templates[k] if k < len(templates) else plain[k % len(plain)]


def _case_ref(service: str, day: date, r) -> str:
    """The reference of an involvement of the involvement sample opened in the month before `day`
    (they are numbered in order of opening), or blank when that year has no involvements."""
    spec = _targets("involvements")["services"].get(service, {})
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    monthly = spec.get("monthly", {}).get(year)
    if not monthly:
        return ""
    number = sum(monthly[: month - 1]) + 1 + int(r() * monthly[month - 1])
    return f"{spec['case_prefix']}-{year % 100:02d}-{number:05d}"


def _person(people: dict, r) -> dict[str, str]:
    first = people["first_names"][int(r() * len(people["first_names"]))]
    surname = people["surnames"][int(r() * len(people["surnames"]))]
    return {
        "name": f"{first} {surname}",
        "email": f"{first}.{surname}@example.org".lower(),
        "phone": f"07700 900{int(r() * 1000):03d}",
    }


def _working_days(year: int, count: int, r) -> list[date]:
    """`count` working days spread over the year's months, in order."""
    days = []
    for month, n in enumerate(_split(count, 12, r), start=1):
        weekdays = _weekdays(year, month)
        days += sorted(weekdays[int(r() * len(weekdays))] for _ in range(n))
    return days


def _from_uk(text: str) -> date:
    day, month, year = text.split("/")
    return date(int(year), int(month), int(day))


def _days(first: date, last: date) -> list[date]:
    return [date.fromordinal(o) for o in range(first.toordinal(), last.toordinal() + 1)]
