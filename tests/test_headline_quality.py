"""Key figures and data-quality measures on small data worked out by hand."""

from datetime import date

import pytest

from sendiass_lib.metrics import differences, headline, quality
from sendiass_lib.views import headline as headline_view
from sendiass_lib.views import quality as quality_view


def involvement(con, service, ident, opened, responded=None, closed=None, record_type=None):
    con.execute(
        """INSERT INTO involvements
           (service, involvement_id, opened_on, first_response_on, closed_on, load_id)
           VALUES (?, ?, ?, ?, ?, 1)""",
        [service, ident, opened, responded, closed],
    )
    if record_type:
        con.execute(
            """INSERT INTO involvement_labels (service, involvement_id, field, raw_label, label, load_id)
               VALUES (?, ?, 'record_type', ?, ?, 1)""",
            [service, ident, record_type, record_type],
        )


def test_response_within_two_working_days_skips_christmas(con):
    # Fri 20 Dec: due Tue 24 Dec (answered 24th: in time). Mon 23 Dec: due Fri 27 Dec (answered
    # 30th: late). Tue 3 Dec answered Thu 5th: in time. One with no response: left out of the base.
    involvement(con, "worcs", "a", date(2024, 12, 20), responded=date(2024, 12, 24))
    involvement(con, "worcs", "b", date(2024, 12, 23), responded=date(2024, 12, 30))
    involvement(con, "worcs", "c", date(2024, 12, 3), responded=date(2024, 12, 5))
    involvement(con, "worcs", "d", date(2024, 12, 4))
    figures = headline.key_figures(con, "worcs", 2024)
    assert figures.value(headline.NEW) == 4
    assert figures.value(headline.RESPONDED) == pytest.approx(2 / 3)
    assert [p.label for p in figures.periods] == ["2024"]  # earlier years with no data are left out


def test_referrals_enquiries_and_ongoing_cases_per_fte_in_the_reporting_year(con):
    # Bucks 2021/22 runs 24 Feb 2021 - 23 Feb 2022; 2.3 FTE advisers (services/bucks.yaml).
    involvement(con, "bucks", "r1", date(2021, 3, 1), record_type="Referral")  # new, open
    involvement(con, "bucks", "r2", date(2020, 6, 1), record_type="Referral")  # carried over, open
    involvement(
        con, "bucks", "r3", date(2020, 6, 1), closed=date(2021, 2, 23), record_type="Referral"
    )  # closed before
    involvement(
        con, "bucks", "r4", date(2020, 6, 1), closed=date(2021, 2, 24), record_type="Referral"
    )  # closed on day 1
    involvement(con, "bucks", "e1", date(2022, 2, 23), record_type="Enquiry")
    involvement(con, "bucks", "e2", date(2022, 2, 24), record_type="Enquiry")  # next year
    figures = headline.key_figures(con, "bucks", 2021)
    assert figures.value(headline.REFERRALS) == 1
    assert figures.value(headline.ENQUIRIES) == 1
    assert figures.value(headline.ONGOING) == 3  # r1, r2, r4
    assert figures.value(headline.PER_FTE) == pytest.approx(3 / 2.3)
    assert headline_view.cells(figures).row(0)[0] == headline.NEW


def test_blank_fields_are_counted_over_the_years_involvements(con):
    involvement(con, "worcs", "a", date(2024, 1, 2), responded=date(2024, 1, 3), closed=date(2024, 2, 1))
    involvement(con, "worcs", "b", date(2024, 1, 2))
    blank = dict(quality.missing(con, "worcs", 2024).rows.select("Field", "Blank").iter_rows())
    assert blank["Date of first response"] == 1 and blank["Date closed"] == 1
    assert blank["Record type"] is None  # a column this service's extracts never carry: not counted


def test_differences_show_the_printed_figure_beside_the_one_the_data_gives(con):
    for i in range(10):
        involvement(con, "worcs", f"a{i}", date(2023, 1, 2))
    for i in range(12):
        involvement(con, "worcs", f"b{i}", date(2024, 12, 2))
    found = {
        row[0]: row[1:3]
        for row in quality_view.printed_and_data(differences.differences(con, "worcs", 2024)).iter_rows()
    }
    assert found["Change in new involvements on 2023 (text)"] == ("+25%", "+20.0%")
    assert found['Tribunals avoided, "a minimum of 10% of our calls"'] == ("24", "1.2")
    assert found["Months with over 200 new involvements"] == ("almost every month", "0 of 12 months")


def test_sample_differences_give_the_figure_from_the_data_beside_the_printed_one(sample_db):
    from sendiass_lib import db

    with db.connect(sample_db) as con:
        found = {
            (service, year): {
                row[0]: row[2]
                for row in quality_view.printed_and_data(
                    differences.differences(con, service, year)
                ).iter_rows()
            }
            for service, year in [("herefs", 2023), ("worcs", 2024), ("bucks", 2021), ("bucks", 2019)]
        }
    assert found[("herefs", 2023)]['SEN type 2023: "Other" against the sum of its printed breakdown'] == "[c]"
    worcs = found[("worcs", 2024)]
    assert worcs["Change in new involvements on 2023 (text)"] == "+24.3%"
    assert worcs["Months with over 200 new involvements"] == "7 of 12 months"
    assert worcs['Tribunals avoided, "a minimum of 10% of our calls"'] == "248.6"
    assert worcs["Evaluation Q6 (would recommend): share rating 3"] == "4%"
    assert found[("bucks", 2021)]["Families given significant advice about tribunals, 2021/22"] == "121"
    assert found[("bucks", 2019)]["Ongoing cases per FTE adviser 2019/20"] == "337"
