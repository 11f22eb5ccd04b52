"""One appendix page: its notebook run for a service and year on a kernel (papermill), its outputs
exported as one offline HTML page (nbconvert, in the house chrome)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..availability import Appendix
from . import narrative_job
from .kernels import Kernel, run_on_pool
from .render import export_notebook

if TYPE_CHECKING:
    from nbformat import NotebookNode

RESET_TAG = "sendiass-reset"
# Each notebook starts from an empty namespace. %reset ends in a full garbage collection (~0.3 s
# in a kernel that has imported polars and altair); what survives it is frozen (gc.freeze), so the
# next page's collection looks only at what was made since: the last page's objects. Then the
# kernel holds the database open (kernels.hold).
RESET = """get_ipython().run_line_magic("reset", "-f"); __import__("gc").freeze()
__import__("sendiass_lib.publish.kernels").publish.kernels.hold({db_path!r})"""


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

        db_path = str(Path(db_path).resolve())
        source = _notebook(appendix.path)
        reset = nbformat.v4.new_code_cell(RESET.format(db_path=db_path))
        reset.metadata["tags"] = [RESET_TAG]
        source.cells.insert(0, reset)
        nb = kernel.execute(source, {"service": service, "year": year, "db_path": db_path})
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


def _notebook(path: Path) -> NotebookNode:
    """A copy of the notebook at `path`, read and checked once per build rather than once per page."""
    stat = path.stat()
    return copy.deepcopy(_read(path, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=32)
def _read(path: Path, mtime_ns: int, size: int) -> NotebookNode:
    import nbformat

    return nbformat.read(path, as_version=4)


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
