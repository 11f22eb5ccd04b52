"""Issue 19, end to end: data/raw/worcs/ holding a service's own involvements export and one download
of each kind it already has (website, social media, mailing list, evaluation form, bookings) builds
the digital, evaluations and training pages, and keeps no email, name or IP address anywhere."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sendiass_lib import config, db, publish
from sendiass_lib.ingest.build import build
from tests.test_native_digital import POSTS, account_export, ga4_exploration, write
from tests.test_native_forms import write_ms_forms
from tests.test_native_mail_events import eventbrite_xlsx, mailchimp_zip

EXPORT = Path(__file__).parent / "fixtures" / "own_export"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("native")
    raw = root / "raw" / "worcs"
    raw.mkdir(parents=True)
    for path in EXPORT.glob("Involvements*"):
        shutil.copy(path, raw / path.name)
    ga4_exploration(raw, "Website 2024.csv")
    write(raw, "Facebook posts.csv", POSTS)
    (raw / "Facebook follows.csv").write_bytes(
        account_export("Facebook follows", [("2024-08-01T00:00:00", "20")])
    )
    mailchimp_zip(raw, "Newsletter.zip")
    eventbrite_xlsx(raw, "Bookings.xlsx")
    write_ms_forms(raw, "Feedback.xlsx")
    patch = pytest.MonkeyPatch()
    patch.setattr(config, "RAW_DIR", root / "raw")
    try:
        report = build(root / "d.duckdb")
        result = publish.build_report("worcs", 2024, db_path=root / "d.duckdb", out_dir=root / "out")
    finally:
        patch.undo()
    return report, result, root


def test_every_download_loads_and_the_digital_evaluations_and_training_pages_are_built(built):
    report, result, root = built
    assert not report.failures and not report.skipped
    assert not result.failures
    kinds = {r.file_name: r for r in report.results}
    assert {"Website 2024.csv", "Newsletter.zip", "Bookings.xlsx", "Feedback.xlsx"} <= set(kinds)
    for r in report.results:
        assert r.rows_in == r.rows_loaded + r.rows_rejected
    pages = {p.stem for p in (root / "out" / "2024" / "worcs").glob("*.html")}
    assert {"digital", "evaluations", "training"} <= pages


def test_no_email_name_or_ip_address_is_in_the_database_or_on_a_page(built):
    _, _, root = built
    pattern = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}|\b\d{1,3}(?:\.\d{1,3}){3}\b"
    with db.connect(root / "d.duckdb") as con:
        columns = con.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE data_type IN ('VARCHAR', 'VARCHAR[]', 'JSON')"""
        ).fetchall()
        for table, column in columns:
            [(found,)] = con.execute(
                f"SELECT count(*) FROM {table} WHERE regexp_matches(CAST({column} AS VARCHAR), ?)", [pattern]
            ).fetchall()
            assert not found, f"{table}.{column}"
    for page in (root / "out").rglob("*.html"):
        assert not re.search(pattern, page.read_text(encoding="utf-8")), page.name
