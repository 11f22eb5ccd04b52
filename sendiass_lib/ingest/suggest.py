"""Suggestions for what a file's unknown headers and unmapped labels may mean, for `sendiass check`.

Each suggestion is a contract column (or taxonomy label), the spelling it resembles and a score
0-100 from rapidfuzz: the mean of token_set_ratio (a header whose words include an alias's:
"Caller category" ~ "Caller") and token_sort_ratio (the same words in any order), after
rapidfuzz's default processing (lower case, punctuation as spaces). token_set_ratio alone scores
every header that contains one alias word 100; WRatio scored short aliases ("Ref") 90 against
headers that merely contain them ("Date of Referral").

Nothing here is ever applied by itself: `--suggest` prints the good ones (SUGGEST_FROM or more) as
mapping-file lines to review, and only `--write-mapping` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from rapidfuzz import fuzz, process, utils

from .contract import Contract

SHOWN_FROM = 50  # suggestions scoring less are not worth reading
SUGGEST_FROM = 85  # --suggest prints (and --write-mapping writes) a suggestion scoring this or more
SHOWN = 3  # suggestions per header or label


@dataclass(frozen=True)
class Suggestion:
    """What an unknown header or label may be: a column or taxonomy label, the spelling it is like."""

    target: str
    like: str
    score: int


def score(query: str, choice: str) -> float:
    """How alike two processed texts are, 0-100 (see the module docstring)."""
    return (fuzz.token_set_ratio(query, choice) + fuzz.token_sort_ratio(query, choice)) / 2


def closest(text: str, spellings: list[tuple[str, str]], limit: int = SHOWN) -> list[Suggestion]:
    """Up to `limit` targets whose spellings ((target, spelling) pairs) are most like `text`, best
    first, one per target, each scoring SHOWN_FROM or more. Candidates are found by rapidfuzz's
    own token_set_ratio (in C; it is never below the blended score, so none is missed) and only
    they are scored in Python: thousands of typed labels take a fraction of a second."""
    query = utils.default_process(text)
    if not query:
        return []
    choices = [utils.default_process(spelling) for _, spelling in spellings]
    found = process.extract(query, choices, scorer=fuzz.token_set_ratio, limit=None, score_cutoff=SHOWN_FROM)
    scored = sorted((-score(query, choices[at]), at) for _, _, at in found)
    best: dict[str, Suggestion] = {}
    for value, at in scored:
        target, spelling = spellings[at]
        if -value >= SHOWN_FROM and target not in best:
            best[target] = Suggestion(target, spelling, round(-value))
    return list(best.values())[:limit]


def column_spellings(contract: Contract) -> list[tuple[str, str]]:
    """(column, spelling) for every column of the contract: its name (as words) and its aliases."""
    return [(c.name, s) for c in contract.columns for s in (c.name.replace("_", " "), *c.aliases)]


def label_spellings(lookup) -> list[tuple[str, str]]:
    """(label, spelling) for every label and alias of a taxonomy lookup table (labels.taxonomy)."""
    spelled = lookup.select("label", "key").unique(maintain_order=True)
    return list(zip(spelled["label"].to_list(), spelled["key"].to_list(), strict=True))


@dataclass(frozen=True)
class Entry:
    """One suggested line of a service's mapping file."""

    section: str  # "headers" or "labels"
    group: str  # the extract kind (headers) or the taxonomy (labels)
    written: str  # the header or label as the file has it
    target: str
    suggestion: Suggestion


def as_mapping(entries: list[Entry]) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """(headers, labels) as mapping.write and mapping.merged_yaml take them."""
    out: dict[str, dict[str, dict[str, str]]] = {"headers": {}, "labels": {}}
    for e in entries:
        out[e.section].setdefault(e.group, {})[e.written] = e.target
    return out["headers"], out["labels"]


def mapping_yaml(entries: list[Entry], unplaced: list[tuple[str, str]] = ()) -> str:
    """The entries as lines to paste into the service's mapping file, each with its score beside it
    as a comment; `unplaced` ((kind, header) with no good suggestion) as commented-out 'ignore'
    lines, so a header known to be of no use can be dropped without a warning."""
    lines = []
    for section in ("headers", "labels"):
        mine = [e for e in entries if e.section == section]
        kinds = sorted(
            {e.group for e in mine} | ({k for k, _ in unplaced} if section == "headers" else set())
        )
        if not kinds:
            continue
        lines.append(f"{section}:")
        for group in kinds:
            lines.append(f"  {group}:")
            for e in (e for e in mine if e.group == group):
                like = f" (like '{e.suggestion.like}')" if e.suggestion.like != e.target else ""
                lines.append(f"    {_pair(e.written, e.target)}  # score {e.suggestion.score}{like}")
            for kind, header in unplaced if section == "headers" else ():
                if kind == group:
                    lines.append(
                        f"    # {_pair(header, 'ignore')}  # nothing scores {SUGGEST_FROM}+: uncomment to "
                        "drop it quietly (or personal, or personal_name if it holds names)"
                    )
    return "\n".join(lines) + "\n" if lines else ""


def _pair(key: str, value: str) -> str:
    """'key: value' as one line of YAML, quoted where YAML needs it."""
    return yaml.safe_dump({key: value}, allow_unicode=True, width=10**6, default_flow_style=False).strip()
