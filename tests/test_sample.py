"""The synthetic sample: deterministic, shaped like an export, calibrated to the published figures."""

import hashlib
import re

import pytest

from sendiass_lib import config, db
from sendiass_lib.metrics import involvements
from sendiass_lib.sample.committed import generate
from tests import published
from tests.conftest import any_of, database_text, sample_personal_values


def test_regenerating_the_sample_gives_the_committed_bytes(tmp_path):
    written = generate(tmp_path)
    assert written
    for path in written:
        committed = config.SAMPLE_DIR / path.relative_to(tmp_path)
        assert path.read_bytes() == committed.read_bytes(), f"{committed} differs; run make sample"
    assert (tmp_path / "SHA256SUMS").read_bytes() == (config.SAMPLE_DIR / "SHA256SUMS").read_bytes()


def test_sha256sums_lists_every_sample_file():
    listed = {}
    for line in (config.SAMPLE_DIR / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        listed[name] = digest
    files = sorted(p for p in config.SAMPLE_DIR.rglob("*.csv"))
    assert sorted(listed) == [p.relative_to(config.SAMPLE_DIR).as_posix() for p in files]
    for path in files:
        rel = path.relative_to(config.SAMPLE_DIR).as_posix()
        assert hashlib.sha256(path.read_bytes()).hexdigest() == listed[rel]


def test_sample_looks_like_a_windows_export():
    data = (config.SAMPLE_DIR / "worcs" / "involvements_2024.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfCase Ref,Date Opened,")
    assert b"\r\n" in data
    assert b"/2024," in data  # UK day-first dates


def test_each_sample_file_has_the_bad_rows_a_real_export_has_and_is_marked_as_sample(sample_db):
    with db.connect(sample_db) as con:
        loads = con.execute("SELECT bool_and(is_sample), count(*) FROM loads").fetchone()
        reasons = con.execute(
            """SELECT l.kind, list(r.reason ORDER BY r.reason)
               FROM loads l LEFT JOIN rejects r USING (load_id)
               GROUP BY l.load_id, l.kind ORDER BY l.load_id"""
        ).fetchall()
    assert loads == (True, len(list(config.SAMPLE_DIR.rglob("*.csv"))))
    expected = {
        "involvements": [["bad_date", "duplicate", "total_row"]],
        "training": [["bad_number", "total_row"]],
        "digital": [["duplicate"]],
        # Forms: a rating off the scale, and a duplicate form, a Total row or an impossible date.
        "evaluations": [["bad_date", "bad_rating"], ["bad_rating", "duplicate"], ["bad_rating", "total_row"]],
        "training_evaluations": [["bad_rating", "duplicate"], ["bad_rating", "total_row"]],
        # Service figures: a typed Total row, or a unit typed into a number cell ("0.4 FTE").
        "figures": [["total_row"], ["bad_number"]],
    }
    assert reasons and all(found in expected[kind] for kind, found in reasons), reasons
    assert sorted({kind for kind, _ in reasons}) == sorted(expected)


def test_sample_training_sessions_add_up_to_the_published_tables(sample_db):
    tables = [t for t in published.section("training") if "audience" in t]  # one per county and kind
    audience = {"parent/carer": "Parent/carer", "professionals": "Professional"}
    delivery = {
        "standard workshop": "Workshop",
        "bespoke workshop": "Bespoke workshop",
        "online workshop": "Online workshop",
    }
    with db.connect(sample_db) as con:
        for table in tables:
            table_id, service = table["id"], table["id"].split("_")[0]
            for course, figures in table["rows"].items():
                got = con.execute(
                    """SELECT sum(booked), sum(attended) FROM training_sessions WHERE service = ?
                       AND course = ? AND audience = ? AND format = ?""",
                    [service, course, audience[table["audience"]], delivery[table["format"]]],
                ).fetchone()
                assert got == (figures["booked"], figures["attended"]), (table_id, course)
        totals = con.execute("SELECT service, sum(attended) FROM training_sessions GROUP BY 1").fetchall()
    assert dict(totals) == published.table("hw_training_attendance_summary")["attended"]  # printed totals


def test_sample_website_visitors_are_the_published_months(sample_db):
    visitors = list(published.table("hw_website_visitors_monthly")["visitors"].values())
    with db.connect(sample_db) as con:
        for service in ("herefs", "worcs"):
            got = con.execute(
                """SELECT value FROM digital_metrics WHERE service = ? AND scope = 'joint'
                   AND channel = 'Website' AND metric = 'Visitors' ORDER BY month""",
                [service],
            ).fetchall()
            assert [v for (v,) in got] == visitors


def test_no_fake_personal_value_from_the_sample_is_in_the_database(sample_db):
    values = sample_personal_values()
    assert len(values) > 1000  # names, ids, birth dates, contacts of thousands of fake families
    personal = re.compile(any_of(values))
    assert all(personal.search(f"in a note: {value}.") for value in values)  # the pattern finds each
    assert personal.search(database_text(sample_db)) is None
    assert re.compile(personal.pattern.encode()).search(sample_db.read_bytes()) is None


@pytest.mark.parametrize("table_id", ["herefs_involvements_monthly", "worcs_involvements_monthly"])
def test_sample_monthly_counts_equal_the_published_ones(sample_db, table_id):
    table = published.table(table_id)
    with db.connect(sample_db) as con:
        result = involvements.monthly(con, table["service"], 2024)
    for year, counts in table["counts"].items():
        column = result.counts[str(year)].to_list()
        assert column == [*counts, sum(counts)], year  # the months, and their total (not printed)
    assert (result.current, result.previous) == (sum(table["counts"][2024]), sum(table["counts"][2023]))


@pytest.mark.parametrize("table_id", ["herefs_intervention_levels", "worcs_intervention_levels"])
def test_sample_levels_match_the_published_2024_mix(sample_db, table_id):
    table = published.table(table_id)  # percent of the involvements with a level (set at closure)
    with db.connect(sample_db) as con:
        rows = con.execute(
            """SELECT intervention_level, count(*) FROM involvements
               WHERE service = ? AND year(opened_on) = ? AND intervention_level IS NOT NULL
               GROUP BY 1 ORDER BY 1""",
            [table["service"], table["year"]],
        ).fetchall()
    total = sum(n for _, n in rows)
    shares = {level: round(100 * n / total) for level, n in rows}
    assert [shares.get(level, 0) for level in (1, 2, 3, 4)] == table["percent"]
