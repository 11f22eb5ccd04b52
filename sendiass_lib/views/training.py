"""What a reader sees of the training appendix: the headline, attendance and course tables, the
attendance chart, and each evaluation question's table and chart, from metrics.training and
training_evaluations results."""

from __future__ import annotations

import polars as pl
from IPython.display import HTML, Markdown

from .. import charts, tables
from ..formatting import SUPPRESSED, count, percent
from ..metrics.training import ATTENDED, AUDIENCE, TOTAL, Attendance
from ..metrics.training_evaluations import LABEL, SHARE, Evaluations, QuestionResult
from .words import and_list


def headline(attendance: Attendance, evaluations: Evaluations) -> Markdown:
    """Sessions and attendance by audience, bookings taken up, and the evaluation answers."""
    svc, period = attendance.service, attendance.period.long_label
    if not attendance.sessions:
        return Markdown(f"No training sessions are loaded for {svc.name} in {period}.")
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
        text += f" (by audience: {and_list(parts)})." if len(parts) > 1 else "."
    if attendance.booked and attendance.attended_booked is not None:
        text += (
            f" At the sessions that took bookings, {count(attendance.attended_booked)} of the "
            f"{count(attendance.booked)} places booked were attended "
            f"({percent(attendance.attended_booked / attendance.booked)})."
        )
    return Markdown(f"{text} {evaluation_headline(evaluations)}")


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
    return f"On the {forms} evaluation forms returned ({evaluations.scope}), {and_list(parts)}."


def summary_table(attendance: Attendance) -> HTML:
    """Sessions, places booked and attendance by audience and format, with what Booked counts."""
    note = (
        "Booked counts the places booked at sessions with bookings recorded; [x] means no bookings were "
        "recorded for those sessions (the published report prints attendance only for bespoke workshops)."
    )
    if attendance.partly_booked():
        note += " Some courses have bookings recorded for only some of their sessions."
    return tables.published_table(
        attendance.protected(attendance.summary_table()),
        caption=(
            f"Training sessions, places booked and attendance by audience and format, {_when(attendance)}"
        ),
        note=note,
    )


def attendance_figure(attendance: Attendance) -> HTML:
    """Attendance by audience and format as a bar chart (nothing when no session is loaded)."""
    if not attendance.sessions:
        return HTML("")
    chart = charts.bars_by_label(
        attendance_chart_data(attendance),
        label="Group",
        value=ATTENDED,
        x_title="Attendance",
        title=attendance_chart_title(attendance),
        subtitle=f"Training attendance by audience and format, {_when(attendance)}",
        as_percent=False,
    )
    return charts.figure(chart, "training-attendance", attendance_chart_description(attendance))


def attendance_chart_title(attendance: Attendance) -> str:
    """The finding: which audience and format had the largest attendance."""
    groups = _groups(attendance).drop_nulls(ATTENDED).sort(ATTENDED, descending=True, maintain_order=True)
    if not groups.height or not attendance.attended:
        return f"No training attendance recorded in {attendance.period.label}"
    top = groups.row(0, named=True)
    total = count(attendance.attended)
    return f"{top['Group']} sessions had most attendance: {count(top[ATTENDED])} of {total}"


def attendance_chart_description(attendance: Attendance) -> str:
    """What the attendance bar chart shows, in words (published figures only)."""
    groups = _groups(attendance).sort(ATTENDED, descending=True, nulls_last=True, maintain_order=True)
    items = [f"{group} {_count(n)}" for group, n in groups.iter_rows()]
    text = (
        f"Bar chart of training attendance by audience and format, {attendance.period.long_label}, "
        f"largest first: {and_list(items)}."
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


def course_tables(attendance: Attendance) -> list[HTML]:
    """One table of courses per audience and format, then every course over all of them."""
    found = [
        tables.published_table(
            attendance.protected(attendance.group_table(audience, format)),
            caption=f"{audience}, {format[:1].lower()}{format[1:]} sessions by course, {_when(attendance)}",
        )
        for audience, format in attendance.groups()
    ]
    if attendance.sessions:
        found.append(
            tables.published_table(
                attendance.protected(attendance.by_course().select("Course", "Sessions", ATTENDED)),
                caption=(
                    "Training attendance by course, every audience and format, "
                    f"{attendance.period.long_label}"
                ),
            )
        )
    return found


def evaluations_intro(evaluations: Evaluations) -> Markdown:
    """Whose forms the results are of, and how many each service returned."""
    period = evaluations.period.long_label
    if not evaluations.total_forms:
        return Markdown(f"No training evaluation forms are loaded for {period}.")
    if evaluations.joint:
        each = and_list([f"{count(evaluations.forms[s.slug])} from {s.area}" for s in evaluations.services])
        return Markdown(
            f"These results are joint: {and_list([s.area for s in evaluations.services])} publish their "
            f"training evaluations together, so they are of the {count(evaluations.total_forms)} forms "
            f"returned by attendees of both services' sessions in {period} ({each}). The same figures "
            f"appear on each service's page."
        )
    return Markdown(
        f"These results are of the {count(evaluations.total_forms)} forms returned by attendees of "
        f"{evaluations.services[0].name}'s sessions in {period}."
    )


def question_tables(evaluations: Evaluations) -> list[HTML]:
    """One table per question: each answer's responses and percentage of the forms that answered."""
    return [
        tables.published_table(
            evaluations.protected(result),
            rename={SHARE: "Percentage"},
            caption=_question_title(evaluations, result),
            formats={"Percentage": percent},
            note=question_note(evaluations, result),
        )
        for result in evaluations.questions
    ]


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


def question_figures(evaluations: Evaluations) -> list[HTML]:
    """A bar chart of each question's answers, of those with any published share."""
    found = []
    for result in evaluations.questions:
        shown = question_chart_data(evaluations, result)
        if shown.is_empty():
            continue
        chart = charts.bars_by_label(
            shown,
            label=LABEL,
            value=SHARE,
            x_title=f"Share of the {count(result.base)} forms that answered",
            title=question_chart_title(evaluations, result),
            subtitle=_question_title(evaluations, result),
            order=list(shown[LABEL]),
            as_percent=True,
        )
        name = f"training-evaluation-{result.question.key}"
        found.append(charts.figure(chart, name, _question_chart_description(evaluations, result)))
    return found


def question_chart_title(evaluations: Evaluations, result: QuestionResult) -> str:
    """The finding: the share of the two best answers (where the disclosure rule lets it be given)."""
    if not result.base:
        return f"No answers to {result.question.key}"
    top = _top_two(evaluations, result)
    if top is None:
        return f"Answers to {result.question.key}"
    return f"{percent(top)} answered {_top_labels(result)} to {result.question.key}"


def question_chart_data(evaluations: Evaluations, result: QuestionResult) -> pl.DataFrame:
    """A question's chart rows (Answer, Share) as its table publishes them: hidden answers left out."""
    return evaluations.protected(result).data.select(LABEL, SHARE).drop_nulls(SHARE)


def _question_chart_description(evaluations: Evaluations, result: QuestionResult) -> str:
    """What the question's bar chart shows, in words (published figures only; [c] where hidden)."""
    shown = evaluations.protected(result).data.select(LABEL, SHARE)
    items = [f"{label} {SUPPRESSED if s is None else percent(s)}" for label, s in shown.iter_rows()]
    text = (
        f"Bar chart of the answers to {result.question.key} ({result.question.text.lower()}), best first, "
        f"as shares of the {count(result.base)} forms that answered it ({evaluations.scope}): "
        f"{and_list(items)}."
    )
    if shown[SHARE].null_count():
        text += f" Answers shown as {SUPPRESSED} are too few to publish and are not drawn."
    return text + " The table above gives every figure."


def _question_title(evaluations: Evaluations, result: QuestionResult) -> str:
    """A question's table caption and chart subtitle: 'Q1: How much ..., 2024, joint: ...'."""
    q = result.question
    return f"{q.key}: {q.text}, {evaluations.period.long_label}, {evaluations.scope}"


def _top_two(evaluations: Evaluations, result: QuestionResult) -> float | None:
    """The share of the two best answers, or None where the disclosure rule gives no share."""
    top = evaluations.protected(result).data[SHARE].head(2)
    return None if not result.base or top.null_count() else float(top.sum())


def _top_labels(result: QuestionResult) -> str:
    return " or ".join(result.rows[LABEL].head(2))


def _count(n: int | None) -> str:
    """A count for a sentence, or [c] where the disclosure rule hides it."""
    return SUPPRESSED if n is None else count(n)


def _when(attendance: Attendance) -> str:
    """'2024, Worcestershire SENDIASS': the period and service a table or chart is of."""
    return f"{attendance.period.long_label}, {attendance.service.name}"
