"""Accessible HTML tables for the appendices: caption, scoped headers, formatted cells, escaped text."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import polars as pl
from IPython.display import HTML

from . import formatting


def table(
    frame: pl.DataFrame,
    caption: str,
    formats: dict[str, Callable] | None = None,
    note: str | None = None,
    not_applicable: dict[str, list[str]] | None = None,
    not_applicable_note: str | None = None,
    suppressed: dict[str, list[str]] | None = None,
    suppressed_note: str | None = None,
) -> HTML:
    """A DataFrame as a table: its first column gives row headers, the rest are formatted cells.

    Cells use formats[column] when given, else formatting.count (thousands separators, [x] for
    missing) for numbers and the text itself (left-aligned) for text; a column whose name starts
    with "Change" defaults to a signed percentage. When any cell shows [x], a note under the table
    says what it means. Cells named in `not_applicable` ({row label: [columns]}) show [z], with
    `not_applicable_note` saying why; cells named in `suppressed` show [c] (disclosure.protect),
    with `suppressed_note` giving the rule.
    """
    formats = formats or {}
    not_applicable = not_applicable or {}
    suppressed = suppressed or {}
    stub, *columns = frame.columns

    def fmt(column: str) -> Callable:
        if column in formats:
            return formats[column]
        if column.startswith("Change"):
            return lambda x: formatting.percent(x, signed=True)
        if frame.schema[column] == pl.String:
            return lambda x: "" if x is None else x
        return formatting.count

    text = {c for c in columns if frame.schema[c] == pl.String and c not in formats}
    align = {c: ' class="text"' if c in text else "" for c in frame.columns}
    head = "".join(f'<th scope="col"{align[c]}>{escape(c)}</th>' for c in frame.columns)
    body, missing = [], False
    for row in frame.iter_rows(named=True):
        label = str(row[stub])
        skip, hide = not_applicable.get(label, ()), suppressed.get(label, ())
        texts = [
            formatting.NOT_APPLICABLE if c in skip else formatting.SUPPRESSED if c in hide else fmt(c)(row[c])
            for c in columns
        ]
        missing = missing or formatting.NOT_AVAILABLE in texts
        cells = "".join(f"<td{align[c]}>{escape(t)}</td>" for c, t in zip(columns, texts, strict=True))
        total = ' class="total"' if label.lower() == "total" else ""
        body.append(f'<tr{total}><th scope="row">{escape(label)}</th>{cells}</tr>')
    parts = (note, not_applicable_note if not_applicable else None, suppressed_note if suppressed else None)
    notes = [" ".join(n for n in parts if n)]
    notes = [n for n in notes if n]
    if missing:
        notes.append(f"{formatting.NOT_AVAILABLE} not available: no data is loaded for that cell.")
    notes = "".join(f'<p class="table-note">{escape(n)}</p>' for n in notes)
    # A focusable, named region: a wide table scrolls inside it on a narrow screen (WCAG 2.1.1).
    return HTML(
        f'<div class="table-wrap" role="region" aria-label="{escape(caption)}" tabindex="0">'
        '<table class="data">'
        f"<caption>{escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>{notes}</div>"
    )


def published_table(shown, caption: str, rename: dict[str, str] | None = None, **kwargs) -> HTML:
    """`table` for a frame that has been through a disclosure rule (disclosure.Shown, from a
    result's `protected()`): its hidden cells show [c], and the rule's note says why. `rename`
    gives columns their headings on the page."""
    rename = rename or {}
    hidden = {row: [rename.get(c, c) for c in cells] for row, cells in shown.hidden.items()}
    frame = shown.data.rename(rename, strict=False)
    return table(frame, caption, suppressed=hidden, suppressed_note=shown.rule.note, **kwargs)


def text_list(items: list[str] | tuple[str, ...], label: str) -> HTML:
    """Free text as a list, every item HTML-escaped: markup in the data shows as text, never runs."""
    if not items:
        return HTML("")
    body = "".join(f"<li>{escape(item)}</li>" for item in items)
    return HTML(f'<ul class="text-list" aria-label="{escape(label)}">{body}</ul>')
