"""Caseload KPIs of the key figures (median days to close, open caseload, per FTE adviser, repeat
contacts) on small data worked out by hand. First responses over Christmas and Easter are covered in
tests/test_workdays.py and tests/test_headline_quality.py."""

from datetime import date
from html import unescape

import pytest

from sendiass_lib.metrics import headline, kpis
from sendiass_lib.periods import Period
from sendiass_lib.views import headline as headline_view

WORCS_2024 = Period(date(2024, 1, 1), date(2024, 12, 31), "2024")


def involvement(con, ident, opened, closed=None, client=None, service="worcs", record_type=None):
    con.execute(
        """INSERT INTO involvements (service, involvement_id, opened_on, closed_on, client_key, load_id)
           VALUES (?, ?, ?, ?, ?, 1)""",
        [service, ident, opened, closed, client],
    )
    if record_type:
        con.execute(
            """INSERT INTO involvement_labels (service, involvement_id, field, raw_label, label, load_id)
               VALUES (?, ?, 'record_type', ?, ?, 1)""",
            [service, ident, record_type, record_type],
        )


def shown(figures, measure, period=None):
    """A cell as the published table has it: [c] where the rule hides it, else the display text."""
    period = period or figures.selected.label
    if period in figures.protected().hidden.get(measure, []):
        return "[c]"
    cells = headline_view.cells(figures)
    return cells.filter(cells[headline.MEASURE] == measure)[period].item()


def test_median_days_to_close_is_of_the_years_involvements_closed_so_far(con, internal):
    involvement(con, "a", date(2024, 1, 1), closed=date(2024, 1, 11))  # 10 days
    involvement(con, "b", date(2024, 5, 1), closed=date(2024, 5, 21))  # 20 days
    involvement(con, "c", date(2024, 12, 1), closed=date(2025, 3, 1))  # 90 days: closed after the year
    involvement(con, "d", date(2024, 6, 1))  # still open: left out
    involvement(con, "e", date(2023, 12, 1), closed=date(2024, 1, 2))  # opened the year before: left out
    assert kpis.median_days_to_close(con, "worcs", WORCS_2024) == (20, 3)
    figures = headline.key_figures(con, "worcs", 2024)
    assert figures.value(headline.MEDIAN_DAYS) == 20
    assert "of the year's involvements closed so far" in unescape(headline_view.table(figures).data)


def test_a_median_of_half_a_day_reads_as_the_whole_day_above(con, internal):
    involvement(con, "a", date(2024, 3, 1), closed=date(2024, 3, 4))  # 3 days
    involvement(con, "b", date(2024, 3, 1), closed=date(2024, 3, 5))  # 4 days
    figures = headline.key_figures(con, "worcs", 2024)
    assert figures.value(headline.MEDIAN_DAYS) == 3.5
    assert shown(figures, headline.MEDIAN_DAYS) == "4"
    assert "were open for a median of 4 days." in headline_view.caseload_sentence(figures)


def test_a_year_with_no_closures_has_no_median(con):
    for i in range(12):
        involvement(con, f"i{i}", date(2024, 2, 1))
    figures = headline.key_figures(con, "worcs", 2024)
    assert kpis.median_days_to_close(con, "worcs", WORCS_2024) == (None, 0)
    assert shown(figures, headline.MEDIAN_DAYS) == "[x]"  # not available, not suppressed
    assert headline_view.caseload_sentence(figures) == "12 cases were open on 31 Dec 2024."


def test_open_caseload_counts_cases_opened_by_year_end_and_not_yet_closed(con, internal):
    involvement(con, "old", date(2022, 5, 1))  # opened two years before, never closed: open
    involvement(con, "later", date(2024, 6, 1), closed=date(2025, 1, 1))  # closed after the year: open
    involvement(con, "last-day", date(2024, 12, 31))  # opened on the last day: open
    involvement(con, "closed-last-day", date(2024, 3, 1), closed=date(2024, 12, 31))  # closed by then
    involvement(con, "closed-before", date(2023, 3, 1), closed=date(2024, 6, 1))
    involvement(con, "next-year", date(2025, 1, 1))
    assert kpis.open_caseload(con, "worcs", WORCS_2024) == 3
    figures = headline.key_figures(con, "worcs", 2024)
    assert figures.value(headline.OPEN) == 3
    assert headline_view.caseload_sentence(figures).startswith("3 cases were open on 31 Dec 2024; ")


def test_open_cases_per_fte_only_in_years_the_service_file_gives_staffing(con, internal):
    # services/bucks.yaml gives 2.3 FTE advisers for 2021/22 (24 Feb 2021 - 23 Feb 2022), none for 2022/23.
    involvement(con, "r1", date(2021, 3, 1), service="bucks", record_type="Referral")
    involvement(con, "r2", date(2021, 4, 1), closed=date(2021, 5, 1), service="bucks", record_type="Referral")
    involvement(con, "e1", date(2022, 2, 23), service="bucks", record_type="Enquiry")
    involvement(con, "e2", date(2022, 3, 1), service="bucks", record_type="Enquiry")
    figures = headline.key_figures(con, "bucks", 2022, years=2)
    assert figures.value(headline.OPEN, "2021/22") == 2  # r1, e1
    assert figures.value(headline.OPEN_PER_FTE, "2021/22") == pytest.approx(2 / 2.3)
    assert figures.value(headline.OPEN_PER_FTE, "2022/23") is None
    assert shown(figures, headline.OPEN_PER_FTE, "2022/23") == "[x]"
    # Buckinghamshire's published "ongoing cases per FTE adviser" (referrals open at any time in the
    # year) is kept beside it, under its own name.
    assert figures.value(headline.PER_FTE, "2021/22") == pytest.approx(2 / 2.3)  # r1, r2
    assert headline.PER_FTE != headline.OPEN_PER_FTE
    # A service whose file gives no staffing has no per-FTE row at all, rather than a row of [x].
    worcs = headline.key_figures(con, "worcs", 2024)
    assert headline.OPEN_PER_FTE not in worcs.rows["Measure"].to_list()


def test_repeat_contacts_are_a_clients_later_involvements_in_the_same_year(con, internal):
    involvement(con, "a0", date(2023, 12, 30), client="A")  # the year before: not an earlier one
    involvement(con, "a1", date(2024, 2, 1), client="A")  # A's first of the year
    involvement(con, "a2", date(2024, 5, 1), client="A")  # repeat
    involvement(con, "b1", date(2024, 3, 1), client="B")
    involvement(con, "b2", date(2024, 3, 1), client="B")  # same day: one of the two is a repeat
    involvement(con, "c1", date(2024, 4, 1), client="C")
    involvement(con, "d1", date(2024, 12, 31), client="D")
    involvement(con, "d2", date(2025, 1, 2), client="D")  # the next year
    involvement(con, "n1", date(2024, 6, 1))  # no client key: in neither count
    involvement(con, "n2", date(2024, 7, 1))
    assert kpis.repeat_contacts(con, "worcs", WORCS_2024) == (2, 6)
    figures = headline.key_figures(con, "worcs", 2024)
    assert figures.value(headline.NEW) == 8
    assert figures.value(headline.REPEATS) == 2
    assert figures.value(headline.REPEAT_SHARE) == pytest.approx(2 / 6)
    table = unescape(headline_view.table(figures).data)
    assert "the share is of the involvements with a client recorded" in table


def test_a_small_open_caseload_is_suppressed_with_its_per_fte_figure(con):
    # Bucks 2021/22 under its disclosure rule: 13 new involvements, 10 closed in the year, 3 still open.
    for i in range(13):
        closed = date(2021, 6, 1 + i) if i < 10 else None
        involvement(con, f"i{i}", date(2021, 5, 1), closed=closed, client=f"c{i}", service="bucks")
    figures = headline.key_figures(con, "bucks", 2021, years=1)
    assert figures.value(headline.OPEN) == 3
    hidden = figures.protected().hidden
    assert hidden == {headline.OPEN: ["2021/22"], headline.OPEN_PER_FTE: ["2021/22"]}
    assert shown(figures, headline.MEDIAN_DAYS) == "36"  # 10 closed: enough for a median
    assert shown(figures, headline.REPEATS) == "0"  # zero is shown
    assert headline_view.caseload_sentence(figures) == (
        "The year's involvements closed so far were open for a median of 36 days."
    )


def test_few_repeats_hide_their_share_and_a_share_needs_a_base_of_ten(con):
    involvement(con, "a1", date(2024, 2, 1), client="A")
    involvement(con, "a2", date(2024, 3, 1), client="A")  # 1 repeat: [c], and its share with it
    for i in range(6):
        involvement(con, f"s{i}", date(2024, 4, 1), client=f"S{i}")
    hidden = headline.key_figures(con, "worcs", 2024).protected().hidden
    assert hidden[headline.REPEATS] == ["2024"] and hidden[headline.REPEAT_SHARE] == ["2024"]
    for i in range(3, 7):
        involvement(con, f"a{i}", date(2024, 5, i), client="A")
    figures = headline.key_figures(con, "worcs", 2024)  # 5 repeats of 12 with a client recorded
    assert shown(figures, headline.REPEATS) == "5"
    assert shown(figures, headline.REPEAT_SHARE) == "42%"
    involvement(con, "s-late", date(2024, 6, 1))  # without a client key: the base stays 12
    assert kpis.repeat_contacts(con, "worcs", WORCS_2024) == (5, 12)


def test_a_share_on_fewer_than_ten_with_a_client_recorded_is_not_given(con):
    for i in range(6):
        involvement(con, f"a{i}", date(2024, 2, 1 + i), client="A")  # 5 repeats
    for i in range(3):
        involvement(con, f"s{i}", date(2024, 4, 1), client=f"S{i}")
    figures = headline.key_figures(con, "worcs", 2024)  # a base of 9
    assert shown(figures, headline.REPEATS) == "5"
    assert shown(figures, headline.REPEAT_SHARE) == "[c]"


def test_the_median_is_hidden_when_fewer_than_ten_involvements_closed(con):
    for i in range(12):
        involvement(con, f"i{i}", date(2024, 2, 1), closed=date(2024, 2, 10) if i < 9 else None)
    figures = headline.key_figures(con, "worcs", 2024)
    assert figures.value(headline.MEDIAN_DAYS) == 9
    assert shown(figures, headline.MEDIAN_DAYS) == "[c]"
    assert "median" not in headline_view.caseload_sentence(figures)
