"""Key figures of a service's reporting year beside the two before it: the appendix's front page.

Every service: new involvements (records opened in the year) and the share with a first response
within two working days of opening (England and Wales bank holidays skipped; involvements with no
first response recorded are left out of that base). Services whose extracts say whether a record is
a referral or an enquiry (Buckinghamshire) also get new referrals, new enquiries, ongoing cases
(referrals opened by the year's end and not closed before its start) and ongoing cases per FTE
adviser (staffing from the service file). Then for every service the caseload KPIs of
metrics.kpis: median days to close (of the year's involvements closed so far), open cases at the
year's end (and per FTE adviser where the service file gives staffing for the year), and repeat
contacts (a client's second and later involvements of the year) with their share.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from .. import config, disclosure, periods
from ..config import Service
from ..periods import Period
from ..workdays import add_working_days
from . import kpis

MEASURE = "Measure"
RESPONSE_DAYS = 2


@dataclass(frozen=True)
class KeyFigures:
    """One row per measure, one column per reporting year (oldest first; null = not available)."""

    service: Service
    periods: list[Period]
    rows: pl.DataFrame  # Measure, then one Float64 column per period label
    percent_measures: frozenset[str]  # measures whose values are fractions
    bases: dict[str, dict[str, int]]  # measure -> {period label: base} for shares and the median

    @property
    def selected(self) -> Period:
        return self.periods[-1]

    @property
    def years(self) -> list[str]:
        """The period labels, oldest first: the table's columns after Measure."""
        return [p.label for p in self.periods]

    def protected(self) -> disclosure.Shown:
        """The rows under the service's disclosure rule, hidden figures null, with the cells to show
        as [c]: a count of 1-4 (then referrals and enquiries, which add up to new involvements, hide
        each other, a per-FTE figure goes with its cases and the repeat share with repeat contacts),
        and a share or median on a base under the rule's minimum. A cell with no figure stays [x]."""
        rule = disclosure.rule(self.service)
        hidden: dict[str, set[str]] = {}
        for period in [p.label for p in self.periods]:
            small = {m for m in COUNTS if disclosure.suppressed(_whole(self.value(m, period)), rule)}
            if len(small & {REFERRALS, ENQUIRIES}) == 1:
                small |= {REFERRALS, ENQUIRIES}
            small |= {follows for lead, follows in FOLLOWS if lead in small}
            small |= {
                m
                for m, base in self.bases.items()
                if period in base and not disclosure.percent_shown(base[period], rule)
            }
            for measure in small & set(self.rows[MEASURE]):
                if self.value(measure, period) is not None:
                    hidden.setdefault(measure, set()).add(period)
        cells = {m: sorted(p) for m, p in hidden.items()}
        return disclosure.Shown(disclosure.null_cells(self.rows, cells), cells, rule)

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
MEDIAN_DAYS = "Median days to close"
OPEN = "Open cases at year end"
OPEN_PER_FTE = "Open cases at year end per FTE adviser"
REPEATS = "Repeat contacts"
REPEAT_SHARE = "Repeat contacts, share of involvements with a client recorded"
COUNTS = (NEW, REFERRALS, ENQUIRIES, ONGOING, OPEN, REPEATS)  # counts of people, under the disclosure rule
FOLLOWS = ((ONGOING, PER_FTE), (OPEN, OPEN_PER_FTE), (REPEATS, REPEAT_SHARE))  # hidden with the first


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def key_figures(
    con: duckdb.DuckDBPyConnection, service: str, year: int, years: int = 3, period: str | None = None
) -> KeyFigures:
    """Key figures for the reporting year `year` and the `years` - 1 before it."""
    svc = config.service(service)
    spans = [periods.reporting_year(svc, y, period) for y in range(year - years + 1, year + 1)]
    [(typed,)] = con.execute(
        "SELECT count(*) > 0 FROM involvement_labels WHERE service = ? AND field = 'record_type'", [svc.slug]
    ).fetchall()
    names = [NEW, RESPONDED, *([REFERRALS, ENQUIRIES, ONGOING, FTE, PER_FTE] if typed else [])]
    # Caseload per FTE only for a service whose file gives its staffing (else a row of [x]).
    staffed = [FTE] * (not typed) + [OPEN_PER_FTE] if svc.fte_advisers else []
    names += [MEDIAN_DAYS, OPEN, *staffed, REPEATS, REPEAT_SHARE]
    measures: dict[str, list[float | None]] = {name: [] for name in names}
    bases: dict[str, dict[str, int]] = {RESPONDED: {}, MEDIAN_DAYS: {}, REPEAT_SHARE: {}}
    for span in spans:
        y = span.start.year
        new = _count(con, svc.slug, "i.opened_on BETWEEN $start AND $end", span)
        measures[NEW].append(new or None)
        share, bases[RESPONDED][span.label] = _responded_share(con, svc.slug, span)
        measures[RESPONDED].append(share if new else None)
        for name, value in _caseload(con, svc, span, bases).items():
            if name in measures:
                measures[name].append(value if new or name == FTE else None)
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
            measures[PER_FTE].append(ongoing / fte if new and fte else None)
    rows = pl.DataFrame(
        [[name, *values] for name, values in measures.items()],
        schema={MEASURE: pl.String, **{s.label: pl.Float64 for s in spans}},
        orient="row",
    )
    # Earlier years with no data at all are left out rather than shown as a column of [x].
    shown = [s for i, s in enumerate(spans) if measures[NEW][i] is not None or s is spans[-1]]
    rows = rows.select(MEASURE, *[s.label for s in shown])
    return KeyFigures(svc, shown, rows, frozenset({RESPONDED, REPEAT_SHARE}), bases)


def _caseload(con, svc: Service, span: Period, bases: dict[str, dict[str, int]]) -> dict[str, float | None]:
    """The year's caseload KPIs (metrics.kpis) by measure, their bases recorded in `bases`."""
    median, bases[MEDIAN_DAYS][span.label] = kpis.median_days_to_close(con, svc.slug, span)
    open_cases = kpis.open_caseload(con, svc.slug, span)
    repeats, bases[REPEAT_SHARE][span.label] = kpis.repeat_contacts(con, svc.slug, span)
    fte = svc.fte_advisers.get(span.start.year)
    return {
        MEDIAN_DAYS: median,
        OPEN: open_cases,
        FTE: fte,
        OPEN_PER_FTE: open_cases / fte if fte else None,
        REPEATS: repeats,
        REPEAT_SHARE: repeats / bases[REPEAT_SHARE][span.label] if bases[REPEAT_SHARE][span.label] else None,
    }


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
    [(found,)] = con.execute(
        f"SELECT count(*) FROM involvements i WHERE i.service = $service AND {where} {typed}", params
    ).fetchall()
    return found


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
