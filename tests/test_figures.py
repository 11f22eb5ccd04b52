"""Service figures (funding, staffing, standards, tribunals, volunteers): the `figures` extract kind,
the metric on small data worked out by hand, and the published tables reproduced from the sample."""

import re
from datetime import date

import pytest

from sendiass_lib import db
from sendiass_lib.availability import has_data
from sendiass_lib.ingest.build import kind_of
from sendiass_lib.ingest.load import load_file
from sendiass_lib.metrics import figures
from sendiass_lib.views import figures as view
from tests import published
from tests.conftest import write_extract

PUBLISHED = published.section("service_figures")
TODAY = date(2025, 1, 1)
HEADER = ["Year", "As At", "Scope", "Table", "Line", "Row", "Column", "Value", "Text", "Out Of", "Unit"]


def figure(con, service, year, table, row, value=None, column=None, line=None, unit=None, **kw):
    con.execute(
        """INSERT INTO service_figures (service, year, as_at, scope, table_name, line, row_label,
                                        column_label, value, text, out_of, unit, load_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)""",
        [
            *(service, year, kw.get("as_at"), kw.get("scope"), table, line, row, column, value),
            *(kw.get("text"), kw.get("out_of"), unit),
        ],
    )


# Metric, by hand ---------------------------------------------------------------------------------


def test_by_year_table_has_the_selected_and_earlier_years_and_exact_totals(con):
    figure(con, "bucks", 2019, "Funding", "Core", 100, line=1, unit="GBP")
    figure(con, "bucks", 2020, "Funding", "Core", 110, line=1, unit="GBP")
    figure(con, "bucks", 2020, "Funding", "Grant", 0.1, line=2, unit="GBP")
    figure(con, "bucks", 2021, "Funding", "Core", 120.2, line=1, unit="GBP")
    figure(con, "bucks", 2022, "Funding", "Core", 999, line=1, unit="GBP")  # after the year: not shown
    result = figures.figures(con, "bucks", 2020)
    (funding,) = result.tables
    assert funding.by_year and funding.columns == ["2019/20", "2020/21"] and funding.years == [2019, 2020]
    assert funding.rows["Label"].to_list() == ["Core", "Grant"]
    assert funding.value("Grant", "2019/20") is None
    assert funding.totals == {"2019/20": 100.0, "2020/21": 110.1}
    assert (
        view.headline(result).data == "Funding in 2020/21 totalled £110.10, 10% more than in 2019/20 (£100)."
    )


def test_a_year_with_no_figure_of_a_table_does_not_show_it(con):
    figure(con, "bucks", 2019, "Funding", "Core", 100, unit="GBP")
    assert figures.figures(con, "bucks", 2020).tables == []
    assert view.headline(figures.figures(con, "bucks", 2020)).data.startswith("No service figures are loaded")


def test_standards_met_and_counts_are_never_added_up(con):
    for section, met, of in (("1. Governance", 6, 8), ("2. Strategy", 3, 3)):
        figure(con, "bucks", 2021, "Standards", section, met, out_of=of, unit="standards met")
    figure(con, "bucks", 2021, "Tribunals", "Advice", 121, unit="count")
    figure(con, "bucks", 2021, "Tribunals", "Mediations", 7, unit="count")
    result = figures.figures(con, "bucks", 2021)
    assert [t.totals for t in result.tables] == [{}, {}]
    cells = view.cells(result.get("Standards"))
    assert cells["2021/22"].to_list() == ["6 of 8", "3 of 3"]


def test_grid_table_keeps_repeated_labels_in_line_order_and_adds_up_fte_only(con):
    rows = [
        (3, "Adviser", 0.23, "3 years"),
        (1, "Team Leader", 0.85, "16 years"),
        (2, "Adviser", 0.42, "1 year"),
    ]
    for line, post, fte, years in rows:
        figure(
            con,
            "bucks",
            2021,
            "Staff",
            post,
            fte,
            column="FTE",
            line=line,
            unit="FTE",
            as_at=date(2022, 3, 31),
        )
        figure(con, "bucks", 2021, "Staff", post, column="Experience", line=line, text=years)
    (staff,) = figures.figures(con, "bucks", 2021).tables
    assert not staff.by_year and staff.columns == ["FTE", "Experience"]
    assert staff.rows["Label"].to_list() == ["Team Leader", "Adviser", "Adviser"]
    assert [staff.value("Adviser", "FTE", i) for i in (0, 1)] == [0.42, 0.23]
    assert staff.totals == {"FTE": 1.5}  # 0.85 + 0.42 + 0.23, exactly
    assert staff.not_totalled() == ["Experience"] and staff.as_at == date(2022, 3, 31)
    assert view.cells(staff).row(-1) == ("Total", "1.50", "[x]")  # the page shows [z] there instead


def test_joint_rows_name_the_services_that_share_them(con):
    for service, own in (("worcs", "Worcestershire"), ("herefs", "Herefordshire")):
        figure(con, service, 2024, "Team", "Advisors", 1.0, column=own, line=1, unit="FTE", scope=service)
        figure(con, service, 2024, "Team", "Manager", 0.95, column="Joint", line=2, unit="FTE", scope="joint")
    (team,) = figures.figures(con, "worcs", 2024).tables
    assert team.columns == ["Worcestershire", "Joint"] and team.totals == {
        "Worcestershire": 1.0,
        "Joint": 0.95,
    }
    assert team.joint_rows == ["Manager"] and team.shared_with == ["Herefordshire"]
    assert "shared with Herefordshire" in view.note(team)


def test_has_data_by_year_column(con):
    figure(con, "bucks", 2021, "Funding", "Core", 1, unit="GBP")
    requires = {"table": "service_figures", "year": "year"}
    assert has_data(con, "bucks", 2021, requires)
    assert not has_data(con, "bucks", 2020, requires)
    assert not has_data(con, "worcs", 2021, requires)


# Loader -----------------------------------------------------------------------------------------


def test_figures_file_loads_and_bad_cells_are_rejected_with_a_reason(tmp_path, con):
    rows = [
        ["2021/22", "", "", "Funding", "1", "Core funding", "", '"£111,552"', "", "", "GBP"],
        ["2021-2022", "31/03/2022", "", "Staff", "1", "Adviser", "FTE", "0.54", "", "", "FTE"],
        ["2021", "31/03/2022", "", "Staff", "1", "Adviser", "Funding source", "", "BC", "", ""],
        ["2021/22", "", "", "Funding", "", "Total", "", "111552", "", "", "GBP"],
        ["2021/22", "", "", "Staff", "2", "Adviser", "FTE", "0.4 FTE", "", "", "FTE"],
        ["2021/23", "", "", "Funding", "2", "Grant", "", "10", "", "", "GBP"],
        ["2021/22", "", "", "Funding", "3", "Grant", "", "", "", "", "GBP"],
    ]
    path = write_extract(tmp_path, "figures_2021.csv", rows, header=HEADER)
    assert kind_of(path) == "figures"
    result = load_file(con, path, "bucks", "figures", today=TODAY)
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (7, 3, 4)
    rejects = con.execute("SELECT row_number, reason, detail FROM rejects ORDER BY row_number").fetchall()
    assert rejects == [
        (4, "total_row", "footer row"),
        (5, "bad_number", "Value: '0.4 FTE'"),
        (6, "bad_date", "Year: '2021/23'"),
        (7, "missing_required", "Value and Text are both empty"),
    ]
    stored = con.execute(
        "SELECT year, row_label, column_label, value::DOUBLE, text FROM service_figures ORDER BY rowid"
    ).fetchall()
    assert stored == [
        (2021, "Core funding", None, 111552.0, None),
        (2021, "Adviser", "FTE", 0.54, None),
        (2021, "Adviser", "Funding source", None, "BC"),
    ]
    again = load_file(con, path, "bucks", "figures", today=TODAY)
    assert again.already_loaded
    assert con.execute("SELECT count(*) FROM loads").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM service_figures").fetchone()[0] == 3


def test_a_later_file_replaces_figures_with_the_same_key(tmp_path, con):
    first = write_extract(
        tmp_path,
        "figures_a.csv",
        [["2021/22", "", "", "Funding", "1", "Core", "", "1", "", "", ""]],
        header=HEADER,
    )
    second = write_extract(
        tmp_path,
        "figures_b.csv",
        [["2021", "", "", "Funding", "1", "Core", "", "2", "", "", ""]],
        header=HEADER,
    )
    load_file(con, first, "bucks", "figures", today=TODAY)
    load_file(con, second, "bucks", "figures", today=TODAY)
    assert con.execute("SELECT value::DOUBLE FROM service_figures").fetchall() == [(2.0,)]


# The published tables, from the sample ------------------------------------------------------------


def _ours(year_label: str) -> str:
    """A printed year column ('2021-2022', '2021/22') as the appendix labels it ('2021/22')."""
    start = int(re.match(r"\d{4}", str(year_label)).group())
    return f"{start}/{(start + 1) % 100:02d}"


def _cells(entry: dict, service: str):
    """(row label, occurrence, our column, printed value, denominator) for every printed cell."""
    where = entry["workbench"]
    seen: dict[str, int] = {}
    for row in entry["rows"]:
        occurrence = seen.get(row["label"], 0)
        seen[row["label"]] = occurrence + 1
        for column, value in row["values"].items():
            if where["layout"] == "by_year":
                yield row["label"], occurrence, _ours(column), value, row.get("standards_in_section")
            elif where["layout"] == "rows_are_years":
                if column in where.get("columns", [column]):
                    yield where.get("row", column), 0, _ours(row["label"]), value, None
            elif column in where.get("columns_by_service", {}).get(service, entry["columns"]):
                yield row["label"], occurrence, column, value, None


CASES = [(e["id"], s) for e in PUBLISHED for s in e["workbench"]["services"]]


@pytest.mark.parametrize(("entry_id", "service"), CASES)
def test_every_printed_cell_is_reproduced(sample_db, entry_id, service):
    entry = next(e for e in PUBLISHED if e["id"] == entry_id)
    where = entry["workbench"]
    with db.connect(sample_db) as con:
        table = figures.figures(con, service, where["year"]).get(where["table"])
    assert table is not None
    checked = 0
    for label, occurrence, column, printed, out_of in _cells(entry, service):
        if printed is None:  # a blank printed cell: no figure, or a post in another county
            assert column not in table.columns or table.value(label, column, occurrence) is None
            continue
        assert table.value(label, column, occurrence) == pytest.approx(printed), (label, column)
        if out_of is not None:
            row = table.out_of.filter(table.out_of["Label"] == label)
            assert row[column].item() == out_of
        checked += 1
    assert checked


@pytest.mark.parametrize(("entry_id", "service"), CASES)
def test_totals_are_the_printed_ones_where_added_up(sample_db, entry_id, service):
    entry = next(e for e in PUBLISHED if e["id"] == entry_id)
    where = entry["workbench"]
    with db.connect(sample_db) as con:
        table = figures.figures(con, service, where["year"]).get(where["table"])
    # Funding, FTE and people add up, to the sum of the printed cells; standards met, tribunal counts,
    # average hours and one-row tables do not.
    added = {
        "bucks_funding": None,
        "bucks_workforce": ["FTE"],
        "bucks_volunteers": ["Number"],
        "hw_staffing_fte": None,
    }
    expected = {}
    if entry_id in added:
        for _, _, column, value, _ in _cells(entry, service):
            if column in (added[entry_id] or [column]) and value is not None:
                expected[column] = expected.get(column, 0) + value
    assert table.totals == pytest.approx(expected)
    for column, total in (entry.get("printed_total") or {}).items():
        assert table.totals[column] == pytest.approx(total)


def test_sample_page_sentences(sample_db):
    with db.connect(sample_db) as con:
        bucks = figures.figures(con, "bucks", 2021)
        worcs = figures.figures(con, "worcs", 2024)
    assert view.headline(bucks).data == (
        "Funding in 2021/22 totalled £124,732, 28% less than in 2020/21 (£172,390). In-house staff team "
        "as at 31 Mar 2022: 2.74 FTE. Volunteer SEND IAS Adviser (VSA) team as at 31 Mar 2022: 6 people."
    )
    assert view.headline(worcs).data == (
        "Team structure as at 31 Dec 2024: Worcestershire 6.70 FTE and Joint County Posts 1.90 FTE."
    )
    (funding,) = view.money_tables(bucks)
    assert view.chart_title(funding) == "Funding fell 28% in 2021/22, to £124,732"


def test_years_and_numbers_parse_as_documented():
    import polars as pl

    from sendiass_lib.ingest.parse import parse_number, parse_year

    years = pl.Series(["2021", "2021/22", "2021-22", "2021/2022", "2021 - 2022", "2021/23", "21/22", "x"])
    assert pl.select(parse_year(pl.lit(years))).to_series().to_list() == [2021] * 5 + [None] * 3
    numbers = pl.Series(["108734", "108,734", "£108,734", "0.85", "-1,200.50", "0.4 FTE", "tbc", "-"])
    parsed = pl.select(parse_number(pl.lit(numbers))).to_series().to_list()
    assert parsed == [108734, 108734, 108734, 0.85, -1200.5, None, None, None]
