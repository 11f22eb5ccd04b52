"""Files a service already has, as the tools it uses download them (Google Analytics 4, YouTube
Studio, Meta Business Suite, Mailchimp, Microsoft Forms / Google Forms / SurveyMonkey, Eventbrite).

Each is recognised by what it holds (its preamble, header signature, encoding, zip members), never by
its file name, and converted to the canonical layout of one of our extract kinds (`digital`,
`evaluations`, `training`): a RawExtract whose headers are that kind's column names, plus, for a
file with people's names, a `Name` column that is personal (the contract drops it after its words
redact the row's free text). From there it loads like any extract: validated, rejected rows kept
with their reason, loaded once, upserted by natural key. Nothing personal in a download (emails,
names, IP addresses, free text with names) reaches the database except redacted free text.

A source is a module in this package with `SOURCE`, an object with a `name`, `recognise(path, peek)`
(a Recognised, or None) and `convert(path, service)` (a RawExtract). SOURCES lists them, in the order
they are tried.
"""

from __future__ import annotations

import importlib
import zipfile
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Protocol

from ..encodings import utf8_bytes
from ..raw_extract import RawExtract

# The modules of this package that hold a SOURCE, tried in this order (the first that recognises a
# file wins). Add a module here to read a new kind of download.
SOURCE_MODULES: tuple[str, ...] = ("ga4", "youtube", "meta", "mailchimp", "eventbrite", "forms")
PEEK_BYTES = 1 << 16  # how much of a text file is looked at to recognise it


@dataclass(frozen=True)
class Recognised:
    """What a download is: its source (as a person would name it), the extract kind it becomes,
    the period it covers when it says, what it feeds and what it could not use."""

    source: str  # "Google Analytics 4 exploration"
    kind: str  # digital, evaluations, training
    period: tuple[date, date] | None = None
    unused: tuple[str, ...] = ()  # columns or parts it does not use (never their values)


@dataclass(frozen=True)
class Peek:
    """The start of a file, as every source may look at it: text lines (a CSV, decoded), or a
    workbook's sheet names and first rows, or a zip's member names."""

    name: str
    lines: tuple[str, ...] = ()
    sheets: dict[str, list[list[str]]] = field(default_factory=dict)
    members: tuple[str, ...] = ()


class Source(Protocol):
    name: str

    def recognise(self, path: Path, peek: Peek) -> Recognised | None: ...

    def convert(self, path: Path, service: str) -> RawExtract: ...


@cache
def sources() -> tuple[Source, ...]:
    """The sources there are, in the order they are tried."""
    return tuple(importlib.import_module(f"{__name__}.{module}").SOURCE for module in SOURCE_MODULES)


def peek(path: Path) -> Peek:
    """The start of a file, read once for every source to look at."""
    suffix = path.suffix.lower()
    if suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            return Peek(path.name, members=tuple(archive.namelist()))
    if suffix in {".xlsx", ".xlsm"}:
        import fastexcel

        book = fastexcel.read_excel(path)
        sheets = {}
        for name in book.sheet_names:
            grid = book.load_sheet(name, header_row=None, n_rows=30, dtypes="string").to_polars()
            sheets[name] = [["" if c is None else str(c) for c in row] for row in grid.rows()]
        return Peek(path.name, sheets=sheets)
    with path.open("rb") as handle:
        head = handle.read(PEEK_BYTES)
    data, _ = utf8_bytes(head, path.name)
    text = data.decode("utf-8-sig", errors="replace")
    return Peek(path.name, lines=tuple(text.splitlines()[:60]))


def recognise(path: Path) -> tuple[Source, Recognised] | None:
    """The source that recognises the file, and what it is; None when none does."""
    looked = peek(path)
    for source in sources():
        found = source.recognise(path, looked)
        if found is not None:
            return source, found
    return None


def kind_for(source: Source, found: Recognised, path: Path, service: str) -> str:
    """The extract kind a download becomes for a service: a source may tell from the service's own
    settings (a feedback form is a service or a training evaluation by its questions), else the
    kind it recognised."""
    decide = getattr(source, "kind_for", None)
    return decide(path, service) if decide else found.kind


def looked_for() -> str:
    """What an unrecognised file was compared with, for a message naming it."""
    names = [source.name for source in sources()]
    return ", ".join(names) if names else "no native download readers are installed"
