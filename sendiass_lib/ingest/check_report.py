"""A check's findings (ingest.check_result.CheckResult) as aligned terminal text and as a private HTML page.

Both show the same tables from the same rows (`sections`). The page is for the service alone:
written under outputs/_check/<service>/, never linked from a published index, and says at the top
that it is not for publication. It uses the house page chrome (templates/sendiass/page.j2) with
every value HTML-escaped (autoescape), no scripts and nothing loaded from the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..labels import UNMAPPED
from .check_result import REDACTED, CheckResult, HeaderRow
from .contract import ALIAS, IGNORED, NORMALISED, PERSONAL, QUESTION, REPEATED, SERVICE, UNKNOWN
from .suggest import SUGGEST_FROM

CHECK_DIR = "_check"  # under the outputs folder: never a reporting year, so never in an index
HOW = {
    ALIAS: "alias",
    NORMALISED: "normalised match (punctuation ignored)",
    SERVICE: "the service's mapping file",
    QUESTION: "evaluation question",
}


@dataclass(frozen=True)
class Table:
    """One table of the report: a caption, column headings and rows of text."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""  # a sentence under the table


@dataclass(frozen=True)
class Section:
    heading: str
    intro: str
    tables: list[Table]


def how_text(row: HeaderRow) -> str:
    """What happens to a header's column, in words (never its values)."""
    if row.how in HOW:
        return HOW[row.how]
    if row.how == PERSONAL:
        return f"dropped as personal data: {row.why}"
    if row.how == IGNORED:
        return "dropped: the service's mapping file says to ignore it"
    if row.how == REPEATED:
        return f"dropped: a second header for {row.column} (the first is used)"
    if row.how == UNKNOWN:
        return "dropped: unknown" + (" (see suggestions)" if row.suggestions else "")
    return row.how


def summary(result: CheckResult) -> str:
    """One sentence: the rows and what would become of them."""
    if not result.ok:
        return "The file cannot be loaded: it lacks a required column (below)."
    rejected = result.rows_in - result.rows_loaded
    return (
        f"{result.rows_in:,} data rows (read as {result.encoding}): {result.rows_loaded:,} would load, "
        f"{rejected:,} would be rejected."
    )


def download_lines(result: CheckResult) -> list[str]:
    """For a native download: what it is, its period and what it feeds; what it does not use."""
    if not result.download:
        return []
    unused = "; ".join(result.download_unused)
    return [f"Download: {result.download}."] + ([f"Not used: {unused}."] if unused else [])


def sections(result: CheckResult) -> list[Section]:
    """The report's sections, in order; those that need a loadable file only when it is one."""
    found = [
        Section(
            "Headers",
            "How each header of the file is understood. Only mapped columns are ever stored.",
            [*_sheets(result), _headers(result), *_header_ideas(result), *_missing(result)],
        )
    ]
    if not result.ok:
        return found
    return [
        *found,
        Section("Labels", _labels_intro(result), _labels(result)),
        Section(
            "Dates",
            "Formats seen in each date column (cells counted). The loader reads d/m dates day first: "
            "03/04/2024 is 3 April 2024. Ambiguous cells could be read either way.",
            [_dates(result)],
        ),
        Section("Rows that would be rejected", _rejects_intro(result), [_rejects(result)]),
        Section(
            "Appendices this extract would feed",
            "Which report pages this file alone would give something to show.",
            [_appendices(result)],
        ),
    ]


def _sheets(result: CheckResult) -> list[Table]:
    """A workbook's worksheets: what each holds, and which one is read (--sheet picks another)."""
    if not result.sheets:
        return []
    rows = [
        [
            s.name,
            f"{s.rows:,}",
            f"row {s.header_row}" if s.header_row else "none with the required columns",
            "read" if s.name == result.sheet else "",
        ]
        for s in result.sheets
    ]
    note = "A load reads the first worksheet holding a header; `--sheet NAME` reads another."
    return [Table("Worksheets", ["worksheet", "rows", "header", "used"], rows, note)]


def _headers(result: CheckResult) -> Table:
    rows = [[str(h.position + 1), h.header, h.column or "-", how_text(h)] for h in result.headers]
    return Table("Headers and the columns they map to", ["#", "header", "maps to", "how"], rows)


def _header_ideas(result: CheckResult) -> list[Table]:
    rows = [[h.header, s.target, s.like, str(s.score)] for h in result.headers for s in h.suggestions]
    if not rows:
        return []
    return [Table("Suggestions for unknown headers", ["header", "column", "like", "score"], rows)]


def _missing(result: CheckResult) -> list[Table]:
    if not result.missing:
        return []
    rows = [[name, ", ".join(examples)] for name, examples in result.missing]
    note = "The file cannot be loaded without them: rename its header, or map it in the service's mapping."
    return [Table("Required columns missing", ["column", "headers it may have"], rows, note)]


def _labels_intro(result: CheckResult) -> str:
    if not result.label_fields:
        return "This file has no label columns."
    intro = (
        "Distinct labels of each label column, with the involvements that would load citing each. "
        "A label that maps to nothing is shown redacted, as it would be stored."
    )
    if any(REDACTED.search(r.raw_label) for r in result.labels):
        intro += (
            " A label showing [name], [email], [phone] or [postcode] had personal data typed into it:"
            " correct those records in the case system (a mapping cannot match them)."
        )
    return intro


def _labels(result: CheckResult) -> list[Table]:
    tables = []
    for name in result.label_fields:
        mine = [r for r in result.labels if r.field == name]
        unmapped = [r for r in mine if r.label == UNMAPPED]
        rows = [[r.raw_label, f"{r.involvements:,}", r.label, r.code or "", r.list or ""] for r in mine]
        caption = f"{name}: {len({r.raw_label for r in mine})} distinct labels, {len(unmapped)} unmapped"
        note = "" if mine else "Every cell of this column is blank."
        tables.append(
            Table(caption, ["label in the file", "involvements", "maps to", "code", "list"], rows, note)
        )
        ideas = [[r.raw_label, s.target, s.like, str(s.score)] for r in unmapped for s in r.suggestions]
        if ideas:
            tables.append(
                Table(
                    f"{name}: suggestions for unmapped labels",
                    ["label", "taxonomy label", "like", "score"],
                    ideas,
                )
            )
    return tables


def _dates(result: CheckResult) -> Table:
    rows = [
        [
            f"{d.column} ({d.header})",
            f"{d.filled:,}",
            "; ".join(f"{name} {cells:,}" for name, cells in d.formats),
            f"{d.ambiguous:,}",
            f"{d.unparsed:,}",
        ]
        for d in result.dates
    ]
    columns = ["column (header)", "cells", "formats (cells)", "ambiguous day/month", "not a date"]
    return Table("Date formats", columns, rows)


def _rejects_intro(result: CheckResult) -> str:
    numbered = (
        "worksheet row numbers" if result.encoding == "xlsx" else "data rows counted from 1 below the header"
    )
    return (
        f"Each rejected row has one reason, the first that applies (docs/data-contract.md). Rows: {numbered}."
    )


def _rejects(result: CheckResult) -> Table:
    rows = [[g.reason, f"{g.rows:,}", ", ".join(map(str, g.first_rows))] for g in result.rejects]
    return Table("Rejected rows by reason", ["reason", "rows", "first rows"], rows)


def _appendices(result: CheckResult) -> Table:
    rows = [[a.title, "yes" if a.fed else "no", a.why] for a in result.appendices]
    return Table("Appendices and this file", ["appendix", "fed", "why"], rows)


def terminal(result: CheckResult) -> str:
    """The report as plain text with aligned columns."""
    lines = [
        f"Check of {result.path.name} for {result.service} ({result.kind} extract)",
        "Not for publication. Nothing was written to the database.",
        *download_lines(result),
        summary(result),
        *result.native,
    ]
    for section in sections(result):
        lines += ["", section.heading.upper(), section.intro]
        for table in section.tables:
            if not table.rows:
                lines += ["", f"{table.caption}: {table.note or 'none.'}"]
                continue
            lines += ["", f"{table.caption}:", *[f"  {line}" for line in _aligned(table.columns, table.rows)]]
            if table.note:
                lines.append(f"  {table.note}")
    return "\n".join(lines)


def suggestions(result: CheckResult, mapping_file: Path) -> str:
    """What `--suggest` prints: the suggested mapping lines for the service's file, or why none."""
    if not result.suggested:
        return f"SUGGESTED MAPPING: no suggestion scores {SUGGEST_FROM} or more.\n"
    head = f"SUGGESTED MAPPING for {mapping_file} (review each line; scores 0-100):\n"
    return head + result.suggested_yaml()


def _aligned(columns: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [columns, *rows]) for i in range(len(columns))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [columns, *rows]]


def page_path(result: CheckResult, out_dir: Path | None = None) -> Path:
    """outputs/_check/<service>/<file stem>.html"""
    return (out_dir or config.OUTPUTS_DIR) / CHECK_DIR / result.service / f"{result.path.stem}.html"


def html(result: CheckResult) -> str:
    """The report as one offline, accessible HTML page, marked not for publication."""
    from ..publish.render import chrome, render

    name = config.service(result.service).name
    page = {
        **chrome([]),
        "service_name": name,
        "title": f"Check of {result.path.name} for {name} (not for publication)",
    }
    return render(
        "check.html.j2",
        page=page,
        result=result,
        summary=" ".join([*download_lines(result), summary(result)]),
        sections=sections(result),
        suggested=result.suggested_yaml() if result.suggested else "",
    )


def write_page(result: CheckResult, out_dir: Path | None = None) -> Path:
    """Write the page (creating its folder) and return where."""
    path = page_path(result, out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html(result), encoding="utf-8")
    return path
