"""`sendiass check FILE`: a dry run on a service's own export that reports headers, labels, dates,
rejects and appendices, suggests mapping lines, writes a private page and never opens the database."""

from __future__ import annotations

import csv
import hashlib
import os
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sendiass_lib import cli, config, db, privacy
from sendiass_lib.ingest import mapping
from sendiass_lib.ingest.check import check_file
from sendiass_lib.ingest.contract import SERVICE, UNKNOWN
from tests.conftest import write_xlsx

TODAY = date(2025, 1, 10)
HEADER = ["Case No.", "Date Opened", "Closed date", "How did you hear about us?", "SEN type(s)",
          "Contact", "Young person's name", "DOB", "Client ID"]  # fmt: skip
EMAILS = [f"parent.{n}@example.org" for n in ("ashcombe", "juxon", "loveday", "kilbride")]
NAMES = ["Aurelie Ashcombe", "Benedikt Juxon", "Caoimhe Loveday", "Oriel Kilbride"]
PERSONAL_VALUES = [*EMAILS, *NAMES, "Ashcombe", "14/03/2013", "CL429417"]


def messy_rows() -> list[list[str]]:
    """Four loadable involvements: a DfE-named SEN type, a misspelt one ("dyslexic"), an unfamiliar
    personal header ("Contact", holding emails), a header the contract does not know ("Closed
    date"), a <script> label."""
    sen = ["Social, Emotional and Mental Health", "dyslexic", "<script>alert(1)</script>", "ASD; ADHD"]
    return [
        [f"C{i}", "05/01/2024", "", "School", sen[i], EMAILS[i], NAMES[i], "14/03/2013", "CL429417"]
        for i in range(4)
    ]


def write_csv(folder: Path, name: str, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    """A CSV extract, quoted as spreadsheets quote it (cells with commas in quotes)."""
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def run_check(capsys, path: Path, *args: str, out: Path) -> tuple[int, str, str]:
    code = cli.main(["check", str(path), "--service", "worcs", "--out", str(out), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def page_of(out: Path, path: Path) -> str:
    return (out / "_check" / "worcs" / f"{path.stem}.html").read_text(encoding="utf-8")


def test_check_prints_each_headers_mapping_and_suggestions_and_never_opens_the_database(
    tmp_path, capsys, monkeypatch
):
    extract = write_csv(tmp_path, "Involvements 2024.csv", messy_rows())
    database = tmp_path / "sendiass.duckdb"
    db.connect(database, read_only=False).close()
    before = (hashlib.sha256(database.read_bytes()).hexdigest(), database.stat().st_mtime_ns)
    monkeypatch.setenv("SENDIASS_DB", str(database))

    def refuse(*args, **kwargs):
        raise AssertionError("check opened the database")

    monkeypatch.setattr(db, "connect", refuse)
    code, out, _ = run_check(capsys, extract, out=tmp_path / "outputs")

    assert code == 0
    lines = {line.split()[1]: line for line in out.splitlines() if re.match(r"\s+\d+\s", line)}
    assert "involvement_id" in lines["Case"] and "normalised match" in lines["Case"]
    assert re.search(r"Date Opened\s+opened_on\s+alias", out)
    assert "dropped: unknown" in lines["Closed"]
    assert "dropped as personal data: 4 of its values look like email addresses" in lines["Contact"]
    assert "dropped as personal data: its header reads like a name" in lines["Young"]
    assert re.search(r"Closed date\s+closed_on\s+Date Closed\s+100", out)  # the suggestion
    assert re.search(r"dyslexic\s+1\s+Unmapped", out)
    assert re.search(r"dyslexic\s+Dyslexia\s+dyslexia\s+88", out)  # the suggestion
    assert "Social, Emotional and Mental Health" in out
    assert (hashlib.sha256(database.read_bytes()).hexdigest(), database.stat().st_mtime_ns) == before


def test_a_dfe_named_sen_type_is_mapped_or_suggested_to_its_codes_label(tmp_path):
    extract = write_csv(tmp_path, "involvements.csv", messy_rows())
    labels = check_file(extract, "worcs", "involvements", today=TODAY).labels
    [row] = [r for r in labels if r.raw_label == "Social, Emotional and Mental Health"]
    # An alias of SEMH once the taxonomy names DfE's needs; until then, SEMH suggested scoring 100.
    if row.label == "Unmapped":
        assert (row.suggestions[0].target, row.suggestions[0].score) == ("SEMH", 100)
    else:
        assert (row.label, row.code) == ("SEMH", "SEMH")


def test_a_missing_required_column_fails_with_exit_1_naming_it(tmp_path, capsys):
    rows = [[cell for at, cell in enumerate(row) if at != 1] for row in messy_rows()]
    extract = write_csv(tmp_path, "Involvements 2024.csv", rows, [h for h in HEADER if h != "Date Opened"])
    code, out, err = run_check(capsys, extract, out=tmp_path / "outputs")
    assert code == 1
    assert (
        err.strip() == "sendiass: Involvements 2024.csv cannot be loaded: missing required column opened_on"
    )
    assert re.search(r"opened_on\s+Date Opened, Open Date, Opened", out)
    assert "Date formats" not in out  # nothing past the headers is judged


def suggested_block(out: str) -> str:
    start = out.index("SUGGESTED MAPPING for")
    return out[start:].split("\n", 1)[1].split("\n\n", 1)[0] + "\n"


def test_suggested_yaml_written_to_the_mapping_file_maps_the_header_and_label_next_time(
    tmp_path, capsys, services
):
    extract = write_csv(tmp_path, "Involvements 2024.csv", messy_rows())
    code, out, _ = run_check(capsys, extract, "--suggest", out=tmp_path / "outputs")
    block = suggested_block(out)
    assert code == 0
    assert "    Closed date: closed_on  # score 100 (like 'Date Closed')" in block
    assert "    dyslexic: Dyslexia  # score 88" in block
    assert not (services / "mappings").exists()  # --suggest alone writes nothing

    (services / "mappings").mkdir()
    (services / "mappings" / "worcs.yaml").write_text(block, encoding="utf-8")
    mapping.clear_cache()
    result = check_file(extract, "worcs", "involvements", today=TODAY)
    assert {h.header: (h.how, h.column) for h in result.headers}["Closed date"] == (SERVICE, "closed_on")
    labels = {r.raw_label: r.label for r in result.labels}
    assert labels["dyslexic"] == "Dyslexia" and labels["Social, Emotional and Mental Health"] == "SEMH"


def test_write_mapping_adds_the_suggestions_and_keeps_existing_entries(tmp_path, capsys, services):
    (services / "mappings").mkdir()
    own = services / "mappings" / "worcs.yaml"
    own.write_text("headers:\n  involvements:\n    Internal RAG: ignore\n", encoding="utf-8")
    mapping.clear_cache()
    extract = write_csv(tmp_path, "Involvements 2024.csv", messy_rows())
    code, out, _ = run_check(capsys, extract, "--write-mapping", out=tmp_path / "outputs")
    assert code == 0
    assert f"wrote {own}" in out
    written = mapping.mapping("worcs")
    assert written.header_targets("involvements") == {"Internal RAG": "ignore", "Closed date": "closed_on"}
    assert written.label_targets("sen_types")["dyslexic"] == "Dyslexia"
    result = check_file(extract, "worcs", "involvements", today=TODAY)
    assert not [h for h in result.headers if h.how == UNKNOWN]


def test_date_formats_ambiguous_day_month_and_unparsed_cells_are_counted(tmp_path):
    opened = ["03/04/2024", "25/12/2024", "2024-01-05", "5/1/24", "31/02/2024", "04/04/2024", "45296"]
    rows = [[f"C{i}", day] for i, day in enumerate(opened)]
    extract = write_csv(tmp_path, "involvements.csv", rows, ["Case Ref", "Date Opened"])
    [dates] = check_file(extract, "worcs", "involvements", today=TODAY).dates
    assert dict(dates.formats) == {"dd/mm/yyyy": 4, "yyyy-mm-dd": 1, "d/m/yy": 1, "Excel serial number": 1}
    assert (dates.filled, dates.ambiguous, dates.unparsed) == (7, 2, 1)  # 03/04 and 5/1; 31/02
    assert dates.day_first


def test_a_real_spreadsheet_date_is_told_apart_from_typed_dates(tmp_path):
    rows = [["Case Ref", "Date Opened"], ["A1", date(2024, 1, 5)], ["A2", "05/01/2024"]]
    extract = write_xlsx(tmp_path, "involvements.xlsx", rows, title_rows=1)
    [dates] = check_file(extract, "worcs", "involvements", today=TODAY).dates
    assert dict(dates.formats) == {"spreadsheet date cell": 1, "dd/mm/yyyy": 1}
    assert dates.ambiguous == 1  # the typed 05/01/2024; a date cell is a date, never ambiguous


def test_rejects_are_counted_by_reason_with_their_first_row_numbers(tmp_path):
    rows = [["C0", "05/01/2024"]]
    rows += [[f"B{i}", "31/02/2024"] for i in range(7)]  # rows 2-8
    rows += [["F1", "05/01/2030"], ["Total", ""], ["C0", "05/01/2024"]]  # rows 9, 10, 11
    extract = write_csv(tmp_path, "involvements.csv", rows, ["Case Ref", "Date Opened"])
    result = check_file(extract, "worcs", "involvements", today=TODAY)
    found = [(g.reason, g.rows, g.first_rows) for g in result.rejects]
    assert found == [
        ("total_row", 1, [10]),
        ("bad_date", 7, [2, 3, 4, 5, 6]),
        ("future_date", 1, [9]),
        ("duplicate", 1, [11]),
    ]
    assert (result.rows_in, result.rows_loaded) == (11, 1)


def test_check_finds_the_rejects_and_labels_a_load_of_the_same_file_stores(tmp_path):
    from sendiass_lib.ingest.load import load_file

    header = ["Case Ref", "Date Opened", "Date Closed", "Level", "SEN type", "Client ID", "Notes", "Name"]
    rows = [
        [
            "A1",
            "05/01/2024",
            "",
            "2",
            "ASD; Dyslexic; Jane's worry",
            "CL1",
            "Call Jane on 07700 900123",
            "Jane Smith",
        ],
        ["A2", "05/01/2024", "01/01/2024", "", "ASD", "CL2", "", ""],  # date_order
        ["A3", "06/01/2024", "", "Level 9", "ADHD", "CL3", "", ""],  # bad_level
        ["A4", "07/01/2024", "", "", "Jane's autism", "CL4", "notes", "Jane Smith"],
        ["A4", "08/01/2024", "", "", "ASD", "CL4", "", ""],  # conflicting_duplicate, both
        ["Total", "", "", "", "", "", "", ""],
    ]
    extract = write_csv(tmp_path, "involvements.csv", rows, header)
    result = check_file(extract, "worcs", "involvements", today=TODAY)
    with db.connect(tmp_path / "d.duckdb", read_only=False) as con:
        load_file(con, extract, "worcs", "involvements", today=TODAY)
        stored = con.execute("SELECT reason, row_number FROM rejects ORDER BY reason, row_number").fetchall()
        labels = con.execute(
            "SELECT field, raw_label, label, count(DISTINCT involvement_id) FROM involvement_labels "
            "GROUP BY ALL"
        ).fetchall()
    assert sorted((g.reason, n) for g in result.rejects for n in g.first_rows) == sorted(stored)
    assert sorted((r.field, r.raw_label, r.label, r.involvements) for r in result.labels) == sorted(labels)
    assert ("sen_types", "[name]'s worry", "Unmapped", 1) in labels  # redacted in both


def test_the_page_is_marked_not_for_publication_escapes_labels_and_shows_no_personal_value(tmp_path, capsys):
    extract = write_csv(tmp_path, "Involvements 2024.csv", messy_rows())
    code, out, _ = run_check(capsys, extract, out=tmp_path / "outputs")
    page = page_of(tmp_path / "outputs", extract)
    assert code == 0
    assert "Not for publication: a check of Involvements 2024.csv for worcs." in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page.lower()
    assert "<script>alert(1)</script>" in out  # (the terminal shows text as it is)
    for value in PERSONAL_VALUES:
        assert value not in page and value not in out, value


class Structure(HTMLParser):
    """What an accessibility check looks at: lang, title, headings, tables, scripts, links."""

    def __init__(self) -> None:
        super().__init__()
        self.lang, self.title, self.headings, self.tables, self.captions = None, "", [], 0, 0
        self.th_without_scope, self.external, self.scripts, self._in_title = 0, [], 0, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.lang = attrs.get("lang", self.lang) if tag == "html" else self.lang
        self._in_title = tag == "title"
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        self.tables += tag == "table"
        self.captions += tag == "caption"
        self.th_without_scope += tag == "th" and "scope" not in attrs
        self.scripts += tag == "script"
        self.external += [v for k, v in attrs.items() if k in ("src", "href") and "//" in (v or "")]

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag):
        self._in_title = False


def test_the_page_is_accessible_and_offline(tmp_path, capsys):
    extract = write_csv(tmp_path, "Involvements 2024.csv", messy_rows())
    run_check(capsys, extract, out=tmp_path / "outputs")
    found = Structure()
    found.feed(page_of(tmp_path / "outputs", extract))
    assert found.lang == "en-GB" and "Involvements 2024.csv" in found.title
    assert found.headings.count(1) == 1 and found.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(found.headings, found.headings[1:], strict=False))
    assert found.tables >= 5 and found.captions == found.tables and found.th_without_scope == 0
    assert (found.scripts, found.external) == (0, [])


def test_appendices_say_which_pages_the_file_feeds_and_why_not(tmp_path):
    extract = write_csv(tmp_path, "involvements.csv", messy_rows())
    appendices = {a.name: a for a in check_file(extract, "worcs", "involvements", today=TODAY).appendices}
    assert appendices["involvements"].fed and appendices["sen_types"].fed
    assert appendices["contact"].fed  # from heard_about alone
    assert "no caller_type column in this file" in appendices["contact"].why
    assert not appendices["reasons"].fed and "no reasons column" in appendices["reasons"].why
    assert (
        not appendices["evaluations"].fed and appendices["evaluations"].why == "needs an evaluations extract"
    )


def test_service_and_kind_come_from_the_files_place_and_name(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
    (tmp_path / "raw" / "herefs").mkdir(parents=True)
    extract = write_csv(tmp_path / "raw" / "herefs", "Involvements Jan-Jun.csv", messy_rows())
    assert cli.main(["check", str(extract), "--out", str(tmp_path / "outputs")]) == 0
    assert "Check of Involvements Jan-Jun.csv for herefs (involvements extract)" in capsys.readouterr().out

    elsewhere = write_csv(tmp_path, "export.csv", messy_rows())
    assert cli.main(["check", str(elsewhere), "--service", "worcs"]) == cli.USAGE_ERROR
    err = capsys.readouterr().err.strip()
    assert err.startswith("sendiass: cannot tell the extract kind from the name 'export.csv'; give --kind")
    assert "involvements" in err and "training_evaluations" in err
    assert cli.main(["check", str(elsewhere)]) == cli.USAGE_ERROR
    assert "give --service (one of: bucks, herefs, worcs)" in capsys.readouterr().err


def test_check_neither_reads_nor_creates_the_pseudonym_key(tmp_path, monkeypatch):
    monkeypatch.delenv(privacy.KEY_NAME, raising=False)
    monkeypatch.setattr(privacy, "env_file", lambda: tmp_path / ".env")
    privacy.pseudonym_key.cache_clear()
    check_file(write_csv(tmp_path, "involvements.csv", messy_rows()), "worcs", "involvements", today=TODAY)
    assert not (tmp_path / ".env").exists()
    assert privacy.KEY_NAME not in os.environ
    privacy.pseudonym_key.cache_clear()


def test_the_check_bench_times_check_beside_a_load_of_the_same_file(tmp_path):
    import importlib.util
    import sys

    bench = config.PROJECT_ROOT / "bench"
    sys.path.insert(0, str(bench))  # (it imports bench/suite.py, as `python bench/check.py` does)
    try:
        spec = importlib.util.spec_from_file_location("bench_check", bench / "check.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        [(step, checked, loaded, ratio, peak)] = module.check_rows(tmp_path, [300])
    finally:
        sys.path.remove(str(bench))
    assert step.startswith("check vs load, 300 involvements")
    assert checked.endswith("s CPU)") and loaded.endswith("s CPU)") and "x (" in ratio
    assert all(int(mb) > 0 for mb in peak.removesuffix(" MB").split(" / "))


def test_a_workbook_lists_its_sheets_and_reads_the_one_holding_the_header_or_the_one_named():
    fixture = Path(__file__).parent / "fixtures" / "own_export" / "Involvements Jul-Dec 2024.xlsx"
    result = check_file(fixture, "worcs", "involvements", today=date(2025, 1, 10))
    assert [(s.name, s.header_row) for s in result.sheets] == [("Summary", None), ("Data", 3)]
    assert result.sheet == "Data" and result.rows_loaded == 181
    from sendiass_lib.ingest.errors import ExtractError

    with pytest.raises(ExtractError, match="no header row"):
        check_file(fixture, "worcs", "involvements", sheet="Summary")
