"""Training evaluations: what attendees said on their evaluation forms, per question, for one service
or pooled over the services that publish them together.

Rules (docs/database.md, tables training_evaluations, training_evaluation_ratings):
- Evaluation forms belong to the reporting year they were returned in. A question's base is the forms
  that answered it (an unanswered question has no rating row); shares are of that base, per rating
  of the form's scale, zeros included, best rating first.
- Joint results: Herefordshire and Worcestershire publish their training evaluations for both counties
  together, so `joint_evaluations` pools the forms of the services that share joint channels with the
  service (metrics.digital.sharing_services) whenever they ask the same questions on the same scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import polars as pl

from .. import config, disclosure, periods
from ..config import Service
from ..periods import Period
from ..questions import TRAINING_QUESTIONS, Question
from . import digital

RATING, LABEL, RESPONSES, SHARE = "Rating", "Answer", "Responses", "Share"


def question(key: str, scale: tuple[int, int]) -> Question:
    """The form's question, or a plain one ('Question 3', ratings as numbers) for a question not described."""
    if key in TRAINING_QUESTIONS:
        return TRAINING_QUESTIONS[key]
    number = key[1:] if key[:1].upper() == "Q" else key
    return Question(key, f"Question {number}", {r: str(r) for r in range(scale[0], scale[1] + 1)})


@dataclass(frozen=True)
class QuestionResult:
    """One question's answers: Rating, Answer, Responses, Share (of the base), best rating first."""

    question: Question
    scale: tuple[int, int]
    base: int  # forms that answered the question
    rows: pl.DataFrame

    def share(self, label: str) -> float | None:
        """The share of one answer label (None when the label is not on the scale)."""
        found = self.rows.filter(pl.col(LABEL) == label)
        return found[SHARE].item() if found.height else None

    def table(self) -> pl.DataFrame:
        """For display: Answer, Responses, Share."""
        return self.rows.select(LABEL, RESPONSES, SHARE)


@dataclass(frozen=True)
class Evaluations:
    """Training evaluation results over the forms of one or more services (joint when several)."""

    services: tuple[Service, ...]
    period: Period
    forms: dict[str, int]  # forms returned in the period, by service slug
    questions: list[QuestionResult]

    @property
    def joint(self) -> bool:
        return len(self.services) > 1

    @property
    def scope(self) -> str:
        """'joint: Herefordshire & Worcestershire', or the one service's area."""
        areas = " & ".join(s.area for s in self.services)
        return f"joint: {areas}" if self.joint else areas

    @property
    def total_forms(self) -> int:
        return sum(self.forms.values())

    @property
    def rule(self) -> disclosure.Rule:
        """The strictest disclosure rule of the pooled services: joint results read the same on
        every service's page."""
        return disclosure.strictest([disclosure.rule(s) for s in self.services])

    def protected(self, result: QuestionResult) -> disclosure.Shown:
        """One question's table (Answer, Responses, Share) as it may be published: as for the
        service's own evaluations (metrics.evaluations), answers on anonymous forms are not counts
        of clients, so the rule's minimum base applies: no share on a question answered by fewer."""
        rule = self.rule
        shown, hidden = result.table(), {}
        if not disclosure.percent_shown(result.base, rule):
            shown = disclosure.withhold(shown, hidden, {label: [SHARE] for label in shown[LABEL]})
        return disclosure.Shown(shown, hidden, rule)

    def result(self, key: str) -> QuestionResult | None:
        """One question's result by key ('Q1'), or None."""
        return next((q for q in self.questions if q.question.key == key), None)


def evaluations(
    con: duckdb.DuckDBPyConnection, services: str | Sequence[str], year: int, period: str | None = None
) -> Evaluations:
    """Answers per question over the forms the services got back in the reporting year `year` (the
    first service's year: services pooled together must share their reporting years)."""
    slugs = [services] if isinstance(services, str) else list(services)
    svcs = tuple(config.service(s) for s in slugs)
    span = periods.reporting_year(svcs[0], year, period)
    for svc in svcs[1:]:
        other = periods.reporting_year(svc, year, period)
        if (other.start, other.end) != (span.start, span.end):
            raise ValueError(f"{svc.slug} and {svcs[0].slug} have different reporting years: cannot pool")
    params = {"services": slugs, "start": span.start, "end": span.end}
    forms = dict.fromkeys(slugs, 0) | dict(
        con.execute(
            """SELECT service, count(*) FROM training_evaluations
               WHERE list_contains($services, service) AND returned_on BETWEEN $start AND $end
               GROUP BY service""",
            params,
        ).fetchall()
    )
    answers = con.execute(
        """SELECT r.question, r.scale_min, r.scale_max, r.rating, count(*)
           FROM training_evaluation_ratings r JOIN training_evaluations e USING (service, response_id)
           WHERE list_contains($services, r.service) AND e.returned_on BETWEEN $start AND $end
           GROUP BY ALL""",
        params,
    ).fetchall()
    counts: dict[str, dict[int, int]] = {}
    scales: dict[str, set[tuple[int, int]]] = {}
    for key, low, high, rating, n in answers:
        counts.setdefault(key, {})[rating] = counts.get(key, {}).get(rating, 0) + n
        scales.setdefault(key, set()).add((low, high))
    results = []
    for key in sorted(counts, key=_question_order):
        if len(scales[key]) > 1:
            raise ValueError(f"{key} was answered on different scales {sorted(scales[key])}: cannot pool")
        (scale,) = scales[key]
        results.append(_result(question(key, scale), scale, counts[key]))
    return Evaluations(svcs, span, forms, results)


def _question_order(key: str) -> tuple[int, str]:
    digits = "".join(c for c in key if c.isdigit())
    return (int(digits) if digits else 10**6, key)


def _result(q: Question, scale: tuple[int, int], counts: dict[int, int]) -> QuestionResult:
    base = sum(counts.values())
    ratings = list(range(scale[1], scale[0] - 1, -1))
    rows = pl.DataFrame(
        {
            RATING: ratings,
            LABEL: [q.labels.get(r, str(r)) for r in ratings],
            RESPONSES: [counts.get(r, 0) for r in ratings],
        },
        schema={RATING: pl.Int64, LABEL: pl.String, RESPONSES: pl.Int64},
    ).with_columns((pl.col(RESPONSES) / base if base else pl.lit(None, pl.Float64)).alias(SHARE))
    return QuestionResult(q, scale, base, rows)


def question_set(
    con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None
) -> set[tuple[str, int, int]]:
    """The (question, scale_min, scale_max) answered on the service's forms in the reporting year."""
    span = periods.reporting_year(config.service(service), year, period)
    return set(
        con.execute(
            """SELECT DISTINCT r.question, r.scale_min, r.scale_max
               FROM training_evaluation_ratings r JOIN training_evaluations e USING (service, response_id)
               WHERE r.service = ? AND e.returned_on BETWEEN ? AND ?""",
            [service, span.start, span.end],
        ).fetchall()
    )


def joint_evaluations(
    con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None
) -> Evaluations:
    """The service's results pooled with those of the services it shares joint channels with, when their
    forms of the year ask the same questions on the same scale; else the service's own results."""
    own = question_set(con, service, year, period)
    partners = [
        s
        for s in digital.sharing_services(con, service)
        if s == service or question_set(con, s, year, period) == own
    ]
    if len(partners) < 2 or not own:
        partners = [service]
    return evaluations(con, partners, year, period)
