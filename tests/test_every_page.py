"""Every page of every service and year of the sample, built as `make reports` builds them: each page
the plan names is built, nothing else is, and no page shows an error, a warning or a traceback."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sendiass_lib import availability, config, db, groups
from tests.test_new_service import sendiass

# What a notebook cell may leave on a page: rendered tables, charts and text, never a stream
# (stderr, a printed warning) or an error output.
OUTPUT_KINDS = {"text/html", "text/markdown"}
TROUBLE = re.compile(r"Traceback|\w*(Error|Exception|Warning)\b")


@pytest.mark.slow
def test_reports_builds_every_planned_page_of_the_sample_and_none_shows_an_error(sample_db, tmp_path):
    with db.connect(sample_db) as con:
        plan = {
            Path(str(year), slug, f"{page.name}.html")
            for slug in config.services()
            for year in availability.years_with_data(con, slug)
            for page in availability.pages(con, slug, year)
        }
        together = groups.groups()
        joint = {Path(str(y), slug) for slug in together for y in availability.years_with_data(con, slug)}
    printed = sendiass(
        "reports", "--db", str(sample_db), "--out", str(tmp_path), "--force", env={**os.environ}
    )
    assert f"{len(plan)} built, 0 up to date, 0 failed" in printed
    assert len(plan) == 62  # as the README says
    built = {p.relative_to(tmp_path) for p in tmp_path.glob("*/*/*.html")}
    assert {p for p in built if p.name not in ("index.html", "report.html")} == plan
    years = {path.parent for path in plan} | joint  # and each group's years, with a joint report
    assert {p.parent for p in built if p.name == "index.html"} == years
    assert {p.parent for p in built if p.name == "report.html"} == years  # a report for each
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{path.as_posix()}"' in index for path in plan)
    for path in sorted(plan):
        html = (tmp_path / path).read_text(encoding="utf-8")
        kinds = set(re.findall(r'data-mime-type="([^"]+)"', html))
        assert kinds and kinds <= OUTPUT_KINDS, (path, kinds - OUTPUT_KINDS)
        text = re.sub(r"<style.*?</style>|<[^>]+>", " ", html, flags=re.S)
        found = TROUBLE.search(text)
        assert found is None, (path, text[max(0, found.start() - 80) : found.end() + 80])
