"""What `sendiass check` finds in one file (CheckResult) and its rows: headers, labels, reject
groups and appendices. Worked out by check, shown by check_report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import suggest
from .date_formats import DateFormats
from .raw_extract import SheetInfo
from .suggest import Entry, Suggestion

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
