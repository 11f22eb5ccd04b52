"""Tribunals avoided, an estimate: the printed H&W figure checked, the method on small data worked
out by hand, its parameters checked, and the sample's figures."""

from dataclasses import replace
from datetime import date

import pytest

from sendiass_lib import config, db
from sendiass_lib.formatting import percent
from sendiass_lib.metrics import involvements, tribunals
from sendiass_lib.views import tribunals as view
from tests import published


def involvement(con, service, ident, opened):
    con.execute(
        "INSERT INTO involvements (service, involvement_id, opened_on, load_id) VALUES (?, ?, ?, 1)",
        [service, ident, opened],
    )


def involvements_in_2024(con, service, n):
    """n involvements spread over the days of 2024 (a leap year: 366 days), back from 31 December so
    that the data run to the year's end."""
    con.execute(
        """INSERT INTO involvements (service, involvement_id, opened_on, load_id)
           SELECT ?, 'i' || i, DATE '2024-12-31' - (i % 366)::INTEGER, 1 FROM range(?) t(i)""",
        [service, n],
    )


# The printed report ------------------------------------------------------------------------------


def test_printed_24_tribunals_is_about_1_percent_of_2486_not_10_percent(con):
    # "a minimum of 10% of our calls would result in avoidance of tribunal ... having taken 2486
    # calls this year ... would equate to 24 tribunals avoided" and "£204,000".
    involvements_in_2024(con, "worcs", 2486)
    found = tribunals.avoidance_estimate(con, "worcs", 2024)  # the service file's 10% and £8,500
    assert (found.involvements, found.share, found.cost_per_tribunal) == (2486, 0.10, 8500)
    # 10% of 2,486 is 248.6: shown as at least 248; the cost is of the unrounded 248.6.
    assert found.tribunals_avoided == 248.6 and found.at_least == 248
    assert found.cost_avoided == 2_113_100  # 248.6 x £8,500 (248 whole tribunals would be £2,108,000)
    # The printed 24 is 0.97% of 2,486, about 1%; and £204,000 is 24 whole tribunals x £8,500.
    share = tribunals.implied_share(24, 2486)
    assert share == pytest.approx(0.00965, abs=5e-6)
    assert (percent(share, 2), percent(share)) == ("0.97%", "1%")
    assert 24 * found.cost_per_tribunal == 204_000
    at_one_percent = tribunals.avoidance_estimate(con, "worcs", 2024, share=0.01)
    assert (at_one_percent.tribunals_avoided, at_one_percent.at_least) == (24.86, 24)
    # The page says so beside the estimate.
    assert tribunals.printed("worcs", 2024) == 24
    note = view.printed_note(found)
    assert "24 is 0.97% of the 2,486 new involvements (about 1%), not 10%, which would be 248.6" in note


def test_herefordshire_printed_4_is_about_1_percent_of_423():
    # "4 ... around £34,000": 4 x £8,500, and 4 of the county's 423 involvements is 0.95%.
    assert tribunals.printed("herefs", 2024) == 4
    share = tribunals.implied_share(4, 423)
    assert (percent(share, 2), percent(share)) == ("0.95%", "1%")
    assert 4 * 8500 == 34_000


# The method, by hand -----------------------------------------------------------------------------


def test_the_estimate_counts_the_reporting_years_new_involvements_only(con):
    for i in range(7):
        involvement(con, "worcs", f"a{i}", date(2024, 3, 1))
    involvement(con, "worcs", "before", date(2023, 12, 31))
    involvement(con, "worcs", "after", date(2025, 1, 1))
    found = tribunals.avoidance_estimate(con, "worcs", 2024, share=0.25, cost_per_tribunal=1000)
    assert found.involvements == 7 == involvements.monthly(con, "worcs", 2024).current
    assert (found.tribunals_avoided, found.at_least, found.cost_avoided) == (1.75, 1, 1750)
    assert found.period.label == "2024" and found.through is None


def test_the_share_is_applied_exactly_and_rounded_down_only_for_display(con):
    involvements_in_2024(con, "worcs", 100)
    # In binary, 100 x 0.29 is 28.999999999999996, which would round down to 28.
    found = tribunals.avoidance_estimate(con, "worcs", 2024, share=0.29, cost_per_tribunal=8500)
    assert (found.tribunals_avoided, found.at_least, found.cost_avoided) == (29, 29, 246_500)
    found = tribunals.avoidance_estimate(con, "worcs", 2024, share=0.125, cost_per_tribunal=8500)
    assert (found.tribunals_avoided, found.at_least, found.cost_avoided) == (12.5, 12, 106_250)
    assert view.share_label(found) == "12.5%"


def test_the_method_states_every_assumption_and_its_source(con):
    involvements_in_2024(con, "herefs", 3)
    found = tribunals.avoidance_estimate(con, "herefs", 2024)
    assert (found.tribunals_avoided, found.at_least) == (pytest.approx(0.3), 0)
    method = view.method(found)
    assert "new involvements opened in 2024 x the share assumed to avoid a tribunal" in method
    assert "10% of new involvements would otherwise have gone to a SEND tribunal" in method
    assert "one tribunal costs £8,500" in method
    assert "rounded down" in method and "not measured" in method
    assert "Source of the share and cost: H&W SENDIASS Team Report 2024" in method
    given = tribunals.avoidance_estimate(con, "herefs", 2024, share=0.05)
    assert "5% of new involvements" in view.method(given)
    assert "the share given when the estimate was run; the cost: H&W SENDIASS" in view.method(given)


def test_a_year_in_progress_is_counted_up_to_the_end_of_the_data(con):
    involvement(con, "worcs", "a", date(2025, 1, 10))
    involvement(con, "worcs", "b", date(2025, 6, 3))
    found = tribunals.avoidance_estimate(con, "worcs", 2025, share=0.5, cost_per_tribunal=100)
    assert (found.involvements, found.tribunals_avoided, found.through) == (2, 1.0, date(2025, 6, 30))
    assert "opened in 2025 up to 30 Jun 2025 (the data end there)" in view.method(found)


def test_a_year_without_involvement_data_has_no_figures(con):
    involvement(con, "worcs", "a", date(2023, 5, 1))
    found = tribunals.avoidance_estimate(con, "worcs", 2024)
    assert (found.involvements, found.tribunals_avoided, found.cost_avoided, found.at_least) == (None,) * 4
    assert view.sentence(found).startswith(
        "No involvement data is loaded for Worcestershire SENDIASS in 2024"
    )
    assert view.published(found).data["2024"].to_list()[2] == "[x]"


# Parameters --------------------------------------------------------------------------------------


def test_the_setting_is_read_from_worcs_and_herefs_service_files_only():
    for slug in ("worcs", "herefs"):
        setting = config.service(slug).tribunal_estimate
        assert (setting["share_of_involvements"], setting["cost_per_tribunal_gbp"]) == (0.10, 8500)
    assert config.service("bucks").tribunal_estimate is None


def test_a_service_without_the_setting_has_no_estimate_unless_both_figures_are_given(con):
    involvement(con, "bucks", "a", date(2021, 3, 1))
    assert tribunals.avoidance_estimate(con, "bucks", 2021) is None
    found = tribunals.avoidance_estimate(con, "bucks", 2021, share=0.5, cost_per_tribunal=10)
    assert (found.tribunals_avoided, found.cost_avoided) == (0.5, 5)
    assert "Source of the share and cost: given when the estimate was run." in view.method(found)
    with pytest.raises(ValueError, match=r"no cost_per_tribunal .* cost_per_tribunal_gbp in bucks.yaml"):
        tribunals.avoidance_estimate(con, "bucks", 2021, share=0.5)


@pytest.mark.parametrize("share", [0, -0.1, 1.5, 10, float("nan"), True, "0.1"])
def test_a_share_outside_0_to_1_is_refused_naming_the_valid_range(con, share):
    with pytest.raises(ValueError, match=r"share must be a fraction in \(0, 1\] \(0.10 for 10%\)"):
        tribunals.avoidance_estimate(con, "worcs", 2024, share=share)


@pytest.mark.parametrize("cost", [-1, -0.01, float("inf"), float("nan"), "8500"])
def test_a_negative_cost_is_refused_naming_the_valid_range(con, cost):
    with pytest.raises(ValueError, match=r"cost_per_tribunal must be 0 or more \(GBP per tribunal\)"):
        tribunals.avoidance_estimate(con, "worcs", 2024, cost_per_tribunal=cost)


def test_the_limits_of_the_ranges_are_allowed(con):
    involvements_in_2024(con, "worcs", 10)
    found = tribunals.avoidance_estimate(con, "worcs", 2024, share=1, cost_per_tribunal=0)
    assert (found.tribunals_avoided, found.cost_avoided) == (10, 0)


def test_a_bad_figure_in_the_service_file_names_the_file_and_key(con, monkeypatch):
    worcs = config.service("worcs")
    bad = replace(worcs, tribunal_estimate={"share_of_involvements": 10, "cost_per_tribunal_gbp": 8500})
    monkeypatch.setattr(config, "service", lambda slug, period=None: bad)
    with pytest.raises(ValueError, match=r"worcs.yaml tribunal_estimate: share_of_involvements must be"):
        tribunals.avoidance_estimate(con, "worcs", 2024)


def test_implied_share_needs_involvements():
    assert tribunals.implied_share(4, 423) == pytest.approx(0.009456, abs=1e-6)
    with pytest.raises(ValueError, match="involvements must be 1 or more"):
        tribunals.implied_share(24, 0)


# The page ----------------------------------------------------------------------------------------


def test_the_table_gives_inputs_and_result_and_rounds_tribunals_down(con):
    involvements_in_2024(con, "worcs", 2486)
    shown = view.published(tribunals.avoidance_estimate(con, "worcs", 2024))
    assert shown.hidden == {}
    assert dict(shown.data.iter_rows()) == {
        "New involvements": "2,486",
        "Assumed share avoiding a tribunal": "10%",
        "Tribunals avoided (at least)": "248",
        "Cost per tribunal (assumed)": "£8,500",
        "Cost avoided": "£2,113,100",
    }
    found = tribunals.avoidance_estimate(con, "worcs", 2024)
    assert "2,486 x 10% = 248.6, rounded down to 248" in view.note(found)
    assert "Cost avoided: 248.6 x £8,500, from the unrounded number" in view.note(found)
    sentence = view.sentence(found)
    assert "avoided at least 248 SEND tribunals, and £2,113,100 of tribunal costs" in sentence
    assert "Method and assumptions: Tribunals avoided = new involvements" in sentence


def test_a_small_count_of_involvements_hides_the_figures_made_from_it(con):
    involvements_in_2024(con, "worcs", 3)
    found = tribunals.avoidance_estimate(con, "worcs", 2024)
    shown = view.published(found)
    hidden = ["New involvements", "Tribunals avoided (at least)", "Cost avoided"]
    assert shown.hidden == {label: ["2024"] for label in hidden}
    assert dict(shown.data.iter_rows())["Cost per tribunal (assumed)"] == "£8,500"
    assert all(dict(shown.data.iter_rows())[label] is None for label in hidden)
    sentence = view.sentence(found)
    assert (
        "recorded [c] new involvements in 2024: no estimate is published from a suppressed count" in sentence
    )
    assert "0.3" not in sentence and "£2,550" not in sentence and "printed report" not in sentence
    assert "3 x 10%" not in view.note(found)


def test_a_small_count_is_shown_in_an_internal_build(con, internal):
    involvements_in_2024(con, "worcs", 3)
    shown = view.published(tribunals.avoidance_estimate(con, "worcs", 2024))
    assert shown.hidden == {} and dict(shown.data.iter_rows())["New involvements"] == "3"


# The sample --------------------------------------------------------------------------------------


def test_sample_reproduces_the_printed_estimate_and_shows_it_is_1_percent_not_10(sample_db):
    # Printed (H&W 2024): Worcestershire "24 tribunals avoided", "£204,000", from "a minimum of 10%"
    # of 2,486 calls; Herefordshire "4 ... around £34,000". The sample has the published counts.
    table = published.table("tribunal_avoidance_estimate")
    with db.connect(sample_db) as con:
        worcs = tribunals.avoidance_estimate(con, "worcs", table["year"])
        herefs = tribunals.avoidance_estimate(con, "herefs", table["year"])
        assert tribunals.avoidance_estimate(con, "bucks", 2021) is None  # no setting: no estimate
    for found in (worcs, herefs):
        assert (found.share, found.cost_per_tribunal) == (table["share_of_calls"], table["cost_per_tribunal"])
    assert (worcs.involvements, worcs.tribunals_avoided, worcs.at_least, worcs.cost_avoided) == (
        2486,
        248.6,
        248,
        2_113_100,
    )
    assert (herefs.involvements, herefs.tribunals_avoided, herefs.at_least, herefs.cost_avoided) == (
        423,
        42.3,
        42,
        359_550,
    )
    for found in (worcs, herefs):
        printed = table["services"][found.service.slug]
        assert tribunals.printed(found.service.slug, table["year"]) == printed["tribunals"]
        assert percent(tribunals.implied_share(printed["tribunals"], found.involvements)) == "1%"
        assert printed["tribunals"] * found.cost_per_tribunal == printed["cost"]
    assert "24 is 0.97% of the 2,486 new involvements (about 1%), not 10%" in view.printed_note(worcs)
    assert "4 is 0.95% of the 423 new involvements (about 1%), not 10%" in view.printed_note(herefs)
