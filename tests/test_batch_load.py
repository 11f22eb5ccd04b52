"""A rebuild loads runs of plain CSVs of one shape together (ingest.batches, load.load_files): the
database it makes is the one loading each file alone would make, row for row, with the same
reject row numbers, load ids, pseudonyms and redactions; files that cannot go together are
loaded alone, in their own words."""

from datetime import date
from pathlib import Path

import pytest

from sendiass_lib import config, db
from sendiass_lib.ingest import build as build_module
from sendiass_lib.ingest import staging
from sendiass_lib.ingest.batches import Batch, batches
from sendiass_lib.ingest.build import Planned, build
from sendiass_lib.ingest.load import file_sha256
from tests.conftest import write_extract

TODAY = date(2025, 3, 1)
# Another system's export: its own wording and order of the headers, personal columns among them.
HEADER = [
    "Client No",
    "Ref",
    "Open Date",
    "Support Level",
    "Reasons",
    "Area of Need",
    "Closure Date",
    "Parent Name",
    "Case Notes",
]


def row(
    ref, opened, level="2", reasons="Choice advice", need="SEMH", client="C1", name="Ann Example", notes=""
):
    return [client, ref, opened, level, reasons, need, "", name, notes]


def export(folder: Path, name: str, rows: list[list[str]], **kw) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_extract(folder, name, rows, header=HEADER, **kw)


@pytest.fixture
def raw(tmp_path, monkeypatch, services):
    """data/raw/ pointed at an empty folder (the services copied, without mapping files)."""
    folder = tmp_path / "raw"
    folder.mkdir()
    monkeypatch.setattr(config, "RAW_DIR", folder)
    return folder


def exports(raw: Path, wide_row: bool = False) -> None:
    """Two services' exports, with what each file's rows must keep apart from the others'."""
    worcs, herefs = raw / "worcs", raw / "herefs"
    blank = export(herefs, "involvements_2021.csv", [row("H-8", "04/01/2021"), row("H-9", "05/01/2021")])
    blank.write_bytes(blank.read_bytes().replace(b"\r\nC1,H-9", b"\r\n\r\nC1,H-9"))  # a blank line
    export(
        worcs,
        "involvements_2022.csv",
        [
            row("W-10", "04/01/2022"),
            row("W-10", "04/01/2022"),  # a duplicate within the file: row 2
            row("W-11", "05/01/2022", client="", notes="rang back ann.example@mail.test"),
            row("W-12", "31/02/2022"),  # bad_date, row 4
            row("W-13", "06/01/2022", reasons="call Ann Example on 07700 900123"),  # unmapped, redacted
            row("W-14", "07/01/2022"),
            row("W-14", "08/01/2022"),  # conflicting
            ["Total", "", "", "", "", "", "", "", ""],
        ],
    )
    export(
        worcs,
        "involvements_2023.csv",
        [
            row("W-20", "04/01/2023"),
            row("W-10", "04/01/2022", level="3"),  # a later export of W-10: it replaces the 2022 row
            row("W-13", "06/01/2022", reasons="call Ann Example on 07700 900123"),  # the same again
            row("W-21", "05/01/2023", level="9"),  # bad_level, row 4
        ],
    )
    export(
        herefs, "involvements_2022.csv", [row("H-1", "02/02/2022", client="C1"), row("W-10", "04/01/2022")]
    )
    last = [row("H-2", "03/02/2023", reasons="Exclusion; Banana")]
    if wide_row:
        last.append([*row("H-3", "04/02/2023"), "an extra cell"])
    export(herefs, "involvements_2023.csv", last)


def tables(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, load times left out."""
    with db.connect(path) as con:
        names = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        found = {}
        for name in names:
            columns = [
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                    [name],
                ).fetchall()
                if c != "loaded_at" and not (name == "meta" and c == "value")
            ]
            rows = con.execute(f"SELECT {', '.join(columns)} FROM {name}").fetchall()
            found[name] = sorted(rows, key=repr)
        return found


def one_by_one(plan):
    return (Batch([item]) for item in plan)


@pytest.mark.parametrize("wide_row", [False, True], ids=["together", "one-file-too-wide"])
def test_a_rebuild_loading_files_together_makes_the_database_loading_each_alone_makes(
    tmp_path, raw, monkeypatch, wide_row
):
    exports(raw, wide_row)
    together = build(tmp_path / "together.duckdb", source="raw", today=TODAY)
    monkeypatch.setattr(build_module, "batches", one_by_one)
    alone = build(tmp_path / "alone.duckdb", source="raw", today=TODAY)

    assert together.failures == alone.failures == []
    assert [r.summary() for r in together.results] == [r.summary() for r in alone.results]
    assert [(r.load_id, r.unmapped, r.all_unmapped) for r in together.results] == [
        (r.load_id, r.unmapped, r.all_unmapped) for r in alone.results
    ]
    expected = tables(tmp_path / "alone.duckdb")
    assert tables(tmp_path / "together.duckdb") == expected
    assert sum(len(rows) for rows in expected.values()) > 30  # (the comparison compared something)


def test_rows_of_files_loaded_together_keep_their_own_file_row_numbers_and_copies(tmp_path, raw):
    exports(raw)
    report = build(tmp_path / "db.duckdb", source="raw", today=TODAY)
    assert report.failures == []
    with db.connect(tmp_path / "db.duckdb") as con:
        found = con.execute(
            """SELECT l.service, l.file_name, r.row_number, r.reason
               FROM rejects r JOIN loads l USING (load_id) ORDER BY l.load_id, r.row_number"""
        ).fetchall()
        assert found == [
            ("worcs", "involvements_2022.csv", 2, "duplicate"),
            ("worcs", "involvements_2022.csv", 4, "bad_date"),
            ("worcs", "involvements_2022.csv", 6, "conflicting_duplicate"),
            ("worcs", "involvements_2022.csv", 7, "conflicting_duplicate"),
            ("worcs", "involvements_2022.csv", 8, "total_row"),
            ("worcs", "involvements_2023.csv", 4, "bad_level"),
        ]
        # the same case reference in another service's file is another case, not a copy
        assert con.execute(
            "SELECT service, intervention_level FROM involvements WHERE involvement_id = 'W-10' ORDER BY 1"
        ).fetchall() == [("herefs", 2), ("worcs", 3)]
        # the same client number in two services is two clients: each service's pseudonym
        keys = con.execute(
            "SELECT DISTINCT service, client_key FROM involvements WHERE involvement_id IN ('W-10', 'H-1')"
        ).fetchall()
        assert len({key for _, key in keys}) == 2


def test_typed_personal_data_in_files_loaded_together_is_redacted_with_each_rows_own_names(tmp_path, raw):
    exports(raw)
    build(tmp_path / "db.duckdb", source="raw", today=TODAY)
    with db.connect(tmp_path / "db.duckdb") as con:
        labels = [r for (r,) in con.execute("SELECT raw_label FROM involvement_labels").fetchall()]
        notes = [
            n for (n,) in con.execute("SELECT notes FROM involvements WHERE notes IS NOT NULL").fetchall()
        ]
    stored = " ".join(labels + notes)
    assert "Ann" not in stored and "07700" not in stored and "@" not in stored
    assert any(label.startswith("call [name]") and label.endswith("[phone]") for label in labels), labels
    assert "Banana" in labels  # (text with nothing personal in it is kept as written)


def test_many_files_of_one_shape_are_read_with_one_read_and_loaded_in_load_order(tmp_path, raw, monkeypatch):
    exports(raw)
    reads = []
    real = staging._read
    monkeypatch.setattr(
        staging, "_read", lambda con, paths, shape: reads.append(len(paths)) or real(con, paths, shape)
    )
    report = build(tmp_path / "db.duckdb", source="raw", today=TODAY)
    assert reads == [4]  # (herefs 2021 has a blank line: the careful reader reads it alone)
    assert [(r.load_id, r.file_name) for r in report.results] == [
        (1, "involvements_2021.csv"),  # herefs
        (2, "involvements_2022.csv"),
        (3, "involvements_2023.csv"),
        (4, "involvements_2022.csv"),  # worcs
        (5, "involvements_2023.csv"),
    ]


def test_a_file_with_no_rows_among_files_loaded_together_is_refused_in_its_own_words(
    tmp_path, raw, monkeypatch
):
    exports(raw)
    export(raw / "herefs", "involvements_2024.csv", [])
    together = build(tmp_path / "together.duckdb", source="raw", today=TODAY)
    monkeypatch.setattr(build_module, "batches", one_by_one)
    alone = build(tmp_path / "alone.duckdb", source="raw", today=TODAY)
    assert together.failures == alone.failures
    assert len(together.failures) == 1 and "involvements_2024.csv" in together.failures[0]
    assert "no data rows" in together.failures[0]


@pytest.mark.parametrize(
    ("cells", "reads", "dropped_unknown"),
    [
        (["on file", "nothing personal", "to check"], [3], [["Extra"], ["Extra"], ["Extra"]]),
        (["on file", "pat@mail.test", "to check"], [3, 1, 1, 1], [["Extra"], [], ["Extra"]]),  # personal
    ],
    ids=["judged-alike", "judged-otherwise"],
)
def test_a_column_the_contract_does_not_know_is_judged_on_each_files_own_values(
    tmp_path, raw, monkeypatch, cells, reads, dropped_unknown
):
    """Files whose unknown column is judged alike load together; else each loads alone."""
    for year, value in zip((2022, 2023, 2024), cells, strict=True):
        path = export(raw / "worcs", f"involvements_{year}.csv", [row(f"W-{year}", f"04/01/{year}")])
        text = path.read_bytes().replace(b"Case Notes", b"Extra").replace(b",\r\n", f",{value}\r\n".encode())
        path.write_bytes(text)
    read = []
    real = staging._read
    monkeypatch.setattr(
        staging, "_read", lambda con, paths, shape: read.append(len(paths)) or real(con, paths, shape)
    )
    report = build(tmp_path / "db.duckdb", source="raw", today=TODAY)
    assert report.failures == []
    assert read == reads
    assert [r.dropped_unknown for r in report.results] == dropped_unknown
    monkeypatch.setattr(build_module, "batches", one_by_one)
    build(tmp_path / "alone.duckdb", source="raw", today=TODAY)
    assert tables(tmp_path / "db.duckdb") == tables(tmp_path / "alone.duckdb")


def planned(raw: Path, service: str, name: str, kind: str = "involvements") -> Planned:
    path = export(raw / service, name, [row(f"{service}-{name}", "04/01/2022")])
    return Planned(service, kind, path, file_sha256(path))


def test_services_without_their_own_mapping_batch_together_in_load_order(raw):
    plan = [planned(raw, s, f"involvements_{y}.csv") for s in ("worcs", "herefs") for y in (2022, 2023)]
    assert [len(b.items) for b in batches(plan)] == [4]


def test_a_service_with_its_own_mapping_file_batches_only_with_its_own_files(raw, services):
    (services / "mappings").mkdir(exist_ok=True)
    (services / "mappings" / "herefs.yaml").write_text("labels:\n  sen_types:\n    Dyslexia: ADHD\n")
    from sendiass_lib.ingest import mapping

    mapping.clear_cache()
    plan = [
        planned(raw, s, f"involvements_{y}.csv") for s in ("worcs", "herefs", "bucks") for y in (2022, 2023)
    ]
    assert [[i.service for i in b.items] for b in batches(plan)] == [
        ["worcs", "worcs"],
        ["herefs", "herefs"],
        ["bucks", "bucks"],
    ]


def test_a_file_over_the_batch_size_and_a_file_planned_twice_load_alone(raw):
    small = [planned(raw, "worcs", f"involvements_{y}.csv") for y in (2022, 2023)]
    again = Planned("worcs", "involvements", small[0].path, small[0].sha256)
    size = small[0].path.stat().st_size
    assert [len(b.items) for b in batches([*small, again], max_bytes=2 * size)] == [2, 1]
    assert [b.shape is None for b in batches(small, max_bytes=size - 1)] == [True, True]


def test_files_among_which_one_is_loaded_already_are_not_loaded_together(tmp_path, raw):
    from sendiass_lib.ingest.load import Source, load_file, load_files

    plan = [planned(raw, "worcs", f"involvements_{y}.csv") for y in (2022, 2023)]
    files = [Source(p.path, p.sha256, p.service) for p in plan]
    (batch,) = batches(plan)
    with db.connect(tmp_path / "db.duckdb", read_only=False) as con:
        load_file(con, plan[0].path, "worcs", "involvements", today=TODAY)
        assert load_files(con, files, "involvements", batch.shape, today=TODAY) is None
        assert con.execute("SELECT count(*) FROM loads").fetchall() == [(1,)]
        assert len(load_files(con, files[1:], "involvements", batch.shape, today=TODAY)) == 1
