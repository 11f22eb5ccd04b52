"""Training: sessions, places booked and attendance by audience, format and course, and what attendees
said on their evaluation forms.

Rules (docs/database.md, tables training_sessions, training_evaluations, training_evaluation_ratings):
- A session belongs to the reporting year its date falls in. Sessions, booked and attended add up over
  sessions; a blank audience or format is shown as "Not recorded".
- Booked is the sum over the sessions with bookings recorded, and null ([x]) for a row none of whose
  sessions has any (bespoke workshops: the published report prints attendance only). `booked_sessions`
  says how many sessions a row's figure covers, so a partly recorded row can be flagged.
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

AUDIENCE, FORMAT, COURSE = "Audience", "Format", "Course"
SESSIONS, BOOKED, ATTENDED = "Sessions", "Booked", "Attended"
BOOKED_SESSIONS = "booked_sessions"
TOTAL = "Total"
NOT_RECORDED = "Not recorded"
RATING, LABEL, RESPONSES, SHARE = "Rating", "Answer", "Responses", "Share"


@dataclass(frozen=True)
class Attendance:
    """Training sessions of a service in a reporting year, per audience, format and course."""

    service: Service
    period: Period
    # Audience, Format, Course, Sessions, Booked (null: no bookings recorded), Attended, booked_sessions,
    # attended_booked (attendance at the sessions with bookings recorded); sorted by audience, format, course.
    courses: pl.DataFrame

    @property
    def sessions(self) -> int:
        return int(self.courses[SESSIONS].sum())

    @property
    def attended(self) -> int | None:
        """Attendance at the sessions with attendance recorded (None when no session has any: a
        booking report with no check-in says who booked, not who came)."""
        found = self.courses[ATTENDED].drop_nulls()
        return int(found.sum()) if found.len() else None

    @property
    def booked(self) -> int | None:
        """Places booked at the sessions with bookings recorded (None when no session has any)."""
        return int(self.courses[BOOKED].sum()) if self.courses[BOOKED].drop_nulls().len() else None

    @property
    def attended_booked(self) -> int | None:
        """Attendance at the sessions with bookings recorded: what `booked` can be compared with
        (None when none of them has attendance recorded)."""
        found = self.courses["attended_booked"].drop_nulls()
        return int(found.sum()) if found.len() else None

    def groups(self) -> list[tuple[str, str]]:
        """The (audience, format) pairs with sessions, in display order."""
        return list(self.courses.select(AUDIENCE, FORMAT).unique(maintain_order=True).iter_rows())

    def by_group(self) -> pl.DataFrame:
        """Audience, Format, Sessions, Booked, Attended per audience and format."""
        return _sum(self.courses.group_by(AUDIENCE, FORMAT, maintain_order=True))

    def by_audience(self) -> pl.DataFrame:
        """Audience, Sessions, Booked, Attended per audience."""
        return _sum(self.courses.group_by(AUDIENCE, maintain_order=True))

    def by_course(self) -> pl.DataFrame:
        """Course, Sessions, Booked, Attended per course over every audience and format."""
        return _sum(self.courses.group_by(COURSE, maintain_order=True)).sort(COURSE)

    def group(self, audience: str, format: str) -> pl.DataFrame:
        """One audience and format's courses: Course, Sessions, Booked, Attended (as the published tables)."""
        rows = self.courses.filter((pl.col(AUDIENCE) == audience) & (pl.col(FORMAT) == format))
        return rows.select(COURSE, SESSIONS, BOOKED, ATTENDED, BOOKED_SESSIONS)

    def summary_table(self) -> pl.DataFrame:
        """For display: 'Audience, format' rows, Sessions, Booked, Attended, and a Total row."""
        frame = self.by_group().select(
            pl.format("{}, {}", AUDIENCE, pl.col(FORMAT).str.to_lowercase()).alias("Audience and format"),
            SESSIONS,
            BOOKED,
            ATTENDED,
        )
        return _with_total(frame)

    def group_table(self, audience: str, format: str) -> pl.DataFrame:
        """For display: one audience and format's courses with a Total row."""
        return _with_total(self.group(audience, format).drop(BOOKED_SESSIONS))

    def protected(self, frame: pl.DataFrame) -> disclosure.Shown:
        """One of this result's tables (summary_table, group_table, by_course, by_audience) as it
        may be published under the service's disclosure rule: small numbers booked or attending,
        and what would give them back from a total, hidden."""
        rule = disclosure.rule(self.service)
        counts = [c for c in (BOOKED, ATTENDED) if c in frame.columns]
        return disclosure.Shown(*disclosure.protect(frame, counts, rule), rule)

    def partly_booked(self) -> bool:
        """Whether any course has bookings recorded for some of its sessions but not all."""
        rows = self.courses.filter(
            (pl.col(BOOKED_SESSIONS) > 0) & (pl.col(BOOKED_SESSIONS) < pl.col(SESSIONS))
        )
        return rows.height > 0


def _sum(grouped) -> pl.DataFrame:
    return grouped.agg(
        pl.col(SESSIONS).sum(),
        pl.when(pl.col(BOOKED).is_not_null().any()).then(pl.col(BOOKED).sum()).alias(BOOKED),
        pl.when(pl.col(ATTENDED).is_not_null().any()).then(pl.col(ATTENDED).sum()).alias(ATTENDED),
        pl.col(BOOKED_SESSIONS).sum(),
        pl.when(pl.col("attended_booked").is_not_null().any())
        .then(pl.col("attended_booked").sum())
        .alias("attended_booked"),
    )


def _with_total(frame: pl.DataFrame) -> pl.DataFrame:
    label = frame.columns[0]
    booked, attended = frame[BOOKED].drop_nulls(), frame[ATTENDED].drop_nulls()
    total = {
        label: TOTAL,
        SESSIONS: int(frame[SESSIONS].sum()),
        BOOKED: int(booked.sum()) if booked.len() else None,
        ATTENDED: int(attended.sum()) if attended.len() else None,
    }
    frame = frame.select(label, SESSIONS, BOOKED, ATTENDED)
    return pl.concat([frame, pl.DataFrame([total], schema=frame.schema)])


def attendance(
    con: duckdb.DuckDBPyConnection, service: str, year: int, period: str | None = None
) -> Attendance:
    """Sessions, places booked and attendance of the service's training in its reporting year `year`."""
    svc = config.service(service)
    span = periods.reporting_year(svc, year, period)
    found = con.execute(
        """SELECT coalesce(audience, $none) AS audience, coalesce(format, $none) AS format, course,
                  count(*)::BIGINT AS sessions, sum(booked)::BIGINT AS booked,
                  sum(attended)::BIGINT AS attended, count(booked)::BIGINT AS booked_sessions,
                  (sum(attended) FILTER (WHERE booked IS NOT NULL))::BIGINT AS attended_booked
           FROM training_sessions
           WHERE service = $service AND session_date BETWEEN $start AND $end
           GROUP BY ALL ORDER BY audience, format, course""",
        {"service": svc.slug, "start": span.start, "end": span.end, "none": NOT_RECORDED},
    ).fetchall()
    schema = {
        AUDIENCE: pl.String,
        FORMAT: pl.String,
        COURSE: pl.String,
        SESSIONS: pl.Int64,
        BOOKED: pl.Int64,
        ATTENDED: pl.Int64,
        BOOKED_SESSIONS: pl.Int64,
        "attended_booked": pl.Int64,
    }
    return Attendance(svc, span, pl.DataFrame(found, schema=schema, orient="row"))


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
