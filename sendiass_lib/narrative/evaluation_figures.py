"""Figure names from the forms a service gets back and the training it runs: service evaluation
forms (metrics.evaluations), training sessions and attendance, and the training evaluation forms,
pooled with the services that share them (metrics.training).

Each value is text as the appendix prints it, under the service's disclosure rule: evaluation shares
only where the evaluations page gives them (Evaluations.published_headlines), training answers only
on a base the rule allows, attendance by audience only where its table shows it.
"""

from __future__ import annotations

import polars as pl

from ..formatting import count, percent
from ..metrics import evaluations as ev
from ..metrics import training as tr
from ..metrics import training_evaluations as te
from .figure import (
    COUNT_TEXT,
    PERCENT_TEXT,
    Figure,
    NotAvailable,
    Param,
    Withheld,
    choose,
    hidden_count,
    small_base,
)
from .sources import Sources

QUESTION = Param("question", str, "the question's key on the form: 'Q1'")


def evaluation_figures() -> list[Figure]:
    """The service's evaluation forms of the year (metrics.evaluations.evaluations)."""
    reads = "metrics.evaluations.evaluations: Evaluations"
    return [
        Figure(
            "evaluations.forms",
            "evaluation forms returned in the year",
            f"{reads}.forms",
            COUNT_TEXT,
            lambda s: count(_forms(s).forms),
        ),
        Figure(
            "evaluations.share",
            "the share of a question's answers in its headline (rated 4 on a 1-4 scale, 7+ on 0-10)",
            f"{reads}.published_headlines() '{ev.HEADLINE_SHARE}'",
            f"{PERCENT_TEXT}, or on a base under the rule's minimum",
            _evaluation_share,
            (QUESTION,),
            _first_question,
        ),
        Figure(
            "evaluations.answered",
            "forms that answered a question: its share's base",
            f"{reads}.question(key) '{ev.BASE}'",
            COUNT_TEXT,
            lambda s, key: count(_question(s, key)[ev.BASE]),
            (QUESTION,),
            _first_question,
        ),
        Figure(
            "evaluations.headline",
            "what the headline share counts: 'rated 4 (excellent)'",
            f"{reads}.scale.headline",
            "text",
            lambda s: _forms(s).scale.headline,
        ),
        Figure(
            "evaluations.comments",
            "forms with a comment",
            f"{reads}.comments",
            COUNT_TEXT,
            lambda s: count(len(_forms(s).comments)),
        ),
    ]


def _first_question(s: Sources) -> tuple[str]:
    return (_forms(s).questions[ev.QUESTION][0],)


def _forms(s: Sources) -> ev.Evaluations:
    if not s.evaluations.forms:
        raise NotAvailable(f"no evaluation forms are loaded for {s.where}")
    return s.evaluations


def _question(s: Sources, key: str) -> dict:
    found = _forms(s)
    keys = found.questions[ev.QUESTION].to_list()
    return found.question(choose(key, keys, "a question on the year's forms"))


def _evaluation_share(s: Sources, key: str) -> str:
    row = _question(s, key)
    if not row[ev.BASE]:
        raise NotAvailable(f"no form returned in {s.period.long_label} answered {key}")
    published = s.evaluations.published_headlines()
    if key not in published[ev.QUESTION]:
        raise Withheld(f"{small_base(s.rule)}, or one that would give a hidden rating back")
    return percent(row[ev.HEADLINE_SHARE])


def training_figures() -> list[Figure]:
    """Training sessions, bookings and attendance (metrics.training.attendance), and the answers on
    the training evaluation forms, pooled with the services that share them (joint_evaluations)."""
    reads, pooled = (
        "metrics.training.attendance: Attendance",
        "metrics.training_evaluations.joint_evaluations: Evaluations",
    )
    audience = Param("audience", str, "an audience as the training extract names it: 'Parent/carer'")
    answer = Param("answer", str, "an answer label: 'A lot', 'Excellent'")
    return [
        Figure(
            "training.sessions",
            "training sessions run in the year",
            f"{reads}.sessions",
            COUNT_TEXT,
            lambda s: count(_sessions(s).sessions),
        ),
        Figure(
            "training.attendance",
            "attendance at the sessions with attendance recorded",
            f"{reads}.attended",
            COUNT_TEXT,
            lambda s: count(_known(_sessions(s).attended, "attendance")),
        ),
        Figure(
            "training.booked",
            "places booked at the sessions with bookings recorded",
            f"{reads}.booked",
            COUNT_TEXT,
            lambda s: count(_known(_sessions(s).booked, "bookings")),
        ),
        Figure(
            "training.take_up",
            "the share of places booked that were attended, at the sessions that took bookings",
            f"{reads}.attended_booked / booked",
            "a whole percentage, halves up",
            lambda s: percent(
                _known(_sessions(s).attended_booked, "attendance") / _known(_sessions(s).booked, "bookings")
            ),
        ),
        Figure(
            "training.attendance_by",
            "attendance of one audience",
            f"{reads}.protected(by_audience()) '{tr.ATTENDED}'",
            f"{COUNT_TEXT}: withheld where the table shows [c]",
            _attendance_by,
            (audience,),
            lambda s: (_sessions(s).by_audience()[tr.AUDIENCE][0],),
        ),
        Figure(
            "training_evaluations.forms",
            "training evaluation forms returned (joint where pooled)",
            f"{pooled}.total_forms",
            COUNT_TEXT,
            lambda s: count(_pooled(s).total_forms),
        ),
        Figure(
            "training_evaluations.scope",
            "whose forms they are: 'joint: Herefordshire & Worcestershire'",
            f"{pooled}.scope",
            "text",
            lambda s: _pooled(s).scope,
        ),
        Figure(
            "training_evaluations.share",
            "the share of a question's answers with one answer",
            f"{pooled}.protected(result) '{te.SHARE}'",
            PERCENT_TEXT,
            lambda s, key, label: _training_share(s, key, label),
            (QUESTION, answer),
            lambda s: (_pooled(s).questions[0].question.key, _pooled(s).questions[0].rows[te.LABEL][0]),
        ),
        Figure(
            "training_evaluations.top_two",
            "the share of a question's answers with one of its two best answers ('A lot' or 'Some')",
            f"{pooled}.protected(result) '{te.SHARE}', the first two",
            PERCENT_TEXT,
            _top_two,
            (QUESTION,),
            lambda s: (_pooled(s).questions[0].question.key,),
        ),
    ]


def _sessions(s: Sources) -> tr.Attendance:
    if not s.attendance.sessions:
        raise NotAvailable(f"no training sessions are loaded for {s.where}")
    return s.attendance


def _known(value: int | None, what: str) -> int:
    if value is None:
        raise NotAvailable(f"no {what} recorded for the year's sessions")
    return value


def _attendance_by(s: Sources, audience: str) -> str:
    attendance = _sessions(s)
    shown = attendance.protected(attendance.by_audience().select(tr.AUDIENCE, tr.ATTENDED))
    choose(audience, shown.data[tr.AUDIENCE].to_list(), "an audience of the year's sessions")
    if tr.ATTENDED in shown.hidden.get(audience, []):
        raise Withheld(hidden_count(s.rule))
    found = shown.data.filter(pl.col(tr.AUDIENCE) == audience)[tr.ATTENDED].item()
    return count(_known(found, f"attendance for {audience}"))


def _pooled(s: Sources) -> te.Evaluations:
    if not s.training_evaluations.questions:
        raise NotAvailable(f"no training evaluation forms are loaded for {s.where}")
    return s.training_evaluations


def _answers(s: Sources, key: str) -> pl.DataFrame:
    """A question's answers as the training page publishes them: Answer, Responses, Share."""
    pooled = _pooled(s)
    choose(key, [q.question.key for q in pooled.questions], "a question on the training evaluation forms")
    result = pooled.result(key)
    shown = pooled.protected(result)
    if shown.hidden:
        raise Withheld(small_base(shown.rule))
    return shown.data


def _training_share(s: Sources, key: str, label: str) -> str:
    answers = _answers(s, key)
    choose(label, answers[te.LABEL].to_list(), f"an answer to {key}")
    return percent(answers.filter(pl.col(te.LABEL) == label)[te.SHARE].item())


def _top_two(s: Sources, key: str) -> str:
    """As the training page's chart title gives it (views.training: the first two answers' shares)."""
    return percent(float(_answers(s, key)[te.SHARE].head(2).sum()))
