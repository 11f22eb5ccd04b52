"""The examples in docs/*.md run against the sample database and print what the docs say."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

DOCS = sorted((Path(__file__).parent.parent / "docs").glob("*.md"))


@pytest.mark.parametrize("page", DOCS, ids=[p.name for p in DOCS])
def test_documented_examples_run_and_print_what_the_page_says(page, sample_db, monkeypatch):
    monkeypatch.setenv("SENDIASS_DB", str(sample_db))
    failures, _ = doctest.testfile(
        str(page),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
    )
    assert failures == 0, f"{page.name}: {failures} example(s) do not print what the page says"


def test_the_api_page_has_examples_for_each_part_of_the_library():
    text = (Path(__file__).parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    for used in ("connect()", "periods.", "mixes.", "headline.", "disclosure.", "charts.", "tables."):
        assert ">>> " in text and used in text, used


def test_the_connection_still_answers_sql_after_every_metric(sample_db):
    # DuckDB 2.0 refuses con.sql() while an earlier result is only partly fetched, so a metric that
    # stopped at fetchone() would break an analyst's next query in the explore notebook.
    from sendiass_lib import connect
    from sendiass_lib.metrics import (
        differences,
        digital,
        evaluations,
        figures,
        headline,
        involvements,
        mixes,
        quality,
        training,
        training_evaluations,
        tribunals,
        youtube,
    )

    with connect(sample_db) as con:
        calls = [
            lambda: involvements.monthly(con, "worcs", 2024),
            lambda: mixes.mixes(con, "worcs", "reasons", 2024),
            lambda: mixes.levels(con, "worcs", 2024),
            lambda: mixes.theme_trend(con, "worcs", "reasons", 2024),
            lambda: headline.key_figures(con, "bucks", 2021),
            lambda: evaluations.evaluations(con, "worcs", 2024),
            lambda: training.attendance(con, "worcs", 2024),
            lambda: training_evaluations.joint_evaluations(con, "worcs", 2024),
            lambda: digital.channels(con, "worcs", 2024),
            lambda: youtube.youtube_views(con, "worcs", 2024),
            lambda: figures.figures(con, "bucks", 2021),
            lambda: tribunals.avoidance_estimate(con, "worcs", 2024),
            lambda: quality.missing(con, "worcs", 2024),
            lambda: quality.unmapped(con, "worcs", 2024),
            lambda: quality.dropped_columns(con, "worcs"),
            lambda: differences.differences(con, "worcs", 2024),
        ]
        for call in calls:
            call()
            assert con.sql("SELECT 42").fetchall() == [(42,)]
