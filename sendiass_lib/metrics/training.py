"""Training: sessions, places booked and attendance by audience, format and course (what attendees
said on their evaluation forms: metrics.training_evaluations).

Rules (docs/database.md, table training_sessions):
- A session belongs to the reporting year its date falls in. Sessions, booked and attended add up over
  sessions; a blank audience or format is shown as "Not recorded".
- Booked is the sum over the sessions with bookings recorded, and null ([x]) for a row none of whose
  sessions has any (bespoke workshops: the published report prints attendance only). `booked_sessions`
  says how many sessions a row's figure covers, so a partly recorded row can be flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from .. import config, disclosure, periods
from ..config import Service
from ..periods import Period

AUDIENCE, FORMAT, COURSE = "Audience", "Format", "Course"
SESSIONS, BOOKED, ATTENDED = "Sessions", "Booked", "Attended"
BOOKED_SESSIONS = "booked_sessions"
TOTAL = "Total"
NOT_RECORDED = "Not recorded"


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
