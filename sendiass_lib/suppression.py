"""Secondary suppression chosen by an audit of everything one service-year publishes.

Each result's `protected()` applies the rule line by line (disclosure.protect). That cannot see
links between tables: a theme's share is the sum of its reasons, a blank count is involvements
less those recorded, a need's share on the SEN-types page and a group's share on the data-quality
page add up label counts. `plan` gathers the service-year's published count cells with their local
suppression and every such relation into an audit.Publication, and hides further cells (smallest
first) until each small count's interval is at least the service's protection width wide. Results
then hide what the plan adds (`extra`), so the table, its chart and its sentences all follow it.

Layers: the plan is made from the year's results as counted, under the line-by-line rule alone
(metrics.label_mix, themes, national, blank_fields, which know nothing of it); the metrics a page
calls (metrics.mixes, metrics.quality), a layer above, give each result the cells the plan hides in
its table (`cells`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import duckdb

from . import audit, config, disclosure, fields, labels, periods
from .metrics import blank_fields, label_mix, national, themes
from .metrics.label_mix import COUNT, LABEL, LEVELS, NOT_RECORDED

SHARE_ROUNDING = 0.0005  # shares are printed to one decimal place of a percentage (or fewer)
_plans: dict[tuple, Plan] = {}


@dataclass
class Plan:
    """Cells hidden beyond the line-by-line rule, per table, and the audited intervals."""

    service: str
    year: int
    extra: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # table key -> {row: [cols]}
    intervals: dict = field(default_factory=dict)  # cell -> audit.Interval, for each small count
    unprotectable: list = field(default_factory=list)  # small counts no further suppression protects


def cells(
    con: duckdb.DuckDBPyConnection, service: str, year: int, table: str, period: str | None = None
) -> dict[str, list[str]]:
    """Cells of a table (`{row: [columns]}`) the audit of the service's published `year` hides
    beyond the line-by-line rule; made once per service, year and database in a process. Empty for
    a year of another kind (`period`) than the service's own: only its own years are published."""
    svc = config.service(service)
    rule = disclosure.rule(svc)
    if not rule.on or period not in (None, svc.reporting_year):
        return {}
    key = (_database_key(con), svc.slug, year, rule)
    if key not in _plans:
        _plans[key] = plan(con, svc.slug, year)
    return {row: list(cols) for row, cols in _plans[key].extra.get(table, {}).items()}


def _database_key(con: duckdb.DuckDBPyConnection) -> tuple:
    """What identifies the data a plan was made from: the database file and its loads."""
    [(name,)] = con.execute("SELECT current_database()").fetchall()
    [(path,)] = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = ?", [name]).fetchall()
    loads = con.execute("SELECT list(sha256 ORDER BY load_id), count(*) FROM loads").fetchall()[0]
    return (path, str(loads[0]), loads[1])


def plan(con: duckdb.DuckDBPyConnection, service: str, year: int) -> Plan:
    """Audit the service-year's publication and choose the further suppressions it needs."""
    svc = config.service(service)
    rule = disclosure.rule(svc)
    publication, where = _publication(con, svc.slug, year, rule)
    found = Plan(svc.slug, year)
    if not rule.on:
        return found
    added, found.unprotectable = audit.secure(publication, width=rule.width)
    for cell in added:
        for table, row, column in where[cell]:
            found.extra.setdefault(table, {}).setdefault(row, []).append(column)
    found.intervals = audit.intervals(publication, publication.primary)
    return found


# Table keys: one per published table, the same in the plan and in each result's protected().
def mix_key(field: str, start: date) -> str:
    return f"mix:{field}:{start.isoformat()}"


def monthly_key(start: date) -> str:
    return f"monthly:{start.isoformat()}"


def blank_key(start: date) -> str:
    return f"blank:{start.isoformat()}"


class _Builder:
    """Cells under a canonical name (one figure shown in several places is one cell), where each
    is displayed, and the relations between them."""

    def __init__(self, rule: disclosure.Rule) -> None:
        self.rule = rule
        self.publication = audit.Publication()
        self.where: dict[tuple, list[tuple[str, str, str]]] = defaultdict(list)

    def cell(self, name: tuple, value, shown_at: tuple[str, str, str] | None, hidden: bool, fixed=False):
        value = int(value or 0)
        small = disclosure.suppressed(value, self.rule)
        self.publication.cell(name, value, hidden=hidden or small, primary=small, fixed=fixed and not small)
        if shown_at and shown_at not in self.where[name]:
            self.where[name].append(shown_at)


def _publication(con, service: str, year: int, rule: disclosure.Rule):
    """The service-year's count cells and relations (see the module docstring), from its results as
    counted: with the line-by-line rule, before any cell of this audit."""
    svc = config.service(service)
    span = periods.reporting_year(svc, year)
    build = _Builder(rule)
    pub = build.publication
    involvements = ("involvements", span.start)
    opened = con.execute(
        "SELECT count(*) FROM involvements WHERE service = ? AND opened_on BETWEEN ? AND ?",
        [service, span.start, span.end],
    ).fetchall()[0][0]
    build.cell(involvements, opened, None, hidden=False, fixed=True)
    label_cells: dict[str, dict[str, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    bases: dict[str, list[tuple]] = defaultdict(list)
    codes: dict[str, str | None] = {}  # SEN type -> its DfE need code, for _national
    counted: dict[str, list[label_mix.LabelMix]] = {}  # the year's mixes of each label column
    for name, spec in [*fields.label_fields().items(), (LEVELS.name, LEVELS)]:
        counted[name] = (
            label_mix.counted(con, service, name, year)
            if name != LEVELS.name
            else [label_mix.counted_levels(con, service, year)]
        )
        for mix in counted[name]:
            if mix.empty:
                continue
            table = mix_key(name, mix.period.start)
            shown = mix.protected()
            hidden, published = shown.hidden, shown.data
            parts = []
            rows = (mix.with_blank_row() if mix.blank_row else mix).rows  # as published
            for label, count, code in rows.select(LABEL, COUNT, "code").iter_rows():
                if label == NOT_RECORDED:
                    cell = ("blank", name, span.start)
                else:
                    cell = ("label", name, mix.period.start, label)
                    label_cells[name][label].append(cell)
                    codes[label] = code if name == "sen_types" else codes.get(label)
                build.cell(cell, count, (table, label, COUNT), hidden=label in hidden)
                parts.append(cell)
            base = ("base", name, mix.period.start)
            build.cell(base, published.base, None, hidden=False, fixed=True)
            pub.total(base, parts)
            bases[name].append(base)
            if not spec.multi and not mix.blank_row:  # involvements = recorded + blank
                blank = ("blank", name, span.start)
                build.cell(blank, mix.not_recorded, None, hidden=False)
                pub.total(involvements, [base, blank])
    _themes(con, build, service, year, span, counted["reasons"], label_cells, bases)
    _national(build, year, counted["sen_types"], label_cells, bases, codes)
    _blank_fields(con, build, service, year, span)
    return pub, build.where


def _themes(con, build: _Builder, service, year, span, reasons, label_cells, bases) -> None:
    """The themes-over-time table's shares for the year: each of its reasons' sum, of the year's
    (a theme's share in the year follows that year's reasons alone: ThemeTrend.protected)."""
    if "reasons" not in bases:
        return
    trend = themes.counted(con, service, "reasons", year, years=1)
    trend = trend.with_hidden_labels({span.label: reasons})
    if span.label not in trend.years:
        return
    shown = trend.protected()
    theme_of = {
        row["label"]: row["theme"]
        for row in labels.taxonomy("reasons").select("label", "theme").iter_rows(named=True)
        if row["theme"]
    }
    for theme, share in trend.shares.select(themes.THEME, span.label).iter_rows():
        if span.label in shown.hidden.get(theme, []) or share is None:
            continue
        parts = [
            c
            for label, cells in label_cells["reasons"].items()
            if theme_of.get(label) == theme
            for c in cells
        ]
        if parts:  # hidden with any of its reasons (ThemeTrend.protected), so they own it too
            owners = [("theme", theme, span.start), *parts]
            build.publication.share(parts, bases["reasons"], share, SHARE_ROUNDING, owners=owners)


def _national(build: _Builder, year, sen_types, label_cells, bases, code_of) -> None:
    """SEN types by DfE need: a need's share is its SEN types' sum; hidden if any of them is."""
    if "sen_types" not in bases:
        return
    comparison = national.by_need(sen_types, year)
    for need, code, share in comparison.rows.select(
        national.NEED, national.CODE, national.SERVICE
    ).iter_rows():
        if share is None or national.SERVICE in comparison.hidden.get(need, []):
            continue
        parts = [
            c
            for label, cells in label_cells["sen_types"].items()
            if code_of.get(label) == code
            for c in cells
        ]
        if parts:
            owners = [("need", code), *parts]
            build.publication.share(parts, bases["sen_types"], share, SHARE_ROUNDING, owners=owners)


def _blank_fields(con, build: _Builder, service, year, span) -> None:
    """The data-quality page's blank counts: the same cells as the label mixes' blank ones."""
    blank = blank_fields.counted(con, service, year)
    table = blank_key(span.start)
    hidden = blank.protected().hidden
    titles = {f.title: name for name, f in fields.label_fields().items()} | {
        title: column for column, title in blank_fields.OPTIONAL_FIELDS.items()
    }
    for title, n in blank.rows.select(blank_fields.FIELD, blank_fields.BLANK).iter_rows():
        if n is None:
            continue
        cell = ("blank", titles[title], span.start)
        build.cell(cell, n, (table, title, blank_fields.BLANK), hidden=title in hidden)
