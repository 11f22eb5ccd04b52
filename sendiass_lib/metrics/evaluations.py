"""Service evaluation forms returned in a reporting year: per question, how many answered and how.

A form may leave questions unanswered (no rating is stored), so each question has its own base: the
forms that answered it. Per question: the count and share of each rating on the service's scale
(`evaluation_scale` in services/<slug>.yaml), and the headline share (rated 4 "excellent" on a 1-4
scale, rated 7 or more on 0-10; taxonomies/evaluation_questions.yaml) with its Wilson 95% interval,
because bases are small and a share of 10 answers says much less than a share of 100.

Questions are grouped into the sets the service asks (national, local, survey) with their wording
from taxonomies/evaluation_questions.yaml; a question in the data but in none of the service's sets
is shown under "Other questions", never dropped. The year's comments (redacted when loaded) come too.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import duckdb
import polars as pl

from .. import config, periods
from ..config import Service
from ..periods import Period
from ..questions import QuestionSet, question_sets, questions_file

Z = 1.959964  # the standard normal quantile for a two-sided 95% interval

QUESTION = "Question"  # the key as numbered on the form: Q1, Q2, ...
SET = "Set"
WORDING = "Wording"
SHORT = "Short"
PRINTED_AS = "Printed as"
BASE = "Answered"  # forms that answered the question: the base of its shares
RATING = "Rating"
COUNT = "Count"
SHARE = "Share"
HEADLINE_COUNT = "Headline count"
HEADLINE_SHARE = "Headline share"
LOW = "Low"  # Wilson 95% interval of the headline share
HIGH = "High"
OTHER = "other"
HEADLINE = "headline"  # in hidden_ratings: the headline share and its interval


def wilson(successes: int, n: int, z: float = Z) -> tuple[float, float] | None:
    """Wilson interval of successes/n (None if n is 0): unlike p +/- z*se, sound for small bases."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be between 0 and n ({n}), not {successes}")
    p, z2 = successes / n, z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # At 0% and 100% one end is exactly 0 or 1 (centre - half cancels); say so rather than 1e-16 off.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class Scale:
    """A rating scale and how its headline share is read."""

    low: int
    high: int
    headline_from: int  # ratings from this up count in the headline share
    headline: str  # "rated 4 (excellent)", "rated 7 or more"
    labels: dict[int, str] = field(default_factory=dict)  # names of scale points: {1: "poor"}

    @property
    def ratings(self) -> list[int]:
        """Every rating on the scale, lowest first."""
        return list(range(self.low, self.high + 1))

    @property
    def headline_is_one_rating(self) -> bool:
        """The headline share is a single rating (4 on 1-4), so a table needs no column of its own."""
        return self.headline_from == self.high

    def rating_label(self, rating: int) -> str:
        """'4 (excellent)', '2'."""
        name = self.labels.get(rating)
        return f"{rating} ({name})" if name else str(rating)


@dataclass(frozen=True)
class Evaluations:
    """The evaluation forms a service received in one reporting year."""

    service: Service
    period: Period
    scale: Scale
    forms: int  # forms returned in the period
    sets: tuple[QuestionSet, ...]  # sets with any answer in the period, in the order shown
    # One row per question shown: Question, Set, Wording, Short, Printed as, Answered, Headline
    # count, Headline share, Low, High (shares and interval null when none answered).
    questions: pl.DataFrame
    # One row per question x rating on the scale: Question, Rating, Count, Share (of Answered).
    ratings: pl.DataFrame
    comments: tuple[str, ...]  # the year's comments, redacted when loaded, in the order returned

    def share(self, question: str, rating: int) -> float | None:
        """The share of a question's answers at one rating (None when none answered or not shown)."""
        found = self.ratings.filter((pl.col(QUESTION) == question) & (pl.col(RATING) == rating))
        return found[SHARE].item() if found.height else None

    def hidden_ratings(self) -> dict[str, set[int | str]]:
        """{question: ratings whose percentage is [c], and HEADLINE if its headline share and
        interval are}, under the service's rule: a rating given by 1 to 4 people (when the rule
        suppresses rating counts), and whatever the audit finds would give one back from the
        question's base or its headline share (audit.secure)."""
        from .. import audit, disclosure

        rule = disclosure.rule(self.service)
        if not rule.ratings_suppressed:
            return {}
        found: dict[str, set[int | str]] = {}
        for row in self.questions.iter_rows(named=True):
            key, answered = row[QUESTION], row[BASE] or 0
            counts = dict(self.ratings.filter(pl.col(QUESTION) == key).select(RATING, COUNT).iter_rows())
            small = {r for r, n in counts.items() if disclosure.suppressed(n, rule)}
            if not small or not disclosure.percent_shown(answered, rule):
                continue  # nothing small, or no percentage at all on this base
            pub = audit.Publication()
            pub.cell("answered", answered, fixed=True)
            for rating, n in counts.items():
                pub.cell(rating, n, primary=rating in small)
            pub.total("answered", list(counts))
            if not self.scale.headline_is_one_rating:  # the headline share (and its interval)
                pub.cell(
                    HEADLINE, row[HEADLINE_COUNT], primary=disclosure.suppressed(row[HEADLINE_COUNT], rule)
                )
                pub.total(HEADLINE, [r for r in counts if r >= self.scale.headline_from])
            added, _ = audit.secure(pub, rule.width)
            found[key] = small | added
        return found

    def published_headlines(self) -> pl.DataFrame:
        """`questions` whose headline share may be published: answered by at least the rule's
        minimum base, and not hidden with a rating it would give back."""
        from .. import disclosure

        rule = disclosure.rule(self.service)
        hidden = self.hidden_ratings()
        top = self.scale.high if self.scale.headline_is_one_rating else HEADLINE
        withheld = [q for q, cells in hidden.items() if top in cells]
        return self.questions.filter(
            (pl.col(BASE) >= (rule.min_base if rule.on else 1)) & ~pl.col(QUESTION).is_in(withheld)
        )

    def question(self, key: str) -> dict:
        """One question's row of `questions`, as a dict."""
        found = self.questions.filter(pl.col(QUESTION) == key)
        if not found.height:
            raise KeyError(f"{key} is not among the questions shown: {', '.join(self.questions[QUESTION])}")
        return found.row(0, named=True)

    def table(self, set_name: str) -> pl.DataFrame:
        """For display: a set's questions with wording, base, share per rating, headline and interval."""
        rows = self.questions.filter(pl.col(SET) == set_name).select(QUESTION, WORDING, BASE)
        wide = (
            self.ratings.filter(pl.col(QUESTION).is_in(rows[QUESTION].implode()))
            .with_columns(pl.col(RATING).map_elements(self.scale.rating_label, return_dtype=pl.String))
            .pivot(RATING, index=QUESTION, values=SHARE)
        )
        headline = self.questions.select(QUESTION, HEADLINE_SHARE, LOW, HIGH)
        return rows.join(wide, on=QUESTION, how="left", maintain_order="left").join(
            headline, on=QUESTION, how="left", maintain_order="left"
        )


def scale_of(service: Service) -> Scale:
    """The service's scale as evaluation_questions.yaml reads it (unlisted: top rating is the headline)."""
    low, high = service.evaluation_scale
    spec = questions_file()["scales"].get(f"{low}-{high}", {})
    top = int(spec.get("headline_from", high))
    text = spec.get("headline") or (f"rated {high}" if top == high else f"rated {top} or more")
    labels = {int(k): str(v) for k, v in (spec.get("labels") or {}).items()}
    return Scale(low, high, top, text, labels)


def evaluations(
    con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None
) -> Evaluations:
    """The forms returned in a reporting year: ratings per question, headline shares, intervals, comments."""
    svc = config.service(service)
    span = periods.reporting_year(svc, year, period)
    scale = scale_of(svc)
    params = {"service": svc.slug, "start": span.start, "end": span.end}
    in_year = """FROM evaluation_ratings r JOIN evaluations e USING (service, response_id)
                 WHERE e.service = $service AND e.returned_on BETWEEN $start AND $end"""
    loaded = con.execute(f"SELECT DISTINCT r.scale_min, r.scale_max {in_year}", params).fetchall()
    if any((low, high) != (scale.low, scale.high) for low, high in loaded):
        found = ", ".join(f"{low}-{high}" for low, high in sorted(loaded))
        raise ValueError(
            f"{svc.slug} ratings in {span.long_label} were loaded on scale {found}, but the service's "
            f"evaluation_scale is {scale.low}-{scale.high}; rebuild the database with `make data`"
        )
    counts = pl.DataFrame(
        con.execute(f"SELECT r.question, r.rating, count(*) {in_year} GROUP BY ALL", params).fetchall(),
        schema={QUESTION: pl.String, RATING: pl.Int64, COUNT: pl.Int64},
        orient="row",
    )
    forms = con.execute(
        "SELECT count(*) FROM evaluations WHERE service = $service AND returned_on BETWEEN $start AND $end",
        params,
    ).fetchall()[0][0]
    comments = con.execute(
        """SELECT trim(comments) FROM evaluations
           WHERE service = $service AND returned_on BETWEEN $start AND $end
           AND nullif(trim(comments), '') IS NOT NULL
           ORDER BY returned_on, response_id""",
        params,
    ).fetchall()
    sets, questions = _shown(svc.slug, set(counts[QUESTION]))
    ratings = _ratings(counts, questions[QUESTION].to_list(), scale)
    return Evaluations(
        svc,
        span,
        scale,
        forms,
        tuple(sets),
        _with_headline(questions, ratings, scale),
        ratings,
        tuple(text for (text,) in comments),
    )


def _number(key: str) -> tuple[int, str]:
    """Sort key: Q2 before Q10."""
    digits = re.search(r"\d+", key)
    return (int(digits.group()) if digits else 10**6, key)


def _shown(service: str, answered: set[str]) -> tuple[list[QuestionSet], pl.DataFrame]:
    """The sets with any answer (every question of such a set, answered or not), then any other
    question answered, as QuestionSets and a frame of Question, Set, Wording, Short, Printed as."""
    sets, rows, listed = [], [], set()
    for qset, wording in question_sets(service):
        listed.update(qset.questions)
        if answered & set(qset.questions):
            sets.append(qset)
            for key, words in wording.items():
                text = str(words["text"])
                rows.append((key, qset.name, text, str(words.get("short", text)), words.get("printed_as")))
    others = sorted(answered - listed, key=_number)
    if others:
        note = (
            "Questions in the data with no wording for this service in "
            "sendiass_lib/taxonomies/evaluation_questions.yaml: add them there to name them."
        )
        sets.append(QuestionSet(OTHER, "Other questions", note, tuple(others)))
        rows += [(key, OTHER, key, key, None) for key in others]
    frame = pl.DataFrame(
        rows,
        schema={
            QUESTION: pl.String,
            SET: pl.String,
            WORDING: pl.String,
            SHORT: pl.String,
            PRINTED_AS: pl.String,
        },
        orient="row",
    )
    return sets, frame


def _ratings(counts: pl.DataFrame, questions: list[str], scale: Scale) -> pl.DataFrame:
    """Every question x rating on the scale, zeros included, with the share of the question's base."""
    grid = pl.DataFrame({QUESTION: questions}, schema={QUESTION: pl.String}).join(
        pl.DataFrame({RATING: scale.ratings}, schema={RATING: pl.Int64}), how="cross"
    )
    rows = grid.join(counts, on=[QUESTION, RATING], how="left", maintain_order="left").with_columns(
        pl.col(COUNT).fill_null(0)
    )
    base = pl.col(COUNT).sum().over(QUESTION)
    return rows.with_columns(pl.when(base > 0).then(pl.col(COUNT) / base).otherwise(None).alias(SHARE))


def _with_headline(questions: pl.DataFrame, ratings: pl.DataFrame, scale: Scale) -> pl.DataFrame:
    """Add each question's base, headline count and share, and its Wilson 95% interval."""
    sums = ratings.group_by(QUESTION, maintain_order=True).agg(
        pl.col(COUNT).sum().alias(BASE),
        pl.col(COUNT).filter(pl.col(RATING) >= scale.headline_from).sum().alias(HEADLINE_COUNT),
    )
    frame = questions.join(sums, on=QUESTION, how="left", maintain_order="left")
    intervals = [wilson(k, n) for k, n in zip(frame[HEADLINE_COUNT], frame[BASE], strict=True)]
    return frame.with_columns(
        pl.when(pl.col(BASE) > 0).then(pl.col(HEADLINE_COUNT) / pl.col(BASE)).alias(HEADLINE_SHARE),
        pl.Series(LOW, [i[0] if i else None for i in intervals], dtype=pl.Float64),
        pl.Series(HIGH, [i[1] if i else None for i in intervals], dtype=pl.Float64),
    )
