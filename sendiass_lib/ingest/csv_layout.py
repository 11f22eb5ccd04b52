"""Where a CSV extract's table starts, found in its first lines: the separator (comma, semicolon,
tab, or the one an Excel "sep=" first line names), the header (the first of the top 30 lines the
caller's `is_header` accepts, so title lines above it are skipped) and those title lines. Only the
first MiB is looked at: the file is never split or copied.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass

from .raw_extract import HEADER_SEARCH_ROWS, IsHeader

SEPARATORS = (",", ";", "\t")
HEAD_BYTES = 1 << 20  # a CSV's header is looked for in its first MiB: the file is never split
# Excel's first line naming the separator: sep=, sep=; or sep=<tab> (also written "sep=\t",
# quoted, or followed by more separators once a spreadsheet has re-saved it).
SEP_LINE = re.compile(r'"?sep=(\\t|\t|[^\w\s"])"?(?:\1)*[ \r\n]*', re.IGNORECASE)


@dataclass(frozen=True)
class CsvLayout:
    """Where a CSV's table starts, found in its first lines (see csv_layout)."""

    separator: str
    declared: bool  # an Excel "sep=" first line named the separator (the line is skipped)
    skip_lines: int  # lines above the header: a sep= line, title lines, blank lines
    header: tuple[str, ...]  # the header's cells, trimmed
    found: bool  # is_header accepted it (else it is the first non-blank line, to be refused later)
    titles: tuple[str, ...] = ()  # non-blank lines above the header, cells joined by spaces


def csv_layout(data: bytes, is_header: IsHeader) -> CsvLayout | None:
    """Separator, header and title lines of a CSV (as UTF-8 bytes) from its first lines, or None
    when they are all blank. The header is the first of the first 30 lines that `is_header`
    accepts, read with the separator an Excel "sep=" line names, else with whichever of comma,
    semicolon and tab finds a header (the one the header line uses most, if several do). When no
    line is accepted, the first non-blank line is the header, so the load is refused naming it."""
    lines = _head_lines(data)
    named = _declared_separator(lines[0]) if lines else None
    start = int(named is not None)
    found = []  # (line of the header, -uses of the separator in it, separator, records, index)
    for separator in (named,) if named else SEPARATORS:
        records = _records(lines, start, separator)
        for at, (first, end, cells) in enumerate(records):
            if found and first > found[0][0]:  # below a header already found: not the first
                break
            if is_header(cells):
                found.append((first, -"".join(lines[first:end]).count(separator), separator, records, at))
                found.sort(key=lambda f: f[:2])
                break
    best = None if found else _best_guess(lines, start, named, is_header)
    if found or best:
        _, _, separator, records, at = found[0] if found else best
        titles = tuple(" ".join(c for c in cells if c) for _, _, cells in records[:at] if any(cells))
    else:
        first = next((i for i in range(start, len(lines)) if lines[i].strip(' \t\r\n,;"')), None)
        if first is None:
            return None
        separator = named or max(SEPARATORS, key=lines[first].count)
        records = _records(lines, first, separator) or [(first, first + 1, [])]  # (a stray CR)
        at, titles = 0, ()
    return CsvLayout(
        separator=separator,
        declared=named is not None,
        skip_lines=records[at][0],
        header=tuple(records[at][2]),
        found=bool(found),
        titles=titles,
    )


def _best_guess(lines: list[str], start: int, named: str | None, is_header: IsHeader):
    """When no line is the header, the line naming most of the kind's columns (`is_header`'s
    contract's header_score), as found would hold it; None when none names any. The load is then
    refused naming only the columns it lacks, not a title line's cells."""
    score = getattr(getattr(is_header, "__self__", None), "header_score", None)
    if score is None:
        return None
    best = None
    for separator in (named,) if named else SEPARATORS:
        records = _records(lines, start, separator)
        for at, (first, _, cells) in enumerate(records):
            points = score(cells)
            if points and (best is None or points > best[0]):
                best = (points, first, separator, records, at)
    return None if best is None else (best[1], 0, *best[2:])


def _head_lines(data: bytes) -> list[str]:
    """The first lines of the file (at most HEAD_BYTES), split on "\\n" as polars splits them,
    each keeping its line ending; a BOM is dropped."""
    head = data[:HEAD_BYTES]
    if len(data) > HEAD_BYTES and (cut := head.rfind(b"\n")) >= 0:
        head = head[: cut + 1]
    *lines, last = head.decode("utf-8-sig", errors="replace").split("\n")
    return [line + "\n" for line in lines] + ([last] if last else [])


def _declared_separator(line: str) -> str | None:
    """The separator Excel's "sep=" line names, or None when the line is something else."""
    found = SEP_LINE.fullmatch(line)
    if not found:
        return None
    return "\t" if found.group(1) == "\\t" else found.group(1)


def _records(lines: list[str], start: int, separator: str) -> list[tuple[int, int, list[str]]]:
    """The first HEADER_SEARCH_ROWS records from line `start` on, by the csv module's quoting rules
    (a quoted cell may hold the separator or a line break): (first line, end line, trimmed cells)."""
    reader = csv.reader(iter(lines[start:]), delimiter=separator)
    records: list[tuple[int, int, list[str]]] = []
    begun = 0
    try:
        for cells in reader:
            records.append((start + begun, start + reader.line_num, [c.strip() for c in cells]))
            begun = reader.line_num
            if len(records) == HEADER_SEARCH_ROWS:
                break
    except csv.Error:  # e.g. a stray carriage return: search the lines before it
        pass
    return records


def is_blank(data: bytes) -> bool:
    """Whether the file holds nothing but whitespace (a BOM aside); copies only a blank file."""
    body = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    return not data[body : body + 4096].strip() and not data[body:].strip()
