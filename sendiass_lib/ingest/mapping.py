"""A service's own mapping: the headers and labels its case system writes, onto the contract's.

One file per service, `<services dir>/mappings/<slug>.yaml`, read when that service's extracts are
loaded; it extends and overrides the package's aliases (ingest/contracts/, taxonomies/) for that
service alone. `sendiass check FILE --suggest` prints entries to paste, `--write-mapping` adds them.

    headers:
      involvements:                          # extract kind
        How we met you: heard_about          # a column of the kind's contract
        Name of child/young person: personal_name   # personal, and its words redact the row's text
        Home phone 2: personal               # personal: dropped unread
        Internal RAG: ignore                 # known to be of no use: dropped without a warning
    labels:
      sen_types:                             # taxonomy
        Social Emotional & MH: SEMH          # a label of that taxonomy
    questions:                               # a feedback form's questions, by their wording
      evaluations:                           # evaluations or training_evaluations
        How easy was it to contact us?: Q1   # a question the service asks (evaluation_questions.yaml)
        Anything else you would like to say?: comments
        How did you hear about us?: ignore

A file that names an unknown kind, column, taxonomy or label is refused with the file, the key and
what is allowed, so a typo never silently does nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import yaml

from .. import config
from ..labels import label_key, taxonomy, taxonomy_names
from ..questions import TRAINING_QUESTIONS, question_sets
from .contract import Contract, base_contract, header_key, kinds
from .errors import ExtractError

PERSONAL, PERSONAL_NAME, IGNORE = "personal", "personal_name", "ignore"
SPECIAL_TARGETS = (PERSONAL, PERSONAL_NAME, IGNORE)


class MappingFileError(ExtractError):
    """A service mapping file that names something that does not exist."""


@dataclass(frozen=True)
class ServiceMapping:
    """One service's header aliases (by kind) and label aliases (by taxonomy), as written."""

    service: str
    path: Path
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> header -> target
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # taxonomy -> raw label -> label
    questions: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> question text -> Qn

    def header_targets(self, kind: str) -> dict[str, str]:
        return self.headers.get(kind, {})

    def label_targets(self, taxonomy: str) -> dict[str, str]:
        return self.labels.get(taxonomy, {})

    def question_targets(self, kind: str) -> dict[str, str]:
        return self.questions.get(kind, {})


def mappings_dir() -> Path:
    """Where the service mapping files live (beside the service files)."""
    return config.SERVICES_DIR / "mappings"


def mapping_path(service: str) -> Path:
    return mappings_dir() / f"{service}.yaml"


@cache
def mapping(service: str) -> ServiceMapping:
    """The service's mapping file, checked; an empty mapping when it has none."""
    path = mapping_path(service)
    if not path.is_file():
        return ServiceMapping(service, path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise MappingFileError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    return _checked(service, path, raw)


def contract(kind: str, service: str | None = None) -> Contract:
    """The contract for an extract kind, with the service's own header mapping applied when a
    service is given; an unknown kind is an error naming the kinds there are."""
    base = base_contract(kind)
    if service is None:
        return base
    return _with_mapping(base, service)


@cache
def _with_mapping(base: Contract, service: str) -> Contract:
    targets = mapping(service).header_targets(base.kind)
    if not targets:
        return replace(base, service=service)
    keys = tuple((header_key(h), t) for h, t in targets.items())
    mapped = {k for k, _ in keys}
    names = (base.name_headers - mapped) | {k for k, t in keys if t == PERSONAL_NAME}
    personal = (base.personal_headers - mapped) | names | {k for k, t in keys if t == PERSONAL}
    ignored = frozenset(k for k, t in keys if t == IGNORE)
    return replace(
        base,
        service_headers=keys,
        ignored_headers=ignored,
        service=service,
        personal_headers=personal,
        name_headers=names,
    )


def _checked(service: str, path: Path, raw: object) -> ServiceMapping:
    def refuse(key: str, problem: str) -> MappingFileError:
        return MappingFileError(f"{path}: {key}: {problem}")

    if not isinstance(raw, dict):
        raise refuse("(top)", "expected a mapping with 'headers' and/or 'labels'")
    if unknown := sorted(set(raw) - {"headers", "labels", "questions"}):
        raise refuse(unknown[0], "unknown key; valid: headers, labels, questions")
    headers: dict[str, dict[str, str]] = {}
    for kind, entries in _section(raw, "headers", refuse).items():
        if kind not in kinds():
            raise refuse(f"headers.{kind}", f"unknown extract kind; valid: {', '.join(kinds())}")
        columns = [c.name for c in base_contract(kind).columns]
        valid = [*columns, *SPECIAL_TARGETS]
        for header, target in _entries(entries, f"headers.{kind}", refuse).items():
            if target not in valid:
                raise refuse(
                    f"headers.{kind}.{header}", f"'{target}' is not a column; valid: {', '.join(valid)}"
                )
        headers[kind] = _entries(entries, f"headers.{kind}", refuse)
    labels: dict[str, dict[str, str]] = {}
    for name, entries in _section(raw, "labels", refuse).items():
        if name not in taxonomy_names():
            raise refuse(f"labels.{name}", f"unknown taxonomy; valid: {', '.join(taxonomy_names())}")
        known = {label_key(label): label for label in taxonomy(name)["label"].unique(maintain_order=True)}
        checked = {}
        for label, target in _entries(entries, f"labels.{name}", refuse).items():
            if label_key(target) not in known:
                sample = ", ".join(list(known.values())[:8])
                raise refuse(
                    f"labels.{name}.{label}", f"'{target}' is not a {name} label; e.g. {sample}, ..."
                )
            checked[label] = known[label_key(target)]
        labels[name] = checked
    questions: dict[str, dict[str, str]] = {}
    for kind, entries in _section(raw, "questions", refuse).items():
        if kind not in QUESTION_KINDS:
            raise refuse(f"questions.{kind}", f"not a kind of form; valid: {', '.join(QUESTION_KINDS)}")
        valid = [*asked_questions(service, kind), *QUESTION_TARGETS]
        for text, target in _entries(entries, f"questions.{kind}", refuse).items():
            if target not in valid and not (kind == "training_evaluations" and QUESTION_KEY.match(target)):
                raise refuse(
                    f"questions.{kind}.{text}",
                    f"'{target}' is not a question {service} asks; valid: {', '.join(valid)}",
                )
        questions[kind] = _entries(entries, f"questions.{kind}", refuse)
    return ServiceMapping(service, path, headers, labels, questions)


QUESTION_KINDS = ("evaluations", "training_evaluations")
QUESTION_TARGETS = ("comments", IGNORE)  # besides a question key: the form's comments, or nothing
QUESTION_KEY = re.compile(r"^Q[1-9]\d*$")


def asked_questions(service: str, kind: str = "evaluations") -> dict[str, str]:
    """The questions a service's form asks, key -> wording: for evaluations, its sets in
    taxonomies/evaluation_questions.yaml; for training evaluations, the training form's."""
    if kind == "training_evaluations":
        return {key: q.text for key, q in TRAINING_QUESTIONS.items()}
    return {key: spec["text"] for _, questions in question_sets(service) for key, spec in questions.items()}


def _section(raw: dict, name: str, refuse) -> dict:
    section = raw.get(name) or {}
    if not isinstance(section, dict):
        raise refuse(name, "expected a mapping")
    return section


def _entries(entries: object, key: str, refuse) -> dict[str, str]:
    if not isinstance(entries, dict):
        raise refuse(key, "expected 'as written: target' lines")
    out = {}
    for written, target in entries.items():
        if not isinstance(target, str) or not str(written).strip():
            raise refuse(f"{key}.{written}", "expected text on both sides of ':'")
        out[str(written)] = target.strip()
    return out


def merged_yaml(service: str, headers: dict[str, dict[str, str]], labels: dict[str, dict[str, str]]) -> str:
    """The service's mapping file with these entries added (existing entries win), as YAML text."""
    current = mapping(service)
    merged_headers = {k: dict(v) for k, v in current.headers.items()}
    for kind, entries in headers.items():
        merged_headers.setdefault(kind, {}).update(
            {h: t for h, t in entries.items() if h not in merged_headers[kind]}
        )
    merged_labels = {k: dict(v) for k, v in current.labels.items()}
    for name, entries in labels.items():
        merged_labels.setdefault(name, {}).update(
            {h: t for h, t in entries.items() if h not in merged_labels[name]}
        )
    body: dict = {}
    if any(current.questions.values()):  # (written by hand: kept as they are)
        body["questions"] = {k: v for k, v in current.questions.items() if v}
    if any(merged_headers.values()):
        body["headers"] = {k: v for k, v in merged_headers.items() if v}
    if any(merged_labels.values()):
        body["labels"] = {k: v for k, v in merged_labels.items() if v}
    head = (
        f"# {service}: headers and labels as this service's case system writes them, onto the\n"
        "# workbench's columns and taxonomy labels (sendiass_lib/ingest/mapping.py). Review each line.\n"
    )
    return head + yaml.safe_dump(body, sort_keys=True, allow_unicode=True, width=110)


def write(service: str, headers: dict[str, dict[str, str]], labels: dict[str, dict[str, str]]) -> Path:
    """Add entries to the service's mapping file (created if need be); returns its path."""
    text = merged_yaml(service, headers, labels)
    path = mapping_path(service)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    clear_cache()
    return path


def clear_cache() -> None:
    """Forget mapping files read so far (after one is written, or in tests that write them)."""
    mapping.cache_clear()
    _with_mapping.cache_clear()
