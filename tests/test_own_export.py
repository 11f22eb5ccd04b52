"""A service's first own export, end to end: an involvements export laid out by somebody else
(tests/fixtures/own_export, written by its make.py) in data/raw/worcs/ loads, builds the report, and
puts no personal value in the database or on any page."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from sendiass_lib import config, db, publish
from sendiass_lib.ingest.build import build

EXPORT = Path(__file__).parent / "fixtures" / "own_export"
EXPECTED = yaml.safe_load((EXPORT / "expected.yaml").read_text())
YEAR = 2024


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The export in a data/raw/worcs/ of its own, loaded with every other service's sample, and
    worcs 2024's report built from it."""
    root = tmp_path_factory.mktemp("own")
    raw = root / "raw"
    (raw / "worcs").mkdir(parents=True)
    for path in EXPORT.glob("Involvements*"):
        shutil.copy(path, raw / "worcs" / path.name)
    patch = pytest.MonkeyPatch()
    patch.setattr(config, "RAW_DIR", raw)
    try:
        report = build(root / "d.duckdb")
        result = publish.build_report("worcs", YEAR, db_path=root / "d.duckdb", out_dir=root / "out")
    finally:
        patch.undo()
    return report, result, root


class _Tables(HTMLParser):
    """Every table of a page: its caption and rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]["rows"]:
            self.tables[-1]["rows"][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._in_caption:
            self.tables[-1]["caption"] += data
        elif self._cell is not None:
            self._cell.append(data)


def page_tables(path: Path) -> list[dict]:
    parser = _Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tables


def test_every_row_of_the_export_is_loaded_or_rejected_and_the_report_builds(built):
    report, result, _ = built
    assert not report.failures and not result.failures
    files = [r for r in report.results if r.file_name.startswith("Involvements")]
    assert len(files) == 2
    assert sum(r.rows_loaded for r in files) == EXPECTED["involvements"]
    assert [r.reasons for r in files if r.rows_rejected] == [{"total_row": 1}]  # the CSV's Total line


def test_the_where_heard_table_has_the_exports_numbers(built):
    _, _, root = built
    [table] = [
        t for t in page_tables(root / "out" / str(YEAR) / "worcs" / "contact.html") if "heard" in t["caption"]
    ]
    counts = {row[0]: row[1] for row in table["rows"][1:]}
    for label, n in EXPECTED["heard_about"].items():
        assert counts[label] == (f"{n:,}" if n >= 5 else "[c]"), label


def test_dfe_named_sen_types_map_to_their_codes(built):
    _, _, root = built
    with db.connect(root / "d.duckdb") as con:
        cited = dict(
            con.execute(
                """SELECT code, count(DISTINCT involvement_id) FROM involvement_labels
                   WHERE service = 'worcs' AND field = 'sen_types' AND code IS NOT NULL GROUP BY 1"""
            ).fetchall()
        )
    assert cited == EXPECTED["sen_codes_cited"]


def test_no_personal_value_is_in_any_table_of_the_database(built):
    _, _, root = built
    pattern = "|".join(re.escape(v.lower()) for v in EXPECTED["personal_values"])
    with db.connect(root / "d.duckdb") as con:
        columns = con.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE data_type IN ('VARCHAR', 'VARCHAR[]', 'JSON')"""
        ).fetchall()
        for table, column in columns:
            found = con.execute(
                f"SELECT count(*) FROM {table} WHERE regexp_matches(lower(CAST({column} AS VARCHAR)), ?)",
                [pattern],
            ).fetchall()[0][0]
            assert not found, f"{table}.{column}"


def test_no_personal_value_is_on_any_page(built):
    _, _, root = built
    pages = list((root / "out").rglob("*.html"))
    assert len(pages) > 3
    for page in pages:
        text = page.read_text(encoding="utf-8").lower()
        for value in EXPECTED["personal_values"]:
            assert value.lower() not in text, (page.name, value)


def test_the_data_quality_page_lists_the_unknown_column_by_name(built):
    _, _, root = built
    tables = page_tables(root / "out" / str(YEAR) / "worcs" / "data_quality.html")
    [dropped] = [t for t in tables if t["caption"].startswith("Columns not used")]
    why = {row[1]: row[2] for row in dropped["rows"][1:]}
    assert why[EXPECTED["unknown_column"]].startswith("unknown")
    assert why["Name of child/young person"] == "personal data: never read"
