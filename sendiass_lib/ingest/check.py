"""`sendiass check FILE`: what loading an extract would do, worked out without loading it.

A service manager runs it on a first export: how each header is understood (with suggestions for
the unknown ones), each label field's labels and what they map to, the date formats seen, the rows
that would be rejected and why, and which appendices the file would feed. It reads the file and
the service's mapping file, runs the loader's own validation in memory, and never opens the
database. Rendering is in check_report; suggestions in suggest; date formats in date_formats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import polars as pl

from .. import config, privacy
from .. import labels as labels_module
from . import suggest
from .checks import REASONS
from .contract import UNKNOWN, Contract, HeaderMap, base_contract, kinds, map_headers
from .date_formats import DateFormats, date_formats
from .mapping import contract
from .readers import SheetInfo, column, describe, read_extract
from .suggest import Entry, Suggestion
from .validate import validate

DATE_TYPES = ("date", "birth_date", "month")
UNJUDGED = ("free_text", "pseudonym")  # column types no reject rule reads (see _judged)
FIRST_ROWS = 5  # row numbers shown for each reject reason
REDACTED = re.compile(r"\[(?:name|email|phone|postcode)\]")  # what privacy.redact puts in


@dataclass(frozen=True)
class HeaderRow:
    """One header of the file: the column it maps to and how, or why it is dropped."""

    position: int
    header: str  # as shown: redacted, like any text a person typed
    how: str  # contract.ALIAS, NORMALISED, SERVICE, QUESTION, PERSONAL, IGNORED, REPEATED or UNKNOWN
    column: str | None
    why: str = ""  # for a personal column: what gave it away (never its values)
    suggestions: list[Suggestion] = field(default_factory=list)  # for an unknown header


@dataclass(frozen=True)
class LabelRow:
    """One distinct label of a label field, as the database would keep it."""

    field: str
    raw_label: str  # as written when it maps; redacted when it does not (as validate keeps it)
    involvements: int  # rows that would load citing it
    label: str  # the taxonomy label, or labels.UNMAPPED
    code: str | None
    list: str | None
    suggestions: list[Suggestion] = field(default_factory=list)  # for an unmapped label


@dataclass(frozen=True)
class RejectGroup:
    reason: str
    rows: int
    first_rows: list[int]  # the first FIRST_ROWS row numbers (as `sendiass rejects` numbers them)


@dataclass(frozen=True)
class AppendixRow:
    name: str
    title: str
    fed: bool
    why: str


@dataclass
class CheckResult:
    """Everything `sendiass check` reports about one file."""

    path: Path
    service: str
    kind: str
    encoding: str
    headers: list[HeaderRow]
    missing: list[tuple[str, list[str]]]  # required columns not found, with example headers
    rows_in: int = 0
    rows_loaded: int = 0
    label_fields: list[str] = field(default_factory=list)  # label columns the file has
    labels: list[LabelRow] = field(default_factory=list)
    dates: list[DateFormats] = field(default_factory=list)
    rejects: list[RejectGroup] = field(default_factory=list)
    appendices: list[AppendixRow] = field(default_factory=list)
    sheets: list[SheetInfo] = field(default_factory=list)  # a workbook's worksheets and what each holds
    sheet: str | None = None  # the worksheet read (a workbook only)
    native: list[str] = field(default_factory=list)  # a native download: its source's notes on it
    suggested: list[Entry] = field(default_factory=list)  # mapping lines good enough to offer
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (kind, header): no good suggestion
    download: str = ""  # a native download: its source, period and what it feeds (download_line)
    download_unused: tuple[str, ...] = ()  # what of the download is not used (never its values)

    @property
    def ok(self) -> bool:
        """Whether the file could be loaded at all (it has every required column)."""
        return not self.missing

    def suggested_yaml(self) -> str:
        """The suggestions as lines to paste into the service's mapping file (scores as comments)."""
        return suggest.mapping_yaml(self.suggested, self.unplaced)


def check_file(
    path: Path,
    service: str,
    kind: str,
    today: date | None = None,
    sheet: str | None = None,
    native=None,
) -> CheckResult:
    """Check one extract for a service, writing nothing; an unusable file raises ExtractError.
    A workbook's worksheets are listed with what each holds; `sheet` names the one to read.
    `native` (an ingest.native source) converts a download first, as a load would."""
    config.service(service)  # an unknown service fails here, naming the valid ones
    spec = contract(kind, service)
    workbook = native is None and path.suffix.lower() in {".xlsx", ".xlsm"}
    sheets = describe(path, spec.is_header) if workbook else []
    raw = native.convert(path, service) if native is not None else read_extract(path, spec.is_header, sheet)
    found = map_headers(spec, raw.headers, values=lambda at, rows=raw.rows: rows[column(at)])
    result = CheckResult(
        path=path,
        service=service,
        kind=kind,
        encoding=raw.encoding,
        headers=_header_rows(spec, found, raw.headers),
        missing=[(name, list(_column(spec, name).aliases[:3])) for name in found.missing],
        sheets=sheets,
        sheet=_sheet_read(sheets, sheet),
    )
    result.suggested, result.unplaced = _header_entries(result, found, raw.headers)
    if found.missing:  # nothing can load: rows, labels and dates are not worth judging
        return result
    result.dates = [  # (before validation: the file's cells are then freed before labels are counted)
        date_formats(raw.rows[column(at)], c.name, raw.headers[at], c.type, raw.encoding == "xlsx")
        for c in spec.columns
        if c.type in DATE_TYPES and (at := found.canonical.get(c.name)) is not None
    ]
    checked = validate(raw, _judged(spec), found, today or date.today(), service)
    del raw  # a million-row file's cells: not needed past validation
    result.rows_in, result.rows_loaded = checked.rows_in, checked.rows.height
    result.rejects = _reject_groups(checked.rejects)
    labels = checked.labels
    del checked  # nor the typed rows: only their labels are looked at from here
    result.label_fields = [c.name for c in spec.columns if c.is_label and c.name in found.canonical]
    result.labels = _label_rows(spec, labels)
    result.suggested += _label_entries(spec, result.labels)
    result.appendices = appendix_rows(spec, result)
    return result


def check_download(path: Path, service: str, today: date | None = None) -> CheckResult | None:
    """Check a native download (ingest.native) as `check_file` checks an extract, with what it is
    (download_line) and what it does not use; None when no source recognises it (native.looked_for()
    says what was looked for). A recognised download that cannot be converted raises ExtractError."""
    from . import native

    found = native.recognise(path)
    if found is None:
        return None
    source, what = found
    result = check_file(path, service, native.kind_for(source, what, path, service), today, native=source)
    result.download = download_line(source, what, result)
    result.download_unused = what.unused
    notes = getattr(source, "notes", None)  # what else the source says of the file (a form: its questions)
    result.native = notes(path, service) if notes else []
    return result


def download_line(source, what, result: CheckResult) -> str:
    """'Mailchimp audience export, subscribers to 30 Nov 2024, feeds the Digital appendix'."""
    parts = [what.source]
    if what.period is not None:
        start, end = (f"{d.day} {d:%b %Y}" for d in what.period)
        measure = getattr(source, "measure", "")
        if getattr(source, "level", False):
            parts.append(f"{measure} to {end}".strip())
        else:
            parts.append(f"{measure} {start} to {end}".strip())
    fed = [a.title for a in result.appendices if a.fed]
    parts.append(f"feeds the {' and '.join(fed)} appendix" if fed else "feeds no appendix")
    return ", ".join(parts)


def _column(spec: Contract, name: str):
    return next(c for c in spec.columns if c.name == name)


def _header_rows(spec: Contract, found: HeaderMap, headers: list[str]) -> list[HeaderRow]:
    shown = privacy.redact(pl.Series(headers, dtype=pl.String)).to_list()
    spellings = suggest.column_spellings(spec)
    rows = []
    for m in found.matches:
        header = shown[m.position] or m.header  # (a column with no header keeps its description)
        ideas = suggest.closest(m.header, spellings) if m.how == UNKNOWN else []
        rows.append(HeaderRow(m.position, header, m.how, m.column, m.why, ideas))
    return rows


def _header_entries(
    result: CheckResult, found: HeaderMap, headers: list[str]
) -> tuple[list[Entry], list[tuple[str, str]]]:
    """Mapping lines for unknown headers whose best suggestion is good and names a column the file
    does not have yet; the other unknown headers are 'unplaced'. A header with nothing typed, or
    with personal data redacted from it, cannot be named in a mapping file."""
    entries, unplaced, taken = [], [], set(found.canonical)
    for row in result.headers:
        header = headers[row.position]
        if row.how != UNKNOWN or not header or REDACTED.search(row.header):
            continue
        best = next((s for s in row.suggestions if s.target not in taken), None)
        if best and best.score >= suggest.SUGGEST_FROM:
            taken.add(best.target)
            entries.append(Entry("headers", result.kind, header, best.target, best))
        else:
            unplaced.append((result.kind, header))
    return entries, unplaced


def _label_rows(spec: Contract, frame: pl.DataFrame | None) -> list[LabelRow]:
    """Distinct labels per field (validate's labels of the rows that would load) with the
    involvements citing each, best cited first."""
    if frame is None or frame.is_empty():
        return []
    key = spec.natural_key[0]
    # Streamed: on a million involvements' 5.4M labels the in-memory group_by held 300 MB more
    # (the check's peak), the streaming engine 70 MB, for 0.8 s more.
    counted = (
        frame.lazy()
        .group_by("field", "raw_label", "label", "code", "list")
        .agg(pl.col(key).n_unique().alias("involvements"))
        .collect(engine="streaming")
        .with_columns(pl.col("field", "raw_label", "label", "code", "list").cast(pl.String))
    )
    order = {c.name: i for i, c in enumerate(spec.columns)}
    counted = (
        counted.with_columns(
            shown=privacy.redact(counted["raw_label"]),  # (a no-op but for text validate left as it was)
            order=pl.col("field").replace_strict(order, return_dtype=pl.Int32),
        )
        .with_columns(cited=pl.col("involvements").sum().over("field", "shown"))
        # Fields in contract order; in each, the most cited labels first, a label's lists together.
        .sort(["order", "cited", "shown", "list"], descending=[False, True, False, False], nulls_last=True)
    )
    taxonomy = {c.name: c.taxonomy for c in spec.columns if c.is_label}
    spellings = {
        name: suggest.label_spellings(labels_module.taxonomy(name)) for name in set(taxonomy.values())
    }
    rows = []
    for r in counted.iter_rows(named=True):
        # A label with redacted text in it held personal data: it is for correcting, not mapping.
        wanted = r["label"] == labels_module.UNMAPPED and not REDACTED.search(r["shown"])
        ideas = suggest.closest(r["shown"], spellings[taxonomy[r["field"]]]) if wanted else []
        rows.append(
            LabelRow(r["field"], r["shown"], r["involvements"], r["label"], r["code"], r["list"], ideas)
        )
    return rows


def _label_entries(spec: Contract, rows: list[LabelRow]) -> list[Entry]:
    """Mapping lines for unmapped labels whose best suggestion is good (never one with redacted
    text in it: it has no suggestions)."""
    taxonomy = {c.name: c.taxonomy for c in spec.columns if c.is_label}
    entries, seen = [], set()
    for row in rows:
        if not row.suggestions:
            continue
        best, group = row.suggestions[0], taxonomy[row.field]
        if best.score >= suggest.SUGGEST_FROM and (group, row.raw_label) not in seen:
            seen.add((group, row.raw_label))
            entries.append(Entry("labels", group, row.raw_label, best.target, best))
    return entries


def _reject_groups(rejects: pl.DataFrame) -> list[RejectGroup]:
    grouped = rejects.group_by("reason").agg(
        pl.len().alias("rows"), pl.col("row_number").sort().head(FIRST_ROWS).alias("first")
    )
    found = {
        r["reason"]: RejectGroup(r["reason"], r["rows"], r["first"]) for r in grouped.iter_rows(named=True)
    }
    return [found[reason] for reason in REASONS if reason in found]


def appendix_rows(spec: Contract, result: CheckResult) -> list[AppendixRow]:
    """Which appendices this file would feed, and why the others would have nothing from it.

    What each appendix needs is its notebook's own `requires` metadata (publish.Appendix), the
    same data availability.has_data decides page building by: label fields of the involvements,
    or rows of a table (the involvements, when it names none)."""
    from ..availability import appendices

    tables = {base_contract(k).table: k for k in kinds()}
    with_labels = {r.field for r in result.labels}
    rows = []
    for appendix in appendices():
        needs = appendix.requires or {}
        table = needs.get("table", "involvements")
        fields = needs.get("labels", [])
        if spec.table != table:
            needed = tables.get(table, table)
            fed, why = False, f"needs {'an' if needed[0] in 'aeiou' else 'a'} {needed} extract"
        elif not result.rows_loaded:
            fed, why = False, "no row of this file would load"
        elif fields:
            have = [f for f in fields if f in with_labels]
            fed = bool(have)
            why = "; ".join(
                ([f"from {', '.join(have)}"] if have else [])
                + [_lacking(spec, f, result.label_fields) for f in fields if f not in have]
            )
        else:
            dated = needs.get("date") or needs.get("year") or spec.start_date
            fed, why = True, f"from {result.rows_loaded:,} rows ({dated})"
        rows.append(AppendixRow(appendix.name, appendix.title, fed, why))
    return rows


def _sheet_read(sheets: list[SheetInfo], asked: str | None) -> str | None:
    """The worksheet a load reads: the one asked for, else the first holding a header."""
    if asked is not None:
        return next((s.name for s in sheets if s.name.strip().casefold() == asked.strip().casefold()), asked)
    return next((s.name for s in sheets if s.header_row is not None), None)


def _lacking(spec: Contract, name: str, present: list[str]) -> str:
    if name in present:
        return f"{name}: every cell is blank"
    examples = " or ".join(f"'{a}'" for a in _column(spec, name).aliases[:2])
    return f"no {name} column in this file (a header such as {examples})"


def _judged(spec: Contract) -> Contract:
    """The contract without the columns no rule judges and check never shows: free text and client
    ids, which a load only stores in a safe form (redacted, pseudonymised). Every reject is the
    same without them (checks.rules reads neither), and their safe forms cost seconds on a large
    file: names looked for in each note in Python, a keyed hash per id (and without ids check
    needs no pseudonym key, so it never writes one to .env)."""
    return replace(spec, columns=tuple(c for c in spec.columns if c.type not in UNJUDGED))


def service_of(path: Path) -> str | None:
    """The service a file belongs to when it is under data/raw/<service>/, else None."""
    try:
        parts = path.resolve().relative_to(config.RAW_DIR.resolve()).parts
    except ValueError:
        return None
    return parts[0] if len(parts) > 1 and parts[0] in config.services() else None
