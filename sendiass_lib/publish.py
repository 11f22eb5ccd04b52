"""Publishing: run each appendix notebook with papermill, export it with nbconvert, write the index.

A published notebook is one in notebooks/ whose metadata has a `sendiass` entry (title, summary,
order). Pages rebuild only when their inputs changed: the notebook, the library and its data files,
the locked dependencies, or the extracts loaded for the service. Publishing never recomputes a
number: the page shows the notebook's outputs and the database's own load records.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, availability, config, db, periods
from .availability import Appendix, appendices, years_with_data

if TYPE_CHECKING:  # imported when a page is built, not when checking what is up to date
    from jupyter_client.manager import KernelManager

TEMPLATES_DIR = config.PACKAGE_DIR / "templates"
TEMPLATE = "sendiass"
MANIFEST = ".build.json"
# Notebooks rendered at once: one kernel per core (the machines this runs on have 2 or more).
WORKERS = min(2, os.cpu_count() or 1)


class _LingeringClientFilter(logging.Filter):
    """Drop jupyter_client's note that a kernel client we started the kernel for was not closed.

    nbclient leaves a client's channels open when the kernel manager is ours (see render_appendix);
    they close at exit. Every other traitlets warning (e.g. nbconvert's missing alt text) stays.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Could not destroy zmq context")


logging.getLogger("traitlets").addFilter(_LingeringClientFilter())


class NoDataError(ValueError):
    """The service has no data for the requested year; the message names the years it has."""


@dataclass
class ReportResult:
    built: list[Path] = field(default_factory=list)
    up_to_date: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    index: Path | None = None


def check_request(con, service: str, year: int) -> None:
    """Fail with a message naming valid values when the service is unknown or has no data that year."""
    years = years_with_data(con, service)  # an unknown service fails here, naming the valid ones
    if year not in years:
        label = periods.reporting_year(config.service(service), year).long_label
        have = ", ".join(map(str, years)) if years else "none (load extracts with `make data`)"
        raise NoDataError(f"no data for {service} in {label}; years with data: {have}")


def build_report(
    service: str,
    year: int,
    db_path: Path | None = None,
    out_dir: Path | None = None,
    force: bool = False,
    progress: Callable[[str], None] = print,
) -> ReportResult:
    """Build every appendix for one service and year, plus its index page; see the module docstring."""
    db_path = Path(db_path or config.db_path()).resolve()  # the kernels run in notebooks/
    with db.connect(db_path) as con:
        plan = _plan(con, service, year, out_dir or config.OUTPUTS_DIR, force, progress)
    for job, html, error, seconds in _render_all(plan.jobs(), db_path):
        plan.store(job, html, error, seconds, progress)
    return plan.close()


@dataclass
class _Plan:
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
    page: dict = field(default_factory=dict)  # facts for the page chrome, gathered only if needed

    def jobs(self) -> list[tuple[_Plan, Appendix, Path, str]]:
        return [(self, *job) for job in self.todo]

    def store(self, job: tuple, html: str | None, error: Exception | None, seconds: float, progress) -> None:
        """Write one rendered page (or drop it, if its notebook failed) and note it in the manifest."""
        _, appendix, html_path, key = job
        if error is not None:  # a failing notebook must not stop the others
            self.result.failures.append(f"{appendix.name}: {_first_line(error)}")
            self.manifest.pop(appendix.name, None)
            html_path.unlink(missing_ok=True)  # never leave an out-of-date page to be published
            return
        _write_atomic(html_path, html)
        self.manifest[appendix.name] = key
        self.result.built.append(html_path)
        progress(f"{self.service} {self.year}: built {_rel(html_path)} ({seconds:.1f} s)")

    def close(self) -> ReportResult:
        """Write the index page (if anything changed) and the manifest; the result in page order."""
        result = self.result
        order = {p.name: i for i, p in enumerate(self.pages)}
        result.built.sort(key=lambda path: order[path.stem])
        result.failures.sort(key=lambda failure: order[failure.split(":")[0]])
        index = self.target / "index.html"
        if result.built or result.failures or not index.exists():
            done = [a for a in self.pages if (self.target / f"{a.name}.html").exists()]
            facts = self.page or _page_facts(self.service, self.year, self.extracts)
            _write_atomic(index, render_index(done, facts))
        result.index = index
        _write_atomic(self.target / MANIFEST, json.dumps(self.manifest, indent=1, sort_keys=True))
        return result


def _plan(con, service: str, year: int, out_dir: Path, force: bool, progress) -> _Plan:
    """Check the request, then sort the service-year's pages into up to date and to render."""
    check_request(con, service, year)
    extracts = _extracts(con, service)
    # check_request found involvements in the year: enough for a page that requires nothing more.
    pages = availability.pages(con, service, year)
    target = out_dir / str(year) / service
    target.mkdir(parents=True, exist_ok=True)
    manifest_path = target / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    data_key = _digest(json.dumps([[x["sha256"], x["rows_loaded"]] for x in extracts]).encode())
    code_key = _code_fingerprint()

    result = ReportResult()
    for appendix in appendices():
        if appendix not in pages:  # nothing to show for this service and year: no page, not an empty one
            (target / f"{appendix.name}.html").unlink(missing_ok=True)
            manifest.pop(appendix.name, None)
    todo = []
    for appendix in pages:
        html_path = target / f"{appendix.name}.html"
        key = _digest(f"{code_key}{data_key}{service}{year}".encode() + appendix.path.read_bytes())
        if not force and html_path.exists() and manifest.get(appendix.name) == key:
            result.up_to_date.append(html_path)
            progress(f"{service} {year}: {appendix.name} is up to date ({_rel(html_path)})")
        else:
            todo.append((appendix, html_path, key))
    plan = _Plan(service, year, target, pages, extracts, manifest, todo, result)
    if todo:
        plan.page = _page_facts(service, year, extracts)
    return plan


class Kernel:
    """A Jupyter kernel kept for several notebooks of one build, so its start-up and the notebooks'
    imports (altair, polars: ~5 s) are paid once per worker, not once per page. Each notebook runs
    after a `%reset -f`, so none can see another's variables."""

    def __init__(self) -> None:
        from jupyter_client.manager import KernelManager

        self.km = KernelManager(kernel_name=config.KERNEL_NAME)
        self._start()

    def _start(self) -> None:
        # Quiet the kernel's start-up log (a local kernel on loopback warns that TCP is unencrypted).
        self.km.start_kernel(cwd=str(config.NOTEBOOKS_DIR), extra_arguments=["--IPKernelApp.log_level=ERROR"])

    def ready(self) -> KernelManager:
        """The kernel manager, with the kernel restarted if a notebook killed it."""
        if not self.km.is_alive():
            self._start()
        return self.km

    def close(self) -> None:
        self.km.shutdown_kernel(now=True)


RESET_TAG = "sendiass-reset"


def render_appendix(
    appendix: Appendix, service: str, year: int, db_path: Path, page: dict, kernel: Kernel | None = None
) -> str:
    """Execute the notebook for service and year and export its outputs as one offline HTML page.

    With no `kernel`, one is started for this page and shut down after. It is started before
    papermill and nbconvert are imported, so it boots on one core while they load on the other.
    """
    own = kernel is None
    kernel = kernel or Kernel()
    try:
        import nbformat
        import papermill
        from nbconvert import HTMLExporter

        source = nbformat.read(appendix.path, as_version=4)
        reset = nbformat.v4.new_code_cell('get_ipython().run_line_magic("reset", "-f")')
        reset.metadata["tags"] = [RESET_TAG]
        source.cells.insert(0, reset)
        nb = papermill.execute_notebook(
            source,
            None,
            parameters={"service": service, "year": year, "db_path": str(Path(db_path).resolve())},
            kernel_name=config.KERNEL_NAME,
            progress_bar=False,
            # No `cwd`: papermill would chdir the whole process, which races with the other worker
            # thread; the kernel already runs in the notebooks folder.
            km=kernel.ready(),
        )
    finally:
        if own:
            kernel.close()
    nb.cells = [c for c in nb.cells if RESET_TAG not in c.metadata.get("tags", [])]
    facts = dict(
        page,
        title=f"{appendix.title}: {page['service_name']}, {page['period_label']}",
        heading=appendix.title,
        up_link="index.html",
    )
    exporter = HTMLExporter(
        template_name=TEMPLATE,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    html, _ = exporter.from_notebook_node(nb, resources={"sendiass": facts})
    return html


def _render_all(jobs: list[tuple], db_path: Path):
    """Render the pages of `jobs` ((plan, appendix, path, key), of one or many service-years) on up
    to WORKERS kernels at once, each kept for its share of the pages; yield (job, html, error,
    seconds) as each finishes."""
    import queue
    import threading

    if not jobs:
        return
    workers = max(1, min(WORKERS, len(jobs)))
    kernels = [Kernel() for _ in range(workers)]  # booting while papermill and nbconvert import
    waiting: queue.Queue = queue.Queue()
    for job in jobs:
        waiting.put(job)
    done: queue.Queue = queue.Queue()

    def work(kernel: Kernel) -> None:
        while True:
            try:
                job = waiting.get_nowait()
            except queue.Empty:
                return
            plan, appendix = job[0], job[1]
            started = time.perf_counter()
            try:
                html = render_appendix(appendix, plan.service, plan.year, db_path, plan.page, kernel=kernel)
                error = None
            except Exception as exc:
                html, error = None, exc
            done.put((job, html, error, time.perf_counter() - started))

    threads = [threading.Thread(target=work, args=(k,), daemon=True) for k in kernels]
    try:
        for thread in threads:
            thread.start()
        for _ in jobs:
            yield done.get()
    finally:
        for thread in threads:
            thread.join()
        for kernel in kernels:
            kernel.close()


def render_index(pages: list[Appendix], page: dict) -> str:
    """The service-year index page linking to each appendix."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR / TEMPLATE), autoescape=False)
    facts = dict(
        page,
        title=f"Report appendices: {page['service_name']}, {page['period_label']}",
        heading="Report appendices",
        up_link=None,
    )
    listing = [{"href": f"{a.name}.html", "title": a.title, "summary": a.summary} for a in pages]
    return env.get_template("listing.html.j2").render(page=facts, appendices=listing)


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
        extracts = [x for slug in wanted for x in _extracts(con, slug)]
        for slug, years in wanted.items():
            for year in years:
                try:
                    plans.append(_plan(con, slug, year, out_dir, force, progress))
                except Exception as exc:  # a report that cannot start must not stop the others
                    result.failures.append(f"{slug} {year}: {_first_line(exc)}")
    # One pool of kernels for every page of every report: start-up and imports are paid once.
    for job, html, error, seconds in _render_all([job for plan in plans for job in plan.jobs()], db_path):
        job[0].store(job, html, error, seconds, progress)
    listing = {slug: {"name": config.service(slug).name, "years": []} for slug in wanted}
    for plan in plans:
        one = plan.close()
        result.built += len(one.built)
        result.up_to_date += len(one.up_to_date)
        result.failures += [f"{plan.service} {plan.year}: {failure}" for failure in one.failures]
        pages = [a for a in appendices() if (plan.target / f"{a.name}.html").exists()]
        slug, year = plan.service, plan.year
        listing[slug]["years"].append(
            {
                "label": periods.reporting_year(config.service(slug), year).long_label,
                "href": f"{year}/{slug}/index.html",
                "pages": [{"href": f"{year}/{slug}/{a.name}.html", "title": a.title} for a in pages],
            }
        )
    result.index = out_dir / "index.html"
    # Rewritten only when what it lists or links changed (it shows when it was built).
    listed = _digest(json.dumps([list(listing.values()), extracts, _code_fingerprint()]).encode())
    stamp = out_dir / MANIFEST
    if result.built or result.failures or not result.index.exists() or _read(stamp) != listed:
        _write_atomic(result.index, render_reports_index(list(listing.values()), extracts))
        _write_atomic(stamp, listed)
    return result


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def render_reports_index(services: list[dict], extracts: list[dict]) -> str:
    """The top-level index page: each service, its years with data and their appendices."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR / TEMPLATE), autoescape=False)
    facts = {
        **_chrome(extracts),
        "service_name": "All services",
        "period_label": "every reporting year with data",
        "title": "SENDIASS annual report appendices",
        "heading": "Annual report appendices",
        "up_link": None,
    }
    return env.get_template("reports.html.j2").render(page=facts, services=services)


def _page_facts(service: str, year: int, extracts: list[dict]) -> dict:
    from .disclosure import rule

    svc = config.service(service)
    return {
        **_chrome(extracts),
        "internal": not rule(svc).on,
        "service_name": svc.name,
        "period_label": periods.reporting_year(svc, year).long_label,
    }


def _chrome(extracts: list[dict]) -> dict:
    """What every page's banner and footer say: sample or not, the extracts, when and by what."""
    return {
        "sample": any(x["is_sample"] for x in extracts),
        "extracts": extracts,
        "built_at": datetime.now().strftime("%d %b %Y %H:%M"),
        "version": __version__,
        "commit": _git_commit(),
        "css": (TEMPLATES_DIR / TEMPLATE / "sendiass.css").read_text(encoding="utf-8"),
    }


def _extracts(con, service: str) -> list[dict]:
    rows = con.execute(
        """SELECT file_name, sha256, rows_loaded, rows_rejected, is_sample FROM loads
           WHERE service = ? ORDER BY load_id""",
        [service],
    ).fetchall()
    keys = ("file_name", "sha256", "rows_loaded", "rows_rejected", "is_sample")
    return [dict(zip(keys, row, strict=True)) for row in rows]


@cache
def _code_fingerprint() -> str:
    """Hash of the library (code, data files, templates) and the locked dependency set."""
    digest = hashlib.sha256(__version__.encode())
    files = sorted(
        p
        for p in config.PACKAGE_DIR.rglob("*")
        if p.is_file() and p.suffix in {".py", ".yaml", ".j2", ".css", ".json"}
    )
    lock = config.PROJECT_ROOT / "requirements" / "lock.txt"
    for path in [*files, *([lock] if lock.exists() else [])]:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


@cache
def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=config.PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return f"{type(exc).__name__}: {lines[-1] if lines else ''}"


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def refresh_baselines(progress: Callable[[str], None] = print, names: list[str] | None = None) -> list[Path]:
    """Re-run each published notebook in place with its default parameters (nbval's baseline). Not
    the analyst's explore notebook: it is committed without outputs, which nbval only runs.

    Run against the sample database (`make baselines` sets SENDIASS_DB); timings are not recorded,
    so the only diff after a refresh is a real change in what the notebook shows.
    """
    import nbformat
    from nbclient import NotebookClient

    done = []
    for path in [a.path for a in appendices()]:
        if names and path.stem not in names:
            continue
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            kernel_name=config.KERNEL_NAME,
            record_timing=False,
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
        nb.metadata.pop("widgets", None)
        nbformat.write(nb, path)
        done.append(path)
        progress(f"refreshed {_rel(path)}")
    return done
