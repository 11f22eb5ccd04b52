"""A starter narrative for a service-year: the sections of the published reports (H&W Team Report
2024, Buckinghamshire's end of year report), each with sentences whose figures are placeholders, for
the service to edit and keep in data/raw/<service>/narrative/<YEAR>.md.

Only sentences whose every figure the data give, and the disclosure rule lets a page show, are
written, so a starter renders as it is; a sentence left out is named in a comment saying why. A
section with no figures of its own gets a line asking for its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from .. import config
from ..metrics import evaluations as ev
from .catalogue import value
from .figure import FigureProblem
from .mix_figures import fields
from .render import check_request, placeholders, shown
from .sources import Sources

WRITE = "*To write: {}*"


@dataclass(frozen=True)
class Section:
    """A heading, what its text is about, and its sentences: each a tuple of alternatives, the first
    whose figures are all available being written."""

    title: str
    about: str
    sentences: tuple[tuple[str, ...], ...] = ()


def sections(sources: Sources) -> list[Section]:
    """The starter's sections in the order of the published reports."""
    return [
        Section(
            "Actions and outcomes", "what the service did this year: funding, posts, projects, partnerships."
        ),
        Section("Team", "who is in the team (posts and FTE) and how the service is funded."),
        Section(
            "Services offered",
            "what the service offers, to whom, and how to reach it.",
            (
                (
                    "The service aims to respond to every enquiry within two working days: in "
                    "{{ year.label }}, {{ key_figures.response_within_two_working_days }} of the "
                    "involvements with a first response recorded had it within two working days.",
                ),
            ),
        ),
        Section(
            "Tribunal avoidance",
            "how the service helps families settle a disagreement before it reaches a tribunal.",
            (
                (
                    "An estimate, not a count: if {{ tribunals.share }} of new involvements avoid a SEND "
                    "tribunal, the {{ involvements.total }} new involvements of {{ year.label }} avoided at "
                    "least {{ tribunals.avoided }} tribunals, and {{ tribunals.cost_avoided }} of tribunal "
                    "costs at {{ tribunals.cost_per_tribunal }} a tribunal.",
                ),
            ),
        ),
        Section(
            "Involvement data",
            "what the year's demand says about the service.",
            (
                (
                    "{{ service.name }} recorded {{ involvements.total }} new involvements in "
                    "{{ year.long_label }}, {{ involvements.change_phrase }} in {{ year.previous }} "
                    "({{ involvements.previous }}).",
                    "{{ service.name }} recorded {{ involvements.total }} new involvements in "
                    "{{ year.long_label }}.",
                ),
                (
                    "The busiest month was {{ involvements.busiest_month }}, with "
                    "{{ involvements.busiest_month_count }}.",
                ),
                (
                    "New referrals: {{ key_figures.referrals }}; new enquiries: {{ key_figures.enquiries }}; "
                    "ongoing cases: {{ key_figures.ongoing_cases }}, {{ key_figures.ongoing_cases_per_fte }} "
                    "per FTE adviser.",
                ),
                (
                    "{{ key_figures.open_cases }} cases were open at the end of the year; the year's "
                    "involvements closed so far were open for a median of "
                    "{{ key_figures.median_days_to_close }} days.",
                ),
            ),
        ),
        *[
            Section(
                field.title,
                f"what the {field.noun} recorded say, and what changed.",
                (
                    (
                        f"{field.title}, {{{{ {field.name}.period }}}}: the most common were "
                        f"{{{{ {field.name}.top(3) }}}}.",
                        f"{field.title}, {{{{ {field.name}.period }}}}: the most common was "
                        f"{{{{ {field.name}.most_common }}}}.",
                    ),
                ),
            )
            for field in fields()
            if field.name != "record_type"  # referrals and enquiries: in Involvement data
        ],
        Section(
            "Digital",
            "the website, social media, videos and mailing list.",
            (
                ("The website had {{ digital.website_visitors }} visitors in {{ year.label }}.",),
                ("Videos were viewed {{ digital.youtube_views }} times.",),
                (
                    "The mailing list has {{ digital.mailing_list }} subscribers: "
                    "{{ digital.mailing_list_change }} on the year before "
                    "({{ digital.mailing_list_before }}).",
                ),
            ),
        ),
        Section(
            "Training and development",
            "the workshops the service ran and what attendees said.",
            (
                (
                    "The service ran {{ training.sessions }} training sessions, with a total attendance of "
                    "{{ training.attendance }}.",
                ),
                (
                    "On the {{ training_evaluations.forms }} training evaluation forms returned "
                    "({{ training_evaluations.scope }}), "
                    '{{ training_evaluations.top_two("Q1") }} gave one of the two best answers to Q1.',
                ),
            ),
        ),
        Section("Evaluations", "what families said about the service.", _evaluation_sentences(sources)),
        Section("Future developments", "the service's plans for next year."),
    ]


def _evaluation_sentences(sources: Sources) -> tuple[tuple[str, ...], ...]:
    """The forms returned, then one sentence per question asked in the year."""
    found = [("{{ evaluations.forms }} evaluation forms were returned.",)]
    for key, short in sources.evaluations.questions.select(ev.QUESTION, ev.SHORT).iter_rows():
        found.append(
            (
                f'{short} ({key}): {{{{ evaluations.share("{key}") }}}} of the '
                f'{{{{ evaluations.answered("{key}") }}}} who answered {{{{ evaluations.headline }}}}.',
            )
        )
    return tuple(found)


def text(con: duckdb.DuckDBPyConnection, service: str, year: int) -> str:
    """The starter narrative for a service-year, as Markdown with placeholders."""
    check_request(con, service, year)
    sources = Sources(con, service, year)
    lines = [
        f"{{# Starter narrative for {sources.service.name}, {sources.period.long_label}: written by",
        f"`sendiass narrative` on {date.today():%d %b %Y}. Edit the text; each {{{{ ... }}}} is a",
        "figure filled in from the data when the report is built (`sendiass figures` lists them with",
        "their values, docs/narrative.md says what each means). Text between these marks is a comment,",
        "not shown. #}",
    ]
    for section in sections(sources):
        written, left_out = [], []
        for alternatives in section.sentences:
            sentence, why = _first_available(sources, alternatives)
            if sentence:
                written.append(sentence)
            else:
                left_out.append(why)
        if section.sentences and not written:
            lines += ["", f"{{# {section.title}: left out, no figures: {'; '.join(left_out)} #}}"]
            continue
        lines += ["", f"## {section.title}", "", WRITE.format(section.about)]
        lines += ["", *written] if written else []
        lines += [f"{{# Left out, no figures: {why} #}}" for why in left_out]
    return "\n".join(lines) + "\n"


def _first_available(sources: Sources, alternatives: tuple[str, ...]) -> tuple[str | None, str]:
    """The first sentence whose figures all have a value, or None and why the last had none."""
    why = ""
    for sentence in alternatives:
        try:
            for found in placeholders(sentence, Path("starter")):
                value(sources, found.name, found.args, dict(found.kwargs))
        except FigureProblem as exc:
            why = f"{found.text}: {exc}"
            continue
        return sentence, ""
    return None, why


def write(con: duckdb.DuckDBPyConnection, service: str, year: int) -> Path:
    """Write the starter to data/raw/<service>/narrative/<YEAR>.md; FileExistsError, naming the file,
    when there is one already (it is never overwritten)."""
    target = config.RAW_DIR / service / "narrative" / f"{year}.md"
    content = text(con, service, year)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as out:
            out.write(content)
    except FileExistsError:
        raise FileExistsError(
            f"{shown(target)} already exists: edit it, or move it away to write a new starter"
        ) from None
    return target
