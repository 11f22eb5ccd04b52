"""One service-year's build: check the request, sort its pages into up to date and to render (by
their fingerprints in the folder's manifest), then record each rendered page and write the index."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .. import availability, config
from ..availability import Appendix, appendices, check_request
from ..narrative.location import narrative_path
from . import fingerprint
from .arrange import Member
from .document_plan import DocumentPlan, document_key
from .files import first_line, shown, write_atomic
from .render import page_facts, render_index

MANIFEST = ".build.json"


@dataclass
class ReportResult:
    """What building one service-year did: pages built and up to date, failures, its index page."""

    built: list[Path] = field(default_factory=list)
    up_to_date: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    index: Path | None = None
    document: Path | None = None  # report.html, when it is there after the build
    document_made: bool = False  # made by this build (not up to date already)


def extracts(con, services: Iterable[str]) -> dict[str, list[dict]]:
    """Each service's load records (file, SHA-256, rows loaded and rejected, sample or not), in load
    order, in one query."""
    services = list(services)
    rows = con.execute(
        """SELECT service, file_name, sha256, rows_loaded, rows_rejected, is_sample FROM loads
           WHERE list_contains(?, service) ORDER BY load_id""",
        [services],
    ).fetchall()
    keys = ("file_name", "sha256", "rows_loaded", "rows_rejected", "is_sample")
    found: dict[str, list[dict]] = {service: [] for service in services}
    for service, *row in rows:
        found[service].append(dict(zip(keys, row, strict=True)))
    return found


@dataclass
class Plan:
    """One service-year's build: its pages, which of them to render, and its manifest of what each
    page was built from (so a page rebuilds only when its inputs changed)."""

    service: str
    year: int
    target: Path
    pages: list[Appendix]
    extracts: list[dict]
    manifest: dict
    todo: list[tuple[Appendix, Path, str]]
    result: ReportResult
    written: dict  # the manifest as read
    page: dict = field(default_factory=dict)  # facts for the page chrome: facts()
    document: DocumentPlan | None = None  # the report document, unless only the pages are built

    def facts(self) -> dict:
        """What the service-year's pages say of it (render.page_facts), gathered when first needed:
        by the first page rendered, not while planning (the pool's kernels boot meanwhile)."""
        if not self.page:
            self.page = page_facts(self.service, self.year, self.extracts)
        return self.page

    def jobs(self) -> list[tuple[Plan, Appendix | None, Path, str]]:
        """The pages to render, each as (this plan, appendix, page path, fingerprint), then the
        narrative of the report document if it is to be made (appendix None, its file)."""
        return [(self, *job) for job in self.todo] + (self.document.jobs(self) if self.document else [])

    def store(self, job: tuple, html: str | None, error: Exception | None, seconds: float, progress) -> None:
        """Write one rendered page (or drop it, if its notebook failed) and note it in the manifest;
        keep a rendered narrative for the document."""
        _, appendix, html_path, key = job
        if appendix is None:
            self.document.store(html, error)
            progress(f"{self.service} {self.year}: rendered the narrative ({seconds:.1f} s)")
            return
        if error is not None:  # a failing notebook must not stop the others
            self.result.failures.append(f"{appendix.name}: {first_line(error)}")
            self.manifest.pop(appendix.name, None)
            html_path.unlink(missing_ok=True)  # never leave an out-of-date page to be published
            return
        write_atomic(html_path, html)
        self.manifest[appendix.name] = key
        self.result.built.append(html_path)
        progress(f"{self.service} {self.year}: built {shown(html_path)} ({seconds:.1f} s)")

    def close(self, progress: Callable[[str], None] = print) -> ReportResult:
        """Make the report document (if it is to be made), write the index page (if anything
        changed) and the manifest; the result in page order, the document's failure last."""
        result = self.result
        order = {p.name: i for i, p in enumerate(self.pages)}
        result.built.sort(key=lambda path: order[path.stem])
        result.failures.sort(key=lambda failure: order.get(failure.split(":")[0], len(order)))
        if self.document:
            failed = {failure.split(":")[0] for failure in result.failures}
            facts = self.facts() if self.document.todo else {}
            if failure := self.document.close(facts, failed, self.manifest, progress):
                result.failures.append(failure)
            result.document_made = self.document.made
        document = self.target / "report.html"
        result.document = document if document.exists() else None
        index = self.target / "index.html"
        if result.built or result.failures or result.document_made or not index.exists():
            done = [a for a in self.pages if (self.target / f"{a.name}.html").exists()]
            write_atomic(index, render_index(done, self.facts(), report=result.document is not None))
        result.index = index
        write_manifest(self.target, self.manifest, self.written)
        return result


def plan(
    con,
    service: str,
    year: int,
    out_dir: Path,
    force: bool,
    progress: Callable[[str], None],
    document: bool = True,
) -> Plan:
    """Check the request, then plan the service-year's build (plan_pages) from its pages and extracts."""
    check_request(con, service, year)
    pages, loaded = availability.pages(con, service, year), extracts(con, [service])[service]
    return plan_pages(service, year, pages, loaded, out_dir, force, progress, document)


def plan_pages(
    service: str,
    year: int,
    pages: list[Appendix],
    loaded: list[dict],
    out_dir: Path,
    force: bool,
    progress: Callable[[str], None],
    document: bool = True,
) -> Plan:
    """Sort a service-year's `pages` (availability.pages) into up to date and to render by their
    fingerprints, and see whether its report document (unless `document` is False) is up to date;
    no query: `make reports` asks the database once for every service-year's pages and extracts."""
    target = out_dir / str(year) / service
    target.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(target)
    written = dict(manifest)  # as on disk: rewritten only when the build changed it
    data_key = fingerprint.data_fingerprint(loaded)
    code_key = fingerprint.code_fingerprint()

    result = ReportResult()
    for appendix in appendices():
        if appendix not in pages:  # nothing to show for this service and year: no page, not an empty one
            (target / f"{appendix.name}.html").unlink(missing_ok=True)
            manifest.pop(appendix.name, None)
    todo, keys = [], []
    for appendix in pages:
        html_path = target / f"{appendix.name}.html"
        key = fingerprint.page_key(code_key, data_key, service, year, appendix.path)
        keys.append((service, appendix.name, key))
        if not force and manifest.get(appendix.name) == key and html_path.exists():
            result.up_to_date.append(html_path)
            progress(f"{service} {year}: {appendix.name} is up to date ({shown(html_path)})")
        else:
            todo.append((appendix, html_path, key))
    made = Plan(service, year, target, pages, loaded, manifest, todo, result, written)
    if document:
        folders = [(service, target)]
        made.document = document_plan(service, year, target, folders, pages, keys, loaded, force, manifest)
    elif todo:  # pages alone: a document made from their old versions would be out of date
        (target / "report.html").unlink(missing_ok=True)
        manifest.pop("report", None)
    return made


def read_manifest(target: Path) -> dict:
    """The folder's manifest: each page's fingerprint when it was written (empty when there is none)."""
    path = target / MANIFEST
    return json.loads(path.read_text()) if path.exists() else {}


def write_manifest(target: Path, manifest: dict, written: dict) -> None:
    """Write the folder's manifest, unless it is there already as `written` (a no-op writes nothing)."""
    if manifest != written or not (target / MANIFEST).exists():
        write_atomic(target / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))


def document_plan(
    slug: str,
    year: int,
    target: Path,
    members: list[tuple[str, Path]],
    pages: list[Appendix],
    page_keys: list[tuple[str, str, str]],
    loaded: list[dict],
    force: bool,
    manifest: dict,
    group: Member | None = None,
) -> DocumentPlan:
    """The report document of `slug` (a service, or a group whose `members` are services), made
    from each member's pages in its folder; to be made when forced, missing or out of date (by the
    fingerprint in the folder's `manifest`)."""
    narrative = narrative_path(slug, year, sample=all(x["is_sample"] for x in loaded))
    key = document_key(fingerprint.code_fingerprint(), page_keys, narrative)
    todo = force or manifest.get("report") != key or not (target / "report.html").exists()
    named = [(Member(m, config.service(m).name), folder) for m, folder in members]
    return DocumentPlan(slug, year, target, named, pages, narrative, key, todo, group)
