"""Feedback form responses as Microsoft Forms, Google Forms and SurveyMonkey download them, read as
an `evaluations` extract.

Recognised by the header, never the file name:
- Microsoft Forms (XLSX): `ID` (or `Id`), `Start time`, `Completion time`, then `Email`, `Name`,
  maybe `Last modified time`, then one column per question headed by its text; quizzes add `Total
  points`, `Points - <q>`, `Feedback - <q>` (not used).
- Google Forms (CSV, or re-saved as XLSX): `Timestamp` first, `Email Address` when collected, then
  the questions.
- SurveyMonkey (CSV or XLSX): two header rows: `Respondent ID`, `Collector ID`, `Start Date`,
  `End Date`, `IP Address`, `Email Address`, `First Name`, `Last Name`, ..., then each question
  once (blank over its continuation columns); row 2 says `Response`, `Open-Ended Response` or an
  option (a matrix row's wording, which is then that column's question).

Questions are matched to the service's questions (taxonomies/evaluation_questions.yaml) by wording,
in this order: the service's mapping file (`questions:` in services/mappings/<slug>.yaml); a header
numbered like the contract's ("Q3 ..."); the same letters and digits (case, spacing and punctuation
aside); then the closest wording scoring QUESTION_MATCH_FROM or more (ingest.suggest.score: the
mean of rapidfuzz's token_set_ratio and token_sort_ratio), best pairs first, one column per
question. A column whose wording is the contract's comments column (or the mapping says so) is the
form's comments, redacted like notes. Any other column is not used (Recognised.unused, `sendiass
check`), and its answers are never read into the extract.

Answers in words are put on the service's scale by taxonomies/evaluation_answers.yaml; numbers are
numbers ("7 - likely"); an answer that maps to nothing stays as written, so the contract rejects
the form as bad_rating (its text kept redacted). Emails, IP addresses, collector ids and names are
not passed on, except a `Name` column the contract uses to redact the comments and then drops.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import polars as pl
import yaml
from rapidfuzz import utils

from ... import config, privacy
from ..contract import base_contract, header_key
from ..readers import ROW, RawExtract, column, utf8_bytes
from ..suggest import score
from . import Peek, Recognised

KIND = "evaluations"
TRAINING = "training_evaluations"
QUESTION_MATCH_FROM = 80  # a question's wording matches a service's question from this score (0-100)
ANSWERS_FILE = config.PACKAGE_DIR / "taxonomies" / "evaluation_answers.yaml"
SEPARATORS = (",", ";", "\t")
MS, GF, SM = "Microsoft Forms", "Google Forms", "SurveyMonkey"
PREFIX = {MS: "MSF", GF: "GF", SM: "SM"}

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


@dataclass(frozen=True)
class QuestionMatch:
    """What one question column of a form became: a question key, `comments`, or nothing."""

    header: str
    target: str | None  # "Q3", "comments", or None (not used)
    how: str  # "mapping", "numbered", "exact", "fuzzy", "ignored", "personal", "repeated", "unmatched"
    score: int = 0
    like: str = ""  # the wording it matched (or came closest to)


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


# --- recognising ----------------------------------------------------------------------------------


def _layout(grid: list[list[str]]) -> tuple[str, int] | None:
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


def _peek_grid(looked: Peek) -> list[list[str]]:
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
        if _layout(grid) is not None:
            return grid, skip
        best = best or grid
    return best, skip


def _read(path: Path) -> Form | None:
    """The whole download as a Form, or None when it is no form this module knows."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        import fastexcel

        book = fastexcel.read_excel(path)
        for name in book.sheet_names:
            frame = book.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
            grid = [["" if c is None else str(c).strip() for c in row] for row in frame.rows()]
            if (found := _layout(grid)) is not None:
                return _form(found[0], grid, found[1], lambda i: i + 1, "xlsx")  # worksheet rows
        return None
    data, encoding = utf8_bytes(path.read_bytes(), path.name)
    grid, _ = _csv_grid(data.decode("utf-8-sig"))
    found = _layout(grid)
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


# --- dates ----------------------------------------------------------------------------------------

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}
_CLOCK = r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"  # a time after the date, if any
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _CLOCK)
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?!\d)" + _CLOCK)
_NAMED = re.compile(r"^(\d{1,2})[- ]([A-Za-z]{3,9})[- ,]+(\d{4}|\d{2})(?!\d)" + _CLOCK)
_SERIAL = re.compile(r"^([2-7]\d{4})(\.\d+)?$")


def _pm(text: str, hour: int) -> int:
    low = text.lower()
    if re.search(r"\bpm\b", low) and hour < 12:
        return hour + 12
    if re.search(r"\bam\b", low) and hour == 12:
        return 0
    return hour


def _when(text: str | None, month_first: bool) -> datetime | None:
    """A response's date and time from the many ways the tools (and Excel) write them, else None."""
    if not text:
        return None
    text = text.strip()
    try:
        if found := _YMD.match(text):
            y, m, d, hh, mm, ss = found.groups()
            return datetime(int(y), int(m), int(d), _pm(text, int(hh or 0)), int(mm or 0), int(ss or 0))
        if found := _DMY.match(text):
            a, b, y, hh, mm, ss = found.groups()
            d, m = (b, a) if month_first else (a, b)
            year = int(y) + (2000 if len(y) == 2 else 0)
            return datetime(year, int(m), int(d), _pm(text, int(hh or 0)), int(mm or 0), int(ss or 0))
        if (found := _NAMED.match(text)) and found.group(2)[:3].lower() in _MONTHS:
            d, mon, y, hh, mm, ss = found.groups()
            year = int(y) + (2000 if len(y) == 2 else 0)
            month = _MONTHS[mon[:3].lower()]
            return datetime(year, month, int(d), _pm(text, int(hh or 0)), int(mm or 0), int(ss or 0))
        if found := _SERIAL.match(text):
            return datetime(1899, 12, 30) + timedelta(days=float(text))
    except ValueError:  # an impossible date: left for the contract to reject
        return None
    return None


def _month_first(cells: list[str | None]) -> bool:
    """Whether a column's d/m dates are month first (US locale): only when one cannot be day first."""
    firsts = [m.groups()[:2] for c in cells if c and (m := _DMY.match(c.strip()))]
    return any(int(b) > 12 for _, b in firsts) and not any(int(a) > 12 for a, _ in firsts)


# --- answers --------------------------------------------------------------------------------------


@cache
def answer_map(scale: tuple[int, int]) -> tuple[dict[str, int], frozenset[str]]:
    """(answer key -> rating on the scale, answer keys meaning not answered) from
    taxonomies/evaluation_answers.yaml and the contract's not_answered words."""
    spec = yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8"))
    words = spec.get("scales", {}).get(f"{scale[0]}-{scale[1]}", {}) or {}
    skipped = {header_key(w) for w in spec.get("not_answered", [])}
    questions = base_contract(KIND).questions
    skipped |= {header_key(w) for w in (questions.not_answered if questions else ())}
    return {header_key(str(k)): int(v) for k, v in words.items()}, frozenset(skipped - {""})


_NUMBER = re.compile(r"^(\d{1,2})(?:\s*[-\u2013:.(]|\s|$)|\((\d{1,2})\)$")


def rating_text(answer: str | None, scale: tuple[int, int]) -> str | None:
    """An answer as the contract reads it: a number on the scale, None for not answered, or the
    answer as written (so the form is rejected as bad_rating) when it maps to nothing."""
    if answer is None:
        return None
    text = answer.strip()
    if text.endswith(";") and text.count(";") == 1:  # a multi-choice answer with one choice
        text = text[:-1].strip()
    if not text:
        return None
    words, skipped = answer_map(scale)
    key = header_key(text)
    if key in skipped:
        return None
    if key in words:
        return str(words[key])
    if found := _NUMBER.search(text):
        return found.group(1) or found.group(2)
    return answer


# --- questions ------------------------------------------------------------------------------------


def match_questions(headers: list[str], service: str, kind: str = KIND) -> list[QuestionMatch]:
    """How each question column (headers in file order) is matched; see the module docstring."""
    from ..mapping import IGNORE, asked_questions, mapping

    asked = asked_questions(service, kind)
    targets = {header_key(h): t for h, t in mapping(service).question_targets(kind).items()}
    comments = next(c for c in base_contract(kind).columns if c.name == "comments")
    comment_keys = {header_key(a) for a in (comments.name, *comments.aliases)}
    spec = base_contract(kind)
    found: dict[int, QuestionMatch] = {}
    taken: set[str] = set()

    def take(i: int, target: str, how: str, points: int = 100, like: str = "") -> None:
        if target in taken and target != "comments":
            found[i] = QuestionMatch(headers[i], None, "repeated", points, like or target)
            return
        taken.add(target)
        found[i] = QuestionMatch(headers[i], target, how, points, like or asked.get(target, target))

    numbered = spec.questions.pattern if spec.questions else None
    for i, header in enumerate(headers):
        key = header_key(header)
        if key in targets:
            target = targets[key]
            if target == IGNORE:
                found[i] = QuestionMatch(header, None, "ignored")
            else:
                take(i, target, "mapping")
        elif key in spec.personal_headers or privacy.personal_column(header):
            found[i] = QuestionMatch(header, None, "personal")
    for i, header in enumerate(headers):
        if i in found:
            continue
        key = header_key(header)
        number = numbered.match(re.sub(r"\s+", " ", header.strip().casefold())) if numbered else None
        exact = [q for q, text in asked.items() if header_key(text) == key]
        if number and f"Q{int(number.group(1))}" in asked:
            take(i, f"Q{int(number.group(1))}", "numbered")
        elif exact:
            take(i, exact[0], "exact")
        elif key in comment_keys:
            take(i, "comments", "exact", like=header)
    choices = [(q, utils.default_process(text)) for q, text in asked.items()]
    pairs = sorted(
        (
            (-score(utils.default_process(headers[i]), wording), i, q)
            for i in range(len(headers))
            if i not in found
            for q, wording in choices
        ),
    )
    best: dict[int, tuple[int, str]] = {}
    for negative, i, q in pairs:
        points = round(-negative)
        best.setdefault(i, (points, q))
        if i in found or points < QUESTION_MATCH_FROM:
            continue
        if q in taken:
            continue
        take(i, q, "fuzzy", points)
    for i, header in enumerate(headers):
        if i not in found:
            points, q = best.get(i, (0, ""))
            if points >= QUESTION_MATCH_FROM:  # its closest question went to a closer column
                found[i] = QuestionMatch(header, None, "repeated", points, asked.get(q, ""))
            else:
                found[i] = QuestionMatch(header, None, "unmatched", points, asked.get(q, ""))
    return [found[i] for i in range(len(headers))]


def _form_tag(form: Form) -> str:
    """Six hex digits naming the form by its questions, so two forms' response numbers differ."""
    wording = "|".join(form.headers[i] for i in form.questions)
    return hashlib.sha256(wording.encode()).hexdigest()[:6]


def _name(form: Form) -> list[str | None] | None:
    """The respondents' names (to redact the comments with), or None when the form has none."""
    if "name" in form.meta:
        return [None if (c or "").lower() == "anonymous" else c for c in form.cells(form.meta["name"])]
    if "first" in form.meta or "last" in form.meta:
        firsts, lasts = form.cells(form.meta.get("first")), form.cells(form.meta.get("last"))
        return [" ".join(p for p in (f, s) if p) or None for f, s in zip(firsts, lasts, strict=True)]
    return None


def _ids(form: Form, whens: list[datetime | None]) -> list[str | None]:
    prefix = PREFIX[form.tool]
    if form.tool == SM:
        return [f"{prefix}-{c}" if c else None for c in form.cells(form.meta.get("id"))]
    tag = _form_tag(form)
    if form.tool == MS and "id" in form.meta:
        return [f"{prefix}-{tag}-{c}" if c else None for c in form.cells(form.meta["id"])]
    seen: dict[str, int] = {}  # Google Forms: no id; the response's time, numbered when repeated
    ids: list[str | None] = []
    for when in whens:
        if when is None:
            ids.append(None)
            continue
        stamp = when.strftime("%Y%m%dT%H%M%S")
        seen[stamp] = seen.get(stamp, 0) + 1
        ids.append(f"{prefix}-{tag}-{stamp}" + (f"-{seen[stamp]}" if seen[stamp] > 1 else ""))
    return ids


def _whens(form: Form) -> list[datetime | None]:
    cells = form.cells(form.meta.get("date"))
    month_first = _month_first(cells)
    return [_when(c, month_first) for c in cells]


def _period(whens: list[datetime | None]) -> tuple[date, date] | None:
    days = [w.date() for w in whens if w is not None]
    return (min(days), max(days)) if days else None


@dataclass(frozen=True)
class Converted:
    """A form as the extract it becomes, with how its questions were matched."""

    form: Form
    extract: RawExtract
    matches: list[QuestionMatch]
    period: tuple[date, date] | None


def kind_for(path: Path, service: str) -> str:
    """Which form this is for the service: `training_evaluations` when its questions are the
    training evaluation form's (through the service's mapping file, or more of them matched by
    wording), else `evaluations`."""
    form = _read(path)
    if form is None:
        return KIND
    headers = [form.headers[i] for i in form.questions]

    def matched(kind: str) -> tuple[int, int]:
        found = match_questions(headers, service, kind)
        rated = [m for m in found if m.target and m.target != "comments"]
        return sum(m.how == "mapping" for m in rated), len(rated)

    return TRAINING if matched(TRAINING) > matched(KIND) else KIND


def converted(path: Path, service: str) -> Converted:
    """The download as an `evaluations` (or `training_evaluations`: kind_for) RawExtract (see the
    module docstring)."""
    from ..errors import ExtractError

    form = _read(path)
    if form is None:
        raise ExtractError(f"{path.name}: not a Microsoft Forms, Google Forms or SurveyMonkey download")
    if not form.rows:
        raise ExtractError(f"{path.name}: the {form.tool} download has a header but no responses")
    scale = tuple(config.service(service).evaluation_scale)
    matches = match_questions([form.headers[i] for i in form.questions], service, kind_for(path, service))
    whens = _whens(form)
    columns: dict[str, list[str | None]] = {
        "response_id": _ids(form, whens),
        "returned_on": [
            w.date().isoformat() if w else c
            for w, c in zip(whens, form.cells(form.meta.get("date")), strict=True)
        ],
    }
    said = [form.cells(at) for at, m in zip(form.questions, matches, strict=True) if m.target == "comments"]
    if said:
        columns["comments"] = [" / ".join(p for p in parts if p) or None for parts in zip(*said, strict=True)]
    for at, m in sorted(
        (
            (at, m)
            for at, m in zip(form.questions, matches, strict=True)
            if m.target and m.target != "comments"
        ),
        key=lambda pair: int(pair[1].target[1:]),
    ):
        columns[m.target] = [rating_text(c, scale) for c in form.cells(at)]
    if (names := _name(form)) is not None:
        columns["Name"] = names
    headers = list(columns)
    rows = pl.DataFrame(
        {
            ROW: pl.Series([n for n, _ in form.rows], dtype=pl.Int32),
            **{column(i): pl.Series(columns[h], dtype=pl.String) for i, h in enumerate(headers)},
        }
    )
    extract = RawExtract(headers=headers, rows=rows, encoding=form.encoding)
    return Converted(form, extract, matches, _period(whens))


def _unused(form: Form, matches: list[QuestionMatch] | None) -> tuple[str, ...]:
    personal = [
        form.headers[at] for role, at in form.meta.items() if role in {"email", "ip", "name", "first", "last"}
    ]
    out = [f"{h} (the tool's own column)" for h in form.dropped]
    out += [f"{h} (personal: not kept)" for h in personal]
    for m in matches or []:
        if m.target is None:
            out.append(f"{m.header} ({m.how})")
    return tuple(out)


class FormsSource:
    name = "Microsoft Forms, Google Forms or SurveyMonkey responses"

    def recognise(self, path: Path, peek: Peek) -> Recognised | None:
        found = _layout(_peek_grid(peek))
        if found is None:
            return None
        form = _read(path)
        if form is None:
            return None
        return Recognised(
            source=f"{form.tool} responses",
            kind=KIND,
            period=_period(_whens(form)),
            unused=_unused(form, None),
        )

    def convert(self, path: Path, service: str) -> RawExtract:
        return converted(path, service).extract

    def kind_for(self, path: Path, service: str) -> str:
        return kind_for(path, service)

    def notes(self, path: Path, service: str) -> list[str]:
        """What `sendiass check` says of the download: its questions and what each became."""
        done = converted(path, service)
        lines = [f"{len(done.form.rows)} responses, {len(done.matches)} question column(s):"]
        for m in done.matches:
            if m.target:
                how = f"{m.how}" + (f", score {m.score}" if m.how == "fuzzy" else "")
                like = f" (like '{m.like}')" if m.like and m.how == "fuzzy" else ""
                lines.append(f"  {m.target} <- '{m.header}' [{how}]{like}")
            else:
                near = (
                    f"; closest '{m.like}' scores {m.score}"
                    if m.like and m.how in {"unmatched", "repeated"}
                    else ""
                )
                lines.append(f"  not used: '{m.header}' [{m.how}{near}]")
        lines.append(
            f"  (read as {kind_for(path, service)}; wording matches from score {QUESTION_MATCH_FROM}; "
            "confirm or override in the service's mapping file under questions: <kind>:)"
        )
        return lines


SOURCE = FormsSource()
