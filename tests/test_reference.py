"""The appendices' metrics reproduce the published tables from the sample, to the printed precision.

The figures are the tests' one copy (tests/fixtures/published/, read by tests/published.py). Where a
printed table is internally inconsistent, the fixture says which other base reproduces it, and the test
checks that.
"""

from datetime import date

import pytest

from sendiass_lib import db, formatting
from sendiass_lib.metrics import label_mix, mixes
from tests import published
from tests.test_sample_mixes import canonical

MIX_TABLES = published.section("label_mixes")


def as_printed(fraction: float | None, decimals: int) -> float | None:
    return None if fraction is None else float(formatting.percent(fraction, decimals).rstrip("%"))


def mix_for(con, table: dict) -> label_mix.LabelMix:
    start, end = (date.fromisoformat(d) for d in table["period"])
    found = [
        m for m in mixes.mixes(con, table["service"], table["field"], start.year) if m.period.start == start
    ]
    assert len(found) == 1 and found[0].period.end == end, [m.period for m in found]
    return found[0]


@pytest.mark.parametrize("table", MIX_TABLES, ids=[t["id"] for t in MIX_TABLES])
def test_label_mix_reproduces_the_published_table(sample_db, table):
    owner = next((t for t in MIX_TABLES if t["id"] == table.get("part_of")), table)
    breakdown = next((t for t in MIX_TABLES if t.get("part_of") == table["id"]), None)
    names = canonical(table)
    with db.connect(sample_db) as con:
        mix = mix_for(con, owner)
    column = label_mix.SHARE_OF_INVOLVEMENTS if owner["base"] == "involvements" else label_mix.SHARE
    shares = dict(zip(mix.rows[label_mix.LABEL], mix.rows[column], strict=True))
    got = {}
    for label in table["rows"]:
        if label == table.get("not_recorded"):
            got[label] = as_printed(mix.not_recorded / mix.involvements, table["decimals"])
        elif label == "Other" and breakdown:  # the printed "Other" is the sum of its breakdown
            parts = set(canonical(breakdown).values())
            got[label] = as_printed(sum(shares[p] for p in parts), table["decimals"])
        else:
            got[label] = as_printed(shares[names[label]], table["decimals"])
    assert got == table["rows"]


def test_shares_of_labels_sum_to_one_for_every_mix(sample_db):
    with db.connect(sample_db) as con:
        for table in MIX_TABLES:
            mix = mix_for(con, table)
            assert mix.rows[label_mix.SHARE].sum() == pytest.approx(1.0), table["id"]


@pytest.mark.parametrize("table_id", ["herefs_intervention_levels", "worcs_intervention_levels"])
def test_intervention_levels_reproduce_the_published_2024_percentages(sample_db, table_id):
    table = published.table(table_id)
    with db.connect(sample_db) as con:
        mix = mixes.levels(con, table["service"], table["year"])
    assert [as_printed(share, 0) for share in mix.rows[label_mix.SHARE]] == table["percent"]
    assert mix.rows[label_mix.LABEL].to_list() == ["Level 1", "Level 2", "Level 3", "Level 4"]


def test_a_reason_alias_added_to_the_data_file_changes_the_appendix_with_no_code_change(
    tmp_path, con, monkeypatch
):
    import shutil

    from sendiass_lib import labels
    from sendiass_lib.ingest.load import load_file
    from tests.conftest import write_extract

    extract = write_extract(
        tmp_path,
        "involvements.csv",
        [["A1", "05/05/2024", "Appeal to tribunal"]],
        header=["Case Ref", "Date Opened", "Reasons"],
    )
    load_file(con, extract, "worcs", "involvements")
    [mix] = [m for m in mixes.mixes(con, "worcs", "reasons", 2024) if m.period.start == date(2024, 4, 1)]
    assert mix.share(labels.UNMAPPED) == 1.0 and mix.share("Tribunal Information") == 0.0

    folder = tmp_path / "taxonomies"
    shutil.copytree(labels.TAXONOMY_DIR, folder)
    text = (folder / "reasons.yaml").read_text()
    (folder / "reasons.yaml").write_text(
        text.replace(
            "{label: Tribunal Information,", "{label: Tribunal Information, aliases: [Appeal to tribunal],"
        )
    )
    monkeypatch.setattr(labels, "TAXONOMY_DIR", folder)
    labels.taxonomy.cache_clear()
    try:
        con.execute("DELETE FROM involvement_labels; DELETE FROM involvements; DELETE FROM loads")
        load_file(con, extract, "worcs", "involvements")
        [mix] = [m for m in mixes.mixes(con, "worcs", "reasons", 2024) if m.period.start == date(2024, 4, 1)]
        assert mix.share("Tribunal Information") == 1.0 and mix.share(labels.UNMAPPED) is None
    finally:
        labels.taxonomy.cache_clear()


# FTE advisers by YEAR, as the cases-per-FTE table prints them ("2021-2022" is YEAR 2021).
FTE = {
    int(row["label"][:4]): row["values"]["FTE Advisers"]
    for row in published.table("bucks_cases_per_fte")["rows"]
}


@pytest.mark.parametrize("year", sorted(published.table("bucks_headline")["years"]))
def test_bucks_key_figures_reproduce_the_published_headline(sample_db, year):
    from sendiass_lib.metrics import headline

    printed = published.table("bucks_headline")["years"][year]
    with db.connect(sample_db) as con:
        figures = headline.key_figures(con, "bucks", year)
    assert {measure: figures.value(measure) for measure in printed} == printed
    assert figures.value(headline.FTE) == FTE[year]
