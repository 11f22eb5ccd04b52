"""Which reporting years have data, kept free of pandas so that up-to-date checks start fast."""

from __future__ import annotations

import duckdb

from . import config, periods


def years_with_data(con: duckdb.DuckDBPyConnection, service: str) -> list[int]:
    """Reporting years (YEAR values) in which the service has at least one involvement, from the
    service's `reports_from` year on (earlier years hold only cases carried into the first)."""
    svc = config.service(service)
    month, day = periods.parse_start(svc.reporting_year)
    # periods.reporting_year_of in SQL: a day before the start day belongs to the year before.
    found = con.execute(
        """SELECT DISTINCT year(opened_on) - CASE WHEN month(opened_on) < $month
                  OR (month(opened_on) = $month AND day(opened_on) < $day) THEN 1 ELSE 0 END
           FROM involvements WHERE service = $service""",
        {"service": service, "month": month, "day": day},
    ).fetchall()
    return sorted(y for (y,) in found if svc.reports_from is None or y >= svc.reports_from)


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
