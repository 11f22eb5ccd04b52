"""An appendix page's content as the report document reuses it: the cells inside its <main>, each with
its outputs, and the changes a page's content needs to sit inside a longer document (headings one or
two levels down, ids made unique).

The pages are written by nbconvert through BeautifulSoup, so their markup is regular: every tag is
closed, attributes are quoted with `"`, and `<`, `>` and `&` in text and attribute values are escaped.
That is what lets plain patterns find tags here: a `<` in the page is always the start of a tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAIN_START, MAIN_END = '<main id="main">', "</main>"
CELL = re.compile(r'<div class="jp-Cell[ "]')
OUTPUT = re.compile(r'<div class="jp-OutputArea-child[ "]')
DIV = re.compile(r"<(/?)div\b")
TAG = re.compile(r"<[a-zA-Z][^>]*>")
HEADING = re.compile(r"<(/?)h([1-6])(?=[\s>])")
WHOLE_HEADING = re.compile(r"<h[1-6][\s>].*?</h[1-6]>", re.S)
# Attributes that name one id, or a space-separated list of them, or point at one with '#'.
ID_ATTRS = re.compile(r'(?<=\s)(id|for)="([^"]*)"')
ID_LISTS = re.compile(r'(?<=\s)(aria-labelledby|aria-describedby|aria-controls|headers)="([^"]*)"')
ID_LINKS = re.compile(r'(?<=\s)((?:xlink:)?href)="#([^"]*)"')
ID_URLS = re.compile(r"url\(#([^)]*)\)")


class NotAPageError(ValueError):
    """The file is not a page the workbench wrote: it has no <main id="main">."""


@dataclass
class Cell:
    """One notebook cell as the page shows it: its id and tags, and its outputs (a code cell's)."""

    id: str
    tags: frozenset[str]
    markdown: bool
    head: str  # the markup before the first output (all of it, for a cell with no outputs)
    outputs: list[str] = field(default_factory=list)
    tail: str = ""  # the markup after the last output

    @property
    def html(self) -> str:
        return self.head + "\n".join(self.outputs) + self.tail

    @property
    def has_heading(self) -> bool:
        return self.markdown and WHOLE_HEADING.search(self.head) is not None

    def keeping(self, outputs: list[int]) -> Cell | None:
        """The cell with only the outputs at these positions; None when that leaves none."""
        if not outputs:
            return None
        kept = [self.outputs[i] for i in outputs]
        return Cell(self.id, self.tags, self.markdown, self.head, kept, self.tail)


def main_content(page: str) -> str:
    """What a page shows inside <main>: the notebook's cells, without the page chrome."""
    start = page.find(MAIN_START)
    end = page.rfind(MAIN_END)
    if start < 0 or end < start:
        raise NotAPageError('no <main id="main"> in the page')
    return page[start + len(MAIN_START) : end]


def cells(content: str) -> list[Cell]:
    """The cells of a page's content, in order."""
    starts = [m.start() for m in CELL.finditer(content)]
    return [
        _cell(content[a:b]) for a, b in zip(starts, [*starts[1:], len(content)][: len(starts)], strict=True)
    ]


def _cell(html: str) -> Cell:
    opening = html[: html.index(">") + 1]
    classes = re.search(r'class="([^"]*)"', opening).group(1).split()
    found = re.search(r'(?<=\s)id="([^"]*)"', opening)
    tags = frozenset(c.removeprefix("celltag_") for c in classes if c.startswith("celltag_"))
    cell = Cell(found.group(1) if found else "", tags, "jp-MarkdownCell" in classes, html)
    spans = []
    for match in OUTPUT.finditer(html):
        if not spans or match.start() >= spans[-1][1]:
            spans.append((match.start(), element_end(html, match.start())))
    if spans:
        cell.head = html[: spans[0][0]]
        cell.outputs = [html[a:b] for a, b in spans]
        cell.tail = html[spans[-1][1] :]
    return cell


def runs(cells: list[Cell]) -> list[list[Cell]]:
    """The cells split where a markdown cell has a heading: the notebook's sections."""
    found: list[list[Cell]] = [[]]
    for cell in cells:
        if cell.has_heading and found[-1]:
            found.append([])
        found[-1].append(cell)
    return found


def element_end(html: str, start: int) -> int:
    """Where the <div> opening at `start` closes (just after its </div>)."""
    depth = 0
    for match in DIV.finditer(html, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return html.index(">", match.end()) + 1
    return len(html)


def demote(html: str, levels: int) -> str:
    """Every heading `levels` lower (h2 becomes h3 for 1), never below h6."""
    if not levels:
        return html
    return HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + levels)}", html)


def no_skips(html: str, level: int) -> str:
    """The headings of markup that sits under an h`level`, none more than one level below the one
    before it (h2 then h4 becomes h2 then h3), as a document's outline needs."""
    last = level
    opened: list[int] = []

    def fix(match: re.Match) -> str:
        nonlocal last
        if match.group(1):  # a closing tag closes the heading opened last
            return f"</h{opened.pop()}"
        last = min(int(match.group(2)), last + 1)
        opened.append(last)
        return f"<h{last}"

    return HEADING.sub(fix, html)


def drop_headings(html: str) -> str:
    """The markup without its headings (where the document gives the part a heading of its own)."""
    return WHOLE_HEADING.sub("", html)


def prefix_ids(html: str, prefix: str) -> str:
    """Every id, and every reference to one, prefixed: pages of one document each number their charts
    and headings from the start, so two of them would otherwise share ids."""

    def tag(match: re.Match) -> str:
        text = ID_ATTRS.sub(lambda m: f'{m.group(1)}="{prefix}{m.group(2)}"', match.group(0))
        text = ID_LISTS.sub(
            lambda m: f'{m.group(1)}="{" ".join(prefix + i for i in m.group(2).split())}"', text
        )
        text = ID_LINKS.sub(lambda m: f'{m.group(1)}="#{prefix}{m.group(2)}"', text)
        return ID_URLS.sub(lambda m: f"url(#{prefix}{m.group(1)})", text)

    return TAG.sub(tag, html)


def slug(text: str) -> str:
    """An id made of a heading's words: 'Actions and outcomes' -> 'actions-and-outcomes'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def text_of(html: str) -> str:
    """The words of some markup, tags and style left out (entities as written)."""
    return re.sub(r"<[^>]*>", " ", re.sub(r"<style.*?</style>", " ", html, flags=re.S))
