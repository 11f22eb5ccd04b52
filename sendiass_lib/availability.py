"""Which appendices there are, which reporting years have data and which pages that data feeds,
kept free of pandas and Jupyter so that up-to-date checks start fast."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import duckdb

from . import config, groups, periods
from .service_schema import parse_start


@dataclass(frozen=True)
class Appendix:
    """A published notebook: one whose metadata has a `sendiass` entry (title, summary, order, what
    it requires to have anything to show, the involvement columns it shows, and `joint`: whether it
    may show figures services share, which a group's report then shows once)."""

    name: str
    path: Path
    title: str
    summary: str
    order: int
    requires: dict = field(default_factory=dict)  # what it needs to have anything to show
    shows: tuple[str, ...] = ()  # involvement columns it has a section or figure for
    joint: bool = False  # it may show figures services share (joint channels, pooled evaluations)


def appendices(notebooks_dir: Path | None = None) -> list[Appendix]:
    """Notebooks that publish as appendices, in their metadata order (read again only when a
    notebook changed: a national build asks once per service-year)."""
    paths = sorted((notebooks_dir or config.NOTEBOOKS_DIR).glob("*.ipynb"))
    return list(_appendices(tuple((path, path.stat().st_mtime_ns, path.stat().st_size) for path in paths)))


@lru_cache(maxsize=8)
def _appendices(stamped: tuple[tuple[Path, int, int], ...]) -> list[Appendix]:
    found = []
    for path, _, _ in stamped:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("sendiass")
        if meta:
            found.append(
                Appendix(
                    path.stem,
                    path,
                    meta["title"],
                    meta["summary"],
                    int(meta.get("order", 100)),
                    meta.get("requires", {}),
                    tuple(meta.get("shows", ())),
                    bool(meta.get("joint", False)),
                )
            )
    return sorted(found, key=lambda a: (a.order, a.name))


def pages(con: duckdb.DuckDBPyConnection, service: str, year: int) -> list[Appendix]:
    """The appendices a service-year's report has: those with anything to show (the year's
    involvements are enough for a page that requires nothing more)."""
    return [a for a in appendices() if not a.requires or has_data(con, service, year, a.requires)]


def columns_shown(con: duckdb.DuckDBPyConnection, service: str, year: int) -> list[str]:
    """The involvement columns the service-year's pages show: a missing or blank one leaves a
    section with nothing in it, which the report's warnings then name."""
    return sorted({column for page in pages(con, service, year) for column in page.shows})


def years_with_data(con: duckdb.DuckDBPyConnection, service: str) -> list[int]:
    """Reporting years (YEAR values) in which the service has at least one involvement, from the
    service's `reports_from` year on (earlier years hold only cases carried into the first); for a
    group of services (groups.py), the years in which every member has."""
    if found := groups.group(service):
        return sorted(set.intersection(*(set(years_with_data(con, m)) for m in found.members)))
    svc = config.service(service)
    month, day = parse_start(svc.reporting_year)
    found = con.execute(
        """SELECT DISTINCT reporting_year_of(opened_on, $month, $day)
           FROM involvements WHERE service = $service""",
        {"service": service, "month": month, "day": day},
    ).fetchall()
    return sorted(y for (y,) in found if svc.reports_from is None or y >= svc.reports_from)


class NoDataError(ValueError):
    """The service has no data for the requested year; the message names the years it has."""


def check_request(con: duckdb.DuckDBPyConnection, service: str, year: int) -> None:
    """Fail with a message naming valid values when the service is unknown or has no data that year
    (a group: when not every member has): the one check before building or writing anything."""
    years = years_with_data(con, service)  # an unknown service fails here, naming the valid ones
    if year not in years:
        label = periods.reporting_year(config.service(groups.members(service)[0]), year).long_label
        have = ", ".join(map(str, years)) if years else "none (load extracts with `sendiass data`)"
        raise NoDataError(f"no data for {service} in {label}; years with data: {have}")


def has_data(con: duckdb.DuckDBPyConnection, service: str, year: int, requires: dict) -> bool:
    """Whether an appendix that declares `requires` (notebook metadata) has anything to show:
    {"labels": [fields]} - involvements opened in the year with any of these label columns;
    {"table": name, "date": column} - rows of that table for the service dated in the year;
    {"table": name, "year": column} - rows of that table whose column holds the reporting YEAR.
    An appendix that declares nothing needs only the year's involvements."""
    period = periods.reporting_year(config.service(service), year)
    if fields := requires.get("labels"):
        query = """SELECT 1 FROM involvement_labels l
                   JOIN involvements i USING (service, involvement_id)
                   WHERE l.service = ? AND i.opened_on BETWEEN ? AND ? AND list_contains(?, l.field)"""
        params = [service, period.start, period.end, list(fields)]
    elif (table := requires.get("table")) and (year_column := requires.get("year")):
        query = f"SELECT 1 FROM {table} WHERE service = ? AND {year_column} = ?"
        params = [service, year]
    elif table:
        date_column = requires["date"]
        query = f"SELECT 1 FROM {table} WHERE service = ? AND {date_column} BETWEEN ? AND ?"
        params = [service, period.start, period.end]
    else:
        return year in years_with_data(con, service)
    return con.execute(f"SELECT EXISTS ({query})", params).fetchall()[0][0]  # stops at the first row
