"""Training and digital appendices: metrics on small data worked out by hand, and the published tables
of the H&W Team Report 2024 reproduced from the sample through the metric functions."""

from datetime import date

import polars as pl
import pytest

from sendiass_lib import db, formatting
from sendiass_lib.metrics import digital, mailing, training, training_evaluations, youtube
from sendiass_lib.views import digital as digital_view
from sendiass_lib.views import training as training_view
from sendiass_lib.views import youtube as youtube_view
from tests import published

# The training tables printed per county, audience and format.
TRAINING = {t["id"]: t for t in published.section("training") if "audience" in t}
# The published tables' audience and format names, as the sample extracts spell them.
AUDIENCE = {"parent/carer": "Parent/carer", "professionals": "Professional"}
FORMAT = {
    "standard workshop": "Workshop",
    "bespoke workshop": "Bespoke workshop",
    "online workshop": "Online workshop",
}


def session(con, ident, day, course, audience, fmt, booked, attended, service="worcs"):
    con.execute(
        """INSERT INTO training_sessions (service, session_id, session_date, course, audience, format,
                                          booked, attended, load_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)""",
        [service, ident, day, course, audience, fmt, booked, attended],
    )


def form(con, service, ident, day, load_id=1, scale=(1, 4), **ratings):
    con.execute(
        "INSERT INTO training_evaluations (service, response_id, returned_on, load_id) VALUES (?, ?, ?, ?)",
        [service, ident, day, load_id],
    )
    for question, rating in ratings.items():
        con.execute(
            """INSERT INTO training_evaluation_ratings (service, response_id, question, rating, scale_min,
                                                        scale_max, load_id) VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [service, ident, question, rating, *scale, load_id],
        )


def metric(con, service, month, channel, name, value, scope="joint", item=None, load_id=1):
    con.execute(
        """INSERT INTO digital_metrics (service, month, scope, channel, metric, item, value, load_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [service, month, scope, channel, name, item, value, load_id],
    )


# Training attendance ------------------------------------------------------------------------------


def test_attendance_adds_up_sessions_by_audience_format_and_course(con):
    session(con, "a", date(2024, 2, 1), "EHCP", "Parent/carer", "Workshop", 10, 6)
    session(con, "b", date(2024, 3, 1), "EHCP", "Parent/carer", "Workshop", 8, 5)
    session(con, "c", date(2024, 4, 1), "Autism", "Parent/carer", "Workshop", 12, 7)
    session(con, "d", date(2024, 5, 1), "Autism", "Professional", "Bespoke workshop", None, 30)
    session(con, "e", date(2024, 6, 1), "EHCP", None, None, None, 4)
    session(con, "old", date(2023, 12, 31), "EHCP", "Parent/carer", "Workshop", 50, 50)
    session(con, "herefs", date(2024, 2, 1), "EHCP", "Parent/carer", "Workshop", 50, 50, service="herefs")
    result = training.attendance(con, "worcs", 2024)
    assert (result.sessions, result.booked, result.attended) == (5, 30, 52)
    assert result.attended_booked == 18  # 6 + 5 + 7, at the sessions that took bookings
    assert result.groups() == [
        ("Not recorded", "Not recorded"),
        ("Parent/carer", "Workshop"),
        ("Professional", "Bespoke workshop"),
    ]
    assert result.group_table("Parent/carer", "Workshop").rows() == [
        ("Autism", 1, 12, 7),
        ("EHCP", 2, 18, 11),
        ("Total", 3, 30, 18),
    ]
    assert result.group_table("Professional", "Bespoke workshop").rows() == [
        ("Autism", 1, None, 30),
        ("Total", 1, None, 30),
    ]
    assert result.summary_table().rows() == [
        ("Not recorded, not recorded", 1, None, 4),
        ("Parent/carer, workshop", 3, 30, 18),
        ("Professional, bespoke workshop", 1, None, 30),
        ("Total", 5, 30, 52),
    ]
    assert result.by_course().select("Course", "Attended").rows() == [("Autism", 37), ("EHCP", 15)]
    assert not result.partly_booked()
    session(con, "f", date(2024, 7, 1), "EHCP", "Parent/carer", "Workshop", None, 3)  # no bookings this time
    assert training.attendance(con, "worcs", 2024).partly_booked()


def test_training_headline_says_sessions_attendance_bookings_and_answers(con, internal):
    session(con, "a", date(2024, 2, 1), "EHCP", "Parent/carer", "Workshop", 10, 5)
    session(con, "b", date(2024, 5, 1), "Autism", "Professional", "Bespoke workshop", None, 30)
    for i, (q1, q2) in enumerate([(4, 4), (4, 3), (3, 4), (1, 4)]):
        form(con, "worcs", f"f{i}", date(2024, 2, 1), Q1=q1, Q2=q2)
    attendance = training.attendance(con, "worcs", 2024)
    evaluations = training_evaluations.joint_evaluations(con, "worcs", 2024)
    assert training_view.headline(attendance, evaluations).data == (
        "Worcestershire SENDIASS ran 2 training sessions in 2024 with a total attendance of 35 "
        "(by audience: professional 30 and parent/carer 5). At the sessions that took bookings, 5 of the "
        "10 places booked were attended (50%). On the 4 evaluation forms returned (Worcestershire), 75% "
        "answered A lot or Some to Q1 (how much the session added to what attendees know) and 100% "
        "answered Excellent or Good to Q2 (overall rating of the session)."
    )
    assert training_view.attendance_chart_title(attendance) == (
        "Professional, bespoke workshop sessions had most attendance: 30 of 35"
    )


def test_no_sessions_says_so(con):
    attendance = training.attendance(con, "worcs", 2024)
    evaluations = training_evaluations.joint_evaluations(con, "worcs", 2024)
    assert attendance.sessions == 0 and attendance.booked is None
    assert training_view.headline(attendance, evaluations).data == (
        "No training sessions are loaded for Worcestershire SENDIASS in 2024."
    )
    assert (
        training_view.evaluations_intro(evaluations).data
        == "No training evaluation forms are loaded for 2024."
    )


# Training evaluations -----------------------------------------------------------------------------


def test_evaluation_shares_are_of_the_forms_answering_each_question_best_first(con):
    form(con, "worcs", "a", date(2024, 3, 1), Q1=4, Q2=4)
    form(con, "worcs", "b", date(2024, 3, 1), Q1=4, Q2=3)
    form(con, "worcs", "c", date(2024, 3, 1), Q1=3)  # Q2 left blank
    form(con, "worcs", "d", date(2024, 3, 1), Q1=1, Q2=4)
    form(con, "worcs", "late", date(2025, 1, 2), Q1=1, Q2=1)  # another year
    result = training_evaluations.evaluations(con, "worcs", 2024)
    assert not result.joint and result.scope == "Worcestershire"
    assert result.forms == {"worcs": 4}
    q1, q2 = result.questions
    assert (q1.base, q2.base) == (4, 3)
    assert q1.rows.select("Answer", "Responses", "Share").rows() == [
        ("A lot", 2, 0.5),
        ("Some", 1, 0.25),
        ("same", 0, 0.0),
        ("little", 1, 0.25),
    ]
    assert q2.share("Excellent") == pytest.approx(2 / 3) and q2.share("Poor") == 0.0
    assert "(1 left it blank)" in training_view.question_note(result, q2)


def test_joint_evaluations_pool_the_forms_of_services_sharing_joint_channels(con):
    metric(con, "herefs", date(2024, 1, 1), "Website", "Visitors", 10)
    metric(con, "worcs", date(2024, 1, 1), "Website", "Visitors", 10)
    form(con, "herefs", "h1", date(2024, 3, 1), Q1=4, Q2=4)
    form(con, "worcs", "w1", date(2024, 3, 1), Q1=3, Q2=4)
    form(con, "worcs", "w2", date(2024, 3, 1), Q1=2, Q2=4)
    form(con, "worcs", "w3", date(2024, 3, 1), Q1=2, Q2=3)
    for service in ("herefs", "worcs"):
        result = training_evaluations.joint_evaluations(con, service, 2024)
        assert result.joint and result.scope == "joint: Herefordshire & Worcestershire"
        assert result.forms == {"herefs": 1, "worcs": 3}
        assert result.result("Q1").rows["Responses"].to_list() == [1, 1, 2, 0]
        assert result.result("Q2").share("Excellent") == 0.75
    assert "(1 from Herefordshire and 3 from Worcestershire)" in training_view.evaluations_intro(result).data


def test_forms_asking_other_questions_or_without_a_shared_channel_are_not_pooled(con):
    form(con, "herefs", "h1", date(2024, 3, 1), Q1=4, Q3=4)
    form(con, "worcs", "w1", date(2024, 3, 1), Q1=3, Q2=4)
    assert not training_evaluations.joint_evaluations(con, "worcs", 2024).joint  # no joint channel shared
    metric(con, "herefs", date(2024, 1, 1), "Website", "Visitors", 10)
    metric(con, "worcs", date(2024, 1, 1), "Website", "Visitors", 10)
    own = training_evaluations.joint_evaluations(con, "worcs", 2024)  # shared channel, but Q3 instead of Q2
    assert not own.joint and own.forms == {"worcs": 1}
    mixed = training_evaluations.evaluations(con, ["herefs", "worcs"], 2024)
    assert [q.question.key for q in mixed.questions] == ["Q1", "Q2", "Q3"]
    assert mixed.result("Q3").question.text == "Question 3"


def test_pooling_forms_rated_on_different_scales_is_refused(con):
    form(con, "herefs", "h1", date(2024, 3, 1), scale=(0, 10), Q1=7)
    form(con, "worcs", "w1", date(2024, 3, 1), Q1=3)
    with pytest.raises(ValueError, match="different scales"):
        training_evaluations.evaluations(con, ["herefs", "worcs"], 2024)


# Digital ------------------------------------------------------------------------------------------


def test_joint_rows_in_both_services_extracts_count_once_and_own_rows_stay_with_their_service(con):
    for service in ("herefs", "worcs"):
        metric(con, service, date(2024, 1, 1), "Website", "Visitors", 100)
        metric(con, service, date(2024, 2, 1), "Website", "Visitors", 50)
    metric(con, "herefs", date(2024, 3, 1), "Website", "Visitors", 30)  # only in one extract
    metric(con, "worcs", date(2024, 1, 1), "Instagram", "Followers", 7, scope="worcs")
    metric(con, "worcs", date(2024, 2, 1), "Instagram", "Followers", 9, scope="worcs")
    assert digital.sharing_services(con, "worcs") == ("herefs", "worcs")
    for service in ("herefs", "worcs"):
        [site] = digital.website(con, service, 2024)
        assert site.scope == "joint: Herefordshire & Worcestershire"
        assert site.total("Visitors") == 180  # 100 + 50 + 30, not 330
        assert site.months["Visitors"].to_list()[:4] == [100, 50, 30, None]
        assert site.table().row(-1) == ("Total", 180)
        assert site.peak("Visitors") == ("Jan 2024", 100)
    [instagram] = digital.social_media(con, "worcs", 2024)
    assert (instagram.channel, instagram.scope, instagram.levels) == (
        "Instagram",
        "Worcestershire",
        ["Followers"],
    )
    assert instagram.total("Followers") is None  # a level: never added up
    assert digital.social_media(con, "herefs", 2024) == []
    assert digital_view.channel_chart_title(instagram) == "Instagram followers rose every month, from 7 to 9"


def test_joint_figures_that_differ_between_extracts_take_the_latest_load_and_are_counted(con):
    metric(con, "herefs", date(2024, 1, 1), "Website", "Visitors", 100, load_id=1)
    metric(con, "worcs", date(2024, 1, 1), "Website", "Visitors", 120, load_id=2)
    [site] = digital.website(con, "herefs", 2024)
    assert site.total("Visitors") == 120
    assert digital.conflicts(con, "herefs", 2024) == 1
    assert "1 joint figure differs" in digital_view.sources("herefs", ("herefs", "worcs"), 1).data


def test_a_joint_channel_of_one_service_alone_is_just_joint(con):
    metric(con, "worcs", date(2024, 1, 1), "Website", "Visitors", 100)
    assert digital.sharing_services(con, "worcs") == ("worcs",)
    assert digital.scope_label(con, "worcs", "joint") == "joint"


def test_social_media_table_totals_flows_and_marks_levels_not_applicable(con):
    for month, followers, reach in [(1, 10, 100), (2, 12, 50), (3, 11, 25)]:
        metric(con, "worcs", date(2024, month, 1), "Facebook", "Followers", followers)
        metric(con, "worcs", date(2024, month, 1), "Facebook", "Post Reach", reach)
    [facebook] = digital.social_media(con, "worcs", 2024)
    assert facebook.metrics == ["Followers", "Post Reach"]
    assert facebook.table().row(-1) == ("Total", None, 175)
    [html] = (t.data for t in digital_view.social_media_tables([facebook], "worcs", 2024))
    assert '<tr class="total"><th scope="row">Total</th><td>[z]</td><td>175</td></tr>' in html
    assert "[z] not applicable: Followers is a count at the end of each month" in html
    assert "<td>[x]</td>" in html  # April to December: no figure
    assert digital_view.channel_chart_title(facebook) == "Facebook followers rose from 10 to 11"


def test_youtube_views_in_the_year_are_the_january_totals_after_minus_before(con):
    def total(month, video, value):
        metric(con, "worcs", month, "YouTube", "Total views", value, item=video)

    total(date(2023, 1, 1), "Old", 50)
    total(date(2024, 1, 1), "Old", 80)
    total(date(2025, 1, 1), "Old", 100)
    total(date(2025, 1, 1), "New", 40)  # first recorded after Jan 2024: published during 2024
    total(date(2023, 1, 1), "Gap", 10)  # recorded before, but no Jan 2024 total: not known
    total(date(2025, 1, 1), "Gap", 30)
    total(date(2024, 1, 1), "Gone", 5)  # no Jan 2025 total
    [views] = youtube.youtube_views(con, "worcs", 2024)
    assert (views.start, views.end) == (date(2024, 1, 1), date(2025, 1, 1))
    assert views.snapshots == [date(2023, 1, 1), date(2024, 1, 1), date(2025, 1, 1)]
    assert [views.views(v) for v in ("Old", "New", "Gap", "Gone")] == [20, 40, None, None]
    assert views.total == 60
    assert views.table().columns == ["Video", "Jan 2023", "Jan 2024", "Jan 2025", "views"]
    assert views.table().row(-1) == ("Total", 60, 85, 170, 60)
    [html] = (t.data for t in youtube_view.video_tables([views], "worcs", 2024))
    headings = ["Total views, Jan 2023", "Total views, Jan 2024", "Total views, Jan 2025", "Views in 2024"]
    assert "".join(f'<th scope="col">{h}</th>' for h in headings) in html  # the page's headings
    assert youtube_view.video_chart_title(views) == "The most-watched video had 67% of the 60 views in 2024"
    [last_year] = youtube.youtube_views(con, "worcs", 2023)
    assert [last_year.views(v) for v in ("Old", "Gone", "New")] == [30, 5, None]


def test_mailing_list_compares_the_latest_figure_of_each_year(con):
    metric(con, "worcs", date(2023, 6, 1), "Mailing list", "Subscribers", 700)
    metric(con, "worcs", date(2023, 12, 1), "Mailing list", "Subscribers", 800)
    metric(con, "worcs", date(2024, 3, 1), "Mailing list", "Subscribers", 900)
    metric(con, "worcs", date(2024, 9, 1), "Mailing list", "Subscribers", 1000)
    [listing] = mailing.mailing_list(con, "worcs", 2024)
    assert (listing.previous, listing.current) == ((date(2023, 12, 1), 800), (date(2024, 9, 1), 1000))
    assert listing.change == pytest.approx(0.25)
    assert listing.table().columns == ["Measure", "Dec 2023", "Sep 2024", "Change"]
    assert digital_view.mailing_sentence(listing) == (
        "The joint mailing list had 1,000 subscribers in Sep 2024, up 25% from 800 in Dec 2023."
    )
    assert mailing.mailing_list(con, "worcs", 2025) == []


def test_digital_headline_one_sentence_per_channel(con):
    for service in ("herefs", "worcs"):
        metric(con, service, date(2024, 1, 1), "Website", "Visitors", 100)
        metric(con, service, date(2024, 2, 1), "Website", "Visitors", 300)
        metric(con, service, date(2023, 12, 1), "Mailing list", "Subscribers", 80)
        metric(con, service, date(2024, 12, 1), "Mailing list", "Subscribers", 100)
    text = digital_view.headline(
        "worcs",
        2024,
        digital.website(con, "worcs", 2024),
        digital.social_media(con, "worcs", 2024),
        youtube.youtube_views(con, "worcs", 2024),
        mailing.mailing_list(con, "worcs", 2024),
    ).data
    assert text == (
        "The joint Herefordshire & Worcestershire website had 400 visitors in 2024; the busiest month was "
        "Feb 2024 (300). The joint Herefordshire & Worcestershire mailing list had 100 subscribers in "
        "Dec 2024, up 25% from 80 in Dec 2023."
    )
    assert (
        digital_view.headline("worcs", 2025, [], [], [], []).data == "No digital figures are loaded for 2025."
    )


# The published tables, from the sample --------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(sample_db):
    with db.connect(sample_db) as con:
        yield con


@pytest.mark.parametrize("table_id", sorted(TRAINING))
def test_each_published_training_table_is_reproduced(sample, table_id):
    table = TRAINING[table_id]
    service = table_id.split("_")[0]
    result = training.attendance(sample, service, 2024)
    rows = result.group(AUDIENCE[table["audience"]], FORMAT[table["format"]])
    got = {
        course: {"booked": b, "attended": a}
        for course, b, a in rows.select("Course", "Booked", "Attended").rows()
    }
    assert got == table["rows"]


def test_attendance_by_audience_and_format_and_the_totals_are_the_published_ones(sample):
    summary = published.table("hw_training_attendance_summary")
    for service, attended in summary["attended"].items():
        result = training.attendance(sample, service, 2024)
        expected = {
            (AUDIENCE[r["audience"]], FORMAT[r["format"]]): (r["booked"], r["attended"])
            for r in summary["rows"]
            if r["service"] == service
        }
        got = {
            (a, f): (b, n)
            for a, f, b, n in result.by_group().select("Audience", "Format", "Booked", "Attended").rows()
        }
        assert got == expected
        booked = sum(r["booked"] or 0 for r in summary["rows"] if r["service"] == service)  # none printed
        assert (result.booked, result.attended) == (booked, attended)


@pytest.mark.parametrize("service", ["herefs", "worcs"])
def test_both_published_training_evaluation_tables_are_reproduced_jointly(sample, service):
    result = training_evaluations.joint_evaluations(sample, service, 2024)
    assert result.joint and result.scope == "joint: Herefordshire & Worcestershire"
    for table_id in ("hw_training_evaluation_1", "hw_training_evaluation_2"):
        key, printed = published.table(table_id)["question"], published.table(table_id)["percent"]
        answers = result.result(key)
        got = {
            label: int(formatting.percent(share).rstrip("%"))
            for label, share in answers.table().select("Answer", "Share").rows()
        }
        assert got == printed, key
    own = training_evaluations.evaluations(sample, service, 2024)  # one county alone: not what was printed
    assert own.total_forms < result.total_forms


@pytest.mark.parametrize("service", ["herefs", "worcs"])
def test_website_visitors_per_month_are_the_published_ones_counted_once(sample, service):
    [site] = digital.website(sample, service, 2024)
    visitors = list(published.table("hw_website_visitors_monthly")["visitors"].values())
    assert site.months["Visitors"].to_list() == visitors
    assert site.total("Visitors") == sum(visitors)  # no total printed
    assert site.scope == "joint: Herefordshire & Worcestershire"
    assert digital.conflicts(sample, service, 2024) == 0


def test_social_media_per_platform_per_month_is_the_published_table(sample):
    printed = published.table("hw_social_media_monthly")
    [platform] = digital.social_media(sample, "worcs", 2024)
    assert platform.channel == printed["platform"] and platform.metrics == printed["columns"]
    got = {month[:3]: list(values) for month, *values in platform.months.drop("month").rows()}
    assert got == printed["months"]
    assert {m: platform.total(m) for m in platform.metrics if m not in platform.levels} == printed["totals"]


def test_youtube_views_per_video_are_the_published_ones(sample):
    printed = published.table("hw_youtube_views")
    [views] = youtube.youtube_views(sample, "herefs", 2024)
    got = {video: list(values) for video, *values in views.videos.rows()}
    assert got == printed["videos"]
    assert views.total == sum(values[-1] for values in printed["videos"].values())  # the sum is not printed


def test_mailing_list_change_is_the_published_one(sample):
    printed = published.table("hw_mailing_list")
    [listing] = mailing.mailing_list(sample, "worcs", 2024)
    assert (listing.previous[1], listing.current[1]) == (printed["previous"], printed["current"])
    assert formatting.percent(listing.change, 2) == f"{printed['change_percent']}%"


def test_no_column_is_left_unaccounted_for(sample):
    # Every digital figure of the sample for 2024 lands on the page: in a channel table, the YouTube
    # table or the mailing list.
    shown = sum(
        c.months.drop("month", "Month").count().sum_horizontal().item()
        for c in digital.channels(sample, "worcs", 2024)
    )
    [views] = youtube.youtube_views(sample, "worcs", 2024)
    snapshots = views.videos.drop("Video", "views").count().sum_horizontal().item()
    [listing] = mailing.mailing_list(sample, "worcs", 2024)
    loaded = digital.rows(sample, "worcs", date(2022, 1, 1), date(2025, 1, 1)).height
    assert shown + snapshots + 2 == loaded
    assert isinstance(listing.table(), pl.DataFrame)


def test_attendance_not_recorded_is_not_counted_as_none_attending(con, internal):
    # A booking report with no check-in (Eventbrite) says who booked, not who came: attendance is
    # unknown, not 0, in the totals and the sentence.
    session(con, "a", date(2024, 3, 12), "EHCP", "Parent/carer", "Workshop", 14, None)
    session(con, "b", date(2024, 5, 7), "EHCP", "Parent/carer", "Workshop", 9, None)
    result = training.attendance(con, "worcs", 2024)
    assert (result.booked, result.attended, result.attended_booked) == (23, None, None)
    total = result.summary_table().filter(pl.col("Audience and format") == "Total").row(0, named=True)
    assert (total["Booked"], total["Attended"]) == (23, None)
    sentence = training_view.headline(result, training_evaluations.joint_evaluations(con, "worcs", 2024)).data
    assert "attendance was not recorded" in sentence and "0 of the" not in sentence
