"""Shared fixtures: temporary databases, the sample database, and a writer for test extracts."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sendiass_lib import db
from sendiass_lib.ingest.build import build

FIXTURES = Path(__file__).parent / "fixtures"
# Tests (and the processes they start) use a fixed pseudonym key and never write the project's .env.
os.environ["SENDIASS_PSEUDONYM_KEY"] = "test-key-not-secret"
HEADER = ["Case Ref", "Date Opened", "Date of First Response", "Date Closed", "Level"]


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """A database built from the committed sample extracts only."""
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    report = build(path, source="sample")
    assert not report.failures
    return path


@pytest.fixture(scope="session")
def worcs_2024(sample_db, tmp_path_factory) -> Path:
    """Worcestershire's 2024 pages and report document, built from the sample (read them, do not edit)."""
    from sendiass_lib import publish

    out = tmp_path_factory.mktemp("outputs")
    result = publish.build_report("worcs", 2024, db_path=sample_db, out_dir=out, progress=lambda _: None)
    assert not result.failures
    return out / "2024" / "worcs"


@pytest.fixture
def internal(monkeypatch):
    """Disclosure control off, as in an internal build: a test of a metric's logic on a handful of
    hand-made rows reads exact counts (tests/test_disclosure.py tests the rule itself)."""
    from sendiass_lib import disclosure

    monkeypatch.setattr(disclosure, "rule", lambda service: disclosure.Rule(on=False))


@pytest.fixture
def raw_worcs(tmp_path, monkeypatch):
    """An empty data/raw/worcs/ that `sendiass data` reads (config.RAW_DIR pointed at it)."""
    from sendiass_lib import config

    raw = tmp_path / "raw"
    (raw / "worcs").mkdir(parents=True)
    monkeypatch.setattr(config, "RAW_DIR", raw)
    return raw / "worcs"


@pytest.fixture
def services(tmp_path, monkeypatch):
    """A copy of the service files (without mapping files) that a test may edit or add a service's
    mapping file to."""
    import shutil

    from sendiass_lib import config
    from sendiass_lib.ingest import mapping

    folder = tmp_path / "services"
    shutil.copytree(config.SERVICES_DIR, folder, ignore=shutil.ignore_patterns("mappings"))
    monkeypatch.setattr(config, "SERVICES_DIR", folder)
    mapping.clear_cache()
    yield folder
    mapping.clear_cache()


@pytest.fixture
def con(tmp_path):
    """A new, empty, writable database."""
    connection = db.connect(tmp_path / "test.duckdb", read_only=False)
    yield connection
    connection.close()


def parametrized(test) -> list:
    """The cases `test` (of another module) is parametrized with: its examples, kept in one place."""
    (mark,) = [m for m in test.pytestmark if m.name == "parametrize"]
    return list(mark.args[1])


@pytest.fixture(scope="module")
def macros():
    """An in-memory DuckDB with the SQL macros of ingest/sql_parse.py and privacy_sql.py."""
    import duckdb

    from sendiass_lib import privacy_sql
    from sendiass_lib.ingest import sql_parse

    connection = duckdb.connect()
    sql_parse.create_macros(connection)
    privacy_sql.create_macros(connection)
    yield connection
    connection.close()


def write_extract(
    folder: Path,
    name: str,
    rows: list[list[str]],
    header: list[str] | None = None,
    encoding: str = "utf-8",
    sep: str = ",",
    newline: str = "\r\n",
) -> Path:
    """Write a CSV extract the way a case-management system would."""
    lines = [sep.join(header or HEADER), *(sep.join(r) for r in rows)]
    path = folder / name
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def write_xlsx(folder: Path, name: str, rows: list[list], title_rows: int = 0) -> Path:
    """Write an XLSX extract: `title_rows` title lines and a blank row above the header, and any
    datetime cells as real Excel dates (as exports from case-management systems have them)."""
    import datetime

    import xlsxwriter

    path = folder / name
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Export")
    as_date = book.add_format({"num_format": "dd/mm/yyyy"})
    top = 0
    if title_rows:
        for i in range(title_rows):
            sheet.write(i, 0, f"SENDIASS involvements export, part {i + 1}")
        top = title_rows + 1
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(
                    top + r, c, datetime.datetime(value.year, value.month, value.day), as_date
                )
            elif value is not None:
                sheet.write(top + r, c, value)
    book.close()
    return path


def database_text(db_path: Path) -> str:
    """Every value of every table as text. DuckDB may compress strings on disk (dictionary, FSST),
    so searching the file's bytes alone could miss a value; this reads them back through SQL."""
    with db.connect(db_path) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return "\n".join(
            repr(row) for table in tables for row in con.execute(f"SELECT * FROM {table}").fetchall()
        )


def sample_personal_values() -> set[str]:
    """Every personal value in the committed sample extracts: names (and each word of them),
    client ids, dates of birth, emails, phone numbers, postcodes."""
    import csv

    from sendiass_lib import config

    personal = {
        *("Client ID", "Parent/Carer Name", "Child Name", "DOB", "Email", "Phone", "Postcode"),  # cases
        *("Trainer Name", "Parent Name", "Name", "Delegate Name", "Delegate Email"),  # sessions, forms
    }
    values: set[str] = set()
    for path in config.SAMPLE_DIR.rglob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                for column in personal & set(row):
                    if row[column]:
                        values.add(row[column])
                        if column.endswith("Name"):
                            values.update(row[column].split())
    return values


def any_of(values: set[str]) -> str:
    """A regex matching any of the values, as a trie (one pass over the text: testing each of
    ~11,000 values with `in` against the database text and bytes took 15 s, this takes 1 s)."""
    trie: dict = {}
    for value in values:
        node = trie
        for char in value:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie)
