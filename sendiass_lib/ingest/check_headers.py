"""How `sendiass check` shows a file's headers: each with the column it maps to (or why it is
dropped) and, for an unknown one, the closest columns; the mapping lines worth offering for them;
and the required columns missing, with headers that would name them.
"""

from __future__ import annotations

import polars as pl

from .. import privacy
from . import suggest
from .check_result import REDACTED, CheckResult, HeaderRow
from .contract import UNKNOWN, Column, Contract, HeaderMap
from .suggest import Entry


def column_named(spec: Contract, name: str) -> Column:
    """The contract's column called `name`."""
    return next(c for c in spec.columns if c.name == name)


def missing_columns(spec: Contract, found: HeaderMap) -> list[tuple[str, list[str]]]:
    """The required columns not found, each with up to three headers that would name it."""
    return [(name, list(column_named(spec, name).aliases[:3])) for name in found.missing]


def header_rows(spec: Contract, found: HeaderMap, headers: list[str]) -> list[HeaderRow]:
    """Each header as shown (redacted), with what it maps to and, if unknown, suggestions."""
    shown = privacy.redact(pl.Series(headers, dtype=pl.String)).to_list()
    spellings = suggest.column_spellings(spec)
    rows = []
    for m in found.matches:
        header = shown[m.position] or m.header  # (a column with no header keeps its description)
        ideas = suggest.closest(m.header, spellings) if m.how == UNKNOWN else []
        rows.append(HeaderRow(m.position, header, m.how, m.column, m.why, ideas))
    return rows


def header_entries(
    result: CheckResult, found: HeaderMap, headers: list[str]
) -> tuple[list[Entry], list[tuple[str, str]]]:
    """Mapping lines for unknown headers whose best suggestion is good and names a column the file
    does not have yet; the other unknown headers are 'unplaced'. A header with nothing typed, or
    with personal data redacted from it, cannot be named in a mapping file."""
    entries, unplaced, taken = [], [], set(found.canonical)
    for row in result.headers:
        header = headers[row.position]
        if row.how != UNKNOWN or not header or REDACTED.search(row.header):
            continue
        best = next((s for s in row.suggestions if s.target not in taken), None)
        if best and best.score >= suggest.SUGGEST_FROM:
            taken.add(best.target)
            entries.append(Entry("headers", result.kind, header, best.target, best))
        else:
            unplaced.append((result.kind, header))
    return entries, unplaced
