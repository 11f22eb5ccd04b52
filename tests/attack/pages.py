"""What a reader sees on a published page: its tables (caption, header, rows, the notes under it)
and its other text (paragraphs, list items, headings, chart titles and descriptions), read with
html.parser alone, and the values printed in a cell."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

HIDDEN = "[c]"
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "title", "desc", "figcaption"}


@dataclass
class Table:
    """One table as printed: `rows` are (row label, cells), the cells in header order after the stub."""

    page: str
    caption: str
    header: list[str]
    rows: list[tuple[str, list[str]]]
    note: str = ""

    def column(self, name: str) -> int | None:
        """The index into a row's cells of the column headed `name`, or None."""
        return self.header.index(name) - 1 if name in self.header[1:] else None

    def cell(self, row: str, column: str) -> str | None:
        i = self.column(column)
        return next((cells[i] for label, cells in self.rows if label == row), None) if i is not None else None


@dataclass
class Page:
    """A page: its name (file stem), the year label in its header, its tables and other text blocks."""

    name: str
    year: str
    tables: list[Table] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def sentences(self) -> list[str]:
        """Every sentence of the page's text and of its tables' notes."""
        blocks = [*self.texts, *(t.note for t in self.tables if t.note)]
        return [s for block in blocks for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\[])", block) if s]


class _Reader(HTMLParser):
    """Collects tables (with the notes that follow each) and text blocks, skipping <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.texts: list[str] = []
        self.context = ""
        self._table: dict | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._block: list[str] | None = None
        self._block_class = ""
        self._skip = 0
        self._last_table: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "table":
            self._table = {"caption": "", "header": [], "rows": [], "note": []}
        elif self._table is not None and tag == "caption":
            self._caption = []
        elif self._table is not None and tag == "tr":
            self._row = []
        elif self._row is not None and tag in ("th", "td"):
            self._cell = []
        elif self._table is None and tag in BLOCKS:
            self._block, self._block_class = [], attrs.get("class") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1
        elif tag == "caption" and self._caption is not None:
            self._table["caption"] = _clean("".join(self._caption))
            self._caption = None
        elif tag in ("th", "td") and self._cell is not None:
            self._row.append(_clean("".join(self._cell)))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._table["header"]:
                self._table["rows"].append(self._row)
            else:
                self._table["header"] = self._row
            self._row = None
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._last_table, self._table = self._table, None
        elif tag in BLOCKS and self._block is not None:
            text = _clean("".join(self._block))
            if "table-note" in self._block_class.split() and self._last_table is not None:
                self._last_table["note"].append(text)
            elif text:
                if "context" in self._block_class.split():
                    self.context = text
                self.texts.append(text)
                self._last_table = None
            self._block = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        for part in (self._cell, self._caption, self._block):
            if part is not None:
                part.append(data)
                return


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("¶", "")).strip()


def read_page(path: Path) -> Page:
    """A published page, as a reader sees it."""
    return parse_page(path.read_text(encoding="utf-8"), path.stem)


def parse_page(html: str, name: str) -> Page:
    """A page's HTML, as a reader sees it; `name` is its file stem ('reasons')."""
    reader = _Reader()
    reader.feed(html)
    year = reader.context.split(" · ")[-1].split(" (")[0] if " · " in reader.context else ""
    page = Page(name, year, texts=reader.texts)
    for raw in reader.tables:
        rows = [(cells[0], cells[1:]) for cells in raw["rows"] if cells]
        page.tables.append(Table(name, raw["caption"], raw["header"], rows, " ".join(raw["note"])))
    return page


def read_service(out_dir: Path, slug: str) -> dict[int, list[Page]]:
    """Every page published for a service, by the YEAR of the folder it is in (index pages left out,
    and the report document: it shows the pages' own tables, as tests/test_report_document.py checks)."""
    years: dict[int, list[Page]] = {}
    for folder in sorted(out_dir.glob(f"*/{slug}")):
        if folder.parent.name.isdigit():
            pages = [read_page(p) for p in sorted(folder.glob("*.html")) if p.stem not in ("index", "report")]
            years[int(folder.parent.name)] = pages
    return years


def count(text: str) -> int | None:
    """A printed whole number ('2,486', '0'), or None for anything else."""
    return int(text.replace(",", "")) if re.fullmatch(r"\d{1,3}(,\d{3})*|\d+", text) else None


def percent(text: str) -> tuple[float, int] | None:
    """A printed percentage as (value, decimals): '12.3%' -> (12.3, 1), '+24%' -> (24.0, 0)."""
    found = re.fullmatch(r"([+-]?\d+(?:\.(\d+))?)%", text.replace(",", "").replace("\u2212", "-"))
    return (float(found.group(1)), len(found.group(2) or "")) if found else None


def number(text: str) -> float | None:
    """A printed number of any kind ('2.3', '1,011', '£8,500'), or None."""
    found = re.fullmatch(r"£?([+-]?\d[\d,]*(?:\.\d+)?)", text)
    return float(found.group(1).replace(",", "")) if found else None
