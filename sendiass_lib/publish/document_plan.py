"""Whether a report document (report.html) is up to date, and making it when it is not.

Its fingerprint is made of the fingerprints of the pages it is made from (each holds the code, the
data, the service, the year and the notebook), the code's, and the narrative file's bytes: it is
made again when any appendix or the narrative changes, and a build that changes nothing leaves it
as it is without reading a page. The narrative is rendered on the kernel pool with the pages
(narrative_job.py); the document is put together once its pages are written (document.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..availability import Appendix
from .arrange import Member
from .files import first_line, shown, write_atomic
from .fingerprint import digest

DOCUMENT = "report.html"
KEY = "report"  # its entry in the folder's manifest


@dataclass
class DocumentPlan:
    """One report document: where it goes, the members' pages it is made from, its narrative file,
    its fingerprint, whether to make it, and the narrative once rendered."""

    slug: str
    year: int
    target: Path
    members: list[tuple[Member, Path]]  # each member and the folder of its pages
    pages: list[Appendix]
    narrative: Path
    key: str
    todo: bool
    group: Member | None = None
    narrative_html: str | None = None
    narrative_error: str | None = None
    made: bool = False  # written by this build

    @property
    def path(self) -> Path:
        return self.target / DOCUMENT

    def jobs(self, plan) -> list[tuple]:
        """The narrative to render on the pool, as a job (plan, None, narrative file, fingerprint)."""
        return [(plan, None, self.narrative, self.key)] if self.todo and self.narrative.is_file() else []

    def store(self, html: str | None, error: Exception | None) -> None:
        self.narrative_html = html
        self.narrative_error = None if error is None else str(error)

    def close(
        self, facts: dict, failed: set[str], manifest: dict, progress: Callable[[str], None]
    ) -> str | None:
        """Write the document, or remove the old one and say why not (a failure line) when a page
        it is made from, its narrative, or putting it together failed."""
        if not self.todo:
            progress(f"{self.slug} {self.year}: the report is up to date ({shown(self.path)})")
            return None
        names = [page.name for page in self.pages if page.name in failed]
        problem = f"not made, since {', '.join(names)} failed" if names else self.narrative_error
        if not problem:
            try:
                self._write(facts, progress)
                manifest[KEY] = self.key
                self.made = True
                return None
            except Exception as exc:  # a document that cannot be made must not stop the rest
                problem = first_line(exc)
        self.path.unlink(missing_ok=True)  # never leave an out-of-date report to be published
        manifest.pop(KEY, None)
        return f"{KEY}: {problem}"

    def _write(self, facts: dict, progress: Callable[[str], None]) -> None:
        from .document import Narrative, document

        if self.narrative.is_file():
            narrative = Narrative(self.narrative_html or "")
        else:
            narrative = Narrative(None, f"No narrative has been written for {facts['period_short']}.")
            progress(f"{self.slug} {self.year}: no narrative ({shown(self.narrative)}); {self.starter}")
        write_atomic(self.path, document(self.members, self.pages, narrative, facts, self.group))
        progress(f"{self.slug} {self.year}: made {shown(self.path)}")

    @property
    def starter(self) -> str:
        """How to begin the missing narrative: the starter command for a service; a group's is written."""
        if self.group:
            return "write one to show the group's text in its report (docs/narrative.md)"
        command = f"sendiass narrative --service {self.slug} --year {self.year}"
        return f"`{command}` writes a starter (docs/narrative.md)"


def document_key(code_key: str, page_keys: list[tuple[str, str, str]], narrative: Path) -> str:
    """The fingerprint of a document: the code's, its pages' (member, appendix, fingerprint), and
    its narrative file's bytes (or that there is none)."""
    text = narrative.read_bytes() if narrative.is_file() else b"no narrative"
    return digest(json.dumps([code_key, page_keys]).encode() + text)
