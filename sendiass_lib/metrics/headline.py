"""Key figures of a service's reporting year beside the two before it: the appendix's front page.

Every service: new involvements (records opened in the year) and the share with a first response
within two working days of opening (England and Wales bank holidays skipped; involvements with no
first response recorded are left out of that base). Services whose extracts say whether a record is
a referral or an enquiry (Buckinghamshire) also get new referrals, new enquiries, ongoing cases
(referrals opened by the year's end and not closed before its start) and ongoing cases per FTE
adviser (staffing from the service file).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from .. import config, disclosure, formatting, periods
from ..config import Service
from ..periods import Period
from ..workdays import add_working_days

MEASURE = "Measure"
RESPONSE_DAYS = 2


@dataclass(frozen=True)
class KeyFigures:
    """One row per measure, one column per reporting year (oldest first; null = not available)."""

    service: Service
    periods: list[Period]
    rows: pl.DataFrame  # Measure, then one Float64 column per period label
    percent_measures: frozenset[str]  # measures whose values are fractions
    response_bases: dict[str, int]  # period label -> involvements with a first response recorded

    @property
    def selected(self) -> Period:
        return self.periods[-1]

    @property
    def years(self) -> list[str]:
        """The period labels, oldest first: the table's columns after Measure."""
        return [p.label for p in self.periods]

    def display(self) -> pl.DataFrame:
        """The rows as text for a table: counts with separators, shares as percentages, FTE to one
        decimal place, per-FTE figures whole; [x] where not available."""

        def text(measure: str, value: float | None) -> str:
            if value is None:
                return formatting.NOT_AVAILABLE
            if measure in self.percent_measures:
                return formatting.percent(value)
            return f"{value:.1f}" if measure == FTE else formatting.count(round(value))

        labels = [p.label for p in self.periods]
        return self.rows.select(
            MEASURE,
            *[
                pl.struct(MEASURE, label)
                .map_elements(lambda r, c=label: text(r[MEASURE], r[c]), pl.String)
                .alias(label)
                for label in labels
            ],
        )

    def protected(self) -> disclosure.Shown:
        """`display()` under the service's disclosure rule, with the cells to show as [c]: a count
        of 1-4 (then referrals and enquiries, which add up to new involvements, hide each other,
        and cases per FTE goes with ongoing cases), and the response share on a base under the
        rule's minimum."""
        rule = disclosure.rule(self.service)
        hidden: dict[str, set[str]] = {}
        for period in [p.label for p in self.periods]:
            small = {m for m in COUNTS if disclosure.suppressed(_whole(self.value(m, period)), rule)}
            if len(small & {REFERRALS, ENQUIRIES}) == 1:
                small |= {REFERRALS, ENQUIRIES}
            if ONGOING in small:
                small.add(PER_FTE)
            base = self.response_bases.get(period)
            if base is not None and not disclosure.percent_shown(base, rule):
                small.add(RESPONDED)
            for measure in small & set(self.rows[MEASURE]):
                hidden.setdefault(measure, set()).add(period)
        return disclosure.Shown(self.display(), {m: sorted(p) for m, p in hidden.items()}, rule)

    def value(self, measure: str, period: str | None = None) -> float | None:
        """One figure: a measure in a period (default: the selected year)."""
        found = self.rows.filter(pl.col(MEASURE) == measure)
        return found[period or self.selected.label].item() if found.height else None


NEW = "New involvements"
RESPONDED = f"First response within {RESPONSE_DAYS} working days"
REFERRALS = "New referrals"
ENQUIRIES = "New enquiries"
ONGOING = "Ongoing cases"
FTE = "FTE advisers"
PER_FTE = "Ongoing cases per FTE adviser"
COUNTS = (NEW, REFERRALS, ENQUIRIES, ONGOING)  # counts of people, under the disclosure rule


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def key_figures(con: duckdb.DuckDBPyConnection, service: str, year: int, years: int = 3) -> KeyFigures:
    """Key figures for the reporting year `year` and the `years` - 1 before it."""
    svc = config.service(service)
    spans = [periods.reporting_year(svc, y) for y in range(year - years + 1, year + 1)]
    typed = con.execute(
        "SELECT count(*) > 0 FROM involvement_labels WHERE service = ? AND field = 'record_type'", [svc.slug]
    ).fetchone()[0]
    measures: dict[str, list[float | None]] = {NEW: [], RESPONDED: []}
    bases: dict[str, int] = {}
    if typed:
        measures |= {REFERRALS: [], ENQUIRIES: [], ONGOING: [], FTE: [], PER_FTE: []}
    for span in spans:
        y = span.start.year
        new = _count(con, svc.slug, "i.opened_on BETWEEN $start AND $end", span)
        measures[NEW].append(new or None)
        share, bases[span.label] = _responded_share(con, svc.slug, span)
        measures[RESPONDED].append(share if new else None)
        if typed:
            referrals = _count(con, svc.slug, "i.opened_on BETWEEN $start AND $end", span, "Referral")
            ongoing = _count(
                con,
                svc.slug,
                "i.opened_on <= $end AND (i.closed_on IS NULL OR i.closed_on >= $start)",
                span,
                "Referral",
            )
            fte = svc.fte_advisers.get(y)
            measures[REFERRALS].append(referrals if new else None)
            measures[ENQUIRIES].append(
                _count(con, svc.slug, "i.opened_on BETWEEN $start AND $end", span, "Enquiry") if new else None
            )
            measures[ONGOING].append(ongoing if new else None)
            measures[FTE].append(fte)
            measures[PER_FTE].append(ongoing / fte if new and fte else None)
    rows = pl.DataFrame(
        [[name, *values] for name, values in measures.items()],
        schema={MEASURE: pl.String, **{s.label: pl.Float64 for s in spans}},
        orient="row",
    )
    # Earlier years with no data at all are left out rather than shown as a column of [x].
    shown = [s for i, s in enumerate(spans) if measures[NEW][i] is not None or s is spans[-1]]
    rows = rows.select(MEASURE, *[s.label for s in shown])
    return KeyFigures(svc, shown, rows, frozenset({RESPONDED}), bases)


def _count(con, service: str, where: str, span: Period, record_type: str | None = None) -> int:
    typed = (
        """AND EXISTS (SELECT 1 FROM involvement_labels l WHERE l.service = i.service
           AND l.involvement_id = i.involvement_id AND l.field = 'record_type' AND l.label = $type)"""
        if record_type
        else ""
    )
    params = {"service": service, "start": span.start, "end": span.end}
    if record_type:
        params["type"] = record_type
    return con.execute(
        f"SELECT count(*) FROM involvements i WHERE i.service = $service AND {where} {typed}", params
    ).fetchone()[0]


def _responded_share(con, service: str, span: Period) -> tuple[float | None, int]:
    """Share of the year's involvements with a first response recorded that had it in time, and
    how many had one recorded (the share's base)."""
    pairs = con.execute(
        """SELECT opened_on, first_response_on, count(*) FROM involvements
           WHERE service = ? AND opened_on BETWEEN ? AND ? AND first_response_on IS NOT NULL
           GROUP BY 1, 2""",
        [service, span.start, span.end],
    ).fetchall()
    total = sum(n for *_, n in pairs)
    if not total:
        return None, 0
    in_time = sum(n for opened, responded, n in pairs if responded <= add_working_days(opened, RESPONSE_DAYS))
    return in_time / total, total
