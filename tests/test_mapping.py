"""A service's own export: headers matched whatever their punctuation, a service's own mapping file,
and personal data found by a column's header or its values, and in label cells."""

from datetime import date

import pytest

from sendiass_lib import db
from sendiass_lib.ingest import mapping
from sendiass_lib.ingest.contract import ALIAS, NORMALISED, PERSONAL, SERVICE, UNKNOWN, map_headers
from sendiass_lib.ingest.errors import ExtractError
from sendiass_lib.ingest.load import load_file
from sendiass_lib.ingest.mapping import contract
from tests.conftest import database_text, write_extract

TODAY = date(2025, 1, 10)


def write_mapping(services, service: str, text: str) -> None:
    (services / "mappings").mkdir(exist_ok=True)
    (services / "mappings" / f"{service}.yaml").write_text(text, encoding="utf-8")
    mapping.clear_cache()


def how(headers: list[str], service: str | None = None, kind: str = "involvements") -> dict[str, tuple]:
    found = map_headers(contract(kind, service), headers)
    return {m.header: (m.how, m.column) for m in found.matches}


def test_headers_match_whatever_their_punctuation_symbols_and_case():
    found = how(["Case No.", "DATE OPENED", "How did you hear about us?", "Reason(s) for contact", "D.O.B"])
    assert found == {
        "Case No.": (NORMALISED, "involvement_id"),
        "DATE OPENED": (ALIAS, "opened_on"),
        "How did you hear about us?": (NORMALISED, "heard_about"),
        "Reason(s) for contact": (ALIAS, "reasons"),
        "D.O.B": (NORMALISED, "date_of_birth"),
    }


def test_an_unknown_header_maps_through_the_service_mapping_file_only(services):
    write_mapping(services, "worcs", "headers:\n  involvements:\n    Where they found us: heard_about\n")
    headers = ["Case Ref", "Date Opened", "Where they found us"]
    assert how(headers, "worcs")["Where they found us"] == (SERVICE, "heard_about")
    assert how(headers, "herefs")["Where they found us"] == (UNKNOWN, None)


def test_an_unknown_label_maps_through_the_service_mapping_file_only(services, tmp_path):
    write_mapping(services, "worcs", "labels:\n  sen_types:\n    Social Emot & MH: SEMH\n")
    path = write_extract(
        tmp_path,
        "involvements.csv",
        [["A1", "05/01/2024", "Social Emot & MH"]],
        ["Case Ref", "Date Opened", "Need"],
    )
    with db.connect(tmp_path / "d.duckdb", read_only=False) as con:
        for service in ("worcs", "herefs"):
            load_file(con, path, service, "involvements", today=TODAY)
        found = con.execute("SELECT service, label, code FROM involvement_labels ORDER BY service").fetchall()
    assert found == [("herefs", "Unmapped", None), ("worcs", "SEMH", "SEMH")]


def test_the_service_mapping_overrides_the_package_alias(services):
    write_mapping(services, "worcs", "headers:\n  involvements:\n    Source: record_type\n")
    assert how(["Case Ref", "Date Opened", "Source"])["Source"] == (ALIAS, "heard_about")
    assert how(["Case Ref", "Date Opened", "Source"], "worcs")["Source"] == (SERVICE, "record_type")


@pytest.mark.parametrize(
    ("text", "key", "allowed"),
    [
        (
            "headers:\n  involvements:\n    Where heard: heard_abut\n",
            "headers.involvements.Where heard",
            "heard_about",
        ),
        ("headers:\n  involvment:\n    X: notes\n", "headers.involvment", "involvements"),
        ("labels:\n  sen_types:\n    Soc Emot: SEMH-ish\n", "labels.sen_types.Soc Emot", "ADHD"),
        ("labels:\n  sen_type:\n    X: SEMH\n", "labels.sen_type", "sen_types"),
        ("header:\n  involvements: {}\n", "header", "headers, labels"),
    ],
)
def test_a_mapping_file_naming_what_does_not_exist_is_refused_naming_file_key_and_allowed(
    services, tmp_path, text, key, allowed
):
    write_mapping(services, "worcs", text)
    path = write_extract(tmp_path, "involvements.csv", [["A1", "05/01/2024"]], ["Case Ref", "Date Opened"])
    with db.connect(tmp_path / "d.duckdb", read_only=False) as con, pytest.raises(ExtractError) as caught:
        load_file(con, path, "worcs", "involvements", today=TODAY)
    message = str(caught.value)
    assert "mappings/worcs.yaml" in message and key in message and allowed in message


@pytest.mark.parametrize(
    "header",
    ["Name of child/young person", "Child's first name", "Parent/carer e-mail", "Tel. no.", "Home postcode"],
)
def test_a_header_that_reads_like_personal_data_is_dropped_as_personal(header):
    assert how(["Case Ref", "Date Opened", header])[header][0] == PERSONAL


def test_a_column_whose_values_are_emails_or_names_is_personal_whatever_its_header():
    import polars as pl

    cells = {
        2: pl.Series(["a.parent@example.org", None, "b@example.com"]),
        3: pl.Series(["Aurelie Ashcombe", "Benedikt Juxon", "Caoimhe Loveday", "Oriel Kilbride"]),
        4: pl.Series(["Resolved", "Signposted", "Resolved", "Resolved"]),
    }
    found = map_headers(
        contract("involvements"), ["Case Ref", "Date Opened", "Contact", "Child", "Outcome"], cells.get
    )
    judged = {m.header: (m.how, m.names) for m in found.matches[2:]}
    assert judged == {"Contact": (PERSONAL, False), "Child": (PERSONAL, True), "Outcome": (UNKNOWN, False)}


def test_personal_values_typed_into_label_cells_reach_no_table(tmp_path):
    # The record's own name, first name, email and phone, typed into each label column, with the
    # name column under a header the contract does not know.
    header = ["Case Ref", "Date Opened", "Name of child/young person", "Caller Type", "Contact Method",
              "How did you hear about us?", "Reason(s) for contact", "SEN type", "Notes"]  # fmt: skip
    typed = ["Eulalie Merriweather", "Eulalie", "eulalie.m@example.org", "07700 900461"]
    rows = []
    for i, value in enumerate(typed):
        cells = ["Parent", "Phone call in", "Google", "Transport", "ASD"]
        for c in range(len(cells)):
            cells[c] = value if c < 3 else f"{cells[c]}; {value}"
        rows.append([f"A{i}", "05/01/2024", "Eulalie Merriweather", *cells, "Eulalie called; 07700 900461"])
    rows.append(["B1", "31/02/2024", "Eulalie Merriweather", "Eulalie", "", "", "", "", ""])  # rejected
    path = write_extract(tmp_path, "involvements.csv", rows, header)
    with db.connect(tmp_path / "d.duckdb", read_only=False) as con:
        result = load_file(con, path, "worcs", "involvements", today=TODAY)
        kept = con.execute(
            "SELECT DISTINCT raw_label FROM involvement_labels WHERE label != 'Unmapped'"
        ).fetchall()
    assert (result.rows_loaded, result.rows_rejected) == (4, 1)
    assert {label for (label,) in kept} == {"Transport", "ASD"}  # matched labels kept as written
    text = database_text(tmp_path / "d.duckdb").lower()
    for value in ["eulalie", "merriweather", "eulalie.m@example.org", "07700 900461", "900461"]:
        assert value not in text
    assert "[name]" in text and "[email]" in text and "[phone]" in text


def test_dropped_columns_are_recorded_on_their_load_apart_from_unknown_ones(tmp_path):
    header = ["Case Ref", "Date Opened", "Outcome", "Email", "Where Heard"]
    path = write_extract(
        tmp_path, "involvements.csv", [["A1", "05/01/2024", "Resolved", "x@y.org", "GP"]], header
    )
    with db.connect(tmp_path / "d.duckdb", read_only=False) as con:
        load_file(con, path, "worcs", "involvements", today=TODAY)
        found = con.execute("SELECT columns_dropped, columns_unknown, columns_mapped FROM loads").fetchone()
    assert found == (["Outcome", "Email"], ["Outcome"], ["heard_about", "involvement_id", "opened_on"])


def test_text_typed_into_a_date_cell_is_redacted_in_the_rejects_detail(tmp_path):
    header = ["Case Ref", "Date Opened", "Child Name", "Date Closed"]
    rows = [["A1", "05/01/2024", "Oriel Kilbride", "ring Oriel's mum on 07700 900461"]]
    path = write_extract(tmp_path, "involvements.csv", rows, header)
    with db.connect(tmp_path / "d.duckdb", read_only=False) as con:
        load_file(con, path, "worcs", "involvements", today=TODAY)
        [(reason, detail)] = con.execute("SELECT reason, detail FROM rejects").fetchall()
    assert (reason, detail) == ("bad_date", "Date Closed: 'ring [name]'s mum on [phone]'")


def test_editing_a_service_mapping_file_rebuilds_the_database(services):
    from sendiass_lib.ingest.build import ingest_fingerprint

    before = ingest_fingerprint()
    write_mapping(services, "worcs", "labels:\n  sen_types:\n    Social Emot & MH: SEMH\n")
    assert ingest_fingerprint() != before
