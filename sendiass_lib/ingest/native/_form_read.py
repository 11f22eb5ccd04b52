"""A feedback form download read into a Form, recognised by its header (never its file name):
which tool wrote it, its question columns, the tool's own columns and the responses (shared by
the forms source; not a source itself).

- Microsoft Forms (XLSX): `ID` (or `Id`), `Start time`, `Completion time`, then `Email`, `Name`,
  maybe `Last modified time`, then one column per question headed by its text; quizzes add `Total
  points`, `Points - <q>`, `Feedback - <q>` (not used).
- Google Forms (CSV, or re-saved as XLSX): `Timestamp` first, `Email Address` when collected, then
  the questions.
- SurveyMonkey (CSV or XLSX): two header rows: `Respondent ID`, `Collector ID`, `Start Date`,
  `End Date`, `IP Address`, `Email Address`, `First Name`, `Last Name`, ..., then each question
  once (blank over its continuation columns); row 2 says `Response`, `Open-Ended Response` or an
  option (a matrix row's wording, which is then that column's question).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..contract import header_key
from ..encodings import utf8_bytes
from . import Peek

SEPARATORS = (",", ";", "\t")
MS, GF, SM = "Microsoft Forms", "Google Forms", "SurveyMonkey"

# Header keys (header_key) of the tools' own columns: role in the extract, or None (not used).
MS_META = {
    "id": "id",
    "starttime": None,
    "completiontime": "date",
    "lastmodifiedtime": None,
    "email": "email",
    "name": "name",
    "totalpoints": None,
    "quizfeedback": None,
    "grade": None,
}
GF_META = {"timestamp": "date", "emailaddress": "email", "score": None}
SM_META = {
    "respondentid": "id",
    "collectorid": None,
    "startdate": None,
    "enddate": "date",
    "ipaddress": "ip",
    "emailaddress": "email",
    "firstname": "first",
    "lastname": "last",
    "customdata": None,
    "customdata1": None,
}
SM_SUB = {"response", "openendedresponse"}  # row 2 of a SurveyMonkey download over a plain question


@dataclass
class Form:
    """One download: its tool, the question columns and the rows (file row number, cells)."""

    tool: str
    headers: list[str]  # one per column (SurveyMonkey: the question, or its row-2 label)
    rows: list[tuple[int, list[str | None]]]
    encoding: str
    meta: dict[str, int] = field(default_factory=dict)  # role -> column
    dropped: list[str] = field(default_factory=list)  # the tool's own columns not used
    questions: list[int] = field(default_factory=list)  # columns that may be questions

    def cells(self, at: int | None) -> list[str | None]:
        return [None if at is None or at >= len(cells) else cells[at] for _, cells in self.rows]


def form_layout(grid: list[list[str]]) -> tuple[str, int] | None:
    """(tool, index of the header row) from a file's first rows, or None."""
    for at, cells in enumerate(grid[:30]):
        keys = [header_key(c or "") for c in cells]
        found = set(keys)
        if {"respondentid"} <= found and found & {"startdate", "enddate", "collectorid"}:
            below = {header_key(c or "") for c in grid[at + 1]} if at + 1 < len(grid) else set()
            if below & SM_SUB:
                return SM, at
        if found & {"id"} and {"starttime", "completiontime"} <= found:
            return MS, at
        if keys and keys[0] == "timestamp" and sum(bool(k) for k in keys) >= 2:
            return GF, at
    return None


def peek_grid(looked: Peek) -> list[list[str]]:
    """The first rows of a file as every source peeks at it: its first worksheet, or its CSV lines."""
    if looked.sheets:
        return next(iter(looked.sheets.values()), [])
    return _csv_grid("".join(line + "\n" for line in looked.lines))[0]


def _csv_grid(text: str) -> tuple[list[list[str]], int]:
    """A CSV's rows (an Excel "sep=" line and "#" comment lines above the header skipped) with the
    separator that finds a form's header, and how many lines were skipped."""
    lines = text.splitlines(keepends=True)
    skip = 0
    while skip < len(lines) and (
        lines[skip].lstrip('"').lower().startswith("sep=") or lines[skip].startswith("#")
    ):
        skip += 1
    body = "".join(lines[skip:])
    best: list[list[str]] = []
    for separator in SEPARATORS:
        grid = [[c.strip() for c in row] for row in csv.reader(io.StringIO(body), delimiter=separator)]
        if form_layout(grid) is not None:
            return grid, skip
        best = best or grid
    return best, skip


def read_form(path: Path) -> Form | None:
    """The whole download as a Form, or None when it is no form this module knows."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        import fastexcel

        book = fastexcel.read_excel(path)
        for name in book.sheet_names:
            frame = book.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
            grid = [["" if c is None else str(c).strip() for c in row] for row in frame.rows()]
            if (found := form_layout(grid)) is not None:
                return _form(found[0], grid, found[1], lambda i: i + 1, "xlsx")  # worksheet rows
        return None
    data, encoding = utf8_bytes(path.read_bytes(), path.name)
    grid, _ = _csv_grid(data.decode("utf-8-sig"))
    found = form_layout(grid)
    if found is None:
        return None
    tool, at = found
    first = at + (2 if tool == SM else 1)
    return _form(tool, grid, at, lambda i: i - first + 1, encoding)  # CSV: 1-based data rows


def _form(tool: str, grid: list[list[str]], at: int, number, encoding: str) -> Form:
    head = grid[at]
    width = max(len(r) for r in grid[at:])
    head = head + [""] * (width - len(head))
    start = at + 1
    if tool == SM:
        sub = grid[at + 1] + [""] * (width - len(grid[at + 1]))
        start += 1
        headers, group = [], ""
        for top, below in zip(head, sub, strict=True):
            group = top or group
            headers.append(group if (top and header_key(below) in SM_SUB) or not below else below)
        meta_keys = SM_META
    else:
        headers = list(head)
        meta_keys = MS_META if tool == MS else GF_META
    form = Form(tool, headers, [], encoding)
    for i, header in enumerate(head if tool == SM else headers):
        key = header_key(header)
        if key in meta_keys and (tool != SM or header):
            role = meta_keys[key]
            if role and role not in form.meta:
                form.meta[role] = i
            else:
                form.dropped.append(header)
        elif tool == MS and re.match(r"^(points|feedback)\s*-", header, re.IGNORECASE):
            form.dropped.append(header)
        elif headers[i]:
            form.questions.append(i)
    for i in range(start, len(grid)):
        cells = [(c or None) for c in grid[i]] + [None] * (width - len(grid[i]))
        if any(cells):
            form.rows.append((number(i), cells))
    return form
