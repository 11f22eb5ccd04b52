"""The questions each feedback form asks: the service evaluation sets each service asks
(taxonomies/evaluation_questions.yaml) and the training evaluation form's. The loader checks a
service's mapping file against them; the metrics word their tables with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from . import config

QUESTIONS_FILE = config.PACKAGE_DIR / "taxonomies" / "evaluation_questions.yaml"


@cache
def questions_file() -> dict:
    """evaluation_questions.yaml: the question sets, which services ask which, and the scales."""
    return yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class QuestionSet:
    """Questions shown together (national, local, survey), in form order."""

    name: str
    title: str
    note: str
    questions: tuple[str, ...]


def question_sets(service: str) -> list[tuple[QuestionSet, dict[str, dict]]]:
    """The sets the service asks, each with its questions' wording (text, short, printed_as)."""
    spec = questions_file()
    found = []
    for name in spec["services"].get(service, []):
        entry = spec["sets"][name]
        questions = {str(k): dict(v) for k, v in entry["questions"].items()}
        found.append((QuestionSet(name, entry["title"], entry.get("note", ""), tuple(questions)), questions))
    return found


@dataclass(frozen=True)
class Question:
    """A question of the training evaluation form: its wording and the printed answer labels."""

    key: str
    text: str
    labels: dict[int, str]  # rating -> label as the published tables print it


# The H&W training evaluation form (Team Report 2024, "Training Evaluations"). The report prints the
# answer labels but no question wording: the wording here is a neutral description, not a quotation.
TRAINING_QUESTIONS = {
    "Q1": Question(
        "Q1",
        "How much the session added to what attendees know",
        {4: "A lot", 3: "Some", 2: "same", 1: "little"},
    ),
    "Q2": Question("Q2", "Overall rating of the session", {4: "Excellent", 3: "Good", 2: "OK", 1: "Poor"}),
}
