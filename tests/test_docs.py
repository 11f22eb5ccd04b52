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
