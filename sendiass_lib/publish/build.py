"""Building reports: one service-year's appendices, report and index (or a group's joint report), or
every service and year with data and every group's on one pool of kernels, plus the top-level
outputs/index.html. A failing page never stops the others."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import config, db, groups, periods
from ..availability import appendices, pages_of, years_by_service, years_with_data
from .appendix import render_all
from .files import read_or_none, write_atomic
from .fingerprint import code_fingerprint, digest
from .group_plan import plan_group
from .plan import MANIFEST, ReportResult, extracts, first_line, plan, plan_pages
from .render import render_reports_index


def build_report(
    service: str,
    year: int,
    db_path: Path | None = None,
    out_dir: Path | None = None,
    force: bool = False,
    progress: Callable[[str], None] = print,
    document: bool = True,
) -> ReportResult:
    """Build every appendix for one service and year that is not up to date, its report document
    (report.html; not with `document` False) and its index page. For a group (groups.py): each
    member's, then the group's joint report and index page."""
    db_path = Path(db_path or config.db_path()).resolve()  # the kernels run in notebooks/
    out_dir = out_dir or config.OUTPUTS_DIR
    group = groups.group(service)
    with db.connect(db_path) as con:
        joint = plan_group(con, group, year, out_dir, force) if group and document else None
        members = group.members if group else (service,)
        made = [plan(con, m, year, out_dir, force, progress, document) for m in members]
    jobs = [job for one in made for job in one.jobs()] + (joint.jobs() if joint else [])
    for job, html, error, seconds in render_all(jobs, db_path):
        job[0].store(job, html, error, seconds, progress)
    done = [one.close(progress) for one in made]
    if not group:
        return done[0]
    result = ReportResult(
        built=[path for one in done for path in one.built],
        up_to_date=[path for one in done for path in one.up_to_date],
        failures=[f"{m} {failure}" for m, one in zip(members, done, strict=True) for failure in one.failures],
    )
    if joint:
        own = joint.close(done, progress)
        result.failures += [f"{group.slug} {failure}" for failure in own.failures]
        result.index, result.document, result.document_made = own.index, own.document, own.document_made
    return result


@dataclass
class AllReportsResult:
    """What `build_all` did: pages built and up to date, every failure, the top-level index."""

    built: int = 0
    up_to_date: int = 0
    failures: list[str] = field(default_factory=list)
    index: Path | None = None
    documents: int = 0  # report documents there after the build (services' and groups')
    planning: float = 0.0  # seconds spent before the first page rendered: what to build, what is up to date


def build_all(
    db_path: Path | None = None,
    out_dir: Path | None = None,
    force: bool = False,
    progress: Callable[[str], None] = print,
    latest: bool = False,
) -> AllReportsResult:
    """Build every service and year that has data, with its report, and every group's joint report
    for the years all its members have data (with `latest`, only each one's latest such year), all
    pages and narratives on one pool of kernels, one per core; collect every failure rather than
    stopping at the first, and write outputs/index.html (it lists too the years built before)."""
    started = time.perf_counter()
    db_path = Path(db_path or config.db_path()).resolve()
    out_dir = out_dir or config.OUTPUTS_DIR
    result = AllReportsResult()
    plans, joints = [], []
    together = groups.groups()
    services = list(config.services())
    with db.connect(db_path) as con:  # a fixed few queries, whatever the number of service-years
        wanted = years_by_service(con, services)
        wanted |= {slug: years_with_data(con, slug) for slug in together}
        asked = {slug: years[-1:] if latest else years for slug, years in wanted.items()}
        for slug, group in together.items():  # a joint report is made from its members' pages
            for member in group.members:
                asked[member] = sorted({*asked[member], *asked[slug]})
        found = extracts(con, services)
        pages = pages_of(con, {slug: asked[slug] for slug in services})
        for slug in services:
            for year in asked[slug]:
                try:
                    plans.append(
                        plan_pages(slug, year, pages[(slug, year)], found[slug], out_dir, force, progress)
                    )
                except Exception as exc:  # a report that cannot start must not stop the others
                    result.failures.append(f"{slug} {year}: {first_line(exc)}")
        for slug, group in together.items():
            for year in asked[slug]:
                try:
                    joints.append(plan_group(con, group, year, out_dir, force))
                except Exception as exc:
                    result.failures.append(f"{slug} {year}: {first_line(exc)}")
    # One pool of kernels for every page of every report: start-up and imports are paid once.
    jobs = [job for one in [*plans, *joints] for job in one.jobs()]
    result.planning = time.perf_counter() - started
    _render(jobs, plans, joints, db_path, progress, result)
    result.documents = len(list(out_dir.glob("*/*/report.html")))
    result.index = out_dir / "index.html"
    planned = {(one.service, one.year) for one in [*plans, *joints]}
    listing = []
    for slug, years in wanted.items():
        name = group.name if (group := together.get(slug)) else config.service(slug).name
        # A year not asked for this time is listed when its pages are there from a build before.
        kept = [
            y for y in years if (slug, y) in planned or (y not in asked[slug] and _built(out_dir, slug, y))
        ]
        listing.append({"name": name, "years": [_listed(slug, y, out_dir / str(y) / slug) for y in kept]})
    # Rewritten only when what it lists or links changed (it shows when it was built).
    loaded = [x for slug in services for x in found[slug]]
    listed = digest(json.dumps([listing, loaded, code_fingerprint()]).encode())
    stamp = out_dir / MANIFEST
    if result.built or result.failures or not result.index.exists() or read_or_none(stamp) != listed:
        write_atomic(result.index, render_reports_index(listing, loaded))
        write_atomic(stamp, listed)
    return result


def _render(
    jobs: list[tuple], plans: list, joints: list, db_path: Path, progress, result: AllReportsResult
) -> None:
    """Render the jobs on the pool; make each service-year's report and index as soon as its last
    page is in (while the others render), then each group's; add what was done to `result`."""
    left, own = Counter(id(job[0]) for job in jobs), {id(one) for one in plans}
    closed = {}
    for job, html, error, seconds in render_all(jobs, db_path):
        job[0].store(job, html, error, seconds, progress)
        left[id(job[0])] -= 1
        if id(job[0]) in own and not left[id(job[0])]:
            closed[id(job[0])] = job[0].close(progress)
    by_year = {}
    for one in plans:
        done = closed[id(one)] if id(one) in closed else one.close(progress)
        by_year[(one.service, one.year)] = done
        result.built += len(done.built)
        result.up_to_date += len(done.up_to_date)
        result.failures += [f"{one.service} {one.year}: {failure}" for failure in done.failures]
    for joint in joints:
        done = joint.close([by_year[(m, joint.year)] for m in joint.group.members], progress)
        result.failures += [f"{joint.group.slug} {joint.year}: {failure}" for failure in done.failures]


def _built(out_dir: Path, slug: str, year: int) -> bool:
    """Whether a build before left the service-year's (or group-year's) index page in `out_dir`."""
    return (out_dir / str(year) / slug / "index.html").exists()


def _listed(slug: str, year: int, target: Path) -> dict:
    """A service-year's entry on the top-level index: its period, index page, report and the pages
    built; a group-year's: each member's index page instead of pages."""
    group = groups.group(slug)
    first = config.service(group.members[0] if group else slug)
    entry = {
        "label": periods.reporting_year(first, year).long_label,
        "href": f"{year}/{slug}/index.html",
        "report": f"{year}/{slug}/report.html" if (target / "report.html").exists() else None,
    }
    if group:
        members = [{"href": f"{year}/{m}/index.html", "title": config.service(m).name} for m in group.members]
        return {**entry, "pages": [], "members": members}
    pages = [a for a in appendices() if (target / f"{a.name}.html").exists()]
    return {**entry, "pages": [{"href": f"{year}/{slug}/{a.name}.html", "title": a.title} for a in pages]}
