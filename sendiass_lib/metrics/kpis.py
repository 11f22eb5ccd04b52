"""Caseload KPIs of a reporting year, each one query run in DuckDB: the key-figures page's later rows.

Median days to close (of the year's involvements closed so far), open caseload on the year's last
day, and repeat contacts (a client's second and later involvements of the year). Each function
takes a connection, a service slug and a reporting year and returns numbers; `headline.key_figures`
puts them in its table and its disclosure rule decides what is shown.
"""

from __future__ import annotations

import duckdb

from ..periods import Period


def median_days_to_close(
    con: duckdb.DuckDBPyConnection, service: str, period: Period
) -> tuple[float | None, int]:
    """Median calendar days from opening to closure of the involvements opened in the period and
    closed so far (still-open ones would lengthen it later), and how many were closed: its base."""
    [(median, closed)] = con.execute(
        """SELECT median(closed_on - opened_on), count(*) FROM involvements
           WHERE service = $service AND opened_on BETWEEN $start AND $end AND closed_on IS NOT NULL""",
        _params(service, period),
    ).fetchall()
    return median, closed


def open_caseload(con: duckdb.DuckDBPyConnection, service: str, period: Period) -> int:
    """Involvements open at the end of the period's last day: opened by then and not closed by then
    (one closed on the last day is not open), however long ago they were opened."""
    [(open_cases,)] = con.execute(
        """SELECT count(*) FROM involvements
           WHERE service = $service AND opened_on <= $end AND (closed_on IS NULL OR closed_on > $end)""",
        {"service": service, "end": period.end},
    ).fetchall()
    return open_cases


def repeat_contacts(con: duckdb.DuckDBPyConnection, service: str, period: Period) -> tuple[int, int]:
    """Involvements opened in the period by a client who already had one opened in it (a client's
    second and later; of two opened the same day, one is a repeat), and the involvements with a
    client recorded: the share's base. Involvements with no client key are in neither."""
    [(repeats, linked)] = con.execute(
        """SELECT count(*) - count(DISTINCT client_key), count(*) FROM involvements
           WHERE service = $service AND opened_on BETWEEN $start AND $end AND client_key IS NOT NULL""",
        _params(service, period),
    ).fetchall()
    return repeats, linked


def _params(service: str, period: Period) -> dict:
    return {"service": service, "start": period.start, "end": period.end}
