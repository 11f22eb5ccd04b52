"""One appendix page: its notebook run for a service and year on a kernel (papermill), its outputs
exported as one offline HTML page (nbconvert, in the house chrome)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..availability import Appendix
from . import narrative_job
from .kernels import Kernel, run_on_pool
from .render import export_notebook


def render_appendix(
    appendix: Appendix, service: str, year: int, db_path: Path, page: dict, kernel: Kernel | None = None
) -> str:
    """Execute the notebook for service and year and export its outputs as one offline HTML page.

    With no `kernel`, one is started for this page and shut down after. It boots on one core while
    papermill loads on the other (Kernel.client).
    """
    own = kernel is None
    kernel = kernel or Kernel()
    try:
        db_path = str(Path(db_path).resolve())
        kernel.reset(db_path)  # none of the page before is left
        nb = kernel.execute(appendix.path, {"service": service, "year": year, "db_path": db_path})
    finally:
        if own:
            kernel.close()
    facts = dict(
        page,
        title=f"{appendix.title}: {page['service_name']}, {page['period_label']}",
        heading=appendix.title,
        up_link="index.html",
    )
    return export_notebook(nb, facts)


def render_all(
    jobs: list[tuple], db_path: Path
) -> Iterator[tuple[tuple, str | None, Exception | None, float]]:
    """Render the pages of `jobs` ((plan, appendix, path, key), of one or many service-years) on the
    kernel pool, and the narratives of their report documents (appendix None, path the narrative's
    file); yield (job, html, error, seconds) as each finishes. A service-year's pages and narrative
    go to one kernel, one after the other (kernels.run_on_pool)."""

    def run(job: tuple, kernel: Kernel) -> str:
        plan, appendix = job[0], job[1]
        if appendix is None:
            return narrative_job.render_narrative(plan.service, plan.year, db_path, job[2], kernel)
        return render_appendix(appendix, plan.service, plan.year, db_path, plan.facts(), kernel=kernel)

    yield from run_on_pool(jobs, run, together=lambda job: id(job[0]))
