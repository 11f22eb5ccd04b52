"""Small-number disclosure control, applied in the library before any table is displayed.

The rule comes from the service's config file (`disclosure:`), default as in GSS practice for
person counts: a count from 1 to 4 is shown as [c]; then secondary suppression, so that no
suppressed cell can be worked out from a row or column total (while a line with a shown total has
exactly one [c], its smallest other shown cell is suppressed too); and no percentage is shown on a
base under 10. `disclosure: off` turns it off for internal builds, and every page then says
"Internal: not for publication".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import polars as pl

from . import formatting
from .config import Service
from .formatting import SUPPRESSED
from .service_schema import DisclosureSettings


@dataclass(frozen=True)
class Rule:
    """Counts from 1 to `below` - 1 are suppressed; percentages need a base of `min_base`; service
    figures (the `figures` extract) in one of `units` count clients, and are suppressed the same way."""

    on: bool = True
    below: int = 5
    min_base: int = 10
    units: frozenset[str] = frozenset({"count", "cases", "clients", "families"})
    protection_width: int | None = None  # None: below - 1 (see width)
    rating_counts: str = "shown"  # or "suppressed": ratings by 1 to below - 1 people

    @property
    def width(self) -> int:
        """How wide the range a reader can work out for a hidden count must be (audit.secure)."""
        return self.protection_width or self.below - 1

    @property
    def ratings_suppressed(self) -> bool:
        return self.on and self.rating_counts == "suppressed"

    @property
    def small_counts(self) -> str:
        """The counts the rule hides, as a sentence names them: '1 to 4' (or '1' when only 1 is)."""
        return "1" if self.below == 2 else f"1 to {self.below - 1}"

    @property
    def note(self) -> str:
        return (
            f"{SUPPRESSED} suppressed: a count of {self.small_counts}, or a figure that would reveal one "
            f"from a total; no percentage is given on a base under {self.min_base}."
        )


class Shown(NamedTuple):
    """A result as it may be published: its data with suppressed cells null, the cells to show as
    [c] ({row label: [columns]}), and the rule applied (whose note goes under the table)."""

    data: Any  # a DataFrame, or a result of the same type with its hidden figures null
    hidden: dict[str, list[str]]
    rule: Rule


def strictest(rules: list[Rule]) -> Rule:
    """One rule for figures published by several services together (joint results): on if any is,
    with the highest thresholds of those that are on."""
    on = [r for r in rules if r.on]
    if not on:
        return Rule(on=False)
    units = frozenset().union(*(r.units for r in on))
    widths = [r.width for r in on]
    ratings = "suppressed" if any(r.ratings_suppressed for r in on) else "shown"  # the stricter
    return Rule(True, max(r.below for r in on), max(r.min_base for r in on), units, max(widths), ratings)


def rule(service: Service) -> Rule:
    """The service's rule: its file's `disclosure:`, with the schema's defaults for keys it leaves out
    (service_schema.DisclosureSettings, which also refuses a misspelt key); off for internal builds."""
    raw = service.disclosure
    if raw is False or raw == "off":
        return Rule(on=False)
    settings = DisclosureSettings.model_validate(raw or {})
    return Rule(
        True,
        settings.suppress_below,
        settings.min_percent_base,
        frozenset(unit.strip().lower() for unit in settings.client_count_units),
        settings.protection_width,
        settings.rating_counts,
    )


def protect(
    frame: pl.DataFrame,
    counts: list[str],
    rule: Rule,
    totals: bool = True,
    shares: dict[str, str] | None = None,
    row_totals: bool = False,
    also: dict[str, list[str]] | None = None,
) -> tuple[pl.DataFrame, dict[str, list[str]]]:
    """The frame with suppressed cells nulled, and {row label: [columns]} of the cells to show as [c].

    `counts` are the person-count columns. With `totals`, each is taken to add up to a total that is
    shown (a "Total" row, or the base stated under the table); with `row_totals`, each row across them
    does too. A row labelled "Total" is that total: never suppressed first, but hidden when it alone
    would give a suppressed cell back. `shares` maps a share column to the count column it is a share
    of: a share is suppressed with its count. `also` names further cells ({row label: [columns]})
    to hide first, as if small (a figure made of a hidden one).
    """
    if not rule.on or frame.is_empty():
        return frame, {}
    stub = frame.columns[0]
    labels = [str(x) for x in frame[stub]]
    members = [i for i, label in enumerate(labels) if label.lower() != "total"]
    total_rows = [i for i in range(len(labels)) if i not in members]
    values = {c: [int(v) if v is not None else None for v in frame[c]] for c in counts}
    small = {(i, c) for c in counts for i in members if suppressed(values[c][i], rule)}
    hidden = small | {(i, c) for i in members for c in (also or {}).get(labels[i], ()) if c in values}
    lines = [([(i, c) for i in members], [(t, c) for t in total_rows]) for c in counts] if totals else []
    if row_totals:
        lines += [([(i, c) for c in counts], []) for i in members]
    changed = True
    while changed:
        changed = False
        for line, line_totals in lines:
            in_line = [cell for cell in line if cell in hidden]
            # One hidden cell, or only small ones: a reader who knows this rule would know each is
            # 1 to 4 (and from the total, their sum): hide a further, larger cell with them.
            if not in_line or (len(in_line) > 1 and not set(in_line) <= small):
                continue
            candidates = [c for c in line if c not in hidden and values[c[1]][c[0]]]  # (a zero hides nothing)
            if candidates:
                hidden.add(min(candidates, key=lambda c: values[c[1]][c[0]]))
                changed = True
            elif line_totals and not all(t in hidden for t in line_totals):
                hidden.update(line_totals)  # the one member is the total: hide the total too
                changed = True
    for share, count in (shares or {}).items():
        hidden |= {(i, share) for i, c in hidden.copy() if c == count}
    cells: dict[str, list[str]] = {}
    for i, column in sorted(hidden):
        cells.setdefault(labels[i], []).append(column)
    nulled = frame.with_columns(
        pl.when(pl.Series([(i, c) in hidden for i in range(len(labels))]))
        .then(None)
        .otherwise(pl.col(c))
        .alias(c)
        for c in sorted({c for _, c in hidden})
    )
    return nulled, cells


def suppressed(count: int | None, rule: Rule) -> bool:
    """Whether the rule hides this count of people (1 to `below` - 1; zero and None are shown)."""
    return rule.on and count is not None and 0 < count < rule.below


def count_text(count: int | None, rule: Rule) -> str:
    """A count for a sentence: '2,486', or '[c]' where a table would show it: 'fewer than 5' would
    tell a reader it is 1 to 4, narrower than the audit allows (suppression.py)."""
    return SUPPRESSED if suppressed(count, rule) else formatting.count(count)


def withhold(frame: pl.DataFrame, hidden: dict[str, list[str]], more: dict[str, list[str]]) -> pl.DataFrame:
    """Hide `more` cells ({row label: [columns]}, rows named by the frame's first column) beyond
    what protect() found: add them to `hidden` and return the frame with each of them null. For a
    figure that goes with a hidden one (a change, a share) or a share on a base under the minimum."""
    for label, columns in more.items():
        hidden[label] = sorted({*hidden.get(label, []), *columns})
    return null_cells(frame, more)


def null_cells(frame: pl.DataFrame, cells: dict[str, list[str]]) -> pl.DataFrame:
    """The frame with the named cells ({row label: [columns]}) null; columns it lacks are skipped."""
    labels = [str(x) for x in frame[frame.columns[0]]]
    columns = sorted({c for named in cells.values() for c in named} & set(frame.columns))
    return frame.with_columns(
        pl.when(pl.Series([c in cells.get(label, ()) for label in labels]))
        .then(None)
        .otherwise(pl.col(c))
        .alias(c)
        for c in columns
    )


def percent_shown(base: int | None, rule: Rule) -> bool:
    """Whether a percentage on this base may be shown."""
    return not rule.on or (base is not None and base >= rule.min_base)
