import json
from datetime import date

import pytest

from sendiass_lib import db
from sendiass_lib.ingest.build import build, kind_of
from sendiass_lib.ingest.errors import ExtractError
from sendiass_lib.ingest.load import load_file
from tests.conftest import HEADER, database_text, write_extract

TODAY = date(2024, 6, 1)
GOOD = ["A1", "05/01/2024", "08/01/2024", "", "Level 2"]


def load(con, path, **kw):
    return load_file(con, path, "worcs", "involvements", today=kw.pop("today", TODAY), **kw)


def rejects(con) -> list[tuple]:
    return con.execute("SELECT row_number, reason FROM rejects ORDER BY row_number").fetchall()


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["", "05/01/2024", "", "", ""], "missing_required"),
        (["A2", "", "", "", ""], "missing_required"),
        (["A2", "31/02/2024", "", "", ""], "bad_date"),
        (["A2", "05/01/2024", "soon", "", ""], "bad_date"),
        (["A2", "05/01/2024", "", "29/02/2023", ""], "bad_date"),
        (["A2", "05/01/2024", "", "", "Level 7"], "bad_level"),
        (["A2", "05/01/2030", "", "", ""], "future_date"),
        (["A2", "05/01/2024", "04/01/2024", "", ""], "date_order"),
        (["A2", "05/01/2024", "", "01/01/2024", ""], "date_order"),
        (["Total", "", "", "", ""], "total_row"),
        (["Grand Total", "31/02/2024", "", "", ""], "total_row"),  # total_row wins
    ],
)
def test_reject_row_with_reason_and_keep_count(tmp_path, con, row, reason):
    path = write_extract(tmp_path, "involvements.csv", [GOOD, row])
    result = load(con, path)
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (2, 1, 1)
    assert rejects(con) == [(2, reason)]
    in_, loaded, rejected = con.execute("SELECT rows_in, rows_loaded, rows_rejected FROM loads").fetchone()
    assert in_ == loaded + rejected


def test_exact_duplicate_loads_first_copy_only(tmp_path, con):
    path = write_extract(tmp_path, "involvements.csv", [GOOD, GOOD, GOOD])
    result = load(con, path)
    assert result.rows_loaded == 1
    assert rejects(con) == [(2, "duplicate"), (3, "duplicate")]


def test_same_id_with_different_values_rejects_every_copy(tmp_path, con):
    other = ["A1", "06/01/2024", "", "", ""]
    path = write_extract(tmp_path, "involvements.csv", [GOOD, other, ["B1", "07/01/2024", "", "", ""]])
    result = load(con, path)
    assert result.rows_loaded == 1
    assert rejects(con) == [(1, "conflicting_duplicate"), (2, "conflicting_duplicate")]


def test_blank_rows_are_not_data_rows_and_row_numbers_stay_positional(tmp_path, con):
    path = write_extract(tmp_path, "involvements.csv", [GOOD, [""] * 5, ["A2", "bad", "", "", ""]])
    result = load(con, path)
    assert result.rows_in == 2
    assert rejects(con) == [(3, "bad_date")]


def test_header_aliases_match_ignoring_case_and_spacing(tmp_path, con):
    header = ["  case   REF ", "open date", "FIRST RESPONSE", "closure date", "intervention level"]
    path = write_extract(tmp_path, "involvements.csv", [GOOD], header=header)
    assert load(con, path).rows_loaded == 1
    row = con.execute("SELECT involvement_id, opened_on, intervention_level FROM involvements").fetchone()
    assert row == ("A1", date(2024, 1, 5), 2)


def test_personal_columns_never_reach_database_or_rejects(tmp_path):
    db_path = tmp_path / "p.duckdb"
    header = [*HEADER, "Parent Name", "Email", "Postcode", "DOB", "Child's Nickname"]
    personal = ["Jane Smithson", "jane@example.org", "WR1 2AB", "01/02/2015", "Bubbles"]
    rows = [[*GOOD, *personal], ["A2", "31/02/2024", "", "", "", *personal]]
    path = write_extract(tmp_path, "involvements.csv", rows, header=header)
    with db.connect(db_path, read_only=False) as con:
        result = load(con, path)
        assert result.dropped_unknown == ["Child's Nickname"]
        stored = json.loads(con.execute("SELECT row_values FROM rejects").fetchone()[0])
        assert set(stored) == {*HEADER, "DOB"}
        assert stored["DOB"] is None  # the rejected row has no opening date, so no age band
        loaded = con.execute("SELECT age_band FROM involvements").fetchone()
        assert loaded == ("5-10",)  # born 1 Feb 2015, opened 5 Jan 2024: aged 8
    data, dump = db_path.read_bytes(), database_text(db_path)
    for value in personal:
        assert value.encode() not in data and value not in dump, value


def test_same_file_twice_changes_nothing(tmp_path, con):
    path = write_extract(tmp_path, "involvements.csv", [GOOD, ["A2", "bad", "", "", ""]])
    load(con, path)
    again = load(con, path)
    assert again.already_loaded
    counts = con.execute(
        "SELECT (SELECT count(*) FROM loads), (SELECT count(*) FROM involvements), "
        "(SELECT count(*) FROM rejects)"
    ).fetchone()
    assert counts == (1, 1, 1)


def test_newer_export_replaces_rows_with_the_same_case_ref(tmp_path, con):
    load(con, write_extract(tmp_path, "involvements_1.csv", [GOOD]))
    closed = ["A1", "05/01/2024", "08/01/2024", "20/02/2024", "Level 3"]
    load(con, write_extract(tmp_path, "involvements_2.csv", [closed]))
    rows = con.execute("SELECT closed_on, intervention_level, load_id FROM involvements").fetchall()
    assert rows == [(date(2024, 2, 20), 3, 2)]


def test_failed_load_leaves_database_as_it_was(tmp_path, con, monkeypatch):
    load(con, write_extract(tmp_path, "involvements_1.csv", [GOOD]))
    before = con.execute("SELECT count(*) FROM loads").fetchone()
    # The last statements of the transaction fail, after the loads and rejects rows went in.
    from dataclasses import replace

    from sendiass_lib.ingest import load as loader

    broken = replace(loader.contract("involvements"), table="no_such_table")
    monkeypatch.setattr(loader, "contract", lambda kind, service=None: broken)
    rows = [["B1", "05/01/2024", "", "", ""], ["B2", "bad", "", "", ""]]
    with pytest.raises(Exception, match="no_such_table"):
        load(con, write_extract(tmp_path, "involvements_2.csv", rows))
    assert con.execute("SELECT count(*) FROM loads").fetchone() == before
    assert con.execute("SELECT count(*) FROM rejects").fetchone() == (0,)
    assert con.execute("SELECT involvement_id FROM involvements").fetchall() == [("A1",)]


def test_missing_required_column_names_it_and_lists_headers_found(tmp_path, con):
    path = write_extract(tmp_path, "involvements.csv", [["A1", "x"]], header=["Case Ref", "Notes"])
    with pytest.raises(
        ExtractError,
        match=r"missing required column opened_on .*"
        r"headers found: 'Case Ref', 'Notes'",
    ):
        load(con, path)
    assert con.execute("SELECT count(*) FROM loads").fetchone() == (0,)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"Case Ref,Date Opened\r\n", "no data rows"),
        (b"\x81\x8d\x8f\x90\x9d,x\r\n1,2\r\n", "unreadable encoding"),
    ],
)
def test_unusable_file_fails_with_one_line_cause(tmp_path, con, content, message):
    path = tmp_path / "involvements.csv"
    path.write_bytes(content)
    with pytest.raises(ExtractError, match=message):
        load(con, path)


def test_windows_1252_semicolon_lf_file_loads(tmp_path, con):
    header = ["Case Ref", "Date Opened", "Notes about café"]
    path = write_extract(
        tmp_path,
        "involvements.csv",
        [["A1", "05/01/2024", "£5 café"]],
        header=header,
        encoding="cp1252",
        sep=";",
        newline="\n",
    )
    assert load(con, path).rows_loaded == 1


def test_second_writer_gets_a_clear_message(tmp_path):
    path = tmp_path / "busy.duckdb"
    code = (
        "import sys, duckdb\n"
        "from sendiass_lib import db\n"
        "try:\n"
        "    db.connect(sys.argv[1], read_only=False)\n"
        "except db.DatabaseBusyError as e:\n"
        "    print(e)\n"
    )
    import os
    import subprocess
    import sys

    with db.connect(path, read_only=False):
        out = subprocess.run(
            [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60
        )
    assert out.stdout.strip().startswith(
        f"{path} is open for writing in another process (PID {os.getpid()}: "
    )
    assert out.stdout.strip().endswith("; wait for it to finish or close it, then run again")


def test_kind_comes_from_the_start_of_the_file_name(tmp_path):
    assert kind_of(tmp_path / "Involvements 2024.csv") == "involvements"
    assert kind_of(tmp_path / "involvements_2024-01.csv") == "involvements"
    assert kind_of(tmp_path / "export.csv") is None


def test_data_loads_raw_folder_instead_of_sample(tmp_path, raw_worcs):
    write_extract(raw_worcs, "involvements_2024.csv", [GOOD])
    report = build(tmp_path / "d.duckdb", today=TODAY)
    assert report.sources == {"bucks": "sample", "herefs": "sample", "worcs": "raw"}
    with db.connect(tmp_path / "d.duckdb") as con:
        assert con.execute("SELECT count(*) FROM involvements WHERE service = 'worcs'").fetchone() == (1,)
        assert con.execute("SELECT bool_and(is_sample) FROM loads WHERE service = 'herefs'").fetchone() == (
            True,
        )
        assert con.execute("SELECT bool_or(is_sample) FROM loads WHERE service = 'worcs'").fetchone() == (
            False,
        )


def test_data_rebuilds_when_a_loaded_file_is_removed(tmp_path, raw_worcs):
    write_extract(raw_worcs, "involvements_1.csv", [GOOD])
    second = write_extract(raw_worcs, "involvements_2.csv", [["B1", "05/02/2024", "", "", ""]])
    db_path = tmp_path / "d.duckdb"
    assert build(db_path, source="raw", today=TODAY).rebuilt
    assert not build(db_path, source="raw", today=TODAY).rebuilt  # nothing new: incremental no-op
    second.unlink()
    assert build(db_path, source="raw", today=TODAY).rebuilt
    with db.connect(db_path) as con:
        assert con.execute("SELECT involvement_id FROM involvements").fetchall() == [("A1",)]


def test_data_rebuilds_when_a_file_that_decides_how_rows_load_changes(tmp_path, monkeypatch, raw_worcs):
    # An analyst's edit to an alias, a redaction rule or a service's scale must reach rows already
    # loaded, so each of those files is part of the fingerprint that triggers a rebuild.
    import shutil

    from sendiass_lib import config
    from sendiass_lib.ingest.build import fingerprint_files

    names = {p.relative_to(config.PACKAGE_DIR).as_posix() for p in fingerprint_files()}
    assert {"privacy.py", "taxonomies/reasons.yaml", "ingest/contracts/involvements.yaml"} <= names
    services = tmp_path / "services"
    shutil.copytree(config.SERVICES_DIR, services)
    monkeypatch.setattr(config, "SERVICES_DIR", services)
    write_extract(raw_worcs, "involvements_1.csv", [GOOD])
    db_path = tmp_path / "d.duckdb"
    assert build(db_path, source="raw", today=TODAY).rebuilt
    assert not build(db_path, source="raw", today=TODAY).rebuilt
    with (services / "worcs.yaml").open("a", encoding="utf-8") as f:
        f.write("# an analyst's edit\n")
    assert build(db_path, source="raw", today=TODAY).rebuilt


def test_unusable_file_during_rebuild_keeps_the_previous_database(tmp_path, raw_worcs):
    write_extract(raw_worcs, "involvements_1.csv", [GOOD])
    db_path = tmp_path / "d.duckdb"
    build(db_path, source="raw", today=TODAY)
    (raw_worcs / "involvements_1.csv").unlink()
    (raw_worcs / "involvements_2.csv").write_bytes(b"")
    report = build(db_path, source="raw", today=TODAY)
    assert report.failures and "the file is empty" in report.failures[0]
    with db.connect(db_path) as con:
        assert con.execute("SELECT involvement_id FROM involvements").fetchall() == [("A1",)]


@pytest.mark.parametrize("batch_rows", [1, 1_000_000])
def test_rebuild_in_shared_transactions_reports_every_bad_file_and_keeps_the_old_database(
    tmp_path, monkeypatch, raw_worcs, batch_rows
):
    from sendiass_lib.ingest import build as build_module

    monkeypatch.setattr(build_module, "BATCH_ROWS", batch_rows)  # a commit after every file, or one
    write_extract(raw_worcs, "involvements_1.csv", [GOOD])
    db_path = tmp_path / "d.duckdb"
    build(db_path, source="raw", today=TODAY)
    write_extract(raw_worcs, "involvements_2.csv", [["B1", "05/02/2024", "", "", ""]])
    (raw_worcs / "involvements_3.csv").write_bytes(b"")
    write_extract(raw_worcs, "involvements_4.csv", [["C1", "06/02/2024", "", "", ""]])
    (raw_worcs / "involvements_5.csv").write_bytes(b"")
    (raw_worcs / "involvements_1.csv").unlink()  # a removed file: a rebuild
    report = build(db_path, source="raw", today=TODAY)
    assert report.rebuilt and len(report.failures) == 2
    assert [r.file_name for r in report.results] == ["involvements_2.csv", "involvements_4.csv"]
    with db.connect(db_path) as con:
        assert con.execute("SELECT involvement_id FROM involvements").fetchall() == [("A1",)]
    (raw_worcs / "involvements_3.csv").unlink()
    (raw_worcs / "involvements_5.csv").unlink()
    assert not build(db_path, source="raw", today=TODAY).failures
    with db.connect(db_path) as con:
        assert con.execute("SELECT involvement_id FROM involvements ORDER BY 1").fetchall() == [
            ("B1",),
            ("C1",),
        ]


def test_each_case_ref_is_stored_once_per_service_after_any_sequence_of_loads(tmp_path, con):
    load(con, write_extract(tmp_path, "involvements_1.csv", [GOOD, ["A2", "06/01/2024", "", "", ""]]))
    load(con, write_extract(tmp_path, "involvements_2.csv", [GOOD, ["A3", "07/01/2024", "", "", ""]]))
    closed = ["A2", "06/01/2024", "", "20/02/2024", "1"]
    load(con, write_extract(tmp_path, "involvements_3.csv", [closed]))
    rows = con.execute("SELECT involvement_id, count(*) FROM involvements GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [("A1", 1), ("A2", 1), ("A3", 1)]


KILL_LOAD = """
import sys
from datetime import date
from pathlib import Path
from sendiass_lib import db
from sendiass_lib.ingest.load import load_file
with db.connect(sys.argv[2], read_only=False) as con:
    print("loading", flush=True)
    load_file(con, Path(sys.argv[1]), "worcs", "involvements", today=date(2025, 1, 1))
print("done", flush=True)
"""


def test_kill_9_during_a_large_load_leaves_the_previous_state_or_the_whole_file(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    import polars as pl

    rows = 400_000
    big = tmp_path / "involvements_big.csv"
    i = pl.int_range(0, rows)
    pl.select(
        pl.format("B{}", i).alias("Case Ref"),
        (pl.date(2016, 1, 1) + pl.duration(days=i % 3000)).dt.strftime("%d/%m/%Y").alias("Date Opened"),
    ).write_csv(big)
    db_path = tmp_path / "k.duckdb"
    with db.connect(db_path, read_only=False) as con:
        load(con, write_extract(tmp_path, "involvements_1.csv", [GOOD]))

    def state():
        with db.connect(db_path) as con:
            return con.execute(
                "SELECT (SELECT count(*) FROM loads), (SELECT count(*) FROM involvements)"
            ).fetchone()

    killed_mid_load = 0
    for delay in (0.3, 0.6, 0.9, 1.2):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILL_LOAD, str(big), str(db_path)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout.readline().strip() == "loading"  # the database is open, load under way
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed_mid_load += 1
        proc.wait()
        after = state()
        assert after in {(1, 1), (2, 1 + rows)}, f"partial state {after} after kill at {delay} s"
        if after == (2, 1 + rows):
            break  # the load finished before the kill: the rest would only re-load
    assert killed_mid_load, "no kill landed during the load: make the file bigger"


def test_kind_is_the_longest_kind_the_file_name_starts_with(tmp_path):
    assert kind_of(tmp_path / "training_2024.csv") == "training"
    assert kind_of(tmp_path / "Digital metrics Jan-Dec 2024.xlsx") == "digital"


def test_same_month_written_two_ways_is_one_key(tmp_path, con):
    header = ["Month", "Scope", "Channel", "Metric", "Value"]
    rows = [
        ["Jan-24", "joint", "Website", "Visitors", "10"],
        ["January 2024", "joint", "Website", "Visitors", "12"],
    ]
    path = write_extract(tmp_path, "digital.csv", rows, header=header)
    result = load_file(con, path, "worcs", "digital", today=TODAY)
    assert result.rows_loaded == 0
    assert rejects(con) == [(1, "conflicting_duplicate"), (2, "conflicting_duplicate")]


def test_unmapped_labels_are_loaded_and_named_in_the_summary(tmp_path, con):
    header = ["Case Ref", "Date Opened", "SEN Type", "Caller Type"]
    rows = [["A1", "05/01/2024", "ASD;Narcolepsy", "Gran"], ["A2", "06/01/2024", "Narcolepsy", "Parent"]]
    result = load(con, write_extract(tmp_path, "involvements.csv", rows, header=header))
    assert result.unmapped == {("sen_types", "Narcolepsy"): 2, ("caller_type", "Gran"): 1}
    assert "3 unmapped label(s), loaded as Unmapped: sen_types 'Narcolepsy' 2" in result.summary()


def test_an_alias_added_to_a_taxonomy_file_maps_the_label_with_no_code_change(tmp_path, con, monkeypatch):
    import shutil

    from sendiass_lib import labels

    folder = tmp_path / "taxonomies"
    shutil.copytree(labels.TAXONOMY_DIR, folder)
    original = (labels.TAXONOMY_DIR / "sen_types.yaml").read_text()
    (folder / "sen_types.yaml").write_text(
        original.replace(
            "{label: Medical, code: OTH, aliases: [", "{label: Medical, code: OTH, aliases: [Narcolepsy, "
        )
    )
    monkeypatch.setattr(labels, "TAXONOMY_DIR", folder)
    labels.taxonomy.cache_clear()
    try:
        header = ["Case Ref", "Date Opened", "SEN Type"]
        load(
            con,
            write_extract(tmp_path, "involvements.csv", [["A1", "05/01/2024", "Narcolepsy"]], header=header),
        )
        assert con.execute("SELECT label, code FROM involvement_labels").fetchall() == [("Medical", "OTH")]
    finally:
        labels.taxonomy.cache_clear()
