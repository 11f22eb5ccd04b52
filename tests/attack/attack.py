"""The attack on one service's pages: every relation a reader can see, then the audit of every hidden
cell; and what it found, by page type."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import links, ratings, relations, sentences
from .audit import Finding, audit
from .site import Site, read_site
from .system import System

Builder = Callable[[Site, System], None]
BUILDERS: list[Builder] = [
    relations.label_lists,
    relations.involvement_months,
    relations.key_figures,
    relations.plain_tables,
    links.themes_over_time,
    links.needs_beside_england,
    links.blank_fields,
    links.printed_report_groups,
    links.period_months,
    links.tribunal_estimate,
    sentences.label_shares,
    sentences.theme_shares,
    sentences.fewer_than,
]
RATING_BUILDERS: list[Builder] = [ratings.evaluation_ratings]


@dataclass
class Attack:
    """What the attack found on a service's pages: each hidden cell's interval, the width a cell
    needs to be protected (None: disclosure off), sentences no relation reads, and how many relations
    and hidden cells each builder read (so a change of page wording that blinds one shows)."""

    site: Site
    system: System
    findings: list[Finding]
    width: int | None
    unread: list[str] = field(default_factory=list)
    read: dict[str, int] = field(default_factory=dict)  # relations and hidden cells each builder read

    def leaks(self, year: int | None = None, page: str | None = None) -> list[Finding]:
        """Hidden cells narrower than the setting, sentences about a small number pinned to one value,
        and rating counts narrower than the setting that may be 1 to 4; for a YEAR and page type if given."""
        if self.width is None:
            return []
        return [
            f
            for f in self.findings
            if (year is None or f.target.where.year == year)
            and (page is None or f.target.where.page == page)
            and self.disclosive(f)
        ]

    def disclosive(self, f: Finding) -> bool:
        """Whether the finding gives away more than the rule allows (a share held back beside a count
        that is shown hides no count, so it cannot)."""
        if f.target.what == "share":
            return False
        if f.target.what == "sentence":
            return f.exact
        if f.target.what == "rating":  # shown, not hidden: a leak only where it may be a small count
            return f.width < self.width and f.lo <= self.width and f.hi >= 1
        return f.width < self.width

    def summary(self) -> dict[str, Counter]:
        """Per page type: hidden cells, how many are recovered exactly, how many are too narrow."""
        out: dict[str, Counter] = {}
        narrow = {id(f) for f in self.leaks()}
        for f in self.findings:
            counts = out.setdefault(f.target.where.page, Counter())
            counts["hidden"] += 1
            counts["exact"] += f.exact
            counts["narrow"] += id(f) in narrow
        return out


def attack_site(site: Site, builders: list[Builder] = BUILDERS) -> Attack:
    system, read = System(), {}
    for build in builders:
        before = len(system.constraints) + len(system.targets)
        build(site, system)
        read[build.__name__] = len(system.constraints) + len(system.targets) - before
    width = site.below - 1 if site.below else None
    return Attack(site, system, audit(system), width, system.unread, read)


def attack(out_dir: Path, slug: str, builders: list[Builder] = BUILDERS) -> Attack:
    """The attack on every page published for the service `slug` under `out_dir`."""
    return attack_site(read_site(out_dir, slug), builders)
