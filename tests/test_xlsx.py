"""XLSX extracts: title rows, real Excel dates, worksheet row numbers, footers."""

from datetime import date

import pytest

from sendiass_lib import db
from sendiass_lib.ingest.errors import ExtractError
from sendiass_lib.ingest.load import load_file
from tests.conftest import write_xlsx

TODAY = date(2025, 1, 1)


def load(tmp_path, path):
    con = db.connect(tmp_path / "x.duckdb", read_only=False)
    return con, load_file(con, path, "worcs", "involvements", today=TODAY)


def test_header_below_title_rows_is_found_and_rejects_carry_worksheet_row_numbers(tmp_path):
    rows = [
        ["Case Ref", "Date Opened", "Level"],  # worksheet row 4 (2 title rows, a blank row)
        ["A1", date(2024, 1, 5), 2],  # row 5: a real Excel date, a number
        ["A2", "45296", "Level 3"],  # row 6: a serial day number in a text cell
        ["A3", "31/02/2024", None],  # row 7
        [None, None, None],  # row 8: blank, not a data row
        ["Grand Total", None, 3],  # row 9
    ]
    con, result = load(tmp_path, write_xlsx(tmp_path, "involvements.xlsx", rows, title_rows=2))
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (4, 2, 2)
    assert con.execute(
        "SELECT involvement_id, opened_on, intervention_level FROM involvements ORDER BY 1"
    ).fetchall() == [("A1", date(2024, 1, 5), 2), ("A2", date(2024, 1, 5), 3)]
    assert con.execute("SELECT row_number, reason FROM rejects ORDER BY 1").fetchall() == [
        (7, "bad_date"),
        (9, "total_row"),
    ]


def test_xlsx_without_the_required_columns_names_them(tmp_path):
    path = write_xlsx(tmp_path, "involvements.xlsx", [["Reference", "Notes"], ["A1", "x"]])
    with pytest.raises(ExtractError, match=r"no header row with the required columns in the first 30"):
        load(tmp_path, path)


def test_a_corrupt_xlsx_is_one_line_and_writes_nothing(tmp_path):
    path = tmp_path / "involvements.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ExtractError, match="not a readable XLSX file"):
        load(tmp_path, path)
    with db.connect(tmp_path / "x.duckdb") as con:
        assert con.execute("SELECT count(*) FROM loads").fetchone() == (0,)


def test_header_only_xlsx_has_no_data_rows(tmp_path):
    path = write_xlsx(tmp_path, "involvements.xlsx", [["Case Ref", "Date Opened"]])
    with pytest.raises(ExtractError, match="header row but no data rows"):
        load(tmp_path, path)
