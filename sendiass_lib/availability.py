"""Which reporting years have data, kept free of pandas so that up-to-date checks start fast."""

from __future__ import annotations

import duckdb

from . import config, periods


def years_with_data(con: duckdb.DuckDBPyConnection, service: str) -> list[int]:
    """Reporting years (YEAR values) in which the service has at least one involvement."""
    svc = config.service(service)
    days = con.execute("SELECT DISTINCT opened_on FROM involvements WHERE service = ?", [service]).fetchall()
    return sorted({periods.reporting_year_of(svc, day) for (day,) in days})
