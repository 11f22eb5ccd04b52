"""One appendix page: its notebook run for a service and year on a kernel (papermill), its outputs
exported as one offline HTML page (nbconvert, in the house chrome)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .. import config
from ..availability import Appendix
from . import narrative_job
from .kernels import Kernel, run_on_pool
from .render import export_notebook

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
    return export_notebook(nb, facts)


def render_all(
    jobs: list[tuple], db_path: Path
) -> Iterator[tuple[tuple, str | None, Exception | None, float]]:
    """Render the pages of `jobs` ((plan, appendix, path, key), of one or many service-years) on the
    kernel pool, and the narratives of their report documents (appendix None, path the narrative's
    file); yield (job, html, error, seconds) as each finishes."""

    def run(job: tuple, kernel: Kernel) -> str:
        plan, appendix = job[0], job[1]
        if appendix is None:
            return narrative_job.render_narrative(plan.service, plan.year, db_path, job[2], kernel)
        return render_appendix(appendix, plan.service, plan.year, db_path, plan.page, kernel=kernel)

    yield from run_on_pool(jobs, run)
