"""End to end on figures worked out by hand, independent of the calibrated sample: a made-up service
(tests/fixtures/hand_worked/services/, through $SENDIASS_SERVICES_DIR) and two small extracts are
loaded with `sendiass data`; the metrics, then the pages `sendiass report` builds, must give every
figure of tests/fixtures/hand_worked/expected.yaml, each explained there row by row, and show [c]
exactly where the service's disclosure rule says."""

from __future__ import annotations

import os
import shutil
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from sendiass_lib import config, db
from sendiass_lib.metrics import blank_fields, headline, involvements, label_mix, mixes, national, quality
from tests.attack.pages import HIDDEN, Page, Table, read_page
from tests.test_new_service import sendiass

HERE = Path(__file__).parent / "fixtures" / "hand_worked"
EXPECTED = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))
SERVICE, YEAR = EXPECTED["service"], EXPECTED["year"]
BEFORE, NOW = EXPECTED["years"]
CHANGE = f"Change {BEFORE} to {NOW}"
# Each label table of expected.yaml: the page it is on and the start of its caption.
MIX_TABLES = {
    "reasons": ("reasons", "Reasons for contact, "),
    "sen_types": ("sen_types", "SEN type, "),
    "caller_type": ("contact", "Caller type, "),
    "contact_method": ("contact", "Contact method, "),
    "levels": ("contact", "Intervention level, "),
}
PAGES = {"headline", "involvements", "reasons", "sen_types", "contact", "data_quality"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(database, folder of the year's pages): the extracts in a project folder of their own, loaded
    and built by the `sendiass` command as a service would run it."""
    root = tmp_path_factory.mktemp("hand_worked")
    home = root / "project"
    shutil.copytree(HERE / "raw", home / "data" / "raw")
    (home / "notebooks").symlink_to(config.NOTEBOOKS_DIR)
    env = {**os.environ, "SENDIASS_HOME": str(home), "SENDIASS_SERVICES_DIR": str(HERE / "services")}
    db_path, out = root / f"{SERVICE}.duckdb", root / "out"
    sendiass("data", "--db", str(db_path), "--source", "raw", env=env)
    sendiass(
        "report", "--service", SERVICE, "--year", str(YEAR), "--db", str(db_path), "--out", str(out), env=env
    )
    return db_path, out / str(YEAR) / SERVICE


@pytest.fixture(scope="module")
def con(built):
    """The loaded database, read in this process with the made-up service's file."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(config, "SERVICES_DIR", HERE / "services")
        config.services.cache_clear()
        try:
            with db.connect(built[0]) as connection:
                yield connection
        finally:
            config.services.cache_clear()


def half_up(fraction: float, decimals: int) -> str:
    """A fraction as a percentage rounded half up, as expected.yaml writes it ('23.1%')."""
    exact = Decimal(str(round(fraction, 10))) * 100
    return f"{exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)}%"


def signed(fraction: float) -> str:
    """A change as expected.yaml writes it: '+200%', '-33%', '0%'."""
    return ("+" if fraction > 0 else "") + half_up(fraction, 0)


def page(built, name: str) -> Page:
    return read_page(built[1] / f"{name}.html")


def table(on: Page, caption: str) -> Table:
    [found] = [t for t in on.tables if t.caption.startswith(caption)]
    return found


def hidden(name: str, caption: str) -> dict[str, list[str]]:
    """The cells of one table expected.yaml says show [c]."""
    return EXPECTED["suppressed"].get(name, {}).get(caption, {})


# The database and the metrics ---------------------------------------------------------------------


def test_every_row_is_loaded_or_rejected_with_its_reason_and_row_number(con):
    for name, expected in EXPECTED["loads"].items():
        [(load_id, rows_in, loaded, rejected)] = con.execute(
            "SELECT load_id, rows_in, rows_loaded, rows_rejected FROM loads WHERE file_name = ?", [name]
        ).fetchall()
        assert (rows_in, loaded) == (expected["rows_in"], expected["loaded"]), name
        rows = con.execute(
            "SELECT reason, list(row_number ORDER BY row_number) FROM rejects WHERE load_id = ? GROUP BY 1",
            [load_id],
        ).fetchall()
        assert dict(rows) == expected["rejected"], name
        assert rejected == sum(map(len, expected["rejected"].values()))


def test_monthly_counts_and_changes_are_the_hand_worked_ones(con):
    result = involvements.monthly(con, SERVICE, YEAR)
    frame = result.table()
    assert frame.columns == [involvements.MONTH, BEFORE, NOW, CHANGE]
    assert frame[involvements.MONTH].to_list() == list(EXPECTED["monthly"])
    for month, before, now, change in frame.iter_rows():
        *counts, printed = EXPECTED["monthly"][month]
        assert [before, now] == counts, month
        assert ("[z]" if change is None else signed(change)) == printed, month
    assert (result.previous, result.current) == tuple(EXPECTED["monthly"]["Total"][:2])


def test_key_figures_are_the_hand_worked_ones(con):
    figures = headline.key_figures(con, SERVICE, YEAR)
    assert figures.years == [BEFORE, NOW]
    assert list(figures.rows[headline.MEASURE]) == list(EXPECTED["key_figures"])
    for measure, spec in EXPECTED["key_figures"].items():
        for label, value in zip(figures.years, spec["values"], strict=True):
            assert figures.value(measure, label) == pytest.approx(float(Fraction(str(value)))), (
                measure,
                label,
            )


@pytest.mark.parametrize("field", MIX_TABLES)
def test_each_label_table_counts_and_shares_are_the_hand_worked_ones(con, field):
    expected = EXPECTED[field]
    if field == "levels":
        mix = mixes.levels(con, SERVICE, YEAR)
    else:
        [mix] = mixes.mixes(con, SERVICE, field, YEAR)  # one list in force all year
    assert (mix.involvements, mix.recorded, mix.base) == (
        expected["involvements"],
        expected["recorded"],
        expected["base"],
    )
    for label, count, share in mix.rows.select(label_mix.LABEL, label_mix.COUNT, label_mix.SHARE).iter_rows():
        want, printed = expected["labels"].get(label, [0, "0.0%"])
        assert count == want, label
        assert share == pytest.approx(want / expected["base"]) and half_up(share, 1) == printed, label
    assert set(expected["labels"]) <= set(mix.rows[label_mix.LABEL])


def test_theme_shares_and_dfe_need_shares_are_the_hand_worked_ones(con):
    trend = mixes.theme_trend(con, SERVICE, "reasons", YEAR)
    assert trend.years == [BEFORE, NOW]
    for theme, *shares in trend.shares.iter_rows():
        for year, share in zip(trend.years, shares, strict=True):
            assert half_up(share, 1) == EXPECTED["themes"][year].get(theme, "0.0%"), (theme, year)
    comparison = mixes.compare_sen_types(con, SERVICE, YEAR)
    for code, share in comparison.rows.select(national.CODE, national.SERVICE).iter_rows():
        assert half_up(share, 1) == EXPECTED["sen_by_need"].get(code, "0.0%"), code


def test_blank_fields_are_the_hand_worked_ones(con):
    found = quality.missing(con, SERVICE, YEAR)
    assert found.involvements == EXPECTED["reasons"]["involvements"]
    rows = found.rows.select(blank_fields.FIELD, blank_fields.BLANK, blank_fields.SHARE_BLANK).iter_rows()
    got = {f: ["[z]", "[z]"] if n is None else [n, half_up(share, 1)] for f, n, share in rows}
    assert got == EXPECTED["blank_fields"]


# The pages ----------------------------------------------------------------------------------------


def test_the_pages_built_are_those_an_involvements_only_extract_feeds(built):
    assert {p.stem for p in built[1].glob("*.html")} == PAGES | {"index", "report"}


def test_the_involvements_page_shows_the_hand_worked_months_and_sentence(built):
    shown = page(built, "involvements")
    found = table(shown, "New involvements per month")
    assert found.header == [involvements.MONTH, BEFORE, NOW, CHANGE]
    hide = hidden("involvements", "New involvements per month")
    for month, cells in found.rows:
        *counts, change = EXPECTED["monthly"][month]
        want = [*(f"{n:,}" for n in counts), change]
        want = [
            HIDDEN if column in hide.get(month, []) else w
            for column, w in zip(found.header[1:], want, strict=True)
        ]
        assert cells == want, month
    assert [m for m, _ in found.rows] == list(EXPECTED["monthly"])
    assert " ".join(EXPECTED["sentence"].split()) in shown.texts


def test_the_key_figures_page_shows_the_hand_worked_figures(built):
    found = table(page(built, "headline"), "Key figures")
    assert found.header[1:] == [BEFORE, NOW]
    hide = hidden("headline", "Key figures")
    assert [m for m, _ in found.rows] == list(EXPECTED["key_figures"])
    for measure, cells in found.rows:
        spec = EXPECTED["key_figures"][measure]
        want = spec.get("printed") or [f"{n:,}" for n in spec["values"]]
        assert cells == [
            HIDDEN if y in hide.get(measure, []) else w for y, w in zip(found.header[1:], want, strict=True)
        ]


@pytest.mark.parametrize("field", MIX_TABLES)
def test_each_label_table_on_its_page_shows_the_hand_worked_counts_and_shares(built, field):
    name, caption = MIX_TABLES[field]
    found = table(page(built, name), caption)
    assert found.header[1:] == ["Involvements", "Percentage"]
    for label, cells in found.rows:
        count, share = EXPECTED[field]["labels"].get(label, [0, "0.0%"])
        assert cells == [f"{count:,}", share], label
    assert set(EXPECTED[field]["labels"]) <= {label for label, _ in found.rows}


def test_the_theme_and_dfe_need_tables_show_the_hand_worked_shares(built):
    themes = table(page(built, "reasons"), "Reasons for contact by theme")
    assert themes.header[1:] == [BEFORE, NOW]
    for theme, cells in themes.rows:
        assert cells == [EXPECTED["themes"][y].get(theme, "0.0%") for y in (BEFORE, NOW)], theme
    needs = table(page(built, "sen_types"), "SEN types by DfE primary need")
    column = needs.column(national.SERVICE)
    for need, cells in needs.rows:
        code = need.rsplit("(", 1)[1].rstrip(")")
        assert cells[column] == EXPECTED["sen_by_need"].get(code, "0.0%"), need


def test_the_contact_page_says_the_extracts_have_no_where_heard_column(built):
    assert EXPECTED["absent_column"] in page(built, "contact").texts


def test_the_data_quality_page_shows_the_hand_worked_loads_rejects_and_blanks(built):
    shown = page(built, "data_quality")
    loads = table(shown, "Extracts loaded, all years")
    assert loads.rows == [
        (name, ["involvements", str(x["rows_in"]), str(x["loaded"]), str(x["rows_in"] - x["loaded"])])
        for name, x in EXPECTED["loads"].items()
    ]
    rejected = table(shown, "Rejected rows by reason")
    reasons = {r: len(rows) for x in EXPECTED["loads"].values() for r, rows in x["rejected"].items()}
    assert rejected.rows == [(r, ["involvements", str(n)]) for r, n in sorted(reasons.items())]
    blanks = table(shown, "Blank fields")
    got = {field: cells[:2] for field, cells in blanks.rows}
    assert got == {
        f: [str(b) if isinstance(b, int) else b, s] for f, (b, s) in EXPECTED["blank_fields"].items()
    }


def test_only_the_cells_the_rule_hides_show_c_on_any_page(built):
    for name in sorted(PAGES):
        found = {}
        for shown in page(built, name).tables:
            for row, cells in shown.rows:
                columns = [h for h, cell in zip(shown.header[1:], cells, strict=True) if cell == HIDDEN]
                if columns:
                    found.setdefault(shown.caption, {})[row] = columns
        expected = {
            table(page(built, name), start).caption: rows
            for start, rows in EXPECTED["suppressed"].get(name, {}).items()
        }
        assert found == expected, name
