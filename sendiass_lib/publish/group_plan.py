"""A group's joint report for a year (groups.py): made from its members' appendix pages, built first
where they are not up to date, into outputs/<year>/<group>/report.html, with an index page linking
it and each member's pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import availability
from ..groups import Group
from . import fingerprint
from .arrange import Member
from .document_plan import DocumentPlan
from .files import write_atomic
from .plan import ReportResult, document_plan, extracts, read_manifest, write_manifest
from .render import group_facts, render_group_index


@dataclass
class GroupPlan:
    """One group-year: its report document, and the manifest of the group's folder."""

    group: Group
    year: int
    target: Path
    loaded: dict[str, list[dict]]  # each member's load records
    document: DocumentPlan
    manifest: dict
    written: dict  # the manifest as read

    @property
    def service(self) -> str:  # the slug a narrative job renders for (appendix.render_all)
        return self.group.slug

    def jobs(self) -> list[tuple]:
        """The group's narrative to render on the pool, if its document is to be made."""
        return self.document.jobs(self)

    def store(self, job: tuple, html: str | None, error: Exception | None, seconds: float, progress) -> None:
        self.document.store(html, error)
        progress(f"{self.group.slug} {self.year}: rendered the narrative ({seconds:.1f} s)")

    def close(self, members: list[ReportResult], progress: Callable[[str], None] = print) -> ReportResult:
        """Make the joint report from the members' pages (`members`: their build's results, in the
        group's order: a page that failed there fails it), write the group's index page and
        manifest; the result of the group's own part: its report's failure, the report, the index."""
        failed = {f.split(":")[0] for done in members for f in done.failures}
        facts = group_facts(self.group, self.year, self.loaded) if self.document.todo else {}
        result = ReportResult()
        if failure := self.document.close(facts, failed, self.manifest, progress):
            result.failures.append(failure)
        result.document_made = self.document.made
        result.document = self.document.path if self.document.path.exists() else None
        result.index = self.target / "index.html"
        if result.document_made or failure or not result.index.exists():
            facts = facts or group_facts(self.group, self.year, self.loaded)
            write_atomic(result.index, render_group_index(self.group, facts, result.document is not None))
        write_manifest(self.target, self.manifest, self.written)
        return result


def plan_group(con, group: Group, year: int, out_dir: Path, force: bool) -> GroupPlan:
    """Check the group-year (every member has data for it), then see whether its report is up to date."""
    availability.check_request(con, group.slug, year)
    target = out_dir / str(year) / group.slug
    target.mkdir(parents=True, exist_ok=True)
    code_key = fingerprint.code_fingerprint()
    loaded = extracts(con, group.members)
    keys, found = [], {}
    for member in group.members:
        data_key = fingerprint.data_fingerprint(loaded[member])
        for page in availability.pages(con, member, year):
            found.setdefault(page.name, page)
            keys.append(
                (member, page.name, fingerprint.page_key(code_key, data_key, member, year, page.path))
            )
    pages = [page for page in availability.appendices() if page.name in found]
    folders = [(member, out_dir / str(year) / member) for member in group.members]
    everything = [x for member in group.members for x in loaded[member]]
    owner = Member(group.slug, group.name)
    manifest = read_manifest(target)
    document = document_plan(
        group.slug, year, target, folders, pages, keys, everything, force, manifest, owner
    )
    return GroupPlan(group, year, target, loaded, document, manifest, dict(manifest))
