"""Hand-made pages for the attack's unit tests: HTML shaped as the published pages are (a context line,
tables with a caption and the notes under them, paragraphs), and a site made of them."""

from __future__ import annotations

from html import escape

from .pages import parse_page
from .site import Site, crosswalk, taxonomy_names

FOOTNOTE = (
    "[c] suppressed: a count of 1 to 4, or a figure that would reveal one from a total; no percentage is "
    "given on a base under 10."
)


def table(caption: str, header: list[str], rows: list[list[str]], note: str = "") -> str:
    """A table as the pages print it, with its note."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
    body = "".join(
        f'<tr><th scope="row">{escape(row[0])}</th>{"".join(f"<td>{escape(c)}</td>" for c in row[1:])}</tr>'
        for row in rows
    )
    table_note = f'<p class="table-note">{escape(note)}</p>' if note else ""
    return (
        f'<div class="table-wrap"><table class="data"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{table_note}</div>"
    )


def page(year: str, *blocks: str) -> str:
    """A page: its context line, then tables and paragraphs (a block not starting with '<' is a paragraph)."""
    parts = [block if block.startswith("<") else f"<p>{escape(block)}</p>" for block in blocks]
    return (
        f'<html><body><header><p class="context">Testshire SENDIASS · {year}</p><h1>Test</h1></header>'
        f"<main>{''.join(parts)}</main></body></html>"
    )


def list_table(title: str, when: str, rows: list[tuple[str, str, str]], note: str) -> str:
    """A 'Label | Involvements | Percentage' table of `title` for the period `when`."""
    caption = f"{title}, {when}, Testshire SENDIASS"
    return table(
        caption, ["Label", "Involvements", "Percentage"], [list(r) for r in rows], f"{note} {FOOTNOTE}"
    )


def site(pages: dict[int, dict[str, str]], groups: list[dict] | None = None, below: int = 5) -> Site:
    """A site of hand-made pages ({YEAR: {page name: HTML}}) with the project's taxonomy files."""
    years = {year: [parse_page(html, name) for name, html in named.items()] for year, named in pages.items()}
    return Site(
        "test", years, below, crosswalk(), groups or [], taxonomy_names("stem"), taxonomy_names("noun")
    )
