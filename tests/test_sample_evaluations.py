"""The synthetic evaluation forms: loaded by the real loader, every question prints the published
percentages (rounded half-up), bad rows are rejected with their reasons, and no fake personal value
reaches the database.

The published figures are the tests' one copy (tests/published.py); here a question's percentages
are listed for ratings 1, 2, 3, 4.
"""

import csv
from datetime import date
from pathlib import Path

import pytest

from sendiass_lib import config, db, periods
from sendiass_lib.ingest.build import kind_of
from sendiass_lib.ingest.load import load_file
from sendiass_lib.sample import _targets, calibrate, evaluations, training
from tests import published
from tests.conftest import database_text

TODAY = date(2025, 6, 1)


def by_rating(table_id: str) -> dict[str, list[int]]:
    """A published table's percentages per question, for ratings 1, 2, 3, 4."""
    return {
        q: [row[r] for r in (1, 2, 3, 4)] for q, row in published.table(table_id)["percent_by_rating"].items()
    }


# H&W SENDIASS Team Report 2024, "SENDIASS Evaluations" (both local questions printed "Q7").
HEREFS = by_rating("herefs_service_evaluations")
WORCS = by_rating("worcs_service_evaluations")  # Q6 fits no base up to 66: see its known_differences
# "Training Evaluations", both counties: little/same/Some/A lot, and Poor/OK/Good/Excellent.
TRAINING = {
    t["question"]: list(t["percent"].values())
    for t in (published.table("hw_training_evaluation_1"), published.table("hw_training_evaluation_2"))
}
# Buckinghamshire end-of-year report March 2022, "Feedback": % rated at least 7/10.
BUCKS = {
    year: printed["percent_headline"] for year, printed in published.table("bucks_survey")["years"].items()
}

REJECTS = {
    "herefs/evaluations_2024.csv": ["bad_rating", "duplicate"],
    "worcs/evaluations_2024.csv": ["bad_rating", "total_row"],
    "herefs/training_evaluations_2024.csv": ["bad_rating", "duplicate"],
    "worcs/training_evaluations_2024.csv": ["bad_rating", "total_row"],
    "bucks/evaluations_2021.csv": ["bad_date", "bad_rating"],
    "bucks/evaluations_2020.csv": ["bad_rating", "duplicate"],
}
PERSONAL = ["Parent Name", "Email", "Delegate Name", "Delegate Email", "Name", "Phone"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, Path, dict]:
    """(extracts folder, database, load results by file): the forms and the training sessions
    they link to, written and loaded as `sendiass data` would."""
    folder = tmp_path_factory.mktemp("evaluations")
    extracts = folder / "extracts"
    written = [*training.write(extracts), *evaluations.write(extracts)]
    db_path = folder / "sample.duckdb"
    with db.connect(db_path, read_only=False) as con:
        results = {
            path.relative_to(extracts).as_posix(): load_file(
                con, path, path.parent.name, kind_of(path), today=TODAY
            )
            for path in written
        }
    return extracts, db_path, results


def shares(db_path: Path, table: str, service: str | None = None) -> dict[str, list[int]]:
    """Per question, the percentage of answers at each rating 1-4, rounded half-up (of the
    service's forms, or of every service's)."""
    with db.connect(db_path) as con:
        rows = con.execute(
            f"""SELECT question, rating,
                       floor(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY question) + 0.5)
                FROM {table} WHERE service = coalesce(?, service) GROUP BY question, rating""",
            [service],
        ).fetchall()
    found: dict[str, list[int]] = {}
    for question, rating, percent in rows:
        found.setdefault(question, [0, 0, 0, 0])[rating - 1] = int(percent)
    return found


def bases(db_path: Path, table: str, service: str) -> dict[str, int]:
    with db.connect(db_path) as con:
        rows = con.execute(
            f"SELECT question, count(*) FROM {table} WHERE service = ? GROUP BY 1", [service]
        ).fetchall()
    return dict(rows)


def test_each_herefordshire_question_prints_the_published_percentages(sample):
    _, db_path, _ = sample
    assert shares(db_path, "evaluation_ratings", "herefs") == HEREFS
    # The smallest bases that print so: Q1-Q6 multiples of 9.1%, the first local question 1/6, 5/6.
    assert bases(db_path, "evaluation_ratings", "herefs") == {f"Q{i}": 11 for i in range(1, 7)} | {
        "Q7": 6,
        "Q8": 5,
    }


def test_each_worcestershire_question_prints_the_published_percentages_but_q6_which_no_base_can(sample):
    _, db_path, _ = sample
    found = shares(db_path, "evaluation_ratings", "worcs")
    assert {q: v for q, v in found.items() if q != "Q6"} == {q: v for q, v in WORCS.items() if q != "Q6"}
    assert found["Q6"] == [0, 4, 4, 93]  # the closest to 0/4/3/93: 0/1/1/25 of 27
    assert bases(db_path, "evaluation_ratings", "worcs") == {
        "Q1": 29,
        "Q2": 24,
        "Q3": 10,
        "Q4": 29,
        "Q5": 14,
        "Q6": 27,
        "Q7": 7,
        "Q8": 17,
    }


def test_worcestershire_q6_as_printed_fits_no_base_up_to_66_and_the_targets_say_so():
    assert calibrate.closest(WORCS["Q6"], 5, 60) == (27, [0, 1, 1, 25], 1)
    assert all(calibrate.closest(WORCS["Q6"], n, n)[2] > 0 for n in range(5, 67))
    assert calibrate.closest(WORCS["Q6"], 5, 100) == (67, [0, 3, 2, 62], 0)  # over twice the other bases
    question = next(
        q
        for q in _targets("evaluations")["service_evaluations"]["services"]["worcs"]["questions"]
        if q["key"] == "Q6"
    )
    assert question["known_difference"] == {1: 0, 2: 4, 3: 4, 4: 93}


def test_a_printed_row_that_fits_no_base_is_refused_unless_the_targets_name_the_difference():
    question = {"key": "Q6", "percent": dict(zip([1, 2, 3, 4], WORCS["Q6"], strict=True))}
    with pytest.raises(ValueError, match="no base prints"):
        evaluations.answers(question, [5, 60])


def test_local_questions_both_printed_q7_are_stored_as_q7_and_q8_with_their_wording(sample):
    extracts, _, _ = sample
    for service in ("herefs", "worcs"):
        with (extracts / service / "evaluations_2024.csv").open(encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f))
        assert "Q7 How knowledgeable was the advisor in answering your query" in header
        assert (
            "Q8 Was the Information, Advice and Support you were given clear and easy to understand" in header
        )


def test_training_evaluations_of_both_services_together_print_the_published_percentages(sample):
    _, db_path, _ = sample
    assert shares(db_path, "training_evaluation_ratings") == TRAINING
    assert bases(db_path, "training_evaluation_ratings", "herefs")["Q1"] == 8  # 69 forms x 64 / 534
    assert bases(db_path, "training_evaluation_ratings", "worcs")["Q1"] == 61


def test_each_training_form_belongs_to_a_session_of_its_service_on_its_day_with_no_more_forms_than_attended(
    sample,
):
    _, db_path, _ = sample
    with db.connect(db_path) as con:
        linked = con.execute(
            """SELECT count(*), count(s.session_id),
                      count(*) FILTER (WHERE e.returned_on = s.session_date)
               FROM training_evaluations e
               LEFT JOIN training_sessions s USING (service, session_id)"""
        ).fetchone()
        overfull = con.execute(
            """SELECT e.session_id FROM training_evaluations e
               JOIN training_sessions s USING (service, session_id)
               GROUP BY e.service, e.session_id, s.attended HAVING count(*) > s.attended"""
        ).fetchall()
    assert linked == (69, 69, 69)
    assert overfull == []


def test_buckinghamshire_survey_prints_the_published_share_rating_7_or_more_each_year(sample):
    _, db_path, _ = sample
    bucks = config.service("bucks")
    for year, printed in BUCKS.items():
        period = periods.reporting_year(bucks, year)
        with db.connect(db_path) as con:
            found = con.execute(
                """SELECT question,
                          floor(100.0 * count(*) FILTER (WHERE rating >= 7) / count(*) + 0.5)::INTEGER
                   FROM evaluation_ratings r JOIN evaluations e USING (service, response_id)
                   WHERE service = 'bucks' AND returned_on BETWEEN ? AND ?
                   GROUP BY question""",
                [period.start, period.end],
            ).fetchall()
            scales = con.execute(
                "SELECT DISTINCT scale_min, scale_max FROM evaluation_ratings WHERE service = 'bucks'"
            )
            assert scales.fetchall() == [(0, 10)]
        assert dict(found) == printed, period.label


def test_buckinghamshire_2021_22_has_the_15_printed_respondents_though_no_question_has_15_answers(sample):
    _, db_path, _ = sample
    period = periods.reporting_year(config.service("bucks"), 2021)
    with db.connect(db_path) as con:
        forms = con.execute(
            "SELECT count(*) FROM evaluations WHERE service = 'bucks' AND returned_on BETWEEN ? AND ?",
            [period.start, period.end],
        ).fetchone()[0]
        answers = con.execute(
            """SELECT question, count(*) FROM evaluation_ratings JOIN evaluations USING (service, response_id)
               WHERE service = 'bucks' AND returned_on BETWEEN ? AND ? GROUP BY 1""",
            [period.start, period.end],
        ).fetchall()
    assert forms == 15
    assert dict(answers) == {"Q1": 13, "Q2": 13, "Q3": 14, "Q4": 12}


def test_bases_are_the_smallest_that_reproduce_the_printed_percentages():
    assert calibrate.percent(1, 8) == 13  # 12.5 rounds half-up
    assert calibrate.closest(HEREFS["Q1"], 5, 60) == (11, [0, 2, 1, 8], 0)
    assert calibrate.closest(HEREFS["Q7"], 5, 60) == (6, [0, 0, 1, 5], 0)
    assert calibrate.closest(WORCS["Q1"], 5, 60) == (29, [1, 2, 11, 15], 0)
    assert calibrate.closest(TRAINING["Q1"], 5, 534) == (69, [1, 2, 24, 42], 0)
    assert calibrate.closest(TRAINING["Q2"], 5, 534) == (68, [0, 1, 17, 50], 0)
    assert calibrate.share_base(85, 1, 40) == (13, 11)
    assert calibrate.share_base(93, 1, 40) == (14, 13)  # 13/14 = 92.86%
    assert calibrate.share_base(49, 1, 40) == (35, 17)
    with pytest.raises(ValueError):
        calibrate.share_base(49, 1, 20)


def test_every_row_is_loaded_or_rejected_with_the_expected_reason(sample):
    _, db_path, results = sample
    with db.connect(db_path) as con:
        for name, expected in REJECTS.items():
            result = results[name]
            assert result.rows_in == result.rows_loaded + result.rows_rejected
            assert sorted(result.reasons.elements()) == expected, name
            stored = con.execute(
                """SELECT rows_in, rows_loaded + rows_rejected, list(r.reason ORDER BY r.reason)
                   FROM loads l JOIN rejects r USING (load_id) WHERE l.load_id = ?
                   GROUP BY rows_in, rows_loaded, rows_rejected""",
                [result.load_id],
            ).fetchone()
            assert stored == (result.rows_in, result.rows_in, expected)
            assert result.dropped_unknown == []


def test_forms_are_returned_on_working_days_within_their_reporting_year(sample):
    _, db_path, _ = sample
    with db.connect(db_path) as con:
        days = con.execute(
            """SELECT service, returned_on FROM evaluations
               UNION ALL SELECT service, returned_on FROM training_evaluations"""
        ).fetchall()
    assert days and all(day.weekday() < 5 for _, day in days)
    assert all(day.year == 2024 for service, day in days if service != "bucks")
    bucks = config.service("bucks")
    spans = [periods.reporting_year(bucks, y) for y in range(2018, 2025)]
    years = {
        span.start.year
        for span in spans
        for service, day in days
        if service == "bucks" and span.contains(day)
    }
    assert years == {2020, 2021}


def test_no_fake_personal_value_reaches_the_database_and_comments_are_redacted(sample):
    extracts, db_path, _ = sample
    values = set()
    for path in extracts.rglob("*evaluations_*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                for column in PERSONAL:
                    if row.get(column):
                        values.add(row[column])
                        if column.endswith("Name"):
                            values.update(row[column].split())
    assert len(values) > 200
    text, data = database_text(db_path), db_path.read_bytes()
    found = sorted(v for v in values if v in text or v.encode() in data)
    assert not found, found[:10]
    with db.connect(db_path) as con:
        comments = [
            c
            for (c,) in con.execute("SELECT comments FROM evaluations WHERE comments IS NOT NULL").fetchall()
        ]
    assert any("[name]" in c for c in comments)
    assert any("[email]" in c for c in comments)
    assert any("[phone]" in c for c in comments)
    # Stored as text, the writer's own name redacted; escaped wherever it is shown.
    assert "<script>alert(1)</script> [name] typed this into the form" in comments


def test_regenerating_the_forms_gives_the_same_bytes(tmp_path):
    first = evaluations.write(tmp_path / "a")
    second = evaluations.write(tmp_path / "b")
    assert [p.relative_to(tmp_path / "a") for p in first] == [p.relative_to(tmp_path / "b") for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
        assert a.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in a.read_bytes()
