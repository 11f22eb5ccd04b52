"""Publishing: run each appendix notebook with papermill, export it with nbconvert, write the index.

A published notebook is one in notebooks/ whose metadata has a `sendiass` entry (title, summary,
order). Pages rebuild only when their inputs changed: the notebook, the library and its data files,
the locked dependencies, or the extracts loaded for the service. Publishing never recomputes a
number: the page shows the notebook's outputs and the database's own load records.

The modules: build (one report, or every report and the top-level index), plan (which pages of a
service-year are up to date, and recording what was built), fingerprint (what a page was built
from), kernels (the pool of Jupyter kernels), appendix (one notebook run and exported), render (the
one Jinja environment: page chrome, index pages, the report document), baselines (nbval's stored
outputs), files. The report document (report.html, one page to read and print): document_plan
(whether it is up to date), narrative_job (its narrative, rendered on the pool), document (put
together from the pages as written), fragments (a page's cells), arrange (a group's members one
after the other, what they share once), glossary.
"""

from __future__ import annotations

from ..availability import NoDataError, check_request
from .appendix import render_appendix
from .baselines import refresh_baselines
from .build import AllReportsResult, build_all, build_report
from .kernels import Kernel
from .plan import ReportResult
from .render import page_facts, render_index, render_reports_index

__all__ = [
    "AllReportsResult",
    "Kernel",
    "NoDataError",
    "ReportResult",
    "build_all",
    "build_report",
    "check_request",
    "page_facts",
    "refresh_baselines",
    "render_appendix",
    "render_index",
    "render_reports_index",
]
