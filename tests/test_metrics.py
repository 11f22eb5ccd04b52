"""Monthly involvements on small data sets whose answers are worked out by hand."""

from datetime import date

import pytest

from sendiass_lib import config
from sendiass_lib.availability import years_with_data
from sendiass_lib.metrics import involvements
from sendiass_lib.metrics.involvements import MONTH, TOTAL
from sendiass_lib.views import involvements as involvements_view


def insert(con, service, days):
    for i, day in enumerate(days):
        con.execute(
            "INSERT INTO involvements (service, involvement_id, opened_on, load_id) VALUES (?, ?, ?, 1)",
            [service, f"{service}-{i}", day],
        )


def column(result, label):
    return dict(zip(result.counts[MONTH], result.counts[label], strict=True))


def test_counts_per_month_beside_previous_years_with_change(con):
    # 2023: 2 in Jan, 1 in Dec (3). 2024: 3 in Jan, 1 in Feb, 2 in Dec (6): +100%.
    insert(
        con,
        "worcs",
        [
            date(2023, 1, 2),
            date(2023, 1, 31),
            date(2023, 12, 31),
            date(2024, 1, 1),
            date(2024, 1, 15),
            date(2024, 1, 31),
            date(2024, 2, 29),
            date(2024, 12, 1),
            date(2024, 12, 31),
        ],
    )
    result = involvements.monthly(con, "worcs", 2024)
    assert [p.label for p in result.periods] == ["2022", "2023", "2024"]
    now = column(result, "2024")
    assert (now["January"], now["February"], now["March"], now["December"], now[TOTAL]) == (3, 1, 0, 2, 6)
    assert column(result, "2023")[TOTAL] == 3
    assert set(column(result, "2022").values()) == {None}  # before the data: not available
    assert (result.current, result.previous, result.change) == (6, 3, 1.0)
    table = result.table()
    assert table.columns == [MONTH, "2023", "2024", "Change 2023 to 2024"]
    assert table.filter(table[MONTH] == "January")["Change 2023 to 2024"].item() == 0.5


def test_partial_year_shows_later_months_as_not_available_and_compares_same_days(con, internal):
    # Data run to the end of March 2024. 2023 to 31 Mar: 3 (1 Apr does not count).
    insert(
        con,
        "worcs",
        [
            date(2023, 1, 5),
            date(2023, 3, 9),
            date(2023, 3, 31),
            date(2023, 4, 1),
            date(2024, 1, 5),
            date(2024, 2, 5),
            date(2024, 3, 10),
        ],
    )
    result = involvements.monthly(con, "worcs", 2024)
    now = column(result, "2024")
    assert (now["March"], now["April"], now[TOTAL]) == (1, None, 3)
    assert result.partial and result.data_through == date(2024, 3, 31)
    assert (result.current, result.previous) == (3, 3)
    assert "Change 2023 to 2024" not in result.table().columns  # a whole-year change would mislead
    assert involvements_view.headline(result).data == (
        "Worcestershire SENDIASS recorded 3 new involvements in 2024 up to 31 Mar 2024, "
        "about the same as in 2023 over the same days (3)."
    )


def test_previous_year_is_counted_to_the_same_calendar_day_across_a_leap_day(con):
    # Data end 29 Feb 2024 -> compare with 2023 up to 28 Feb.
    insert(
        con,
        "worcs",
        [date(2023, 1, 2), date(2023, 2, 28), date(2023, 3, 1), date(2024, 1, 2), date(2024, 2, 29)],
    )
    result = involvements.monthly(con, "worcs", 2024)
    assert (result.current, result.previous) == (2, 2)


def test_first_year_of_data_has_no_change(con, internal):
    insert(con, "herefs", [date(2022, 1, 3), date(2022, 12, 30)])
    result = involvements.monthly(con, "herefs", 2022)
    assert result.change is None and result.previous is None
    assert result.table().columns == [MONTH, "2022"]
    assert involvements_view.headline(result).data == (
        "Herefordshire SENDIASS recorded 2 new involvements in 2022. "
        "No data is loaded for 2021, so there is no change to show."
    )


def test_custom_reporting_year_counts_from_24_february(con):
    insert(
        con,
        "bucks",
        [
            date(2021, 2, 23),
            date(2021, 2, 24),
            date(2021, 3, 23),
            date(2021, 3, 24),
            date(2022, 2, 23),
            date(2022, 2, 24),
        ],
    )
    result = involvements.monthly(con, "bucks", 2021, years=1)
    counts = column(result, "2021/22")
    assert counts["24 Feb - 23 Mar"] == 2
    assert counts["24 Mar - 23 Apr"] == 1
    assert counts["24 Jan - 23 Feb"] == 1
    assert counts[TOTAL] == 4
    assert years_with_data(con, "bucks") == [2020, 2021, 2022]


def test_other_services_are_not_counted(con):
    insert(con, "worcs", [date(2024, 1, 5)])
    insert(con, "herefs", [date(2024, 1, 5), date(2024, 1, 6)])
    assert involvements.monthly(con, "worcs", 2024).current == 1


def test_unknown_service_is_refused(con):
    with pytest.raises(config.UnknownServiceError, match="valid: bucks, herefs, worcs"):
        involvements.monthly(con, "nowhere", 2024)


@pytest.mark.parametrize(
    ("change", "title"),
    [
        (0.243, "New involvements rose 24% in 2024"),
        (-0.325, "New involvements fell 33% in 2024"),
    ],
)
def test_chart_title_states_the_finding(con, change, title):
    before, now = 999, round(1000 * (1 + change)) - 1
    days = [date(2023, 1, 3)] * before + [date(2023, 12, 29)] + [date(2024, 1, 3)] * now
    days += [date(2024, 12, 30)]
    insert(con, "worcs", days)
    assert involvements_view.chart_title(involvements.monthly(con, "worcs", 2024)) == title


def test_months_hidden_in_an_earlier_year_leave_the_chart_axis_in_calendar_order(con):
    # 2023: 2 in Jan and 2 in Feb (each [c]), 6 in each later month; 2024: 6 in every month.
    days = [date(2023, m, 1 + d) for m in (1, 2) for d in range(2)]
    days += [
        date(y, m, 1 + d) for y in (2023, 2024) for m in range(1 if y == 2024 else 3, 13) for d in range(6)
    ]
    insert(con, "worcs", days)
    result = involvements.monthly(con, "worcs", 2024)
    assert {"January", "February"} <= set(result.protected().hidden)  # the earlier year's small months
    svg = involvements_view.figure(result).data
    ticks = [svg.index(f">{month}</text>") for month in ("Jan", "Feb", "Mar", "Dec")]
    assert ticks == sorted(ticks)


def test_a_month_with_none_the_year_before_shows_no_change_as_not_applicable(con, internal):
    # 2023: 6 in January and December, none in February; 2024: 6 in each of those months (a whole
    # year, so it has a change column). February's change cannot be a percentage.
    days = [date(y, m, 1 + d) for y in (2023, 2024) for m in (1, 12) for d in range(6)]
    days += [date(2024, 2, 1 + d) for d in range(6)]
    insert(con, "worcs", days)
    html = involvements_view.table(involvements.monthly(con, "worcs", 2024)).data
    february = html[html.index('<th scope="row">February</th>') :].split("</tr>")[0]
    assert february.endswith("<td>[z]</td>")
    assert "[z] no percentage change from a month with none the year before." in html
    assert "[x]" not in february
