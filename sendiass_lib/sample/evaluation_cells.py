"""The cells of the synthetic evaluation forms (sample.evaluations): the calibrated answers each
question's forms carry, spread over the forms; comments; invented respondents; return days; and
the involvement a form is about.
"""

from __future__ import annotations

from datetime import date

from . import _shuffled, _split, _targets, _weekdays
from .calibrate import closest, percent


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


def answer_cells(ratings: dict[str, list[int]], pools: dict[str, range], count: int, r) -> list[list[str]]:
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


def form_comment(templates: list[str], form: int, every: int) -> str:
    """Every `every`-th form has a comment: each template once, in turn, then plain ones again."""
    if form % every != 1:
        return ""
    plain = [t for t in templates if "{" not in t and "<" not in t]
    k = form // every
    return templates[k] if k < len(templates) else plain[k % len(plain)]


def case_ref(service: str, day: date, r) -> str:
    """The reference of an involvement of the involvement sample opened in the month before `day`
    (they are numbered in order of opening), or blank when that year has no involvements."""
    spec = _targets("involvements")["services"].get(service, {})
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    monthly = spec.get("monthly", {}).get(year)
    if not monthly:
        return ""
    number = sum(monthly[: month - 1]) + 1 + int(r() * monthly[month - 1])
    return f"{spec['case_prefix']}-{year % 100:02d}-{number:05d}"


def respondent(people: dict, r) -> dict[str, str]:
    """An invented respondent (sample_targets/fake_people.yaml): name, example.org email, drama phone."""
    first = people["first_names"][int(r() * len(people["first_names"]))]
    surname = people["surnames"][int(r() * len(people["surnames"]))]
    return {
        "name": f"{first} {surname}",
        "email": f"{first}.{surname}@example.org".lower(),
        "phone": f"07700 900{int(r() * 1000):03d}",
    }


def working_days(year: int, count: int, r) -> list[date]:
    """`count` working days spread over the year's months, in order."""
    days = []
    for month, n in enumerate(_split(count, 12, r), start=1):
        weekdays = _weekdays(year, month)
        days += sorted(weekdays[int(r() * len(weekdays))] for _ in range(n))
    return days


def from_uk(text: str) -> date:
    """The day a dd/mm/yyyy cell names."""
    day, month, year = text.split("/")
    return date(int(year), int(month), int(day))


def days_between(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included."""
    return [date.fromordinal(o) for o in range(first.toordinal(), last.toordinal() + 1)]
