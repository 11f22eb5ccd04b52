"""The whole-year audit (suppression.py) is made from the results as counted, and every further cell
it hides is hidden on the result a page shows, and on what a page makes of that result."""

import polars as pl
import pytest
import yaml

from sendiass_lib import config, db, labels, suppression
from sendiass_lib.metrics import label_mix, mixes, national
from sendiass_lib.metrics.label_mix import COUNT, LABEL, SHARE, SHARE_OF_INVOLVEMENTS


@pytest.fixture
def wide_protection(services):
    """The sample services with a protection width of 30: a reader must not narrow a hidden count
    below 30 values, so the audit hides further cells on the sample's pages."""
    for slug in ("worcs", "herefs"):
        path = services / f"{slug}.yaml"
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        raw["disclosure"]["protection_width"] = 30
        path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    config.services.cache_clear()
    yield
    config.services.cache_clear()


def published_mix(con, service: str, year: int, table: str) -> tuple[label_mix.LabelMix, label_mix.LabelMix]:
    """The mix a page shows for a table of the plan (suppression.mix_key), and the same mix as counted."""
    _, field, start = table.split(":")
    if field == label_mix.LEVELS.name:
        return mixes.levels(con, service, year), label_mix.counted_levels(con, service, year)

    def ours(found: list[label_mix.LabelMix]) -> label_mix.LabelMix:
        [mix] = [m for m in found if m.period.start.isoformat() == start]
        return mix

    return ours(mixes.mixes(con, service, field, year)), ours(label_mix.counted(con, service, field, year))


@pytest.mark.parametrize(("service", "year"), [("worcs", 2023), ("herefs", 2023)])
def test_every_cell_the_audit_adds_is_hidden_on_the_page_with_what_is_made_of_it(
    sample_db, wide_protection, service, year
):
    with db.connect(sample_db) as con:
        plan = suppression.plan(con, service, year)
        assert plan.extra, "the width should make the audit hide further cells"
        themes = mixes.theme_trend(con, service, "reasons", year, years=1).protected().hidden
        comparison = mixes.compare_sen_types(con, service, year)
        for table, rows in plan.extra.items():
            assert table.startswith("mix:")  # on the sample, only label counts are added
            shown, counted = published_mix(con, service, year, table)
            for label in rows:
                assert label not in counted.protected().hidden  # beyond the line-by-line rule
                assert set(shown.protected().hidden[label]) == {COUNT, SHARE, SHARE_OF_INVOLVEMENTS}
                if shown.field.name == "reasons":  # its theme's share is the sum of its reasons
                    taxonomy = labels.taxonomy("reasons")
                    ours = (pl.col("list") == shown.list_name) & (pl.col("label") == label)
                    assert taxonomy.filter(ours)["theme"][0] in themes
                if shown.field.name == "sen_types":  # its need's share is the sum of its SEN types
                    code = shown.rows.filter(pl.col(LABEL) == label)["code"].item() or national.UNMAPPED_NEED
                    need = comparison.rows.filter(pl.col(national.CODE) == code)[national.NEED].item()
                    assert national.SERVICE in comparison.hidden[need]
        financial = mixes.mixes(con, service, "sen_types", year, period="financial")
        assert all(not mix.audited for mix in financial)  # the audit is of the service's own year
