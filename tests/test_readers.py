"""Reading finds the table wherever people put it: title lines above a CSV's header, Excel's "sep="
line (also in UTF-16, as Meta Business Suite writes it), a workbook whose data is not on its first
sheet; describe() says where it found it, and every refusal says what the file held."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest

from sendiass_lib import cli, db
from sendiass_lib.ingest.errors import ExtractError
from sendiass_lib.ingest.load import load_file
from sendiass_lib.ingest.mapping import contract
from sendiass_lib.ingest.raw_extract import SheetInfo
from sendiass_lib.ingest.readers import describe, read_extract

TODAY = date(2025, 1, 1)
IS_HEADER = contract("involvements").is_header
HEADER = ["Case Ref", "Date Opened", "Level"]
ROWS = [["A1", "05/01/2024", "1"], ["A2", "31/02/2024", "2"], ["A3", "06/01/2024", "Level 3"]]
TITLES = ["Worcestershire SENDIASS", "Involvements report 01/01/2024 - 31/12/2024", ""]


def write_csv(folder: Path, lines: list[str], prefix: bytes = b"", encoding: str = "utf-8") -> Path:
    """A CSV written line by line, as given (title lines, a sep= line), CRLF; `prefix` is a BOM."""
    path = folder / "involvements.csv"
    path.write_bytes(prefix + "".join(f"{line}\r\n" for line in lines).encode(encoding))
    return path


def lines_of(rows: list[list[str]], sep: str = ",") -> list[str]:
    return [sep.join(row) for row in rows]


def write_book(folder: Path, sheets: dict[str, list[list]], name: str = "involvements.xlsx") -> Path:
    """A workbook with these sheets in this order, each row written from worksheet row 1."""
    import xlsxwriter

    path = folder / name
    book = xlsxwriter.Workbook(path)
    for title, rows in sheets.items():
        sheet = book.add_worksheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


SUMMARY = [["Involvements by month"], [], ["Month", "Involvements"], ["Jan", 3], ["Feb", 0], ["Total", 3]]
DATA = [["Involvements export"], [], HEADER, *ROWS]  # header on worksheet row 3, data rows 4-6


def load(con, path: Path, sheet: str | None = None):
    return load_file(con, path, "worcs", "involvements", today=TODAY, sheet=sheet)


def rejects(con, load_id: int) -> list[tuple[int, str]]:
    return con.execute(
        "SELECT row_number, reason FROM rejects WHERE load_id = ? ORDER BY 1", [load_id]
    ).fetchall()


def loaded_ids(con) -> list[str]:
    return [i for (i,) in con.execute("SELECT involvement_id FROM involvements ORDER BY 1").fetchall()]


def nothing_loaded(con) -> bool:
    return con.execute("SELECT count(*) FROM loads").fetchone() == (0,)


# --- CSV: title lines ----------------------------------------------------------------------------


def test_csv_title_lines_above_the_header_are_skipped_and_rows_count_from_under_the_header(tmp_path, con):
    path = write_csv(tmp_path, [*TITLES, *lines_of([HEADER, *ROWS])])
    result = load(con, path)
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert loaded_ids(con) == ["A1", "A3"]
    assert rejects(con, result.load_id) == [(2, "bad_date")]  # the 2nd row under the header


def test_a_quoted_title_holding_commas_and_a_line_break_is_skipped_whole(tmp_path, con):
    titles = ['"Worcestershire SENDIASS, involvements', 'report, 2024"', '"Printed 01/01/2025",,']
    path = write_csv(tmp_path, [*titles, *lines_of([HEADER, *ROWS])])
    [info] = describe(path, IS_HEADER)
    assert info.header_row == 4
    assert info.title_lines == ("Worcestershire SENDIASS, involvements\r\nreport, 2024", "Printed 01/01/2025")
    result = load(con, path)
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert rejects(con, result.load_id) == [(2, "bad_date")]


def test_a_header_more_than_30_lines_down_is_not_looked_for(tmp_path, con):
    path = write_csv(tmp_path, [*(f"title {i}" for i in range(30)), *lines_of([HEADER, *ROWS])])
    assert describe(path, IS_HEADER)[0].header_row is None
    with pytest.raises(ExtractError, match=r"missing required column .* headers found: 'title 0'"):
        load(con, path)
    assert nothing_loaded(con)


def test_without_an_accepted_header_the_first_non_blank_line_is_named_as_the_headers(tmp_path, con):
    path = write_csv(tmp_path, ["", "Reference Number,Opened", "A1,05/01/2024"])
    with pytest.raises(ExtractError, match=r"headers found: 'Reference Number', 'Opened'$"):
        load(con, path)


def test_header_cells_reach_is_header_trimmed_with_their_punctuation(tmp_path):
    lines = ["# Report: where families heard of us", " Case Ref , How did you hear about us? "]
    path = write_csv(tmp_path, lines)
    seen: list[list[str]] = []

    def is_header(cells: list[str]) -> bool:
        seen.append(cells)
        return "How did you hear about us?" in cells

    assert describe(path, is_header)[0].header_row == 2
    assert ["Case Ref", "How did you hear about us?"] in seen


def test_the_separator_the_header_is_found_with_wins(tmp_path, con):
    # a title with more commas than the header has semicolons: the header decides, not a count
    path = write_csv(tmp_path, ["Report, 2024, all cases, all levels", *lines_of([HEADER, *ROWS], ";")])
    [info] = describe(path, IS_HEADER)
    assert (info.separator, info.header_row, info.sep_line) == (";", 2, False)
    result = load(con, path)
    assert (result.rows_in, result.rows_loaded) == (3, 2)


def test_a_stray_separator_under_title_lines_is_rejected_at_its_data_row(tmp_path, con):
    rows = [*ROWS, ["A4", "07/01/2024", "2", "extra"]]  # polars refuses: the careful reader runs
    path = write_csv(tmp_path, ["sep=;", *TITLES, *lines_of([HEADER, *rows], ";")])
    result = load(con, path)
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (4, 2, 2)
    assert rejects(con, result.load_id) == [(2, "bad_date"), (4, "wrong_field_count")]


def test_an_unclosed_quote_under_title_lines_names_its_line_in_the_file(tmp_path, con):
    path = write_csv(tmp_path, [*TITLES, *lines_of([HEADER, ["A1", '"05/01/2024', "1"], ["A2", "x", "2"]])])
    with pytest.raises(ExtractError, match=r"line 5: .*is a quote never closed\?"):
        load(con, path)
    assert nothing_loaded(con)


def test_only_title_lines_and_a_header_have_no_data_rows(tmp_path, con):
    path = write_csv(tmp_path, [*TITLES, ",".join(HEADER)])
    with pytest.raises(ExtractError, match="header row but no data rows"):
        load(con, path)


# --- CSV: Excel's sep= line ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_line", "sep", "prefix", "encoding"),
    [
        ("sep=,", ",", b"", "utf-8"),
        ("sep=;", ";", b"", "utf-8"),
        ("sep=;", ";", codecs.BOM_UTF8, "utf-8"),
        ("sep=\t", "\t", b"", "utf-8"),
        ("sep=\\t", "\t", b"", "utf-8"),  # the two characters \ and t, as some tools write it
        ('"sep=;";;', ";", b"", "utf-8"),  # quoted, and re-saved with the separators after it
        ("sep=,", ",", codecs.BOM_UTF16_LE, "utf-16-le"),  # as Meta Business Suite exports
    ],
    ids=[
        "comma",
        "semicolon",
        "semicolon-after-utf8-bom",
        "tab",
        "backslash-t",
        "quoted-resaved",
        "utf16le-bom",
    ],
)
def test_a_sep_line_names_the_separator_and_is_skipped(tmp_path, con, first_line, sep, prefix, encoding):
    # Notes hold the other separators: only the named one splits cells.
    rows = [[*row, "Called; asked, twice"] for row in ROWS]
    body = [sep.join(f'"{cell}"' for cell in row) for row in [[*HEADER, "Notes"], *rows]]
    path = write_csv(tmp_path, [first_line, *body], prefix, encoding)
    [info] = describe(path, IS_HEADER)
    assert (info.separator, info.sep_line, info.header_row) == (sep, True, 2)
    result = load(con, path)
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert rejects(con, result.load_id) == [(2, "bad_date")]
    notes = con.execute("SELECT notes FROM involvements ORDER BY involvement_id").fetchall()
    assert notes == [("Called; asked, twice",)] * 2


def test_utf16_meta_export_with_sep_line_and_metric_name_line(tmp_path, con):
    lines = ["sep=,", "Involvements", *(",".join(f'"{c}"' for c in row) for row in [HEADER, *ROWS])]
    path = write_csv(tmp_path, lines, codecs.BOM_UTF16_LE, "utf-16-le")
    [info] = describe(path, IS_HEADER)
    assert info == SheetInfo(
        name="involvements.csv",
        rows=6,
        header_row=3,
        headers=tuple(HEADER),
        title_lines=("Involvements",),
        separator=",",
        sep_line=True,
        encoding="utf-16",
    )
    result = load(con, path)
    assert (result.rows_in, result.rows_loaded) == (3, 2)
    assert rejects(con, result.load_id) == [(2, "bad_date")]


def test_a_sep_line_and_nothing_else_is_an_empty_file(tmp_path, con):
    path = write_csv(tmp_path, ["sep=,", ""])
    with pytest.raises(ExtractError, match="the file is empty"):
        load(con, path)


def test_a_first_cell_that_only_starts_with_sep_is_not_a_sep_line(tmp_path):
    path = write_csv(tmp_path, ["sep=, Case Ref", *lines_of([HEADER, *ROWS])])
    [info] = describe(path, IS_HEADER)
    assert (info.sep_line, info.header_row, info.title_lines) == (False, 2, ("sep= Case Ref",))


# --- workbooks -------------------------------------------------------------------------------------


def test_workbook_with_a_summary_sheet_first_loads_the_sheet_holding_the_header(tmp_path, con):
    path = write_book(tmp_path, {"Summary": SUMMARY, "Data": DATA})
    result = load(con, path)
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert loaded_ids(con) == ["A1", "A3"]
    assert rejects(con, result.load_id) == [(5, "bad_date")]  # worksheet row, as Excel shows it


def test_the_first_sheet_holding_a_header_is_read_and_sheet_chooses_another(tmp_path, con):
    later = [HEADER, ["B1", "07/01/2024", "2"], ["B2", "08/01/2024", "x"]]
    path = write_book(tmp_path, {"Summary": SUMMARY, "2023": DATA, "2024": later})
    assert read_extract(path, IS_HEADER).rows["c0"].to_list() == ["A1", "A2", "A3"]
    result = load(con, path, sheet="2024")
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (2, 1, 1)
    assert loaded_ids(con) == ["B1"]
    assert rejects(con, result.load_id) == [(3, "bad_level")]


def test_sheet_name_matches_ignoring_case_and_outer_spaces(tmp_path):
    path = write_book(tmp_path, {"Summary": SUMMARY, "Data 2024": DATA})
    assert read_extract(path, IS_HEADER, sheet=" data 2024").rows.height == 3


def test_load_command_sheet_option_chooses_the_sheet(tmp_path, capsys):
    later = [HEADER, ["B1", "07/01/2024", "2"]]
    path = write_book(tmp_path, {"2023": DATA, "2024": later})
    database = tmp_path / "cli.duckdb"
    code = cli.main(["load", str(path), "--service", "worcs", "--sheet", "2024", "--db", str(database)])
    assert (code, capsys.readouterr().out) == (0, "involvements.xlsx: 1 rows in, 1 loaded, 0 rejected\n")
    with db.connect(database) as con:
        assert loaded_ids(con) == ["B1"]


def test_an_unknown_sheet_is_refused_naming_the_sheets(tmp_path, con, capsys):
    path = write_book(tmp_path, {"Summary": SUMMARY, "Data": DATA})
    with pytest.raises(ExtractError) as refused:
        load(con, path, sheet="Involvements")
    assert str(refused.value) == (
        "involvements.xlsx: no worksheet named 'Involvements'; its worksheets are 'Summary', 'Data'"
    )
    assert nothing_loaded(con)
    database = str(tmp_path / "cli.duckdb")
    code = cli.main(["load", str(path), "--service", "worcs", "--sheet", "Dat", "--db", database])
    assert code == cli.FAILED
    assert "no worksheet named 'Dat'; its worksheets are 'Summary', 'Data'" in capsys.readouterr().err


def test_a_chosen_sheet_without_a_header_is_refused_with_its_rows(tmp_path, con):
    path = write_book(tmp_path, {"Summary": SUMMARY, "Data": DATA})
    with pytest.raises(ExtractError) as refused:
        load(con, path, sheet="Summary")
    assert str(refused.value) == (
        "involvements.xlsx: no header row with the required columns in the first 30 rows of "
        "worksheet 'Summary' (6 rows)"
    )


def test_a_workbook_without_a_header_on_any_sheet_is_refused_describing_each(tmp_path, con):
    misspelt = [["Case Reff", "Opened On Date"], ["A1", "05/01/2024"]]
    path = write_book(tmp_path, {"Summary": SUMMARY, "Notes": [], "Data": misspelt})
    with pytest.raises(ExtractError) as refused:
        load(con, path)
    assert str(refused.value) == (
        "involvements.xlsx: no header row with the required columns in the first 30 rows of any "
        "worksheet (sheet 'Summary': 6 rows, no header with the required columns; sheet 'Notes': "
        "empty; sheet 'Data': 2 rows, no header with the required columns)"
    )
    assert nothing_loaded(con)


def test_a_csv_has_no_sheets_to_choose(tmp_path, con):
    path = write_csv(tmp_path, lines_of([HEADER, *ROWS]))
    with pytest.raises(ExtractError, match="a CSV file has no worksheets, so no sheet 'Data'"):
        load(con, path, sheet="Data")


# --- describe -------------------------------------------------------------------------------------


def test_describe_a_workbook_names_each_sheet_its_rows_header_and_titles(tmp_path):
    path = write_book(tmp_path, {"Summary": SUMMARY, "Notes": [], "Data": DATA})
    assert describe(path, IS_HEADER) == [
        SheetInfo(name="Summary", rows=6, header_row=None),
        SheetInfo(name="Notes", rows=0, header_row=None),
        SheetInfo(
            name="Data",
            rows=6,
            header_row=3,
            headers=tuple(HEADER),
            title_lines=("Involvements export",),
        ),
    ]


def test_describe_a_csv_with_title_lines(tmp_path):
    path = write_csv(tmp_path, [*TITLES, *lines_of([HEADER, *ROWS])], codecs.BOM_UTF8)
    assert describe(path, IS_HEADER) == [
        SheetInfo(
            name="involvements.csv",
            rows=7,
            header_row=4,
            headers=tuple(HEADER),
            title_lines=tuple(TITLES[:2]),
            separator=",",
            sep_line=False,
            encoding="utf-8-sig",
        )
    ]


def test_describe_a_plain_csv_and_an_empty_one(tmp_path):
    path = write_csv(tmp_path, lines_of([HEADER, *ROWS]))
    [plain] = describe(path, IS_HEADER)
    assert (plain.rows, plain.header_row, plain.title_lines, plain.encoding) == (4, 1, (), "utf-8")
    path.write_bytes(b"")
    empty = SheetInfo(name="involvements.csv", rows=0, header_row=None, encoding="utf-8")
    assert describe(path, IS_HEADER) == [empty]


def test_describe_refuses_what_a_load_refuses(tmp_path):
    path = tmp_path / "involvements.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ExtractError, match="not a readable XLSX file"):
        describe(path, IS_HEADER)
    with pytest.raises(ExtractError, match=r"cannot read '\.pdf' files"):
        describe(tmp_path / "involvements.pdf", IS_HEADER)


def test_a_csv_whose_header_lacks_a_required_column_is_refused_naming_only_that_column(tmp_path):
    # Title lines above a header whose date column has an unknown name: the header is the line that
    # names most of the kind's columns, so the refusal names the one column really missing.
    text = "Worcestershire SENDIASS\r\nInvolvements 2024\r\n\r\nCase Ref,When,Level\r\nA1,05/01/2024,2\r\n"
    path = tmp_path / "involvements.csv"
    path.write_text(text, encoding="utf-8")
    with db.connect(tmp_path / "d.duckdb", read_only=False) as con, pytest.raises(ExtractError) as caught:
        load_file(con, path, "worcs", "involvements")
    message = str(caught.value)
    assert "missing required column opened_on" in message and "involvement_id" not in message.split(";")[0]
    assert "headers found: 'Case Ref', 'When', 'Level'" in message
