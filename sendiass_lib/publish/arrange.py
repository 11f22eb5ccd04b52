"""One part of the report document (an appendix, or its definitions) made from the pages of the
services it covers: one service's cells as they are; for a group, each member's own cells under its
name, one after the other, and what the members share once.

An appendix whose notebook declares `joint` (it may show figures services share: the digital
channels in each service's `joint_channels`, the pooled training evaluations) shares what every
member's page shows the same, at the same place and with the same markup: made from the same rows,
they are. A page the same for every member is shown once, with no member headings; otherwise each
table or chart the same for all, and a notebook section whose outputs are all the same, go once
under the group's name, after the members' own. Words alone stay with each member. Definitions
(the same list for every member) are shared the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from .fragments import Cell, demote, no_skips, prefix_ids, runs

FIGURE = re.compile(r"<(table|svg)\b")  # what a reader counts as a figure: a table or a chart


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


def arrange(
    parts: list[tuple[Member, list[Cell]]], group: Member, key: str, level: int, share: bool = False
) -> list[Block]:
    """The blocks of a part whose heading is h`level`, keyed `key` (ids start with it), from each
    member's cells in member order; with `share`, what the members share once (the module's
    docstring). The cells' own headings are h2: they go one level below the part's heading, or two
    below under a member's subheading."""
    if len(parts) == 1:
        member, cells = parts[0]
        return [Block(None, None, _markup(cells, f"{key}-", level))]
    seen = [{(cell.id, i): out for cell in cells for i, out in enumerate(cell.outputs)} for _, cells in parts]
    same = {place for place, out in seen[0].items() if all(other.get(place) == out for other in seen[1:])}
    if share and all(set(other) == same for other in seen):  # every member's page shows the same: once
        return [Block(None, None, _markup(parts[0][1], f"{group.slug}-{key}-", level))]
    shared = _shared(parts[0][1], same) if share else set()
    blocks = []
    for member, cells in parts:
        own = _filtered(cells, lambda output: output not in shared, prose=True)
        if any(cell.outputs for cell in own):
            blocks.append(
                Block(member.name, f"{member.slug}-{key}", _markup(own, f"{member.slug}-{key}-", level + 1))
            )
    common = _filtered(parts[0][1], lambda output: output in shared, prose=False)
    if common:
        heading = f"{group.name}: joint figures"
        blocks.append(
            Block(heading, f"{group.slug}-{key}", _markup(common, f"{group.slug}-{key}-", level + 1))
        )
    return blocks


def _shared(cells: list[Cell], same: set[tuple[str, int]]) -> set[tuple[str, int]]:
    """The places (cell id, output index) of what the members share: each table or chart every
    member's page shows the same, and every output of a notebook section whose outputs are all the
    same and hold one (the words about joint figures go with them). Words alone stay with each
    member, even where they read the same: a note on method is part of each member's appendix."""
    shared = {place for cell in cells for place, out in _places(cell) if place in same and FIGURE.search(out)}
    for run in runs(cells):
        places = [place for cell in run for place, _ in _places(cell)]
        if places and set(places) <= same and shared & set(places):
            shared |= set(places)
    return shared


def _places(cell: Cell) -> list[tuple[tuple[str, int], str]]:
    return [((cell.id, i), out) for i, out in enumerate(cell.outputs)]


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


def _markup(cells: list[Cell], prefix: str, level: int) -> Markup:
    """The cells as one run of markup under a heading of h`level`, ids prefixed: the pages' h2s one
    level below it, and no heading more than one below the one before (a section of a page can sit
    here without the section above it)."""
    html = demote("".join(cell.html for cell in cells), level - 1)
    return Markup(prefix_ids(no_skips(html, level), prefix))
