"""`sendiass check FILE`: what loading an extract would do, worked out without loading it.

A service manager runs it on a first export: how each header is understood (with suggestions for
the unknown ones), each label field's labels and what they map to, the date formats seen, the rows
that would be rejected and why, and which appendices the file would feed. It reads the file and
the service's mapping file, runs the loader's own validation in memory, and never opens the
database. What it finds is a check_result.CheckResult; its headers are worked out in
check_headers, its labels in check_labels, the appendices it feeds in check_appendices; rendering
is in check_report, suggestions in suggest, date formats in date_formats.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from .. import config
from . import staging
from .check_appendices import appendix_rows
from .check_headers import header_entries, header_rows, missing_columns
from .check_labels import label_entries, label_rows
from .check_result import CheckResult, RejectGroup
from .checks import REASONS
from .contract import Contract, map_headers
from .date_formats import date_formats
from .mapping import contract
from .raw_extract import SheetInfo
from .readers import describe
from .validate import validate

DATE_TYPES = ("date", "birth_date", "month")
UNJUDGED = ("free_text", "pseudonym")  # column types no reject rule reads (see _judged)
FIRST_ROWS = 5  # row numbers shown for each reject reason


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
    convert = (lambda p: native.convert(p, service)) if native is not None else None
    with duckdb.connect() as con:  # in memory: check never opens the database
        staged = staging.stage(con, path, spec.is_header, sheet, convert)
        found = map_headers(spec, staged.headers, values=lambda at: staging.column_values(con, at))
        result = CheckResult(
            path=path,
            service=service,
            kind=kind,
            encoding=staged.encoding,
            headers=header_rows(spec, found, staged.headers),
            missing=missing_columns(spec, found),
            sheets=sheets,
            sheet=_sheet_read(sheets, sheet),
        )
        result.suggested, result.unplaced = header_entries(result, found, staged.headers)
        if found.missing:  # nothing can load: rows, labels and dates are not worth judging
            return result
        result.dates = [
            date_formats(
                staging.column_values(con, at), c.name, staged.headers[at], c.type, staged.encoding == "xlsx"
            )
            for c in spec.columns
            if c.type in DATE_TYPES and (at := found.canonical.get(c.name)) is not None
        ]
        checked = validate(con, staged, _judged(spec), found, today or date.today(), service)
        result.rows_in, result.rows_loaded = checked.rows_in, checked.rows_loaded
        result.rejects = _reject_groups(checked.rejects)
        labels = checked.labels(con) if checked.has_labels else None
    result.label_fields = [c.name for c in spec.columns if c.is_label and c.name in found.canonical]
    result.labels = label_rows(spec, labels)
    result.suggested += label_entries(spec, result.labels)
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


def _reject_groups(rejects: pl.DataFrame) -> list[RejectGroup]:
    grouped = rejects.group_by("reason").agg(
        pl.len().alias("rows"), pl.col("row_number").sort().head(FIRST_ROWS).alias("first")
    )
    found = {
        r["reason"]: RejectGroup(r["reason"], r["rows"], r["first"]) for r in grouped.iter_rows(named=True)
    }
    return [found[reason] for reason in REASONS if reason in found]


def _sheet_read(sheets: list[SheetInfo], asked: str | None) -> str | None:
    """The worksheet a load reads: the one asked for, else the first holding a header."""
    if asked is not None:
        return next((s.name for s in sheets if s.name.strip().casefold() == asked.strip().casefold()), asked)
    return next((s.name for s in sheets if s.header_row is not None), None)


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
