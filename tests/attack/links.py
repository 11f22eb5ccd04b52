"""Relations a reader sees between tables and pages: reasons' themes over time (through the taxonomy's
crosswalk), SEN types by DfE primary need, the data-quality page's blank fields and its comparison
with the printed report, involvements opened in part of a year, and the tribunals estimate. Keys as
in relations.py."""

from __future__ import annotations

import calendar
import re

from .pages import HIDDEN, Table, count, number, percent
from .relations import is_list, quantity, where
from .site import Period, Site, caption_parts
from .system import Expr, System, rounded, share_between, total

REASONS = "Reasons for contact"


def list_periods(site: Site, title: str) -> dict[str, dict[str, tuple[Period, list[str]]]]:
    """{year label: {period label: (period, labels)}} of every list table with this title."""
    out: dict[str, dict[str, tuple[Period, list[str]]]] = {}
    for _, page in site.pages():
        for table in filter(is_list, page.tables):
            found, when = caption_parts(table.caption)
            if found == title:
                out.setdefault(when.year, {})[when.label] = (when, [label for label, _ in table.rows])
    return out


def theme_parts(site: Site, system: System, year: str) -> tuple[Expr, dict[str, Expr]] | None:
    """The year's reasons recorded (the sum of its lists' bases), and each theme's reasons: the sum of
    the counts of the year's reasons with that theme, in every list in force that year."""
    lists = list_periods(site, REASONS).get(year, {})
    if not lists:
        return None
    base = total(*(system.var(("base", REASONS, label)) for label in lists))
    parts: dict[str, list[Expr]] = {}
    for label, (when, labels) in lists.items():
        for reason in labels:
            parts.setdefault(site.theme(reason, when), []).append(
                system.var(("count", REASONS, label, reason))
            )
    return base, {theme: total(*cells) for theme, cells in parts.items()}


def themes_over_time(site: Site, system: System) -> None:
    """Each theme's printed share of a year's reasons (the themes-over-time table)."""
    for year, page in site.pages():
        for table in page.tables:
            if not table.caption.startswith(f"{REASONS} by theme"):
                continue
            for column in table.header[1:]:
                found = theme_parts(site, system, column)
                if found is None:
                    continue
                base, parts = found
                i = table.column(column)
                for theme, cells in table.rows:
                    at = where(year, table, theme, column)
                    share_cell(system, at, cells[i], parts.get(theme, {}), base, "theme")


def share_cell(system: System, at, text: str, part: Expr, base: Expr, what: str) -> None:
    """A printed share of `base` (one decimal or none), or a hidden one standing for `part`."""
    shown = percent(text)
    if shown:
        lo, hi = rounded(*shown)
        share_between(system, part, base, lo / 100, hi / 100, str(at))
    elif text == HIDDEN:
        system.hide(at, part, what)


def needs_beside_england(site: Site, system: System) -> None:
    """Each DfE primary need's share of the SEN types recorded is the sum of the SEN types listed
    beside it; its difference from England's printed share bounds it too."""
    for year, page in site.pages():
        for table in page.tables:
            if not table.caption.startswith("SEN types by DfE primary need"):
                continue
            _, when = caption_parts(table.caption)
            base = system.var(("base", "SEN type", when.label))
            stated = re.search(r"Service percentages are of the ([\d,]+) SEN types recorded", table.note)
            if stated:
                system.fix(("base", "SEN type", when.label), count(stated.group(1)), table.caption)
            for need, cells in table.rows:
                row = dict(zip(table.header[1:], cells, strict=False))
                labels = [x.strip() for x in row.get("SEN types", "").split(",") if x.strip()]
                part = total(*(system.var(("count", "SEN type", when.label, label)) for label in labels))
                share_cell(
                    system,
                    where(year, table, need, "Service %"),
                    row.get("Service %", ""),
                    part,
                    base,
                    "need",
                )
                _difference(system, table, need, row, part, base)


def _difference(system: System, table: Table, need: str, row: dict, part: Expr, base: Expr) -> None:
    england, difference = percent(row.get("England %", "")), row.get("Difference (points)", "")
    if england is None or number(difference) is None:
        return
    e_lo, e_hi = rounded(*england)
    d_lo, d_hi = rounded(number(difference), len(difference.split(".")[1]) if "." in difference else 0)
    share_between(
        system, part, base, (e_lo + d_lo) / 100, (e_hi + d_hi) / 100, f"{table.caption}: {need} difference"
    )


def blank_fields(site: Site, system: System) -> None:
    """The data-quality page's blank fields: each a share of the year's new involvements, and the same
    figure as the involvements with none recorded under the field's lists that year."""
    titles = sorted(set(site.titles.values()), key=len, reverse=True)
    for year, page in site.pages():
        for table in page.tables:
            if not table.caption.startswith("Blank fields"):
                continue
            opened = system.var(("opened", page.year))
            for field, cells in table.rows:
                row = dict(zip(table.header[1:], cells, strict=False))
                text = row.get("Blank", "")
                if count(text) is None and text != HIDDEN:
                    continue
                blank = quantity(
                    system, ("blank", page.year, field), text, where(year, table, field, "Blank")
                )
                share_cell(
                    system,
                    where(year, table, field, "Share blank"),
                    row.get("Share blank", ""),
                    blank,
                    opened,
                    "count" if text == HIDDEN else "share",
                )
                title = next((t for t in titles if field.lower().startswith(t.lower())), None)
                periods = list_periods(site, title).get(page.year, {}) if title else {}
                if periods:
                    nones = [system.var(("none", title, label)) for label in periods]
                    system.equal(
                        blank, total(*nones), f"{table.caption}: {field} = none recorded under its lists"
                    )


def printed_report_groups(site: Site, system: System) -> None:
    """The data-quality page's 'From the data' share of a group of labels the printed report adds up
    (which labels: the printed report, copied in sendiass_lib/published/report_differences.yaml)."""
    for year, page in site.pages():
        for table in page.tables:
            if not table.caption.startswith("Printed figures"):
                continue
            for what, cells in table.rows:
                row = dict(zip(table.header[1:], cells, strict=False))
                shown = percent(row.get("From the data", ""))
                group = next((g for g in site.groups if g["what"] == what and g.get("year") == year), None)
                title = site.titles.get(group.get("field", "")) if group else None
                if not (shown and title):
                    continue
                for label, (when, _) in list_periods(site, title).get(page.year, {}).items():
                    if group.get("start") in (None, when.start):
                        part = total(*(system.var(("count", title, label, x)) for x in group["labels"]))
                        base = system.var(("base", title, label))
                        lo, hi = rounded(*shown)
                        share_between(system, part, base, lo / 100, hi / 100, f"{table.caption}: {what}")


def period_months(site: Site, system: System) -> None:
    """Involvements opened in part of a year ('1 Jan - 31 Mar 2024', under a list table) are the
    months of that part in the monthly table."""
    periods = {
        when
        for title in site.titles.values()
        for lists in list_periods(site, title).values()
        for when, _ in lists.values()
    }
    for when in periods:
        if when.start is None or when.label == when.year or when.start.day != 1:
            continue
        if when.end.day != calendar.monthrange(when.end.year, when.end.month)[1]:
            continue
        keys = [
            ("month", when.year, calendar.month_name[m]) for m in range(when.start.month, when.end.month + 1)
        ]
        if all(key in system.index for key in keys):
            months = total(*(system.var(key) for key in keys))
            system.equal(system.var(("opened", when.label)), months, f"involvements opened in {when.label}")


def tribunal_estimate(site: Site, system: System) -> None:
    """The tribunals estimate: new involvements x the assumed share = tribunals avoided (rounded
    down), x the cost of one = cost avoided (to the pound): each gives the year's involvements back."""
    for year, page in site.pages():
        for table in page.tables:
            if not table.caption.startswith("Tribunals avoided: an estimate"):
                continue
            for column in table.header[1:]:
                row = {label: cells[table.column(column)] for label, cells in table.rows}
                opened = quantity(
                    system,
                    ("opened", column),
                    row.get("New involvements", ""),
                    where(year, table, "New involvements", column),
                )
                share, cost = (
                    percent(row.get("Assumed share avoiding a tribunal", "")),
                    number(row.get("Cost per tribunal (assumed)", "")),
                )
                if not (share and cost):
                    continue
                s_lo, s_hi = (x / 100 for x in rounded(*share))
                avoided = count(row.get("Tribunals avoided (at least)", ""))
                if avoided is not None:
                    system.add(
                        opened, avoided / s_hi, (avoided + 1) / s_lo, f"{table.caption}: tribunals avoided"
                    )
                spent = number(row.get("Cost avoided", ""))
                if spent is not None:
                    system.add(
                        opened,
                        (spent - 0.5) / (s_hi * cost),
                        (spent + 0.5) / (s_lo * cost),
                        f"{table.caption}: cost",
                    )
