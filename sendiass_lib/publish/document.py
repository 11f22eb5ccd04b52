"""The report document: one page a steering group reads and prints (report.html beside the
appendices): a cover, contents, the service's narrative, every appendix as a section, the
definitions, a glossary, and the provenance once.

It is made from the appendix pages themselves, as they were written (fragments.py reads them): the
outputs of the one run of each notebook, so the report and the pages cannot differ. Cells a notebook
tags `definitions` (the reasons' and the intervention levels' definitions) leave their section for
the document's Definitions, as the printed reports keep them at the back.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from ..availability import Appendix
from . import fragments, glossary
from .arrange import Block, Member, arrange
from .render import render_report

DEFINITIONS = "definitions"  # the cell tag


@dataclass(frozen=True)
class Narrative:
    """What the document says before the appendices: the narrative's markup, or why there is none."""

    html: str | None
    missing: str = ""  # the one line shown when there is no narrative


def document(
    members: list[tuple[Member, Path]],
    appendices: list[Appendix],
    narrative: Narrative,
    facts: dict,
    group: Member | None = None,
) -> str:
    """The document of one service (one member) or a group, from the pages in each member's folder."""
    sections, definitions = [], []
    for appendix in appendices:
        parts, tagged = [], []
        for member, folder in members:
            page = folder / f"{appendix.name}.html"
            if not page.exists():
                continue
            content, found = _definitions(
                fragments.cells(fragments.main_content(page.read_text(encoding="utf-8")))
            )
            parts.append((member, content))
            if found:
                tagged.append((member, found))
        owner = group or members[0][0]
        if parts:
            blocks = arrange(parts, owner, appendix.name, 2, share=appendix.joint)
            sections.append(_part(appendix.name, appendix.title, blocks))
        if tagged:
            key = f"{DEFINITIONS}-{appendix.name}"
            definitions.append(_part(key, appendix.title, arrange(tagged, owner, key, 3, share=True)))
    story, story_contents = _narrative(narrative.html) if narrative.html else ("", [])
    words = fragments.text_of(story + "".join(b.html for s in sections + definitions for b in s["blocks"]))
    return render_report(
        facts,
        narrative=story,
        missing=narrative.missing,
        story_contents=story_contents,
        sections=sections,
        definitions=definitions,
        glossary=glossary.used(words),
    )


def _part(key: str, title: str, blocks: list[Block]) -> dict:
    return {"id": key, "title": title, "blocks": blocks}


def _definitions(cells: list[fragments.Cell]) -> tuple[list[fragments.Cell], list[fragments.Cell]]:
    """The cells split into the section's and the Definitions': the cells tagged `definitions`,
    and a notebook section whose every output is one of them with its words (nbconvert marks
    only code cells with their tags), its heading left out: the document's Definitions heads it."""
    content, moved = [], []
    for run in fragments.runs(cells):
        tagged = [DEFINITIONS in cell.tags for cell in run if cell.outputs]
        if tagged and all(tagged):
            moved += [_headless(cell) for cell in run]
        else:
            content += [cell for cell in run if DEFINITIONS not in cell.tags]
            moved += [cell for cell in run if DEFINITIONS in cell.tags]
    return content, moved


def _headless(cell: fragments.Cell) -> fragments.Cell:
    if not cell.markdown:
        return cell
    return fragments.Cell(cell.id, cell.tags, True, fragments.drop_headings(cell.head))


def _narrative(markup: str) -> tuple[str, list[dict]]:
    """The narrative with an id on each section heading (h2), and those headings for the contents."""
    contents: list[dict] = []

    def heading(match: re.Match) -> str:
        title = html.unescape(" ".join(fragments.text_of(match.group(1)).split()))
        key = f"narrative-{fragments.slug(title)}"
        taken = {entry["id"] for entry in contents}
        key = next(k for k in (key, *(f"{key}-{n}" for n in range(2, 100))) if k not in taken)
        contents.append({"id": key, "title": title})
        return f'<h2 id="{key}">{match.group(1)}</h2>'

    return re.sub(r"<h2>(.*?)</h2>", heading, markup, flags=re.S), contents
