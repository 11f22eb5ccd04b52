"""One part of the report document (an appendix, or its definitions) made from the pages of the
services it covers: one service's cells as they are; for a group, each member's own cells under its
name, one after the other, and what the members share once.

What the members share is what their pages show the same: an output (a table, a chart, a sentence)
at the same place in the same notebook with the same markup on every member's page. The joint
digital channels (each service's `joint_channels`) and the pooled training evaluations are made so,
from the same rows, so they are shown once, under the group's name, with the notebook's heading and
words they sit under; a member whose every output is shared gets no heading of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from .fragments import Cell, demote, prefix_ids, runs


@dataclass(frozen=True)
class Member:
    """A service whose pages go into a document: its slug, its name as pages print it, its pages."""

    slug: str
    name: str


@dataclass(frozen=True)
class Block:
    """A run of a part: a subheading (a member's name, or the group's for what is shared) or none,
    the id the subheading takes, and the markup."""

    heading: str | None
    id: str | None
    html: Markup


def arrange(parts: list[tuple[Member, list[Cell]]], group: Member, key: str, level: int) -> list[Block]:
    """The blocks of a part whose heading is h`level`, keyed `key` (ids start with it), from each
    member's cells in member order. The cells' own headings are h2: they go one level below the
    part's heading, or two below under a member's subheading."""
    if len(parts) == 1:
        member, cells = parts[0]
        return [Block(None, None, _markup(cells, f"{key}-", level - 1))]
    shared = _shared([cells for _, cells in parts])
    blocks = []
    for member, cells in parts:
        own = _filtered(cells, lambda output: output not in shared, prose=True)
        if any(cell.outputs for cell in own):
            blocks.append(
                Block(member.name, f"{member.slug}-{key}", _markup(own, f"{member.slug}-{key}-", level))
            )
    common = _filtered(parts[0][1], lambda output: output in shared, prose=False)
    if common and blocks:
        heading = f"{group.name}: shared"
        blocks.append(Block(heading, f"{group.slug}-{key}", _markup(common, f"{group.slug}-{key}-", level)))
    elif common:
        blocks.append(Block(None, None, _markup(common, f"{group.slug}-{key}-", level - 1)))
    return blocks


def _shared(members: list[list[Cell]]) -> set[tuple[str, int]]:
    """(cell id, output index) of each output that every member's page shows with the same markup."""
    seen = [{(cell.id, i): out for cell in cells for i, out in enumerate(cell.outputs)} for cells in members]
    return {place for place, out in seen[0].items() if all(other.get(place) == out for other in seen[1:])}


def _filtered(cells: list[Cell], keep: Callable[[tuple[str, int]], bool], prose: bool) -> list[Cell]:
    """The cells with the outputs `keep` accepts, by runs under one heading: a run stays when any
    output of it does (with its heading and words), or, with `prose`, when it never had one."""
    kept: list[Cell] = []
    for run in runs(cells):
        out, had_outputs = [], False
        for cell in run:
            if cell.outputs:
                had_outputs = True
                cell = cell.keeping([i for i in range(len(cell.outputs)) if keep((cell.id, i))])
                if cell is None:
                    continue
            out.append(cell)
        if any(cell.outputs for cell in out) or (prose and not had_outputs and any(c.markdown for c in out)):
            kept.extend(out)
    return kept


def _markup(cells: list[Cell], prefix: str, levels: int) -> Markup:
    """The cells as one run of markup, headings `levels` down and ids prefixed (pages' own markup)."""
    return Markup(prefix_ids(demote("".join(cell.html for cell in cells), levels), prefix))
