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
    return pages_of(con, {service: [year]})[(service, year)]


def pages_of(
    con: duckdb.DuckDBPyConnection, wanted: dict[str, list[int]]
) -> dict[tuple[str, int], list[Appendix]]:
    """`pages` of many service-years (each service's `years`), keyed (service, year), asked with a
    fixed few queries whatever their number: one for every label requirement, one per other table."""
    published = appendices()
    spans = [
        (s, y, periods.reporting_year(config.service(s), y)) for s, years in wanted.items() for y in years
    ]
    having = _having(con, [a.requires for a in published if a.requires], spans)
    return {
        (s, y): [a for a in published if not a.requires or (s, y) in having[_key(a.requires)]]
        for s, y, _ in spans
    }


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
    return years_by_service(con, [config.service(service).slug])[service]


def years_by_service(con: duckdb.DuckDBPyConnection, services: list[str]) -> dict[str, list[int]]:
    """`years_with_data` of each of `services` (not groups), in one query: each service's rows are
    grouped by its own reporting year."""
    known = [config.service(slug) for slug in services]
    starts = [parse_start(svc.reporting_year) for svc in known]
    found = con.execute(
        """SELECT DISTINCT i.service, reporting_year_of(i.opened_on, s.month, s.day)
           FROM involvements i
           JOIN (SELECT unnest($services) AS service, unnest($months) AS month, unnest($days) AS day) s
           USING (service)""",
        {
            "services": [svc.slug for svc in known],
            "months": [month for month, _ in starts],
            "days": [day for _, day in starts],
        },
    ).fetchall()
    years: dict[str, list[int]] = {svc.slug: [] for svc in known}
    for slug, year in sorted(found):
        years[slug].append(year)
    return {
        svc.slug: [y for y in years[svc.slug] if svc.reports_from is None or y >= svc.reports_from]
        for svc in known
    }


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
    span = periods.reporting_year(config.service(service), year)
    return (service, year) in _having(con, [requires], [(service, year, span)])[_key(requires)]


def _key(requires: dict) -> str:
    return json.dumps(requires, sort_keys=True)


def _having(con: duckdb.DuckDBPyConnection, requirements: list[dict], spans: list[tuple]) -> dict[str, set]:
    """For each requirement (has_data's), the (service, year)s of `spans` ((service, year, period))
    that meet it: one query for all label requirements, one for each table, none for nothing."""
    asked = """WITH asked AS (SELECT unnest($services) AS service, unnest($years) AS year,
                                     unnest($firsts) AS first, unnest($lasts) AS last)"""
    params = {
        "services": [s for s, _, _ in spans],
        "years": [y for _, y, _ in spans],
        "firsts": [p.start for _, _, p in spans],
        "lasts": [p.end for _, _, p in spans],
    }

    def found(query: str, **more) -> list[tuple]:
        return con.execute(f"{asked} {query}", params | more).fetchall() if spans else []

    labelled: dict[tuple, set] = {}
    if fields := sorted({field for r in requirements for field in r.get("labels", ())}):
        for service, year, field in found(
            """SELECT DISTINCT a.service, a.year, l.field FROM involvement_labels l
               JOIN involvements i USING (service, involvement_id)
               JOIN asked a ON i.service = a.service AND i.opened_on BETWEEN a.first AND a.last
               WHERE l.service IN (SELECT service FROM asked) AND list_contains($fields, l.field)""",
            fields=fields,
        ):
            labelled.setdefault((service, year), set()).add(field)
    having = {}
    for requires in requirements:
        table = requires.get("table")
        if names := requires.get("labels"):
            meet = {pair for pair, seen in labelled.items() if seen & set(names)}
        elif table:
            year_column = requires.get("year")
            on = (
                f"t.{year_column} = a.year"
                if year_column
                else f"t.{requires['date']} BETWEEN a.first AND a.last"
            )
            query = (
                f"SELECT DISTINCT a.service, a.year FROM {table} t JOIN asked a USING (service) WHERE {on}"
            )
            meet = set(found(query))
        else:  # nothing more than the year's involvements
            years = years_by_service(con, sorted({s for s, _, _ in spans}))
            meet = {(s, y) for s, y, _ in spans if y in years[s]}
        having[_key(requires)] = meet
    return having
