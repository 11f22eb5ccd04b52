"""Small numbers are suppressed before display, and a total can never give one back."""

import polars as pl

from sendiass_lib import config, disclosure, tables
from sendiass_lib.disclosure import Rule


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
        config, "service", lambda slug: config.Service(**{**service.__dict__, "disclosure": "off"})
    )
    facts = publish._page_facts("worcs", 2024, [])
    html = publish.render_index([], facts)
    assert "Internal: not for publication." in html


def test_a_total_row_is_kept_unless_it_alone_would_give_the_small_cell_back():
    frame = pl.DataFrame({"Course": ["x", "y", "Total"], "Attended": [3, 20, 23]})
    _, hidden = disclosure.protect(frame, ["Attended"], Rule())
    assert hidden == {"x": ["Attended"], "y": ["Attended"]}  # the total stays: 23 - [c] - [c]
    single = pl.DataFrame({"Course": ["x", "Total"], "Attended": [3, 3]})
    _, hidden = disclosure.protect(single, ["Attended"], Rule())
    assert hidden == {"Total": ["Attended"], "x": ["Attended"]}
