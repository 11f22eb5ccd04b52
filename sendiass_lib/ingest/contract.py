"""Column contracts: which canonical columns an extract kind has, and which headers map to them.

The contracts are data files (ingest/contracts/<kind>.yaml) an analyst can extend with a new alias;
label columns take their type and taxonomy from fields.py, and a service's own mapping file is
applied by mapping.contract.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from .. import fields
from .errors import ExtractError

CONTRACTS_DIR = Path(__file__).resolve().parent / "contracts"


def normalise_header(header: str) -> str:
    """Trim, collapse inner whitespace and ignore case, so 'Date  Opened ' matches 'date opened'."""
    return re.sub(r"\s+", " ", header.replace("\ufeff", "")).strip().casefold()


def header_key(header: str) -> str:
    """What headers are matched on: letters and digits only, in any case, so 'How did you hear
    about us?' = 'how did you hear about us', 'Reason(s) for contact' = 'Reasons for Contact',
    'D.O.B.' = 'DOB' and 'Case_Ref' = 'Case Ref'."""
    text = unicodedata.normalize("NFKC", header).casefold()
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    aliases: tuple[str, ...]
    store_as: str  # the database column (a pseudonym or age band for personal columns)
    taxonomy: str | None = None  # label columns: the taxonomy their labels are mapped onto
    key: bool = False  # an id: part of the natural key, or a column named *_id

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

    service_headers: tuple[tuple[str, str], ...] = ()  # (header key, target) from the service's mapping
    ignored_headers: frozenset[str] = frozenset()  # header keys the service's mapping says to drop
    service: str | None = None  # whose mapping is applied (None: the package's contract alone)

    def is_header(self, cells: list[str]) -> bool:
        """Whether a row of cells is this kind's header: it names every required column."""
        index = self.alias_index()
        found = {index.get(header_key(cell)) for cell in cells if cell}
        return all(c.name in found for c in self.columns if c.required)

    def header_score(self, cells: list[str]) -> int:
        """How many of this kind's columns a row of cells names: when no row names every required
        one, the reader takes the row that names most as the header, so the refusal names only the
        columns really missing (not a title line's cells)."""
        index = self.alias_index()
        return len({index[key] for cell in cells if cell and (key := header_key(cell)) in index})

    @cache  # noqa: B019 (contracts are few and live as long as the process)
    def alias_index(self) -> dict[str, str]:
        """Header key -> canonical column name (a column's own name is an alias too); the service's
        mapping last, so it overrides."""
        index: dict[str, str] = {}
        for column in self.columns:
            for alias in (column.name, *column.aliases):
                index[header_key(alias)] = column.name
        for key, target in self.service_headers:
            if target in {c.name for c in self.columns}:
                index[key] = target
            else:
                index.pop(key, None)
        return index

    def exact_aliases(self) -> dict[str, str]:
        """Normalised alias as written (case and spacing aside) -> column: an 'alias' match, where
        alias_index also takes a header that differs in punctuation ('normalised')."""
        return {normalise_header(a): c.name for c in self.columns for a in (c.name, *c.aliases)}


# How a header was understood (HeaderMatch.how).
ALIAS = "alias"  # an alias of the contract, as written (case and spacing aside)
NORMALISED = "normalised"  # an alias once punctuation and symbols are ignored
SERVICE = "service mapping"  # the service's own mapping file
QUESTION = "question"  # a rating question (Q1, Q2, ...) of an evaluation form
PERSONAL = "personal"  # personal data: dropped before anything is stored
IGNORED = "ignored"  # the service's mapping says to drop it
REPEATED = "repeated"  # a second header for a column already found: dropped
UNKNOWN = "unknown"  # the contract does not know it: dropped with a warning


@dataclass(frozen=True)
class HeaderMatch:
    """One header of a file: what it maps to and how, or why it is dropped."""

    position: int
    header: str
    how: str
    column: str | None = None  # canonical column, or "Q7", when mapped
    why: str = ""  # for a personal column: what gave it away
    names: bool = False  # a personal column whose words redact the row's free text


@dataclass(frozen=True)
class HeaderMap:
    """How one file's headers were understood."""

    canonical: dict[str, int]  # canonical column -> position of its column in the file
    personal: list[str]  # headers dropped because they hold personal data
    names: list[int]  # positions of those that hold names (used to redact the row's free text)
    unknown: list[str]  # headers dropped because the contract does not know them
    questions: dict[str, int] = field(default_factory=dict)  # "Q7" -> position of its column
    matches: list[HeaderMatch] = field(default_factory=list)  # every header, in file order
    missing: list[str] = field(default_factory=list)  # required columns not found


@cache
def base_contract(kind: str) -> Contract:
    """The package's contract for an extract kind, or an error naming the kinds there are."""
    path = CONTRACTS_DIR / f"{kind}.yaml"
    if not path.is_file():
        raise ExtractError(f"unknown extract kind '{kind}'; valid: {', '.join(kinds())}")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    labelled = fields.LABEL_COLUMNS if raw.get("labels_table") else {}  # (taxonomy, several per cell)
    columns = tuple(
        Column(
            name=name,
            type=("labels" if labelled[name][1] else "label") if name in labelled else spec["type"],
            required=bool(spec.get("required", False)),
            aliases=tuple(spec.get("aliases", ())),
            store_as=spec.get("store_as", name),
            taxonomy=labelled[name][0] if name in labelled else None,
            key=name in raw["natural_key"] or name.endswith("_id"),
        )
        for name, spec in raw["columns"].items()
    )
    groups = raw.get("personal", {})
    names = frozenset(header_key(h) for h in groups.get("names", []))
    personal = names | {header_key(h) for h in groups.get("other", [])}
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


def map_headers(contract: Contract, headers: list[str], values=None) -> HeaderMap:
    """Map a file's headers onto the contract (with the service's mapping, if the contract has one).

    A header the contract does not know is judged by its wording and, given `values` (position ->
    its cells), by what it holds: one that reads like or holds personal data is personal (dropped,
    its names used for redaction); the rest are unknown (dropped, with a warning). Positions, not
    header text, identify columns: with a header repeated, the first column is used."""
    from .. import privacy

    index, exact = contract.alias_index(), contract.exact_aliases()
    service_targets = dict(contract.service_headers)
    matches: list[HeaderMatch] = []
    taken: set[str] = set()
    for position, header in enumerate(headers):
        key = header_key(header)
        target = service_targets.get(key)
        if key in contract.ignored_headers:
            matches.append(HeaderMatch(position, header, IGNORED))
        elif key in contract.personal_headers:
            how = "the service's mapping" if target else "a personal-data header of the contract"
            matches.append(
                HeaderMatch(position, header, PERSONAL, why=how, names=key in contract.name_headers)
            )
        elif key in index:
            column = index[key]
            if column in taken:
                matches.append(HeaderMatch(position, header, REPEATED, column))
                continue
            taken.add(column)
            how = (
                SERVICE if target else ALIAS if exact.get(normalise_header(header)) == column else NORMALISED
            )
            matches.append(HeaderMatch(position, header, how, column))
        elif contract.questions and (q := contract.questions.key(normalise_header(header))):
            if q in taken:
                matches.append(HeaderMatch(position, header, REPEATED, q))
                continue
            taken.add(q)
            matches.append(HeaderMatch(position, header, QUESTION, q))
        elif judged := privacy.personal_column(header, values(position) if values else None):
            why, names = judged
            matches.append(HeaderMatch(position, header, PERSONAL, why=why, names=names))
        elif key or (values and values(position).drop_nulls().len()):
            matches.append(HeaderMatch(position, header or f"(column {position + 1}, no header)", UNKNOWN))
    canonical = {m.column: m.position for m in matches if m.how in (ALIAS, NORMALISED, SERVICE)}
    missing = [c.name for c in contract.columns if c.required and c.name not in canonical]
    return HeaderMap(
        canonical=canonical,
        personal=[m.header for m in matches if m.how == PERSONAL],
        names=[m.position for m in matches if m.names],
        unknown=[m.header for m in matches if m.how in (UNKNOWN, REPEATED)],
        questions={m.column: m.position for m in matches if m.how == QUESTION},
        matches=matches,
        missing=missing,
    )


def require_columns(contract: Contract, headers: list[str], found: HeaderMap) -> None:
    """Fail naming any required column the file lacks, with examples of its headers."""
    if not found.missing:
        return
    aliases = {c.name: c.aliases for c in contract.columns}
    wanted = "; ".join(f"{name} (e.g. {', '.join(aliases[name][:3])})" for name in found.missing)
    listed = ", ".join(repr(h) for h in headers) or "none"
    raise ExtractError(
        f"not an extract of kind '{contract.kind}': missing required column {wanted}; headers found: {listed}"
    )
