"""Nothing silent: a column dropped, missing, blank all year or all unmapped is said in words, on the
page and at the end of `sendiass data` / `sendiass report`."""

from datetime import date

from sendiass_lib import db
from sendiass_lib.ingest.load import load_file
from sendiass_lib.metrics import mixes, quality
from sendiass_lib.views import mixes as mixes_view
from sendiass_lib.views import quality as quality_view
from tests.conftest import write_extract

TODAY = date(2025, 1, 10)
HEADER = ["Case Ref", "Date Opened", "Caller Type", "Contact Method", "Outcome"]


def loaded(tmp_path, rows, header=HEADER):
    path = write_extract(tmp_path, "involvements.csv", rows, header)
    con = db.connect(tmp_path / "d.duckdb", read_only=False)
    result = load_file(con, path, "worcs", "involvements", today=TODAY)
    return con, result


def rows(n: int, caller: str = "Parent", method: str = "Phone call in") -> list[list[str]]:
    return [[f"A{i}", "05/03/2024", caller, method, "Resolved"] for i in range(n)]


def test_a_section_whose_column_the_extract_lacks_says_so_instead_of_a_table_of_zeros(tmp_path):
    con, _ = loaded(tmp_path, rows(20))
    [heard] = mixes.mixes(con, "worcs", "heard_about", 2024)
    [callers] = mixes.mixes(con, "worcs", "caller_type", 2024)
    html = mixes_view.table(heard).data
    assert html == "<p>This service&#x27;s extract has no where-heard column.</p>"
    assert "<table" in mixes_view.table(callers).data
    con.close()


def test_a_column_blank_all_year_says_so_instead_of_a_table_of_zeros(tmp_path):
    con, _ = loaded(tmp_path, rows(20, method=""))
    [method] = mixes.mixes(con, "worcs", "contact_method", 2024)
    assert mixes_view.table(method).data == (
        "<p>No involvement opened in 2024 has any contact methods recorded.</p>"
    )
    con.close()


def test_the_data_quality_tables_name_an_unknown_column_and_why_each_column_was_dropped(tmp_path):
    header = [*HEADER, "Child Name"]
    con, _ = loaded(tmp_path, [[*row, "Aurelie Ashcombe"] for row in rows(6)], header)
    dropped = quality.dropped_columns(con, "worcs")
    why = {row[1]: row[2] for row in dropped.iter_rows()}
    assert why["Outcome"] == quality.UNKNOWN and why["Child Name"] == quality.PERSONAL
    html = quality_view.dropped_table(dropped).data
    assert '<td class="text">unknown: not read (to use it, map it' in html
    assert '<td class="text">personal data: never read</td>' in html
    con.close()


def test_warnings_name_the_unknown_column_and_the_shown_columns_the_extract_lacks(tmp_path):
    con, result = loaded(tmp_path, rows(20))
    found = quality_view.warning_lines(quality.warnings(con, "worcs", 2024))
    assert any("'Outcome' dropped as unknown" in line for line in found)
    assert any("no where-heard column" in line for line in found)
    assert any("no intervention-level column" in line for line in found)
    assert not any("caller-type" in line for line in found)  # it is there, and filled in
    assert any("Outcome" in line for line in result.warnings())
    con.close()


def test_a_column_whose_every_label_matched_nothing_is_a_warning(tmp_path):
    con, result = loaded(tmp_path, rows(20, caller="Somebody"))
    assert any(
        "every caller-type label matched nothing" in line
        for line in quality_view.warning_lines(quality.warnings(con, "worcs", 2024))
    )
    assert result.all_unmapped == ["caller_type"]
    con.close()


def test_an_unmapped_label_cited_by_few_involvements_is_not_listed_on_a_page(tmp_path):
    data = rows(6, caller="Family support worker") + [
        [f"B{i}", "05/03/2024", "Nan", "", ""] for i in range(2)
    ]
    con, _ = loaded(tmp_path, data)
    found = quality.unmapped(con, "worcs", 2024)
    assert set(found.rows["Label as written"]) == {"Family support worker", "Nan"}
    listed = found.protected().data
    assert listed["Label as written"].to_list() == ["Family support worker"]
    assert quality_view.left_out_note(found).startswith("Labels cited by few involvements are not listed")
    assert "5" not in quality_view.left_out_note(found) and "1 " not in quality_view.left_out_note(found)
    con.close()


def test_a_blank_count_of_1_to_4_is_suppressed_with_its_share_and_a_missing_column_is_z(tmp_path):
    con, _ = loaded(tmp_path, [*rows(18), ["C1", "05/03/2024", "Parent", "", ""]])
    blank = quality.missing(con, "worcs", 2024)
    shown = blank.protected()
    assert shown.hidden["Contact method"] == ["Blank", "Share blank"]
    assert "Where people heard about the service" in blank.not_in_extract()
    con.close()
