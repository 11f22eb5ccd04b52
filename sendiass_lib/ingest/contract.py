"""Column contracts: which canonical columns an extract kind has, and which headers map to them.

The contracts are data files (ingest/contracts/<kind>.yaml) an analyst can extend with a new alias.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from .errors import ExtractError

CONTRACTS_DIR = Path(__file__).resolve().parent / "contracts"


def normalise_header(header: str) -> str:
    """Trim, collapse inner whitespace and ignore case, so 'Date  Opened ' matches 'date opened'."""
    return re.sub(r"\s+", " ", header.replace("\ufeff", "")).strip().casefold()


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    aliases: tuple[str, ...]
    store_as: str  # the database column (a pseudonym or age band for personal columns)
    taxonomy: str | None = None  # label columns: the taxonomy their labels are mapped onto

    @property
    def is_label(self) -> bool:
        """Stored one row per label in the contract's labels table, not in its own table."""
        return self.type in LABEL_TYPES

    @property
    def personal(self) -> bool:
        """Its raw value is personal data: never stored, logged or quoted in a reject."""
        return self.type in PERSONAL_TYPES


PERSONAL_TYPES = {"pseudonym", "birth_date"}
LABEL_TYPES = {"label", "labels"}  # one label per cell; several, split on ";"


@dataclass(frozen=True)
class Questions:
    """Rating columns found by header pattern (Q1 ... Qn), stored one row per answer in `table`."""

    pattern: re.Pattern
    table: str
    not_answered: frozenset[str]  # lower-case answers meaning "not answered"

    def key(self, normalised_header: str) -> str | None:
        """'Q7' for a header like 'q 7 how easy was it to get in contact?', else None."""
        found = self.pattern.match(normalised_header)
        return f"Q{int(found.group(1))}" if found else None


@dataclass(frozen=True)
class Contract:
    kind: str
    table: str
    natural_key: tuple[str, ...]
    start_date: str | None
    columns: tuple[Column, ...]
    personal_headers: frozenset[str]  # normalised; every personal header
    name_headers: frozenset[str]  # normalised; the personal headers that hold names
    questions: Questions | None = None
    labels_table: str | None = None
    required_one_of: tuple[str, ...] = ()  # at least one of these columns must be filled in
    total_column: str | None = None  # where a "Total" footer is written, if not the first column

    def is_header(self, cells: list[str]) -> bool:
        """Whether a row of cells is this kind's header: it names every required column."""
        index = self.alias_index()
        found = {index.get(normalise_header(cell)) for cell in cells if cell}
        return all(c.name in found for c in self.columns if c.required)

    def alias_index(self) -> dict[str, str]:
        """Normalised header -> canonical column name (a column's own name is an alias too)."""
        index: dict[str, str] = {}
        for column in self.columns:
            for alias in (column.name, *column.aliases):
                index[normalise_header(alias)] = column.name
        return index


@dataclass(frozen=True)
class HeaderMap:
    """How one file's headers were understood."""

    canonical: dict[str, int]  # canonical column -> position of its column in the file
    personal: list[str]  # headers dropped because they hold personal data
    names: list[int]  # positions of those that hold names (used to redact the row's free text)
    unknown: list[str]  # headers dropped because the contract does not know them
    questions: dict[str, int] = field(default_factory=dict)  # "Q7" -> position of its column


@cache
def contract(kind: str) -> Contract:
    """The contract for an extract kind, or an error naming the kinds there are."""
    path = CONTRACTS_DIR / f"{kind}.yaml"
    if not path.is_file():
        raise ExtractError(f"unknown extract kind '{kind}'; valid: {', '.join(kinds())}")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    columns = tuple(
        Column(
            name=name,
            type=spec["type"],
            required=bool(spec.get("required", False)),
            aliases=tuple(spec.get("aliases", ())),
            store_as=spec.get("store_as", name),
            taxonomy=spec.get("taxonomy"),
        )
        for name, spec in raw["columns"].items()
    )
    groups = raw.get("personal", {})
    names = frozenset(normalise_header(h) for h in groups.get("names", []))
    personal = names | {normalise_header(h) for h in groups.get("other", [])}
    return Contract(
        kind=raw["kind"],
        table=raw["table"],
        natural_key=tuple(raw["natural_key"]),
        start_date=raw.get("start_date"),
        columns=columns,
        personal_headers=personal,
        name_headers=names,
        labels_table=raw.get("labels_table"),
        required_one_of=tuple(raw.get("required_one_of", ())),
        total_column=raw.get("total_column"),
        questions=(
            Questions(
                re.compile(raw["questions"]["pattern"]),
                raw["questions"]["table"],
                frozenset(a.lower() for a in raw["questions"].get("not_answered", [])),
            )
            if "questions" in raw
            else None
        ),
    )


def kinds() -> list[str]:
    """Extract kinds that have a contract file."""
    return sorted(path.stem for path in CONTRACTS_DIR.glob("*.yaml"))


def map_headers(contract: Contract, headers: list[str]) -> HeaderMap:
    """Map a file's headers onto the contract; fail naming any required column that is missing."""
    index = contract.alias_index()
    canonical: dict[str, int] = {}
    personal: list[str] = []
    names: list[int] = []
    unknown: list[str] = []
    questions: dict[str, int] = {}
    # Positions, not header text: with a header repeated, the first column is used and the
    # second dropped, and that must be the column read.
    for position, header in enumerate(headers):
        key = normalise_header(header)
        if key in contract.personal_headers:
            personal.append(header)
            if key in contract.name_headers:
                names.append(position)
        elif key in index and index[key] not in canonical:
            canonical[index[key]] = position
        elif contract.questions and (q := contract.questions.key(key)) and q not in questions:
            questions[q] = position
        else:
            unknown.append(header)
    missing = [c.name for c in contract.columns if c.required and c.name not in canonical]
    if missing:
        aliases = {c.name: c.aliases for c in contract.columns}
        wanted = "; ".join(f"{name} (e.g. {', '.join(aliases[name][:3])})" for name in missing)
        found = ", ".join(repr(h) for h in headers) or "none"
        raise ExtractError(
            f"not an extract of kind '{contract.kind}': missing required column {wanted}; "
            f"headers found: {found}"
        )
    return HeaderMap(canonical, personal, names, unknown, questions)
