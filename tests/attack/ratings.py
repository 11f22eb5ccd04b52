"""Evaluation ratings: the number of people giving each rating to a question is never printed, only
its percentage of the question's answers, the share of the top ratings and that share's Wilson
interval. Each pins the count within its rounding; the audit says how closely. Kept apart from the
counts of people the disclosure rule protects: ratings by one to four people are shown by design
(docs/publishing.md)."""

from __future__ import annotations

import math
import re

from .pages import HIDDEN, Table, count, percent
from .relations import where
from .site import Site
from .system import Expr, System, rounded, total

Z = 1.959963984540054  # the 97.5% point of the standard normal


def wilson(k: int, n: int) -> tuple[float, float]:
    """The Wilson 95% interval of k successes in n, as fractions."""
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


def counts_with_interval(n: int, low: float, high: float) -> list[int]:
    """The numbers of successes in n whose Wilson interval prints as low% to high% (whole percents)."""
    fits = []
    for k in range(n + 1):
        lo, hi = wilson(k, n)
        if abs(100 * lo - low) <= 0.5 + 1e-9 and abs(100 * hi - high) <= 0.5 + 1e-9:
            fits.append(k)
    return fits


def is_ratings(table: Table) -> bool:
    return "Answered" in table.header


def evaluation_ratings(site: Site, system: System) -> None:
    """Each question's rating counts add up to its answers; each printed percentage, the share rated
    at the top and its 95% interval bound them. Every rating count is a target (none is printed)."""
    for year, page in site.pages():
        for table in filter(is_ratings, page.tables):
            top = re.search(r"Wilson 95% interval of the share rated (.+?)\.", table.note)
            for question, cells in table.rows:
                _question(system, year, table, question, cells, top.group(1) if top else None)


def _question(
    system: System, year: int, table: Table, question: str, cells: list[str], top: str | None
) -> None:
    row = dict(zip(table.header[1:], cells, strict=False))
    n = count(row["Answered"])
    if not n:
        return
    after = table.header[table.header.index("Answered") + 1 :]
    ratings = [c for c in after if not c.startswith("Rated") and c != "95% interval"]
    k: dict[str, Expr] = {}
    for rating in ratings:
        k[rating] = system.var(("rating", year, table.caption, question, rating))
        system.hide(where(year, table, question, rating), k[rating], "rating")
        shown = percent(row[rating])
        if shown:
            lo, hi = rounded(*shown)
            system.add(k[rating], n * lo / 100, n * hi / 100, f"{question}: {rating}")
    system.add(total(*k.values()), n, n, f"{question}: ratings add up to the answers")
    best = _top_ratings(top, ratings, row)
    if best is None:
        return
    column, members = best
    rated = total(*(k[r] for r in members))
    shown = percent(row.get(column, ""))
    if shown:
        lo, hi = rounded(*shown)
        system.add(rated, n * lo / 100, n * hi / 100, f"{question}: {column}")
    interval = re.fullmatch(r"(\d+)% to (\d+)%", row.get("95% interval", ""))
    if interval:
        fits = counts_with_interval(n, float(interval.group(1)), float(interval.group(2)))
        if fits:
            system.add(rated, min(fits), max(fits), f"{question}: 95% interval")
    if row.get(column) == HIDDEN and column not in ratings:
        system.hide(where(year, table, question, column), rated, "rating")


def _top_ratings(top: str | None, ratings: list[str], row: dict) -> tuple[str, list[str]] | None:
    """The column giving the share the interval is of, and the ratings it adds up."""
    if top is None:
        return None
    if top in ratings:
        return top, [top]
    found = re.fullmatch(r"(\d+) or more", top)
    if found:
        members = [r for r in ratings if r.split()[0].isdigit() and int(r.split()[0]) >= int(found.group(1))]
        return f"Rated {top}", members
    return None
