"""What a reader adds who knows the secondary-suppression rule docs/publishing.md documents today: "while
a row or column whose total is shown (a Total row, or the base stated under the table) has exactly one
[c], its smallest other non-zero cell is suppressed too". So in a list whose base is stated:

- three or more [c]: none was hidden second (that needs exactly one [c] at the time), so each is a
  count of 1 to 4, as the page's footnote says a first-hidden cell is;
- two [c]: one is 1 to 4, the other 1 to 4 or the smallest other non-zero cell (5 or more, and no
  more than the smallest non-zero count shown); so each is at least 1 and at most that count.

This is how issue 18 pinned Worcestershire's four hidden reasons to 4 each. It is not one of the
default relations: under it every [c] in a list of three or more is known to be 1 to 4, so no such
cell could ever be as wide as the setting asks (cannot tell a 1 from a 5), and it holds only while
the library suppresses by that rule, which the audit-driven suppression replaces. The default attack
assumes only what the footnote says of any [c]: a count, 0 or more.
"""

from __future__ import annotations

import re

from .pages import HIDDEN, count
from .relations import is_list
from .site import Site, caption_parts
from .system import System


def documented_line_rule(site: Site, system: System) -> None:
    """Bounds on each [c] of a list table from the number of [c] in it (see the module's docstring)."""
    for _, page in site.pages():
        for table in filter(is_list, page.tables):
            first = re.search(r"a count of 1 to (\d+)", table.note)
            if not first:
                continue
            title, when = caption_parts(table.caption)
            hidden = [label for label, cells in table.rows if cells[0] == HIDDEN]
            shown = [n for _, cells in table.rows if (n := count(cells[0]))]
            top = (
                int(first.group(1))
                if len(hidden) >= 3
                else min(shown, default=None)
                if len(hidden) == 2
                else None
            )
            for label in hidden if top else []:
                system.add(
                    system.var(("count", title, when.label, label)),
                    1,
                    top,
                    f"{table.caption}: documented rule",
                )
