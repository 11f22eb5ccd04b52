"""Sentences for the training appendix: headline, captions, notes, chart titles and descriptions."""

from __future__ import annotations

import polars as pl

from ..formatting import count, percent
from ..metrics.training import (
    ATTENDED,
    AUDIENCE,
    FORMAT,
    LABEL,
    SHARE,
    Attendance,
    Evaluations,
    QuestionResult,
)
from . import _and


def group_label(audience: str, format: str) -> str:
    """('Professional', 'Bespoke workshop') -> 'Professional, bespoke workshop'."""
    return f"{audience}, {format[:1].lower()}{format[1:]}"


def headline(attendance: Attendance, evaluations: Evaluations) -> str:
    """Sessions and attendance by audience, bookings taken up, and the evaluation answers."""
    svc, period = attendance.service, attendance.period.long_label
    if not attendance.sessions:
        return f"No training sessions are loaded for {svc.name} in {period}."
    audiences = attendance.by_audience().sort(ATTENDED, descending=True, maintain_order=True)
    parts = [f"{a.lower()} {count(n)}" for a, n in audiences.select(AUDIENCE, ATTENDED).iter_rows()]
    sessions = "session" if attendance.sessions == 1 else "sessions"
    text = (
        f"{svc.name} ran {count(attendance.sessions)} training {sessions} in {period} with a total "
        f"attendance of {count(attendance.attended)}"
    )
    text += f" (by audience: {_and(parts)})." if len(parts) > 1 else "."
    if attendance.booked:
        text += (
            f" At the sessions that took bookings, {count(attendance.attended_booked)} of the "
            f"{count(attendance.booked)} places booked were attended "
            f"({percent(attendance.attended_booked / attendance.booked)})."
        )
    return f"{text} {evaluation_headline(evaluations)}"


def evaluation_headline(evaluations: Evaluations) -> str:
    """'On the 69 evaluation forms returned (joint: ...), 96% answered A lot or Some to Q1 (...)...'."""
    if not evaluations.questions:
        return f"No training evaluation forms are loaded for {evaluations.period.long_label}."
    parts = [
        f"{percent(_top_two(q))} answered {_top_labels(q)} to {q.question.key} ({q.question.text.lower()})"
        for q in evaluations.questions
    ]
    forms = count(evaluations.total_forms)
    return f"On the {forms} evaluation forms returned ({evaluations.scope}), {_and(parts)}."


def _top_two(result: QuestionResult) -> float:
    return float(result.rows[SHARE].head(2).sum())


def _top_labels(result: QuestionResult) -> str:
    return " or ".join(result.rows[LABEL].head(2))


def summary_caption(attendance: Attendance) -> str:
    """Caption of the audience x format table."""
    return (
        f"Training sessions, places booked and attendance by audience and format, "
        f"{attendance.period.long_label}, {attendance.service.name}"
    )


def group_caption(attendance: Attendance, audience: str, format: str) -> str:
    """Caption of one audience and format's course table."""
    return (
        f"{group_label(audience, format)} sessions by course, {attendance.period.long_label}, "
        f"{attendance.service.name}"
    )


def course_caption(attendance: Attendance) -> str:
    """Caption of the by-course table."""
    return f"Training attendance by course, every audience and format, {attendance.period.long_label}"


def booked_note(attendance: Attendance) -> str:
    """What Booked counts and why some cells are [x]."""
    text = (
        "Booked counts the places booked at sessions with bookings recorded; [x] means no bookings were "
        "recorded for those sessions (the published report prints attendance only for bespoke workshops)."
    )
    if attendance.partly_booked():
        text += " Some courses have bookings recorded for only some of their sessions."
    return text


def attendance_chart_title(attendance: Attendance) -> str:
    """The finding: which audience and format had the largest attendance."""
    groups = attendance.by_group().sort(ATTENDED, descending=True, maintain_order=True)
    if not groups.height or not attendance.attended:
        return f"No training attendance recorded in {attendance.period.label}"
    top = groups.row(0, named=True)
    label = group_label(top[AUDIENCE], top[FORMAT])
    return f"{label} sessions had most attendance: {count(top[ATTENDED])} of {count(attendance.attended)}"


def attendance_chart_subtitle(attendance: Attendance) -> str:
    """What the attendance chart measures."""
    return (
        f"Training attendance by audience and format, {attendance.period.long_label}, "
        f"{attendance.service.name}"
    )


def attendance_chart_description(attendance: Attendance) -> str:
    """What the attendance bar chart shows, in words."""
    groups = attendance.by_group().sort(ATTENDED, descending=True, maintain_order=True)
    items = [
        f"{group_label(a, f)} {count(n)}" for a, f, n in groups.select(AUDIENCE, FORMAT, ATTENDED).iter_rows()
    ]
    return (
        f"Bar chart of training attendance by audience and format, {attendance.period.long_label}, "
        f"largest first: {_and(items)}. The table above gives every figure."
    )


def attendance_chart_data(attendance: Attendance) -> pl.DataFrame:
    """The chart's rows: Group ('Professional, bespoke workshop') and Attended."""
    groups = attendance.by_group()
    labels = [group_label(a, f) for a, f in groups.select(AUDIENCE, FORMAT).iter_rows()]
    return pl.DataFrame({"Group": labels, ATTENDED: groups[ATTENDED]})


def evaluations_intro(evaluations: Evaluations) -> str:
    """Whose forms the results are of, and how many each service returned."""
    period = evaluations.period.long_label
    if not evaluations.total_forms:
        return f"No training evaluation forms are loaded for {period}."
    if evaluations.joint:
        each = _and([f"{count(evaluations.forms[s.slug])} from {s.area}" for s in evaluations.services])
        return (
            f"These results are joint: {_and([s.area for s in evaluations.services])} publish their "
            f"training evaluations together, so they are of the {count(evaluations.total_forms)} forms "
            f"returned by attendees of both services' sessions in {period} ({each}). The same figures "
            f"appear on each service's page."
        )
    return (
        f"These results are of the {count(evaluations.total_forms)} forms returned by attendees of "
        f"{evaluations.services[0].name}'s sessions in {period}."
    )


def question_caption(evaluations: Evaluations, result: QuestionResult) -> str:
    """Caption of one question's table."""
    q = result.question
    return f"{q.key}: {q.text}, {evaluations.period.long_label}, {evaluations.scope}"


def question_note(evaluations: Evaluations, result: QuestionResult) -> str:
    """What the question's percentages are of."""
    text = f"Percentages are of the {count(result.base)} forms that answered {result.question.key}"
    unanswered = evaluations.total_forms - result.base
    if unanswered > 0:
        text += f" ({count(unanswered)} left it blank)"
    text += f", rated {result.scale[0]} (lowest) to {result.scale[1]} (highest)."
    if result.question.key in ("Q1", "Q2"):
        text += (
            " The answer labels are those the published report prints; it gives no question wording, "
            "so the wording here describes the question rather than quoting it."
        )
    return text


def question_chart_title(result: QuestionResult) -> str:
    """The finding: the share of the two best answers."""
    if not result.base:
        return f"No answers to {result.question.key}"
    return f"{percent(_top_two(result))} answered {_top_labels(result)} to {result.question.key}"


def question_chart_subtitle(evaluations: Evaluations, result: QuestionResult) -> str:
    """What a question's chart measures."""
    q = result.question
    return f"{q.key}: {q.text}, {evaluations.period.long_label}, {evaluations.scope}"


def question_chart_description(evaluations: Evaluations, result: QuestionResult) -> str:
    """What the question's bar chart shows, in words."""
    items = [f"{label} {percent(share)}" for label, share in result.rows.select(LABEL, SHARE).iter_rows()]
    return (
        f"Bar chart of the answers to {result.question.key} ({result.question.text.lower()}), best first, "
        f"as shares of the {count(result.base)} forms that answered it ({evaluations.scope}): "
        f"{_and(items)}. The table above gives every figure."
    )
