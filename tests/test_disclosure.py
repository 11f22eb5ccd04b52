"""Small numbers are suppressed before display, and a total can never give one back."""

from datetime import date

import polars as pl

from sendiass_lib import config, disclosure, tables
from sendiass_lib.disclosure import Rule
from sendiass_lib.metrics import headline, involvements, mixes, training, training_evaluations
from sendiass_lib.views import headline as headline_view
from sendiass_lib.views import involvements as involvements_view
from sendiass_lib.views import mixes as mixes_view
from sendiass_lib.views import training as training_view


def test_a_three_is_suppressed_and_the_next_smallest_with_it_so_the_total_cannot_recover_it():
    frame = pl.DataFrame({"Label": ["a", "b", "c", "d"], "Involvements": [3, 0, 12, 40]})
    shown, hidden = disclosure.protect(frame, ["Involvements"], Rule())
    # 3 is primary; with the base (55) stated, 3 = 55 - 0 - 12 - 40, so 12 goes too (0 hides nothing).
    assert hidden == {"a": ["Involvements"], "c": ["Involvements"]}
    assert shown["Involvements"].to_list() == [None, 0, None, 40]


def test_two_small_cells_protect_each_other_and_zeros_are_shown():
    frame = pl.DataFrame({"Label": ["a", "b", "c"], "Involvements": [2, 4, 0]})
    _, hidden = disclosure.protect(frame, ["Involvements"], Rule())
    assert hidden == {"a": ["Involvements"], "b": ["Involvements"]}


def test_rows_and_columns_of_a_grid_are_each_protected():
    frame = pl.DataFrame({"Course": ["x", "y"], "Booked": [3, 20], "Attended": [10, 15]})
    _, hidden = disclosure.protect(frame, ["Booked", "Attended"], Rule(), row_totals=True)
    # Booked 3 (primary); column Booked: 20 too; row x: Attended 10; column Attended: 15 too.
    assert hidden == {"x": ["Attended", "Booked"], "y": ["Attended", "Booked"]}


def test_a_share_goes_with_its_count():
    frame = pl.DataFrame({"Label": ["a", "b"], "Involvements": [1, 30], "Share": [1 / 31, 30 / 31]})
    shown, hidden = disclosure.protect(frame, ["Involvements"], Rule(), shares={"Share": "Involvements"})
    assert hidden == {"a": ["Involvements", "Share"], "b": ["Involvements", "Share"]}
    assert shown["Share"].to_list() == [None, None]


def test_the_rule_comes_from_the_service_file_and_can_be_turned_off_for_internal_builds():
    service = config.service("worcs")
    assert disclosure.rule(service) == Rule(True, 5, 10)
    off = config.Service("x", "X", "X", "calendar", disclosure="off")
    assert disclosure.rule(off).on is False
    frame = pl.DataFrame({"Label": ["a"], "Involvements": [1]})
    assert disclosure.protect(frame, ["Involvements"], disclosure.rule(off)) == (frame, {})
    assert not disclosure.percent_shown(9, Rule()) and disclosure.percent_shown(10, Rule())


def test_a_table_shows_c_and_a_note_that_explains_it():
    frame = pl.DataFrame({"Label": ["a", "b", "c"], "Involvements": [3, 12, 40]})
    shown, hidden = disclosure.protect(frame, ["Involvements"], Rule())
    html = tables.table(shown, "Test", suppressed=hidden, suppressed_note=Rule().note).data
    assert html.count("<td>[c]</td>") == 2 and ">3<" not in html and ">12<" not in html
    assert "[c] suppressed: a count of 1 to 4" in html


def test_pages_say_internal_not_for_publication_when_the_rule_is_off(monkeypatch):
    from sendiass_lib import publish

    service = config.service("worcs")
    monkeypatch.setattr(
        config,
        "service",
        lambda slug, period=None: config.Service(**{**service.__dict__, "disclosure": "off"}),
    )
    facts = publish.page_facts("worcs", 2024, [])
    html = publish.render_index([], facts)
    assert "Internal: not for publication." in html


def test_a_total_row_is_kept_unless_it_alone_would_give_the_small_cell_back():
    frame = pl.DataFrame({"Course": ["x", "y", "Total"], "Attended": [3, 20, 23]})
    _, hidden = disclosure.protect(frame, ["Attended"], Rule())
    assert hidden == {"x": ["Attended"], "y": ["Attended"]}  # the total stays: 23 - [c] - [c]
    single = pl.DataFrame({"Course": ["x", "Total"], "Attended": [3, 3]})
    _, hidden = disclosure.protect(single, ["Attended"], Rule())
    assert hidden == {"Total": ["Attended"], "x": ["Attended"]}


# The rule applied to every page's figures: tables, charts and sentences from the same protected data.


def involvement(con, ident, opened, level=None, first_response=None, **labels):
    con.execute(
        """INSERT INTO involvements (service, involvement_id, opened_on, first_response_on,
                                     intervention_level, load_id) VALUES ('worcs', ?, ?, ?, ?, 1)""",
        [ident, opened, first_response, level],
    )
    for field, values in labels.items():
        for label in values:
            con.execute(
                """INSERT INTO involvement_labels (service, involvement_id, field, raw_label, label, list,
                                                   load_id) VALUES ('worcs', ?, ?, ?, ?, 'to Mar 2024', 1)""",
                [ident, field, label, label],
            )


def test_a_reason_cited_3_times_is_c_in_the_table_absent_from_the_chart_and_the_sentence(con):
    # 2023: EHCP 30, Transport 12, Tribunal 3 (45 involvements, one reason each).
    reasons = ["EHCP"] * 30 + ["Transport"] * 12 + ["Tribunal"] * 3
    for i, reason in enumerate(reasons):
        involvement(con, f"i{i}", date(2023, 3, 1), reasons=[reason])
    [mix] = mixes.mixes(con, "worcs", "reasons", 2023)
    shown = mix.protected()
    # Tribunal (3) is primary; Transport (12) goes with it, or 45 - 30 - 0... would give 3 back.
    assert shown.hidden == {
        "Tribunal": ["Involvements", "Share", "Share of involvements"],
        "Transport": ["Involvements", "Share", "Share of involvements"],
    }
    html = mixes_view.table(mix).data
    assert html.count("<td>[c]</td>") == 4 and "<td>3</td>" not in html and "<td>6.7%</td>" not in html
    figure = mixes_view.figure(mix).data
    assert "EHCP" in figure and "Tribunal" not in figure and "Transport" not in figure
    assert "Not drawn: 25 of the listed reasons with none and 2 shown as [c] in the table" in figure
    assert mixes_view.headline([mix]).data == "Reasons for contact, 2023: the most common was EHCP (67%)."


def test_a_few_involvements_with_no_label_are_a_hidden_row_and_percentages_are_of_all(con):
    # "37 of the 40 ... fewer than 5 had none" gives 3 back: the blank ones are a row of their own,
    # [c] with the next smallest, and every percentage is of all 40 involvements.
    for i in range(40):
        method = [] if i < 3 else ["email in"] if i < 30 else ["meeting"]
        involvement(con, f"i{i}", date(2023, 3, 1), contact_method=method)
    [mix] = mixes.mixes(con, "worcs", "contact_method", 2023)
    assert mix.not_recorded == 3 and mix.blank_row and mix.base == 37  # the metric: of those recorded
    shown = mix.protected()
    assert shown.data.base == 40  # as published: of all
    assert shown.hidden == {"Not recorded": ["Involvements", "Share", "Share of involvements"],
                            "meeting": ["Involvements", "Share", "Share of involvements"]}  # fmt: skip
    note = mixes_view.base_note(shown.data)
    assert note.startswith("Percentages are of the 40 involvements opened in 2023, those with none recorded")
    assert "37" not in note and "3 " not in note and "fewer" not in note.lower()


def test_no_percentage_on_a_base_under_10_and_the_sentence_says_why(con):
    for i in range(9):
        involvement(con, f"i{i}", date(2023, 3, 1), reasons=["EHCP"])
    [mix] = mixes.mixes(con, "worcs", "reasons", 2023)
    shown = mix.protected()
    assert shown.data.rows["Share"].drop_nulls().is_empty()
    assert shown.hidden["EHCP"] == ["Share", "Share of involvements"]  # the count of 9 is shown
    assert mixes_view.figure(mix).data == ""
    assert mixes_view.headline([mix]).data == (
        "Reasons for contact, 2023: 9 reasons recorded, too few to give percentages."
    )


def test_a_month_of_3_involvements_is_c_with_its_change_and_is_not_drawn(con):
    # 2023: 20 a month. 2024: 20 a month but 3 in August.
    for year in (2023, 2024):
        for month in range(1, 13):
            for i in range(3 if (year, month) == (2024, 8) else 20):
                involvement(con, f"{year}-{month}-{i}", date(year, month, 1))
    result = involvements.monthly(con, "worcs", 2024, years=2)
    shown = result.protected()
    change = "Change 2023 to 2024"
    # August 2024 (3) is primary; the smallest other month of 2024 (20, January) goes with it.
    assert shown.hidden == {"August": ["2024", change], "January": ["2024", change]}
    assert shown.data.filter(pl.col("Month") == "Total")["2024"].item() == 223  # 223 - [c] - [c]
    drawn = result.long().filter(pl.col("period") == "2024")["month"].to_list()
    assert "August" not in drawn and "January" not in drawn and len(drawn) == 10
    text = involvements_view.chart_description(result)
    assert "(3)" not in text and "2 months with too few to publish ([c]) are not drawn" in text


def test_a_year_of_fewer_than_5_involvements_reads_c_in_the_sentence_too(con):
    for i in range(3):
        involvement(con, f"i{i}", date(2024, 5, 1))
    result = involvements.monthly(con, "worcs", 2024)
    assert involvements_view.headline(result).data.startswith(
        "Worcestershire SENDIASS recorded [c] new involvements in 2024"
    )
    assert result.protected().hidden == {"May": ["2024"], "Total": ["2024"]}


def test_a_theme_with_2_reasons_is_c_and_so_is_the_next_smallest(con):
    reasons = ["EHCP"] * 30 + ["Transport"] * 12 + ["Tribunal"] * 2
    for i, reason in enumerate(reasons):
        involvement(con, f"i{i}", date(2023, 3, 1), reasons=[reason])
    trend = mixes.theme_trend(con, "worcs", "reasons", 2023, years=1)
    shown = trend.protected()
    assert shown.hidden == {"Disagreements and appeals": ["2023"], "Transport": ["2023"]}
    figure = mixes_view.theme_figure(trend).data
    assert "Transport: [c] in 2023" in figure


def test_key_figures_hide_a_small_response_base_and_say_so(con):
    for i in range(12):
        responded = date(2024, 3, 4) if i < 6 else None
        involvement(con, f"i{i}", date(2024, 3, 1), first_response=responded)
    figures = headline.key_figures(con, "worcs", 2024)
    shown = figures.protected()
    assert shown.hidden == {headline.RESPONDED: ["2024"]}  # 6 with a response recorded: under 10
    assert headline_view.response_sentence(figures) == (
        "Too few first responses are recorded this year to give a percentage."
    )


def test_training_answers_show_no_percentage_on_a_question_answered_by_fewer_than_10(con):
    from tests.test_training_digital import form

    for i, rating in enumerate([4] * 6 + [3] * 2 + [1]):
        form(con, "worcs", f"f{i}", date(2024, 2, 1), Q1=rating, Q2=4)
    for i in range(9, 12):
        form(con, "worcs", f"f{i}", date(2024, 2, 1), Q2=4)
    evaluations = training_evaluations.joint_evaluations(con, "worcs", 2024)
    q1, q2 = evaluations.questions
    assert evaluations.protected(q1).hidden == {label: ["Share"] for label in q1.rows["Answer"]}
    assert evaluations.protected(q1).data["Responses"].to_list() == [6, 2, 0, 1]  # answers, not clients
    assert evaluations.protected(q2).hidden == {}  # answered on 12 forms
    assert training_view.question_chart_data(evaluations, q1).is_empty()
    assert training_view.question_chart_title(evaluations, q1) == "Answers to Q1"
    headline = training_view.evaluation_headline(evaluations)
    assert "Q1" not in headline and "100% answered Excellent or Good to Q2" in headline


def test_joint_results_use_the_strictest_rule_of_the_services_that_share_them():
    rules = [Rule(True, 5, 10), Rule(True, 10, 20, rating_counts="suppressed"), Rule(on=False)]
    strictest = disclosure.strictest(rules)
    assert (strictest.below, strictest.min_base, strictest.width) == (10, 20, 9)
    assert strictest.ratings_suppressed
    assert disclosure.strictest([Rule(on=False)]).on is False


def test_a_training_group_too_small_to_publish_is_not_drawn(con):
    from tests.test_training_digital import session

    session(con, "a", date(2024, 2, 1), "EHCP", "Parent/carer", "Workshop", None, 40)
    session(con, "b", date(2024, 3, 1), "EHCP", "Professional", "Workshop", None, 30)
    session(con, "c", date(2024, 4, 1), "Autism", "Professional", "Online workshop", None, 3)
    attendance = training.attendance(con, "worcs", 2024)
    groups = training_view.attendance_chart_data(attendance)["Group"].to_list()
    assert groups == ["Parent/carer, workshop"]  # 3 is [c], and 30 goes with it: 73 is shown
    assert "[c]" in training_view.attendance_chart_description(attendance)
    # By audience, 40 and 33 give nothing away: the table's total (73) less 40 is 33 already.
    assert (
        "(by audience: parent/carer 40 and professional 33)"
        in training_view.headline(attendance, training_evaluations.joint_evaluations(con, "worcs", 2024)).data
    )


def test_tribunals_required_3_is_c_but_staff_and_money_are_shown(sample_db):
    from sendiass_lib import db
    from sendiass_lib.metrics import figures
    from sendiass_lib.views import figures as figures_view

    with db.connect(sample_db) as con:
        result = figures.figures(con, "bucks", 2021)
    tribunals = result.get("Tribunals and mediation")
    shown = figures_view.published(result, tribunals)
    # The sample has 3 tribunals required in 2020/21 and 1 in 2021/22: counts of clients.
    assert shown.hidden == {"Tribunals required": ["2020/21", "2021/22"]}
    assert shown.data.filter(pl.col("Label") == "Tribunal advice")["2021/22"].item() == "121"
    volunteers = result.get("Volunteer SEND IAS Adviser (VSA) team")
    assert figures_view.published(result, volunteers).hidden == {}  # a team of 1 is not a client count


def test_four_small_hidden_reasons_get_a_larger_one_hidden_with_them(con):
    # Issue 18: base 678 minus the shown cells left 16 over four [c]; a reader who knew that a second
    # cell was hidden only beside a lone [c] knew all four were 1-4, so each was 4. Now a line whose
    # hidden cells are all small always hides a larger one with them.
    reasons = (
        ["EHCP"] * 40 + ["Transport"] * 9 + ["Legal"] * 4 + ["Exclusions"] * 4 + ["SEND"] * 4 + ["Other"] * 4
    )
    for i, reason in enumerate(reasons):
        involvement(con, f"i{i}", date(2023, 3, 1), reasons=[reason])
    [mix] = mixes.mixes(con, "worcs", "reasons", 2023)
    hidden = mix.protected().hidden
    assert {"Legal", "Exclusions", "SEND", "Other", "Transport"} <= set(hidden)
    assert "EHCP" not in hidden


def test_the_rule_note_names_the_counts_it_hides_without_a_range_of_one():
    assert "a count of 1," in Rule(below=2).note
    assert "a count of 1 to 4," in Rule().note
