"""Which of the service's questions each question column of a feedback form is (shared by the
forms source; not a source itself).

Questions are matched to the service's questions (taxonomies/evaluation_questions.yaml) by wording,
in this order: the service's mapping file (`questions:` in services/mappings/<slug>.yaml); a header
numbered like the contract's ("Q3 ..."); the same letters and digits (case, spacing and punctuation
aside); then the closest wording scoring QUESTION_MATCH_FROM or more (ingest.suggest.score: the
mean of rapidfuzz's token_set_ratio and token_sort_ratio), best pairs first, one column per
question. A column whose wording is the contract's comments column (or the mapping says so) is the
form's comments, redacted like notes. Any other column is not used (Recognised.unused, `sendiass
check`), and its answers are never read into the extract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import utils

from ... import privacy
from ..contract import base_contract, header_key
from ..suggest import score

KIND = "evaluations"
TRAINING = "training_evaluations"
QUESTION_MATCH_FROM = 80  # a question's wording matches a service's question from this score (0-100)


@dataclass(frozen=True)
class QuestionMatch:
    """What one question column of a form became: a question key, `comments`, or nothing."""

    header: str
    target: str | None  # "Q3", "comments", or None (not used)
    how: str  # "mapping", "numbered", "exact", "fuzzy", "ignored", "personal", "repeated", "unmatched"
    score: int = 0
    like: str = ""  # the wording it matched (or came closest to)


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
