"""Figure names from the case records: the service and year, new involvements, the tribunals-avoided
estimate and the key figures (label mixes: mix_figures).

Key figures and tribunal figures are made from tables (KEY_FIGURES, TRIBUNALS), so a new measure
gets its name by a line there. Each value is text as the appendix prints it: the view's own
formatting, under the service's disclosure rule.
"""

from __future__ import annotations

import polars as pl

from ..formatting import NOT_AVAILABLE, change_phrase, count, percent
from ..metrics import headline as h
from ..metrics.involvements import MONTH, TOTAL
from ..periods import day_label, reporting_year
from ..views import headline as headline_view
from ..views import tribunals as tribunals_view
from ..views.words import and_list
from .figure import (
    COUNT_TEXT,
    Figure,
    NotAvailable,
    Param,
    Withheld,
    hidden_count,
    rise_or_fall,
    shown_count,
)
from .sources import Sources

TEXT = "text, as the pages print it"
DATE = "a date, as the pages print one (periods.day_label)"


def service_and_year() -> list[Figure]:
    """The service's names and the reporting year's labels."""

    def year_label(offset: int, label: str):
        return lambda s: getattr(reporting_year(s.service, s.year + offset), label)

    reads, cfg = "periods.reporting_year: Period", "config.service: Service"
    return [
        Figure("service.name", "the service's name", f"{cfg}.name", TEXT, lambda s: s.service.name),
        Figure("service.area", "the area it serves", f"{cfg}.area", TEXT, lambda s: s.service.area),
        Figure(
            "year.label",
            "the reporting year: '2024', '2021/22'",
            f"{reads}.label",
            TEXT,
            year_label(0, "label"),
        ),
        Figure(
            "year.long_label",
            "the reporting year with its dates when it does not start on 1 January",
            f"{reads}.long_label",
            TEXT,
            year_label(0, "long_label"),
        ),
        Figure("year.previous", "the year before's label", f"{reads}.label", TEXT, year_label(-1, "label")),
        Figure("year.start", "the year's first day: '1 Jan 2024'", f"{reads}.start", DATE, _day("start")),
        Figure("year.end", "the year's last day: '31 Dec 2024'", f"{reads}.end", DATE, _day("end")),
    ]


def _day(which: str):
    return lambda s: day_label(getattr(s.period, which))


def involvement_figures() -> list[Figure]:
    """New involvements of the year, the year before and the change (metrics.involvements.monthly)."""
    reads = "metrics.involvements.monthly: MonthlyInvolvements"
    change = (
        "the change on last year (like for like: over the same days when the year is partial); "
        "withheld when either count is"
    )
    return [
        Figure(
            "involvements.total",
            "new involvements opened in the year",
            f"{reads}.current",
            COUNT_TEXT,
            _total,
        ),
        Figure(
            "involvements.previous",
            "new involvements the year before (over the same days when the year is partial)",
            f"{reads}.previous",
            COUNT_TEXT,
            _previous,
        ),
        Figure(
            "involvements.change_on_last_year",
            change,
            f"{reads}.change",
            "'a rise of 24%', 'a fall of 33%', 'little change (under 0.5%)'",
            lambda s: rise_or_fall(_change(s)),
        ),
        Figure(
            "involvements.change_percent",
            change,
            f"{reads}.change",
            "a signed whole percentage, as the table's change column: '+24%', '-33%'",
            lambda s: percent(_change(s), signed=True),
        ),
        Figure(
            "involvements.change_phrase",
            change,
            f"{reads}.change",
            "formatting.change_phrase: '24% more than', '33% fewer than' (then 'in 2023 (2,000)')",
            lambda s: change_phrase(_change(s)),
        ),
        Figure(
            "involvements.busiest_month",
            "the month with most new involvements",
            f"{reads}.protected()",
            "the month's name: 'November'",
            lambda s: _busiest(s)[0],
        ),
        Figure(
            "involvements.busiest_month_count",
            "new involvements in the busiest month",
            f"{reads}.protected()",
            COUNT_TEXT,
            lambda s: count(_busiest(s)[1]),
        ),
        Figure(
            "involvements.months_over",
            "how many months of the year had more than n new involvements",
            f"{reads}.protected()",
            "a count; withheld when the rule hides any month of the year",
            _months_over,
            (Param("n", int, "the number a month's new involvements must be above"),),
            lambda s: (200,),
        ),
    ]


def _total(s: Sources) -> str:
    return shown_count(s.monthly.current, s.rule, f"no involvements are loaded for {s.where}")


def _previous(s: Sources) -> str:
    before = reporting_year(s.service, s.year - 1).label
    return shown_count(s.monthly.previous, s.rule, f"no involvements are loaded for {before} to compare with")


def _change(s: Sources) -> float:
    """The change on last year, as the involvements headline gives it (views.involvements.headline)."""
    _total(s)  # withheld, or not available, with either count
    _previous(s)
    if s.monthly.change is None:
        raise NotAvailable("there is no count for the year before to compare with")
    return s.monthly.change


def _selected_months(s: Sources) -> tuple[pl.DataFrame, set[str]]:
    """The year's months with a count (Month, count) and the months the disclosure rule hides."""
    label = s.monthly.selected.label
    months = s.monthly.counts.filter(pl.col(MONTH) != TOTAL).select(MONTH, label).drop_nulls(label)
    hidden = {m for m, cells in s.monthly.protected().hidden.items() if label in cells and m != TOTAL}
    if not months.height:
        raise NotAvailable(f"no involvements are loaded for {s.where}")
    return months, hidden


def _busiest(s: Sources) -> tuple[str, int]:
    months, hidden = _selected_months(s)
    month, n = months.row(months[months.columns[1]].arg_max())
    if month in hidden:
        raise Withheld(hidden_count(s.rule))
    return month, n


def _months_over(s: Sources, n: int) -> str:
    months, hidden = _selected_months(s)
    if hidden:
        raise Withheld(f"{hidden_count(s.rule)}: {and_list(sorted(hidden))} of {s.period.label}")
    return count(months.filter(pl.col(months.columns[1]) > n).height)


TRIBUNALS = (
    ("avoided", tribunals_view.AVOIDED, "tribunals avoided, rounded down: the estimate is a minimum"),
    ("cost_avoided", tribunals_view.COST_AVOIDED, "tribunal costs avoided, from the unrounded number"),
    ("share", tribunals_view.SHARE, "the share of new involvements assumed to avoid a tribunal"),
    ("cost_per_tribunal", tribunals_view.COST, "the assumed cost of one tribunal"),
)


def tribunal_figures() -> list[Figure]:
    """The tribunals-avoided estimate (docs/methods.md), as the service appendix's table prints it."""
    reads = "metrics.tribunals.avoidance_estimate, as views.tribunals.published prints"
    return [
        Figure(
            f"tribunals.{name}",
            meaning,
            f"{reads} '{row}'",
            "as the estimate's table: '248', '£2,113,100', '10%'; withheld with the year's involvements",
            lambda s, row=row: _tribunal(s, row),
        )
        for name, row, meaning in TRIBUNALS
    ]


def _tribunal(s: Sources, row: str) -> str:
    if s.tribunals is None:
        raise NotAvailable(f"{s.slug}.yaml sets no tribunal_estimate (docs/methods.md)")
    shown = tribunals_view.published(s.tribunals)
    if row in shown.hidden:
        raise Withheld(
            f"{hidden_count(s.rule)}: the year's new involvements, and every figure made from them"
        )
    text = shown.data.filter(pl.col(tribunals_view.STUB) == row)[s.tribunals.period.label].item()
    if text == NOT_AVAILABLE:
        raise NotAvailable(f"no involvements are loaded for {s.where}")
    return text


WHOLE = "a whole number, halves up, as the key-figures table: withheld where it shows [c]"
KEY_PERCENT = "a whole percentage, halves up, as the key-figures table: withheld where it shows [c]"
KEY_COUNT = "a count with thousands separators, as the key-figures table: withheld where it shows [c]"
KEY_FIGURES = (  # name, measure (metrics.headline), what it is, how it reads
    ("new_involvements", h.NEW, "new involvements opened in the year", KEY_COUNT),
    (
        "response_within_two_working_days",
        h.RESPONDED,
        "the share of involvements with a first response recorded that had it within two working days "
        "(England and Wales bank holidays skipped)",
        KEY_PERCENT,
    ),
    ("referrals", h.REFERRALS, "new referrals (services whose extracts give the record type)", KEY_COUNT),
    ("enquiries", h.ENQUIRIES, "new enquiries (services whose extracts give the record type)", KEY_COUNT),
    ("ongoing_cases", h.ONGOING, "referrals open at some time in the year", KEY_COUNT),
    ("fte_advisers", h.FTE, "FTE advisers, from the service file's staffing", "one decimal: '2.3'"),
    ("ongoing_cases_per_fte", h.PER_FTE, "ongoing cases per FTE adviser", WHOLE),
    (
        "median_days_to_close",
        h.MEDIAN_DAYS,
        "median days from opening to closing, of the year's closed",
        WHOLE,
    ),
    ("open_cases", h.OPEN, "involvements open at the end of the year's last day", KEY_COUNT),
    ("open_cases_per_fte", h.OPEN_PER_FTE, "open cases at year end per FTE adviser", WHOLE),
    ("repeat_contacts", h.REPEATS, "a client's second and later involvements of the year", KEY_COUNT),
    (
        "repeat_contacts_share",
        h.REPEAT_SHARE,
        "repeat contacts as a share of the involvements with a client recorded",
        KEY_PERCENT,
    ),
)


def key_figures() -> list[Figure]:
    """The key-figures page's rows for the year, each as its table cell prints it (views.headline.cells)."""
    reads = "metrics.headline.key_figures: KeyFigures.rows"
    return [
        Figure(
            f"key_figures.{name}", meaning, f"{reads} '{measure}'", formatted, lambda s, m=measure: _key(s, m)
        )
        for name, measure, meaning, formatted in KEY_FIGURES
    ]


def _key(s: Sources, measure: str) -> str:
    figures, year = s.key_figures, s.period.label
    if measure not in figures.rows[h.MEASURE]:
        raise NotAvailable(f"{s.service.name}'s extracts or service file do not give '{measure}'")
    if year in figures.protected().hidden.get(measure, []):
        raise Withheld(f"{hidden_count(s.rule)}, or a share or median on a base under {s.rule.min_base}")
    text = headline_view.cells(figures).filter(pl.col(h.MEASURE) == measure)[year].item()
    if text == NOT_AVAILABLE:
        raise NotAvailable(f"no figure for '{measure}' is loaded for {s.where}")
    return text
