"""Building reports: one service-year's appendices and index, or every service and year with data
on one pool of kernels plus the top-level outputs/index.html. A failing page never stops the others."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import config, db, periods
from ..availability import appendices, years_with_data
from .appendix import render_all
from .files import read_or_none, write_atomic
from .fingerprint import code_fingerprint, digest
from .plan import MANIFEST, ReportResult, extracts, first_line, plan
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
    (report.html; not with `document` False) and its index page."""
    db_path = Path(db_path or config.db_path()).resolve()  # the kernels run in notebooks/
    with db.connect(db_path) as con:
        made = plan(con, service, year, out_dir or config.OUTPUTS_DIR, force, progress, document)
    for job, html, error, seconds in render_all(made.jobs(), db_path):
        made.store(job, html, error, seconds, progress)
    return made.close(progress)


@dataclass
class AllReportsResult:
    """What `build_all` did: pages built and up to date, every failure, the top-level index."""

    built: int = 0
    up_to_date: int = 0
    failures: list[str] = field(default_factory=list)
    index: Path | None = None


def build_all(
    db_path: Path | None = None,
    out_dir: Path | None = None,
    force: bool = False,
    progress: Callable[[str], None] = print,
) -> AllReportsResult:
    """Build every service and year that has data (all pages on one pool of kernels, one per core), collect
    every failure rather than stopping at the first, and write the top-level outputs/index.html."""
    db_path = Path(db_path or config.db_path()).resolve()
    out_dir = out_dir or config.OUTPUTS_DIR
    result = AllReportsResult()
    plans = []
    with db.connect(db_path) as con:
        wanted = {slug: years_with_data(con, slug) for slug in config.services()}
        loaded = [x for slug in wanted for x in extracts(con, slug)]
        for slug, years in wanted.items():
            for year in years:
                try:
                    plans.append(plan(con, slug, year, out_dir, force, progress))
                except Exception as exc:  # a report that cannot start must not stop the others
                    result.failures.append(f"{slug} {year}: {first_line(exc)}")
    # One pool of kernels for every page of every report: start-up and imports are paid once.
    for job, html, error, seconds in render_all([job for one in plans for job in one.jobs()], db_path):
        job[0].store(job, html, error, seconds, progress)
    listing = {slug: {"name": config.service(slug).name, "years": []} for slug in wanted}
    for one in plans:
        done = one.close(progress)
        result.built += len(done.built)
        result.up_to_date += len(done.up_to_date)
        result.failures += [f"{one.service} {one.year}: {failure}" for failure in done.failures]
        listing[one.service]["years"].append(_listed(one.service, one.year, one.target))
    result.index = out_dir / "index.html"
    # Rewritten only when what it lists or links changed (it shows when it was built).
    listed = digest(json.dumps([list(listing.values()), loaded, code_fingerprint()]).encode())
    stamp = out_dir / MANIFEST
    if result.built or result.failures or not result.index.exists() or read_or_none(stamp) != listed:
        write_atomic(result.index, render_reports_index(list(listing.values()), loaded))
        write_atomic(stamp, listed)
    return result


def _listed(slug: str, year: int, target: Path) -> dict:
    """A service-year's entry on the top-level index: its period, index page and the pages built."""
    pages = [a for a in appendices() if (target / f"{a.name}.html").exists()]
    return {
        "label": periods.reporting_year(config.service(slug), year).long_label,
        "href": f"{year}/{slug}/index.html",
        "report": f"{year}/{slug}/report.html" if (target / "report.html").exists() else None,
        "pages": [{"href": f"{year}/{slug}/{a.name}.html", "title": a.title} for a in pages],
    }
