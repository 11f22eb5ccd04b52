"""A report's narrative, rendered on a kernel of the pool that renders its appendices.

The narrative's figures come from the same metric results as the appendices (narrative/sources.py),
and the kernel that has just run the appendices of a service-year has the libraries imported and
the year's disclosure plan made (suppression.py keeps one per process): rendering the narrative
there costs a fraction of what a fresh process pays for the imports and the audit again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .kernels import Kernel


class NarrativeFailed(RuntimeError):
    """The narrative could not be rendered: the error's type and message, every line of it."""


def render_narrative(slug: str, year: int, db_path: Path, path: Path, kernel: Kernel) -> str:
    """The narrative at `path` for a service (or group) and year as an HTML fragment, rendered on
    `kernel`; NarrativeFailed carries the engine's message (each problem with its file and line)."""
    import nbformat
    import papermill

    call = f"narrative_html({slug!r}, {year!r}, {str(db_path)!r}, {str(path)!r})"
    code = f"from sendiass_lib.publish.narrative_job import narrative_html\nprint({call}, end='')"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    try:
        done = kernel.execute(notebook)
    except papermill.PapermillExecutionError as exc:
        raise NarrativeFailed(f"{exc.ename}: {exc.evalue}") from None
    outputs = done.cells[0].outputs
    return "".join(out.get("text", "") for out in outputs if out.get("name") == "stdout")


def narrative_html(slug: str, year: int, db_path: str, path: str) -> str:
    """Run in the kernel: the narrative rendered from the database at `db_path`."""
    from .. import db
    from ..narrative import render

    with db.connect(Path(db_path)) as con:
        return render.render(con, slug, year, Path(path))
