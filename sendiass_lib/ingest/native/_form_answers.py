"""A feedback form's answers as ratings on the service's scale (shared by the forms source).

Answers in words are put on the service's scale by taxonomies/evaluation_answers.yaml; numbers are
numbers ("7 - likely"); an answer that maps to nothing stays as written, so the contract rejects
the form as bad_rating (its text kept redacted).
"""

from __future__ import annotations

import re
from functools import cache

import yaml

from ... import config
from ..contract import base_contract, header_key
from ._form_questions import KIND

ANSWERS_FILE = config.PACKAGE_DIR / "taxonomies" / "evaluation_answers.yaml"
_NUMBER = re.compile(r"^(\d{1,2})(?:\s*[-\u2013:.(]|\s|$)|\((\d{1,2})\)$")


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
