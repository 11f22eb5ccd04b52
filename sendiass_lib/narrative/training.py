"""Sentences for the training appendix: headline, captions, notes, chart titles and descriptions."""

from __future__ import annotations

import polars as pl

from ..formatting import SUPPRESSED, count, percent
from ..metrics.training import (
    ATTENDED,
    AUDIENCE,
    LABEL,
    SHARE,
    TOTAL,
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
    audiences = attendance.protected(attendance.by_audience().select(AUDIENCE, ATTENDED)).data
    audiences = audiences.sort(ATTENDED, descending=True, nulls_last=True, maintain_order=True)
    parts = [f"{a.lower()} {_count(n)}" for a, n in audiences.iter_rows()]
    sessions = "session" if attendance.sessions == 1 else "sessions"
    if attendance.attended is None:
        text = (
            f"{svc.name} ran {count(attendance.sessions)} training {sessions} in {period}; "
            "attendance was not recorded."
        )
    else:
        text = (
            f"{svc.name} ran {count(attendance.sessions)} training {sessions} in {period} with a total "
            f"attendance of {count(attendance.attended)}"
        )
        text += f" (by audience: {_and(parts)})." if len(parts) > 1 else "."
    if attendance.booked and attendance.attended_booked is not None:
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
        f"{percent(top)} answered {_top_labels(q)} to {q.question.key} ({q.question.text.lower()})"
        for q in evaluations.questions
        if (top := _top_two(evaluations, q)) is not None
    ]
    forms = count(evaluations.total_forms)
    if not parts:
        return f"{forms} evaluation forms were returned ({evaluations.scope}): too few to give percentages."
    return f"On the {forms} evaluation forms returned ({evaluations.scope}), {_and(parts)}."


def _top_two(evaluations: Evaluations, result: QuestionResult) -> float | None:
    """The share of the two best answers, or None where the disclosure rule gives no share."""
    top = evaluations.protected(result).data[SHARE].head(2)
    return None if not result.base or top.null_count() else float(top.sum())


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
    groups = _groups(attendance).drop_nulls(ATTENDED).sort(ATTENDED, descending=True, maintain_order=True)
    if not groups.height or not attendance.attended:
        return f"No training attendance recorded in {attendance.period.label}"
    top = groups.row(0, named=True)
    total = count(attendance.attended)
    return f"{top['Group']} sessions had most attendance: {count(top[ATTENDED])} of {total}"


def attendance_chart_subtitle(attendance: Attendance) -> str:
    """What the attendance chart measures."""
    return (
        f"Training attendance by audience and format, {attendance.period.long_label}, "
        f"{attendance.service.name}"
    )


def attendance_chart_description(attendance: Attendance) -> str:
    """What the attendance bar chart shows, in words (published figures only)."""
    groups = _groups(attendance).sort(ATTENDED, descending=True, nulls_last=True, maintain_order=True)
    items = [f"{group} {_count(n)}" for group, n in groups.iter_rows()]
    text = (
        f"Bar chart of training attendance by audience and format, {attendance.period.long_label}, "
        f"largest first: {_and(items)}."
    )
    hidden = attendance.protected(attendance.summary_table()).hidden
    if any(ATTENDED in cells for cells in hidden.values()):
        text += f" Groups shown as {SUPPRESSED} are too small to publish and are not drawn."
    if groups[ATTENDED].null_count() > sum(ATTENDED in cells for cells in hidden.values()):
        text += " Groups with no attendance recorded are not drawn."
    return text + " The table above gives every figure."


def attendance_chart_data(attendance: Attendance) -> pl.DataFrame:
    """The chart's rows: Group ('Professional, bespoke workshop') and Attended, as the summary table
    publishes them (a group too small to publish is left out)."""
    return _groups(attendance).drop_nulls(ATTENDED)


def _groups(attendance: Attendance) -> pl.DataFrame:
    """Group and Attended per audience and format, with what the disclosure rule hides null."""
    shown = attendance.protected(attendance.summary_table()).data
    shown = shown.filter(pl.col(shown.columns[0]) != TOTAL)
    return pl.DataFrame({"Group": shown[shown.columns[0]], ATTENDED: shown[ATTENDED]})


def _count(n: int | None) -> str:
    """A count for a sentence, or [c] where the disclosure rule hides it."""
    return SUPPRESSED if n is None else count(n)


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


def question_chart_title(evaluations: Evaluations, result: QuestionResult) -> str:
    """The finding: the share of the two best answers (where the disclosure rule lets it be given)."""
    if not result.base:
        return f"No answers to {result.question.key}"
    top = _top_two(evaluations, result)
    if top is None:
        return f"Answers to {result.question.key}"
    return f"{percent(top)} answered {_top_labels(result)} to {result.question.key}"


def question_chart_subtitle(evaluations: Evaluations, result: QuestionResult) -> str:
    """What a question's chart measures."""
    q = result.question
    return f"{q.key}: {q.text}, {evaluations.period.long_label}, {evaluations.scope}"


def question_chart_data(evaluations: Evaluations, result: QuestionResult) -> pl.DataFrame:
    """A question's chart rows (Answer, Share) as its table publishes them: hidden answers left out."""
    return evaluations.protected(result).data.select(LABEL, SHARE).drop_nulls(SHARE)


def question_chart_description(evaluations: Evaluations, result: QuestionResult) -> str:
    """What the question's bar chart shows, in words (published figures only; [c] where hidden)."""
    shown = evaluations.protected(result).data.select(LABEL, SHARE)
    items = [f"{label} {SUPPRESSED if s is None else percent(s)}" for label, s in shown.iter_rows()]
    text = (
        f"Bar chart of the answers to {result.question.key} ({result.question.text.lower()}), best first, "
        f"as shares of the {count(result.base)} forms that answered it ({evaluations.scope}): "
        f"{_and(items)}."
    )
    if shown[SHARE].null_count():
        text += f" Answers shown as {SUPPRESSED} are too few to publish and are not drawn."
    return text + " The table above gives every figure."
