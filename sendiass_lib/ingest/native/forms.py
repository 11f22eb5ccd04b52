"""Feedback form responses as Microsoft Forms, Google Forms and SurveyMonkey download them, read as
an `evaluations` (or `training_evaluations`) extract.

The download is recognised by its header, never the file name, and read into a Form (_form_read,
which says what each tool writes); each question column is matched to one of the service's
questions by wording (_form_questions); answers in words are put on the service's scale
(_form_answers); response times are read however the tool or Excel wrote them (_form_dates).
Emails, IP addresses, collector ids and names are not passed on, except a `Name` column the
contract uses to redact the comments and then drops.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl

from ... import config
from ..raw_extract import ROW, RawExtract, column
from . import Peek, Recognised
from ._form_answers import rating_text
from ._form_dates import month_first, response_time
from ._form_questions import KIND, QUESTION_MATCH_FROM, TRAINING, QuestionMatch, match_questions
from ._form_read import GF, MS, SM, Form, form_layout, peek_grid, read_form

PREFIX = {MS: "MSF", GF: "GF", SM: "SM"}


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
    first = month_first(cells)
    return [response_time(c, first) for c in cells]


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
    form = read_form(path)
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

    form = read_form(path)
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
        found = form_layout(peek_grid(peek))
        if found is None:
            return None
        form = read_form(path)
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
