"""After every load the database is checked as dbt checks its models: unique natural keys, every
label and rating row joined to its record, every row to its load, the loads' bookkeeping."""

from datetime import date

from sendiass_lib import db
from sendiass_lib.ingest import data_checks
from sendiass_lib.ingest.build import build
from sendiass_lib.ingest.load import load_file
from tests.conftest import write_extract

TODAY = date(2025, 1, 10)


def loaded(tmp_path):
    path = write_extract(
        tmp_path, "involvements.csv", [["A1", "05/01/2024", "ASD"], ["A2", "06/01/2024", "ADHD"]],
        ["Case Ref", "Date Opened", "SEN Type"],
    )  # fmt: skip
    con = db.connect(tmp_path / "d.duckdb", read_only=False)
    load_file(con, path, "worcs", "involvements", today=TODAY)
    return con


def test_a_loaded_database_passes_every_check(tmp_path):
    con = loaded(tmp_path)
    assert data_checks.run(con) == []
    con.close()


def test_a_repeated_natural_key_fails_its_check_naming_table_key_and_rows(tmp_path):
    con = loaded(tmp_path)
    copy = "SELECT service, involvement_id, opened_on, load_id FROM involvements WHERE involvement_id = 'A1'"
    con.execute(f"INSERT INTO involvements (service, involvement_id, opened_on, load_id) {copy}")
    assert data_checks.run(con) == [
        "data check failed: involvements is unique on (service, involvement_id): 1 row(s) break it"
    ]
    con.close()


def test_a_label_without_its_involvement_and_a_load_without_its_rejects_fail(tmp_path):
    con = loaded(tmp_path)
    con.execute("DELETE FROM involvements WHERE involvement_id = 'A2'")
    con.execute("UPDATE loads SET rows_rejected = rows_rejected + 1, rows_in = rows_in + 1")
    failed = data_checks.run(con)
    assert any("every involvement_labels row has its involvements row" in f for f in failed)
    assert any("each load's rejects are as many as it counts" in f for f in failed)
    con.close()


def test_a_build_whose_checks_fail_keeps_the_database_it_had(tmp_path, raw_worcs, monkeypatch):
    write_extract(raw_worcs, "involvements_1.csv", [["A1", "05/01/2024", "", "", ""]])
    db_path = tmp_path / "d.duckdb"
    assert not build(db_path, source="raw", today=TODAY).failures
    before = db_path.read_bytes()
    write_extract(raw_worcs, "involvements_2.csv", [["B1", "05/02/2024", "", "", ""]])
    monkeypatch.setattr(data_checks, "run", lambda con: ["data check failed: a test's own"])
    report = build(db_path, source="raw", today=TODAY)
    assert report.failures == ["data check failed: a test's own"]
    assert db_path.read_bytes() == before
