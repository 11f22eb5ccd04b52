"""Service evaluations: Wilson intervals and per-question shares on small data worked out by hand,
the published figures reproduced from the sample, and comments escaped on the page."""

from datetime import date

import polars as pl
import pytest

from sendiass_lib import db, formatting
from sendiass_lib.metrics import evaluations as ev
from sendiass_lib.views import evaluations as view
from tests import published

SCRIPT = "<script>alert(1)</script>"


def form(con, service, ident, returned, comment=None, scale=None, **ratings):
    """One returned form and its answered questions (Q1=4, ...); scale defaults to the service's."""
    low, high = scale or {"bucks": (0, 10)}.get(service, (1, 4))
    con.execute(
        """INSERT INTO evaluations (service, response_id, returned_on, comments, load_id)
           VALUES (?, ?, ?, ?, 1)""",
        [service, ident, returned, comment],
    )
    for question, rating in ratings.items():
        con.execute(
            """INSERT INTO evaluation_ratings (service, response_id, question, rating, scale_min, scale_max,
               load_id) VALUES (?, ?, ?, ?, ?, ?, 1)""",
            [service, ident, question, rating, low, high],
        )


# Wilson score interval, z = 1.959964 (z^2 = 3.841459), worked by hand:
#   centre = (p + z^2/2n) / (1 + z^2/n), half = z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2).
# 5/10: centre = (0.5 + 0.192073) / 1.384146 = 0.5; half = 1.415999 * sqrt(0.025 + 0.009604) = 0.263407.
# 1/10: centre = (0.1 + 0.192073) / 1.384146 = 0.211013; half = 1.415999 * sqrt(0.009 + 0.009604)
#       = 0.193137.
# 0/10: centre = 0.192073 / 1.384146 = 0.138767 = half (1.415999 * sqrt(0.009604)), so 0 to 0.277533.
# 2/3:  1 + z^2/n = 2.280486; centre = (0.666667 + 0.640243) / 2.280486 = 0.573084;
#       half = 0.859450 * sqrt(0.074074 + 0.106707) = 0.365425.
@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (5, 10, 0.236593, 0.763407),
        (1, 10, 0.017876, 0.404150),
        (0, 10, 0.0, 0.277533),
        (10, 10, 0.722467, 1.0),
        (2, 3, 0.207659, 0.938509),
    ],
)
def test_wilson_interval_matches_hand_computed_values(successes, n, low, high):
    assert ev.wilson(successes, n) == (pytest.approx(low, abs=1e-5), pytest.approx(high, abs=1e-5))


def test_wilson_interval_is_exact_at_the_ends_and_none_without_answers():
    assert ev.wilson(0, 4)[0] == 0.0 and ev.wilson(4, 4)[1] == 1.0
    assert ev.wilson(0, 0) is None
    with pytest.raises(ValueError, match="between 0 and n"):
        ev.wilson(3, 2)


def test_each_question_has_its_own_base_and_every_rating_is_listed(con):
    form(con, "worcs", "a", date(2024, 1, 10), "Great", Q1=4, Q2=3)
    form(con, "worcs", "b", date(2024, 6, 1), None, Q1=4)  # Q2 not answered
    form(con, "worcs", "c", date(2024, 12, 31), SCRIPT, Q1=2, Q2=4)
    form(con, "worcs", "d", date(2023, 12, 31), "Last year", Q1=1)  # other years are not counted
    form(con, "worcs", "e", date(2025, 1, 1), "Next year", Q1=1)
    result = ev.evaluations(con, "worcs", 2024)
    assert result.forms == 3
    assert [s.name for s in result.sets] == ["national"]  # no local question answered: set not shown
    q1, q2 = result.question("Q1"), result.question("Q2")
    assert (q1[ev.BASE], q1[ev.HEADLINE_COUNT], q1[ev.HEADLINE_SHARE]) == (3, 2, pytest.approx(2 / 3))
    assert (q2[ev.BASE], q2[ev.HEADLINE_COUNT], q2[ev.HEADLINE_SHARE]) == (2, 1, 0.5)
    assert (q1[ev.LOW], q1[ev.HIGH]) == (pytest.approx(0.207659, abs=1e-5), pytest.approx(0.938509, abs=1e-5))
    assert [result.share("Q1", r) for r in (1, 2, 3, 4)] == [0, pytest.approx(1 / 3), 0, pytest.approx(2 / 3)]
    assert [result.share("Q2", r) for r in (1, 2, 3, 4)] == [0, 0, 0.5, 0.5]
    # Listed questions nobody answered are shown with no share, not dropped.
    q3 = result.question("Q3")
    assert q3[ev.BASE] == 0 and q3[ev.HEADLINE_SHARE] is None and q3[ev.LOW] is None
    assert result.share("Q3", 4) is None
    assert result.questions[ev.QUESTION].to_list() == ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"]
    assert result.question("Q1")[ev.WORDING] == "How easy was it to get in contact?"
    assert result.comments == ("Great", SCRIPT)
    table = result.table("national")
    assert table.columns == [
        ev.QUESTION,
        ev.WORDING,
        ev.BASE,
        "1 (poor)",
        "2",
        "3",
        "4 (excellent)",
        ev.HEADLINE_SHARE,
        ev.LOW,
        ev.HIGH,
    ]
    assert table.row(1, named=True)["3"] == 0.5


def test_zero_to_ten_scale_counts_seven_or_more_in_the_reporting_year_from_24_february(con):
    form(con, "bucks", "a", date(2021, 2, 23), Q1=10)  # the last day of 2020/21
    form(con, "bucks", "b", date(2021, 2, 24), Q1=7, Q2=6)  # the first day of 2021/22
    form(con, "bucks", "c", date(2021, 9, 1), Q1=6, Q2=0)
    form(con, "bucks", "d", date(2022, 2, 23), Q1=9)
    result = ev.evaluations(con, "bucks", 2021)
    assert result.period.label == "2021/22" and result.forms == 3
    assert (result.scale.low, result.scale.high, result.scale.headline_from) == (0, 10, 7)
    assert result.scale.headline == "rated 7 or more"
    q1, q2 = result.question("Q1"), result.question("Q2")
    assert (q1[ev.BASE], q1[ev.HEADLINE_COUNT]) == (3, 2)  # 7 and 9 of 7, 6, 9
    assert (q2[ev.BASE], q2[ev.HEADLINE_COUNT], q2[ev.HEADLINE_SHARE]) == (2, 0, 0.0)
    assert result.ratings.filter(pl.col(ev.QUESTION) == "Q1")[ev.RATING].to_list() == list(range(11))
    assert ev.evaluations(con, "bucks", 2020).question("Q1")[ev.BASE] == 1


def test_a_question_with_no_wording_is_shown_under_other_questions(con):
    form(con, "worcs", "a", date(2024, 3, 1), Q1=4, Q12=3, Q9=4)
    result = ev.evaluations(con, "worcs", 2024)
    assert [s.name for s in result.sets] == ["national", ev.OTHER]
    other = result.questions.filter(pl.col(ev.SET) == ev.OTHER)
    assert other[ev.QUESTION].to_list() == ["Q9", "Q12"]  # in number order, not text order
    assert other[ev.WORDING].to_list() == ["Q9", "Q12"]


def test_ratings_loaded_on_another_scale_are_refused(con):
    form(con, "worcs", "a", date(2024, 3, 1), scale=(0, 10), Q1=9)
    with pytest.raises(ValueError, match="loaded on scale 0-10, but the service's evaluation_scale is 1-4"):
        ev.evaluations(con, "worcs", 2024)


@pytest.fixture
def internal_build(monkeypatch):
    """Worcestershire with its disclosure rule off, so percentages on tiny hand-made bases show."""
    from sendiass_lib import config

    worcs = config.service("worcs")
    internal = config.Service(**{**worcs.__dict__, "disclosure": "off"})
    real = config.service
    monkeypatch.setattr(
        config, "service", lambda slug, period=None: internal if slug == "worcs" else real(slug, period)
    )


def test_small_bases_give_no_percentage_under_the_default_rule(con):
    form(con, "worcs", "a", date(2024, 1, 10), Q1=4, Q2=3)
    form(con, "worcs", "b", date(2024, 2, 10), Q1=4)
    result = ev.evaluations(con, "worcs", 2024)
    assert view.headline(result).data.endswith(
        "No question was answered by 10 or more, so no percentages are given."
    )
    national = view.rating_tables(result)[0].data
    assert "<td>2</td><td>[c]</td>" in national and "100%" not in national
    assert view.headline_figure(result).data == ""


def test_sentences_name_forms_highest_and_lowest_and_bases(con, internal_build):
    form(con, "worcs", "a", date(2024, 1, 10), Q1=4, Q2=3, Q6=4)
    form(con, "worcs", "b", date(2024, 2, 10), Q1=4, Q2=4, Q6=4)
    form(con, "worcs", "c", date(2024, 3, 10), Q1=3, Q2=4)
    result = ev.evaluations(con, "worcs", 2024)
    # Q6 2/2 = 100%; Q1 and Q2 both 2/3 = 67%: the tie for lowest goes to the earlier question.
    assert view.headline(result).data == (
        "Worcestershire SENDIASS received 3 evaluation forms in 2024. The highest share rated 4 "
        "(excellent) was for Q6 (Would recommend): 100% of the 2 who answered it; the lowest for "
        "Q1 (Getting in contact): 67% of 3."
    )
    assert view.chart_title(result) == "Would recommend (Q6) had the highest share rated 4 (excellent): 100%"
    description = view.chart_description(result)
    assert "Q1 (Getting in contact) 67%, Q2 (Helpfulness) 67%, Q6 (Would recommend) 100%." in description
    assert "Highest: Q6 (Would recommend), 100% (95% interval 34% to 100%, 2 answers)." in description
    assert "3 questions were not answered and not drawn." in description
    assert view.BASES == (
        "Each percentage is of the people who answered that question; the number is in the table."
    )
    assert view.comments_intro(result).data.startswith("None of the 3 evaluation forms returned in 2024")


def test_no_forms_in_the_year_says_so(con):
    result = ev.evaluations(con, "herefs", 2023)
    assert (result.forms, result.sets, result.comments) == (0, (), ())
    assert view.headline(result).data == "No evaluation forms are loaded for Herefordshire SENDIASS in 2023."
    assert view.chart_title(result) == "No question was answered"
    assert view.headline_figure(result).data == ""


def test_comments_are_escaped_in_the_page_html(con):
    form(con, "worcs", "a", date(2024, 1, 10), SCRIPT, Q1=4)
    form(con, "worcs", "b", date(2024, 1, 11), "Fish & chips <b>bold</b>", Q1=3)
    html = view.comments(ev.evaluations(con, "worcs", 2024)).data
    assert "<li>&lt;script&gt;alert(1)&lt;/script&gt;</li>" in html
    assert "<li>Fish &amp; chips &lt;b&gt;bold&lt;/b&gt;</li>" in html
    assert "<script" not in html and "<b>" not in html


def test_tables_give_bases_percentages_and_intervals(con, internal_build):
    form(con, "worcs", "a", date(2024, 1, 10), Q1=4, Q7=2)
    form(con, "worcs", "b", date(2024, 1, 11), Q1=3)
    national, local = (t.data for t in view.rating_tables(ev.evaluations(con, "worcs", 2024)))
    row = (
        '<th scope="row">Q1 How easy was it to get in contact?</th><td>2</td><td>0%</td><td>0%</td>'
        "<td>50%</td><td>50%</td><td>9%\u00a0to\u00a091%</td>"
    )
    assert row in national
    assert view.BASES in national
    assert "<caption>Additional questions: percentage of answers at each rating, 2024" in local
    assert "[x]" in national  # Q2-Q6 not answered: no percentages


def test_zero_to_ten_table_has_a_column_for_seven_or_more(con):
    form(con, "bucks", "a", date(2021, 3, 1), Q1=8)
    [table] = view.rating_tables(ev.evaluations(con, "bucks", 2021))
    assert '<th scope="col">10</th><th scope="col">Rated 7 or more</th><th scope="col">95% interval</th>' in (
        table.data
    )


# The published tables, reproduced from the sample database to the printed precision.


def as_printed(fraction: float) -> int:
    return int(formatting.percent(fraction).rstrip("%"))


RATING_TABLES = [published.table("herefs_service_evaluations"), published.table("worcs_service_evaluations")]
SURVEY = published.table("bucks_survey")  # the share rated at least 7 of 10, by YEAR


@pytest.mark.parametrize("table", RATING_TABLES, ids=[t["id"] for t in RATING_TABLES])
def test_sample_reproduces_the_published_percentages_at_each_rating(sample_db, table):
    with db.connect(sample_db) as con:
        result = ev.evaluations(con, table["service"], table["year"])
    expected = {q: dict(row) for q, row in table["percent_by_rating"].items()}
    for known in table.get("known_differences", []):  # a printed cell no base can give
        assert expected[known["question"]][known["rating"]] == known["printed"]
        expected[known["question"]][known["rating"]] = known["sample"]
    got = {q: {r: as_printed(result.share(q, r)) for r in row} for q, row in expected.items()}
    assert got == expected


def test_worcestershire_q6_is_the_one_known_difference(sample_db):
    [worcs] = [t for t in RATING_TABLES if t["id"] == "worcs_service_evaluations"]
    assert [(k["question"], k["rating"]) for k in worcs["known_differences"]] == [("Q6", 3)]
    with db.connect(sample_db) as con:
        result = ev.evaluations(con, "worcs", 2024)
    assert [as_printed(result.share("Q6", r)) for r in (1, 2, 3, 4)] == [0, 4, 4, 93]
    assert result.question("Q6")[ev.BASE] == 27


@pytest.mark.parametrize("year", sorted(SURVEY["years"]), ids=lambda year: f"{SURVEY['id']}-{year}")
def test_sample_reproduces_the_published_share_rated_seven_or_more(sample_db, year):
    printed = SURVEY["years"][year]
    with db.connect(sample_db) as con:
        result = ev.evaluations(con, SURVEY["service"], year)
    assert result.scale.headline_from == SURVEY["headline_from"]
    got = {q: as_printed(result.question(q)[ev.HEADLINE_SHARE]) for q in printed["percent_headline"]}
    assert got == printed["percent_headline"]
    if printed["forms"] is not None:
        assert result.forms == printed["forms"]


def test_sample_comments_are_escaped_in_the_published_list(sample_db):
    with db.connect(sample_db) as con:
        result = ev.evaluations(con, "worcs", 2024)
    assert f"{SCRIPT} [name] typed this into the form" in result.comments  # own name redacted at load
    html = view.comments(result).data
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [name] typed" in html and "<script" not in html
