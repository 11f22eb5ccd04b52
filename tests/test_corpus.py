"""The bad-input corpus (tests/corpus/expected.yaml): every case gives its expected outcome, and no
refused file changes the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from sendiass_lib import db
from sendiass_lib.ingest.errors import ExtractError
from sendiass_lib.ingest.load import load_file
from sendiass_lib.ingest.mapping import contract
from tests.conftest import database_text

CORPUS = Path(__file__).parent / "corpus"
SPEC = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
TODAY = date(2025, 1, 1)


def snapshot(con) -> dict:
    """Everything a load could have changed: every table's rows."""
    tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
    return {table: con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() for table in tables}


def test_corpus_has_at_least_30_cases_and_every_file_is_listed():
    listed = {case["file"] for case in SPEC["cases"]} | {SPEC["baseline"]}  # a file may be 2 cases
    files = {p.name for p in CORPUS.iterdir() if p.name != "expected.yaml"}
    assert files == listed
    assert len(SPEC["cases"]) >= 30


@pytest.mark.parametrize(
    "case", SPEC["cases"], ids=[f"{c['file']}-as-{c.get('kind', 'involvements')}" for c in SPEC["cases"]]
)
def test_corpus_case(case, tmp_path):
    db_path = tmp_path / "corpus.duckdb"
    con = db.connect(db_path, read_only=False)
    load_file(con, CORPUS / SPEC["baseline"], "worcs", "involvements", today=TODAY)
    before = snapshot(con)

    kind, service = case.get("kind", "involvements"), case.get("service", "worcs")
    if "error" in case:
        with pytest.raises(ExtractError) as refused:
            load_file(con, CORPUS / case["file"], service, kind, today=TODAY)
        assert case["error"] in str(refused.value)
        assert len(str(refused.value).splitlines()) == 1
        assert snapshot(con) == before
        return

    result = load_file(con, CORPUS / case["file"], service, kind, today=TODAY)
    assert (result.rows_in, result.rows_loaded) == (case["rows_in"], case["loaded"])
    assert result.rows_in == result.rows_loaded + result.rows_rejected
    rejects = con.execute(
        "SELECT row_number, reason FROM rejects WHERE load_id = ? ORDER BY row_number", [result.load_id]
    ).fetchall()
    assert [list(r) for r in rejects] == case["rejects"]
    spec = contract(kind)
    for column, expected in case.get("stored", {}).items():
        values = con.execute(
            f"SELECT {column} FROM {spec.table} WHERE load_id = ? ORDER BY {', '.join(spec.natural_key)}",
            [result.load_id],
        ).fetchall()
        assert [str(v) if isinstance(v, date) else v for (v,) in values] == expected, column
    if "labels" in case:
        stored = con.execute(
            f"SELECT {spec.natural_key[0]}, field, raw_label, label FROM {spec.labels_table} "
            "WHERE load_id = ? ORDER BY ALL",
            [result.load_id],
        ).fetchall()
        assert [list(r) for r in stored] == case["labels"]
    if "ratings" in case:
        answers = con.execute(
            f"SELECT count(*) FROM {spec.questions.table} WHERE load_id = ?", [result.load_id]
        ).fetchone()
        assert answers == (case["ratings"],)
    con.close()
    data, dump = db_path.read_bytes(), database_text(db_path)
    for text in case.get("absent", []):
        assert text.encode() not in data and text not in dump, text
